import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract as tarExtract, pack as tarPack } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandIO } from '../command.js';
import { main } from '../main.js';
import {
  generateKeyPair,
  loadPrivateKey,
  signDigest,
  writeBundle,
  writeSignatureFile,
  type BundleManifest,
} from '../../release/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quiver-bundle-cmd-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function bufferIO(cwd: string): CommandIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd,
    env: {},
    out: () => out,
    err: () => err,
  };
}

const manifest = (extra: Partial<BundleManifest> = {}): BundleManifest => ({
  apiVersion: 'quiver.dev/v1alpha1',
  kind: 'ModelBundle',
  model: 'ssh-bruteforce',
  version: 7,
  createdAt: '2025-01-02T03:04:05Z',
  threshold: 0.81,
  inputSchema: { fields: ['src_ip'] },
  outputSchema: { fields: ['score'] },
  metrics: { rocAuc: 0.96 },
  lineage: { configCommit: 'c0ffee', stageKeys: { 'train(ssh-bruteforce)': 'abc', 'parse(ssh)': 'def' }, trainerVersion: '0.1.0', compilerVersion: '0.2.0' },
  ...extra,
});

const files = { 'model.onnx': Buffer.from('onnx model bytes'), 'plan/duckdb.sql': 'SELECT 1' };

/** A signed bundle, its key pair, and a second, unrelated key pair. */
async function signedBundle(): Promise<{ bundle: string; sig: string; pub: string; otherPub: string; otherKey: string; key: string }> {
  const kp = generateKeyPair();
  const other = generateKeyPair();
  const key = join(dir, 'release.key');
  const pub = join(dir, 'release.pub');
  const otherKey = join(dir, 'other.key');
  const otherPub = join(dir, 'other.pub');
  await writeFile(key, kp.privateKeyPem);
  await writeFile(pub, kp.publicKeyPem);
  await writeFile(otherKey, other.privateKeyPem);
  await writeFile(otherPub, other.publicKeyPem);
  const bundle = join(dir, 'bundle.tar.gz');
  const w = await writeBundle(bundle, files, manifest());
  await writeSignatureFile(bundle + '.sig', signDigest(w.sha256, await loadPrivateKey({ file: key })));
  return { bundle, sig: bundle + '.sig', pub, otherPub, otherKey, key };
}

async function tarEntries(archive: Buffer): Promise<Map<string, Buffer>> {
  const ex = tarExtract();
  ex.end(gunzipSync(archive));
  const out = new Map<string, Buffer>();
  for await (const e of ex) {
    const chunks: Buffer[] = [];
    for await (const c of e) chunks.push(Buffer.from(c as Uint8Array));
    out.set(e.header.name, Buffer.concat(chunks));
  }
  return out;
}

async function tarGz(entries: Array<[string, Buffer]>): Promise<Buffer> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of p) chunks.push(Buffer.from(c as Uint8Array));
  })();
  for (const [name, body] of entries) await new Promise<void>((res, rej) => p.entry({ name, mode: 0o644 }, body, (e) => (e ? rej(e) : res())));
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

async function resign(bundle: string, keyFile: string): Promise<void> {
  const { createHash } = await import('node:crypto');
  const digest = createHash('sha256').update(await readFile(bundle)).digest('hex');
  await writeSignatureFile(bundle + '.sig', signDigest(digest, await loadPrivateKey({ file: keyFile })));
}

describe('quiver bundle verify', () => {
  it('accepts a good bundle (exit 0), text and json', async () => {
    const b = await signedBundle();
    const io = bufferIO(dir);
    expect(await main(['bundle', 'verify', 'bundle.tar.gz', '--public-key', 'release.pub'], io)).toBe(0);
    expect(io.out()).toContain(`${b.bundle}: VALID`);
    expect(io.out()).toMatch(/model\s+ssh-bruteforce version 7/);
    expect(io.out()).toMatch(/files\s+2 verified/);

    const j = bufferIO(dir);
    expect(await main(['bundle', 'verify', b.bundle, '--public-key', b.pub, '--output', 'json'], j)).toBe(0);
    expect(JSON.parse(j.out())).toMatchObject({ valid: true, bundle: b.bundle, model: 'ssh-bruteforce', version: 7, files: 2, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
  });

  it('rejects an archive with one flipped byte (exit 1)', async () => {
    const b = await signedBundle();
    const bytes = await readFile(b.bundle);
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = (bytes[mid] ?? 0) ^ 0x01;
    await writeFile(b.bundle, bytes);
    const io = bufferIO(dir);
    expect(await main(['bundle', 'verify', b.bundle, '--public-key', b.pub], io)).toBe(1);
    expect(io.err()).toMatch(/is INVALID: the bundle's digest is sha256:\w+ but the signature is for sha256:\w+/);
    expect(io.out()).toBe('');
  });

  it('rejects a bundle whose bundle.json was swapped for another bundle\'s, even when re-signed by the right key', async () => {
    const b = await signedBundle();
    const other = join(dir, 'other.tar.gz');
    await writeBundle(other, { ...files, 'model.onnx': Buffer.from('a different model') }, manifest({ version: 8 }));
    // Bundle A's files with bundle B's bundle.json: B's manifest now vouches for A's model bytes.
    const a = await tarEntries(await readFile(b.bundle));
    const bEntries = await tarEntries(await readFile(other));
    await writeFile(b.bundle, await tarGz([['bundle.json', bEntries.get('bundle.json') as Buffer], ...[...a].filter(([n]) => n !== 'bundle.json')]));

    const io = bufferIO(dir);
    expect(await main(['bundle', 'verify', b.bundle, '--public-key', b.pub], io)).toBe(1);
    expect(io.err()).toMatch(/digest is .* but the signature is for/);

    // Re-signed with the real key (a buggy writer, say): the content checks still refuse it.
    await resign(b.bundle, b.key);
    const io2 = bufferIO(dir);
    expect(await main(['bundle', 'verify', b.bundle, '--public-key', b.pub], io2)).toBe(1);
    expect(io2.err()).toMatch(/signature valid, but the content is not: model\.onnx is 16 bytes, bundle\.json says 17/);
  });

  it('rejects a validly signed bundle whose file does not match bundle.json', async () => {
    const b = await signedBundle();
    const tar = gunzipSync(await readFile(b.bundle));
    const at = tar.indexOf(Buffer.from('onnx model bytes'));
    expect(at).toBeGreaterThan(0);
    tar.write('ONNX', at, 'latin1'); // same size, different bytes (tar checksums cover headers only)
    await writeFile(b.bundle, gzipSync(tar));
    await resign(b.bundle, b.key);
    const io = bufferIO(dir);
    expect(await main(['bundle', 'verify', b.bundle, '--public-key', b.pub, '--output', 'json'], io)).toBe(1);
    const r = JSON.parse(io.out()) as { valid: boolean; reason: string };
    expect(r.valid).toBe(false);
    expect(r.reason).toMatch(/model\.onnx has sha256 \w+, bundle\.json says \w+ \(altered file\)/);
  });

  it('rejects a signature made with another key', async () => {
    const b = await signedBundle();
    await resign(b.bundle, b.otherKey);
    const io = bufferIO(dir);
    expect(await main(['bundle', 'verify', b.bundle, '--public-key', b.pub], io)).toBe(1);
    expect(io.err()).toMatch(/signed by key [0-9a-f]{16}, not by the given public key [0-9a-f]{16}/);
    // ...and the same bundle verifies with the key that did sign it.
    expect(await main(['bundle', 'verify', b.bundle, '--public-key', b.otherPub], bufferIO(dir))).toBe(0);
  });

  it('rejects a malformed signature file (exit 1) and reads --signature from elsewhere', async () => {
    const b = await signedBundle();
    const moved = join(dir, 'elsewhere.sig');
    await writeFile(moved, await readFile(b.sig));
    await writeFile(b.sig, '{"algorithm":"rsa"}');
    const io = bufferIO(dir);
    expect(await main(['bundle', 'verify', b.bundle, '--public-key', b.pub], io)).toBe(1);
    expect(io.err()).toMatch(/malformed signature file: .*algorithm must be "ed25519"/);
    expect(await main(['bundle', 'verify', b.bundle, '--public-key', b.pub, '--signature', moved], bufferIO(dir))).toBe(0);
  });

  it('exit 3 for files that cannot be read', async () => {
    const b = await signedBundle();
    const noBundle = bufferIO(dir);
    expect(await main(['bundle', 'verify', 'absent.tar.gz', '--public-key', b.pub], noBundle)).toBe(3);
    expect(noBundle.err()).toMatch(/cannot read the bundle .*absent\.tar\.gz: ENOENT/);
    const noKey = bufferIO(dir);
    expect(await main(['bundle', 'verify', b.bundle, '--public-key', 'absent.pub'], noKey)).toBe(3);
    expect(noKey.err()).toMatch(/cannot read the public key/);
    await rm(b.sig);
    const noSig = bufferIO(dir);
    expect(await main(['bundle', 'verify', b.bundle, '--public-key', b.pub], noSig)).toBe(3);
    expect(noSig.err()).toMatch(/cannot read the signature .*bundle\.tar\.gz\.sig \(pass --signature FILE/);
  });

  it.each([
    [['bundle'], /missing subcommand/],
    [['bundle', 'sign', 'x'], /unknown subcommand 'sign'/],
    [['bundle', 'verify'], /missing the bundle FILE/],
    [['bundle', 'verify', 'x.tar.gz'], /needs --public-key FILE/],
    [['bundle', 'verify', 'x.tar.gz', 'y', '--public-key', 'k'], /unexpected argument 'y'/],
    [['bundle', 'inspect', 'x.tar.gz', '--public-key', 'k'], /--public-key belongs to 'bundle verify'/],
    [['bundle', 'inspect', 'x.tar.gz', '--output', 'xml'], /--output must be text or json/],
  ])('usage errors exit 2: %j', async (argv, why) => {
    const io = bufferIO(dir);
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toMatch(why);
  });

  it('a private key passed as --public-key is a usage error that says so', async () => {
    const b = await signedBundle();
    const io = bufferIO(dir);
    expect(await main(['bundle', 'verify', b.bundle, '--public-key', b.key], io)).toBe(2);
    expect(io.err()).toMatch(/holds a private key/);
  });
});

describe('quiver bundle inspect', () => {
  it('prints the manifest as text and as json', async () => {
    const b = await signedBundle();
    const io = bufferIO(dir);
    expect(await main(['bundle', 'inspect', b.bundle], io)).toBe(0);
    const out = io.out();
    expect(out).toMatch(/Model\s+ssh-bruteforce version 7/);
    expect(out).toMatch(/Threshold\s+0\.81/);
    expect(out).toMatch(/config commit\s+c0ffee/);
    expect(out).toMatch(/parse\(ssh\)\s+def/);
    expect(out).toMatch(/model\.onnx\s+16 B\s+sha256:[0-9a-f]{64}/);
    expect(out).toMatch(/Signature\s+.*bundle\.tar\.gz\.sig: key [0-9a-f]{16}, digest matches \(not verified/);

    const j = bufferIO(dir);
    expect(await main(['bundle', 'inspect', b.bundle, '-o', 'json'], j)).toBe(0);
    const r = JSON.parse(j.out()) as { manifest: BundleManifest; bundle: { digest: string; size: number }; signature: { verified: boolean } };
    expect(r.manifest).toMatchObject(manifest());
    expect(Object.keys(r.manifest.files ?? {})).toEqual(['model.onnx', 'plan/duckdb.sql']);
    expect(r.signature.verified).toBe(false);
  });

  it('exit 1 with the reason for a broken bundle, 3 for a missing one', async () => {
    await writeFile(join(dir, 'junk.tar.gz'), 'not an archive');
    const io = bufferIO(dir);
    expect(await main(['bundle', 'inspect', 'junk.tar.gz'], io)).toBe(1);
    expect(io.err()).toMatch(/is not a valid bundle: not a gzip archive/);
    expect(await main(['bundle', 'inspect', 'absent.tar.gz'], bufferIO(dir))).toBe(3);
  });

  it('has full --help', async () => {
    const io = bufferIO(dir);
    expect(await main(['bundle', '--help'], io)).toBe(0);
    for (const s of ['quiver bundle verify FILE --public-key FILE', 'quiver bundle inspect FILE', '--signature FILE', 'FILE.sig', 'Exit codes: 0 valid, 1 invalid']) {
      expect(io.out()).toContain(s);
    }
  });
});
