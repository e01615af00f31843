import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandIO } from '../command.js';
import { main } from '../main.js';
import { keyIdOf, loadPrivateKey, loadPublicKey } from '../../release/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quiver-keys-cmd-'));
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

describe('quiver keys generate', () => {
  it('writes release.key (0600, PKCS8) and release.pub (SPKI) that belong together', async () => {
    const io = bufferIO(dir);
    expect(await main(['keys', 'generate', '--out', 'keys'], io)).toBe(0);
    const priv = join(dir, 'keys', 'release.key');
    const pub = join(dir, 'keys', 'release.pub');
    expect((await stat(priv)).mode & 0o777).toBe(0o600);
    expect(await readFile(priv, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(await readFile(pub, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const keyId = keyIdOf(await loadPublicKey({ file: pub }));
    expect(keyIdOf(await loadPrivateKey({ file: priv }))).toBe(keyId);
    expect(io.out()).toContain(`Key id: ${keyId}`);
    expect(io.out()).toContain(priv);
    expect(io.err()).toBe('');
  });

  it('prints JSON for scripts', async () => {
    const io = bufferIO(dir);
    expect(await main(['keys', 'generate', '--out', dir, '--output', 'json'], io)).toBe(0);
    const r = JSON.parse(io.out()) as { keyId: string; privateKey: string; publicKey: string; algorithm: string };
    expect(r).toEqual({ keyId: expect.stringMatching(/^[0-9a-f]{16}$/), algorithm: 'ed25519', privateKey: join(dir, 'release.key'), publicKey: join(dir, 'release.pub') });
  });

  it('refuses to overwrite without --force (exit 3), and replaces with it', async () => {
    expect(await main(['keys', 'generate'], bufferIO(dir))).toBe(0);
    const before = await readFile(join(dir, 'release.key'), 'utf8');
    const io = bufferIO(dir);
    expect(await main(['keys', 'generate'], io)).toBe(3);
    expect(io.err()).toMatch(/release\.key already exists; pass --force/);
    expect(await readFile(join(dir, 'release.key'), 'utf8')).toBe(before);

    expect(await main(['keys', 'generate', '--force'], bufferIO(dir))).toBe(0);
    expect(await readFile(join(dir, 'release.key'), 'utf8')).not.toBe(before);
    expect((await stat(join(dir, 'release.key'))).mode & 0o777).toBe(0o600);
  });

  it('leaves no half pair when only release.pub is in the way', async () => {
    await writeFile(join(dir, 'release.pub'), 'someone else’s');
    expect(await main(['keys', 'generate'], bufferIO(dir))).toBe(3);
    await expect(stat(join(dir, 'release.key'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(join(dir, 'release.pub'), 'utf8')).toBe('someone else’s');
  });

  it.each([
    [['keys'], /missing subcommand/],
    [['keys', 'rotate'], /unknown subcommand 'rotate'/],
    [['keys', 'generate', 'extra'], /unexpected argument 'extra'/],
    [['keys', 'generate', '--output', 'yaml'], /--output must be text or json/],
    [['keys', 'generate', '--bogus'], /Unknown option '--bogus'/],
  ])('usage errors exit 2: %j', async (argv, why) => {
    const io = bufferIO(dir);
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toMatch(why);
  });

  it('has full --help', async () => {
    const io = bufferIO(dir);
    expect(await main(['keys', '--help'], io)).toBe(0);
    for (const s of ['Usage: quiver keys generate', 'release.key', 'release.pub', '--out DIR', '--force', '--output FORMAT', 'Exit codes']) expect(io.out()).toContain(s);
  });
});
