import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { pack as tarPack, type Header } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleInvalidError, parseBundleManifest, type BundleManifest } from './bundle-manifest.js';
import { decodeBundle, encodeBundle, readBundle, writeBundle } from './bundle.js';

function sampleManifest(extra: Partial<BundleManifest> = {}): BundleManifest {
  return {
    apiVersion: 'quiver.dev/v1alpha1',
    kind: 'ModelBundle',
    model: 'ssh-bruteforce',
    version: 3,
    createdAt: '2025-01-02T03:04:05Z',
    threshold: 0.73,
    inputSchema: { fields: [{ name: 'src_ip', type: 'STRING' }] },
    outputSchema: { fields: [{ name: 'score', type: 'DOUBLE' }] },
    metrics: { rocAuc: 0.97 },
    lineage: { configCommit: 'abc123', stageKeys: { 'train(ssh-bruteforce)': 'k1' }, trainerVersion: '0.1.0', compilerVersion: '0.1.0' },
    ...extra,
  };
}

const sampleFiles = { 'model.onnx': Buffer.from([8, 1, 18, 0, 255]), 'plan/duckdb.sql': 'SELECT 1;\n' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quiver-bundle-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Builds a tar.gz by hand, for archives writeBundle would never produce. */
async function rawArchive(entries: Array<{ header: Partial<Header> & { name: string }; body?: Buffer | string }>): Promise<Buffer> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of p) chunks.push(Buffer.from(c as Uint8Array));
  })();
  for (const e of entries) {
    await new Promise<void>((res, rej) => {
      const body = e.body === undefined ? undefined : Buffer.from(e.body);
      const header = { mode: 0o644, ...(body ? { size: body.length } : {}), ...e.header };
      if (body) p.entry(header, body, (err) => (err ? rej(err) : res()));
      else p.entry(header, (err) => (err ? rej(err) : res())); // link, device, dir: no body, the sink ends itself
    });
  }
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

function manifestFor(files: Record<string, Buffer | string>, extra: Partial<BundleManifest> = {}): string {
  const entries: Record<string, { sha256: string; size: number }> = {};
  for (const [n, b] of Object.entries(files)) {
    const buf = Buffer.from(b);
    entries[n] = { sha256: createHash('sha256').update(buf).digest('hex'), size: buf.length };
  }
  return JSON.stringify({ ...sampleManifest(extra), files: entries });
}

describe('writeBundle', () => {
  it('round-trips the manifest and files, filling in the files map', async () => {
    const out = join(dir, 'out', 'bundle.tar.gz');
    const w = await writeBundle(out, sampleFiles, sampleManifest());
    expect(w.path).toBe(out);
    const bytes = await readFile(out);
    expect(w.size).toBe(bytes.length);
    expect(w.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));

    const r = await readBundle(out);
    expect(r.manifest).toMatchObject(sampleManifest());
    expect(r.manifest.files).toEqual({
      'model.onnx': { sha256: createHash('sha256').update(sampleFiles['model.onnx']).digest('hex'), size: 5 },
      'plan/duckdb.sql': { sha256: createHash('sha256').update('SELECT 1;\n').digest('hex'), size: 10 },
    });
    expect([...r.files.keys()]).toEqual(['model.onnx', 'plan/duckdb.sql']);
    expect(r.files.get('model.onnx')).toEqual(sampleFiles['model.onnx']);
    expect(await readdir(join(dir, 'out'))).toEqual(['bundle.tar.gz']); // no temp file left
  });

  it('is deterministic: same inputs, byte-identical archive, whatever the key or file order', async () => {
    const a = await writeBundle(join(dir, 'a.tar.gz'), sampleFiles, sampleManifest());
    await new Promise((r) => setTimeout(r, 1100)); // a different second on the clock changes nothing
    const reordered = { 'plan/duckdb.sql': sampleFiles['plan/duckdb.sql'], 'model.onnx': sampleFiles['model.onnx'] };
    const m = sampleManifest();
    const shuffled = Object.fromEntries(Object.entries(m).reverse()) as unknown as BundleManifest;
    const b = await writeBundle(join(dir, 'b.tar.gz'), reordered, shuffled);
    expect(b.sha256).toBe(a.sha256);
    expect(await readFile(join(dir, 'b.tar.gz'))).toEqual(await readFile(join(dir, 'a.tar.gz')));
    const c = await writeBundle(join(dir, 'c.tar.gz'), sampleFiles, sampleManifest({ threshold: 0.74 }));
    expect(c.sha256).not.toBe(a.sha256);
  });

  it('writes plain entries: bundle.json first, then sorted, mode 0644, uid/gid 0, mtime 0, no extended headers', async () => {
    const bytes = await encodeBundle({ 'z.bin': 'z', 'a.bin': 'a', 'm/n.bin': 'n' }, sampleManifest());
    expect(bytes[9]).toBe(255); // gzip OS byte fixed
    expect(bytes.readUInt32LE(4)).toBe(0); // gzip mtime 0
    const tar = gunzipSync(bytes);
    const headers: Array<{ name: string; mode: string; uid: string; gid: string; mtime: string; type: string }> = [];
    for (let off = 0; off + 512 <= tar.length; ) {
      const block = tar.subarray(off, off + 512);
      if (block.every((b) => b === 0)) break;
      const field = (s: number, l: number): string => block.subarray(s, s + l).toString('latin1').replace(/\0.*$/s, '').trim();
      headers.push({ name: field(0, 100), mode: field(100, 8), uid: field(108, 8), gid: field(116, 8), mtime: field(136, 12), type: field(156, 1) });
      off += 512 + Math.ceil(parseInt(field(124, 12), 8) / 512) * 512;
    }
    expect(headers.map((h) => h.name)).toEqual(['bundle.json', 'a.bin', 'm/n.bin', 'z.bin']);
    for (const h of headers) {
      expect(parseInt(h.mode, 8)).toBe(0o644);
      expect(parseInt(h.uid, 8)).toBe(0);
      expect(parseInt(h.gid, 8)).toBe(0);
      expect(parseInt(h.mtime, 8)).toBe(0);
      expect(h.type).toBe('0');
    }
  });

  it('round-trips names longer than the 100-byte ustar field, still deterministically', async () => {
    const long = `plans/${'feature_set_'.repeat(12)}.sql`;
    expect(long.length).toBeGreaterThan(100);
    const a = await encodeBundle({ [long]: 'x' }, sampleManifest());
    expect(await encodeBundle({ [long]: 'x' }, sampleManifest())).toEqual(a);
    expect([...(await decodeBundle(a)).files.keys()]).toEqual([long]);
  });

  it('refuses unsafe file names, a file named bundle.json and an invalid manifest', async () => {
    for (const name of ['../x', '/abs', 'a//b', '.hidden', 'a/./b', 'sp ace']) {
      await expect(encodeBundle({ [name]: 'x' }, sampleManifest())).rejects.toBeInstanceOf(BundleInvalidError);
    }
    await expect(encodeBundle({ 'bundle.json': '{}' }, sampleManifest())).rejects.toThrow(/bundle\.json/);
    await expect(encodeBundle({}, sampleManifest({ threshold: Number.NaN }))).rejects.toThrow(/threshold/);
  });
});

describe('readBundle rejects', () => {
  async function expectInvalid(archive: Buffer, why: RegExp, maxBytes?: number): Promise<void> {
    const p = join(dir, 'x.tar.gz');
    await writeFile(p, archive);
    const err = await readBundle(p, maxBytes === undefined ? {} : { maxBytes }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleInvalidError);
    expect((err as Error).message).toMatch(why);
  }

  it('a file whose bytes were altered', async () => {
    const files = { 'model.onnx': 'original' };
    await expectInvalid(await rawArchive([{ header: { name: 'bundle.json' }, body: manifestFor(files) }, { header: { name: 'model.onnx' }, body: 'origina!' }]), /model\.onnx has sha256 .* \(altered file\)/);
  });

  it('a file of the wrong size', async () => {
    const files = { 'model.onnx': 'original' };
    await expectInvalid(await rawArchive([{ header: { name: 'bundle.json' }, body: manifestFor(files) }, { header: { name: 'model.onnx' }, body: 'longer original' }]), /is 15 bytes, bundle\.json says 8/);
  });

  it('a file not listed, and a listed file missing', async () => {
    await expectInvalid(
      await rawArchive([{ header: { name: 'bundle.json' }, body: manifestFor({}) }, { header: { name: 'extra.bin' }, body: 'x' }]),
      /extra\.bin is in the archive but not listed/,
    );
    await expectInvalid(await rawArchive([{ header: { name: 'bundle.json' }, body: manifestFor({ 'model.onnx': 'm' }) }]), /model\.onnx is listed .* but missing/);
  });

  it('no bundle.json, bad JSON, a wrong field', async () => {
    await expectInvalid(await rawArchive([{ header: { name: 'model.onnx' }, body: 'm' }]), /bundle\.json is missing/);
    await expectInvalid(await rawArchive([{ header: { name: 'bundle.json' }, body: '{nope' }]), /not valid JSON/);
    const wrongKind = JSON.stringify({ ...JSON.parse(manifestFor({})), kind: 'Other' });
    await expectInvalid(await rawArchive([{ header: { name: 'bundle.json' }, body: wrongKind }]), /bundle\.json: kind must be "ModelBundle"/);
  });

  it.each([
    ['a symlink', { name: 'model.onnx', type: 'symlink' as const, linkname: '/etc/passwd' }, /symlink entry/],
    ['a hard link', { name: 'model.onnx', type: 'link' as const, linkname: 'bundle.json' }, /link entry/],
    ['a character device', { name: 'dev', type: 'character-device' as const, devmajor: 1, devminor: 3 }, /character-device entry/],
    ['a directory', { name: 'dir', type: 'directory' as const }, /directory entry/],
    ['a fifo', { name: 'pipe', type: 'fifo' as const }, /fifo entry/],
  ])('%s', async (_what, header, why) => {
    await expectInvalid(await rawArchive([{ header: { name: 'bundle.json' }, body: manifestFor({}) }, { header }]), why);
  });

  it.each([
    ['../evil', /path traversal/],
    ['a/../../evil', /path traversal/],
    ['/etc/cron.d/evil', /absolute path/],
    ['./model.onnx', /unsafe name/],
  ])('the entry name %s', async (name, why) => {
    await expectInvalid(await rawArchive([{ header: { name: 'bundle.json' }, body: manifestFor({}) }, { header: { name }, body: 'x' }]), why);
  });

  it('a duplicated entry (the second copy could shadow the verified one)', async () => {
    const files = { 'model.onnx': 'good' };
    await expectInvalid(
      await rawArchive([
        { header: { name: 'bundle.json' }, body: manifestFor(files) },
        { header: { name: 'model.onnx' }, body: 'good' },
        { header: { name: 'model.onnx' }, body: 'evil' },
      ]),
      /appears twice/,
    );
  });

  it('a decompression bomb', async () => {
    const files = { 'zeros.bin': Buffer.alloc(8 * 1024 * 1024) };
    const archive = await rawArchive([{ header: { name: 'bundle.json' }, body: manifestFor(files) }, { header: { name: 'zeros.bin' }, body: files['zeros.bin'] }]);
    expect(archive.length).toBeLessThan(64 * 1024);
    await expectInvalid(archive, /over the 1048576-byte limit \(decompression bomb\?\)/, 1024 * 1024);
  });

  it('an archive over the limit, not gzip at all, and gzip that is not tar', async () => {
    await expectInvalid(Buffer.alloc(2048, 1), /over the 1024-byte limit/, 1024);
    await expectInvalid(Buffer.from('plain text, not an archive'), /not a gzip archive/);
    await expectInvalid(gzipSync(Buffer.alloc(1024, 7)), /not a valid tar archive|bundle\.json is missing/);
  });

  it('passes fs errors through for a missing file (I/O, not a bad bundle)', async () => {
    await expect(readBundle(join(dir, 'absent.tar.gz'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('decodeBundle checks in-memory archives the same way', async () => {
    const good = await encodeBundle(sampleFiles, sampleManifest());
    expect((await decodeBundle(good)).manifest.model).toBe('ssh-bruteforce');
    const bad = Buffer.from(good);
    bad[bad.length - 12] = (bad[bad.length - 12] ?? 0) ^ 0xff; // inside the gzip CRC/data trailer
    await expect(decodeBundle(bad)).rejects.toBeInstanceOf(BundleInvalidError);
  });
});

describe('parseBundleManifest', () => {
  it('keeps unknown fields for newer writers', () => {
    const m = parseBundleManifest({ ...sampleManifest(), plan: { duckdb: 'x' } });
    expect((m as unknown as Record<string, unknown>)['plan']).toEqual({ duckdb: 'x' });
  });
  it.each([
    [{ apiVersion: 'v2' }, /apiVersion must be "quiver\.dev\/v1alpha1"/],
    [{ model: '' }, /model must be a non-empty string/],
    [{ version: -1 }, /version must be a non-negative integer/],
    [{ createdAt: 'yesterday' }, /createdAt must be an ISO 8601 timestamp/],
    [{ metrics: undefined }, /metrics is missing/],
    [{ lineage: { stageKeys: {}, trainerVersion: '1' } }, /lineage\.compilerVersion must be a string/],
    [{ lineage: { stageKeys: { a: 1 }, trainerVersion: '1', compilerVersion: '1' } }, /lineage\.stageKeys\.a must be a string/],
    [{ files: { x: { sha256: 'ABC', size: 1 } } }, /files\.x\.sha256 must be 64 lowercase hex digits/],
  ])('names the wrong field: %j', (patch, why) => {
    expect(() => parseBundleManifest({ ...sampleManifest(), ...patch })).toThrow(why);
  });
});
