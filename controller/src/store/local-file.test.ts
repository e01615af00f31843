import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLocalStream, sha256File, writeFileAtomic } from './local-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quiver-local-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates parent folders and writes Buffers, strings and streams', async () => {
    await writeFileAtomic(join(dir, 'a/b/c.txt'), 'text');
    expect(await readFile(join(dir, 'a/b/c.txt'), 'utf8')).toBe('text');
    const r = await writeFileAtomic(join(dir, 's.bin'), Readable.from([Buffer.from('ab'), Buffer.from('cd')]));
    expect(r.size).toBe(4);
  });

  it('a stream that fails half way leaves nothing new, the old file intact and no temp file', async () => {
    const target = join(dir, 'model.onnx');
    await writeFile(target, 'installed v1');
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(100_000, 1);
      throw new Error('connection reset');
    }
    await expect(writeFileAtomic(target, Readable.from(broken()))).rejects.toThrow(/connection reset/);
    expect(await readFile(target, 'utf8')).toBe('installed v1');
    await expect(writeFileAtomic(join(dir, 'fresh.bin'), Readable.from(broken()))).rejects.toThrow(/connection reset/);
    expect(await readdir(dir)).toEqual(['model.onnx']);
  });

  it('a short body (fewer bytes than expected) fails and leaves nothing', async () => {
    await expect(writeFileAtomic(join(dir, 'short'), Readable.from([Buffer.from('abc')]), { expectedSize: 10 })).rejects.toThrow(/short write/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('exclusive creates only', async () => {
    await writeFileAtomic(join(dir, 'once'), '1', { exclusive: true });
    await expect(writeFileAtomic(join(dir, 'once'), '2', { exclusive: true })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(join(dir, 'once'), 'utf8')).toBe('1');
    expect(await readdir(dir)).toEqual(['once']);
  });

  it('applies the mode', async () => {
    await writeFileAtomic(join(dir, 'secret'), 'k', { mode: 0o600 });
    expect((await stat(join(dir, 'secret'))).mode & 0o777).toBe(0o600);
  });
});

describe('openLocalStream and sha256File', () => {
  it('rejects a missing file at once', async () => {
    await expect(openLocalStream(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
  it('hashes content', async () => {
    await writeFile(join(dir, 'x'), 'abc');
    expect(await sha256File(join(dir, 'x'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
