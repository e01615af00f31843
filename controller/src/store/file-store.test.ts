import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { FileStore } from './file-store.js';
import { openStore } from './open-store.js';
import { runStoreSuite } from './store.case.js';

const roots: string[] = [];
async function freshRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'quiver-file-store-'));
  roots.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

runStoreSuite('file://', {
  makeStore: async () => openStore(pathToFileURL(await freshRoot()).href),
  fingerprintPattern: /^sha256:[0-9a-f]{64}$/,
  largeFileBytes: 20 * 1024 * 1024 + 123,
  listCount: 120,
});

describe('FileStore specifics', () => {
  it('opens file:///abs, a plain absolute path and a path relative to cwd alike', async () => {
    const root = await freshRoot();
    expect(openStore(pathToFileURL(root).href).uri).toBe(pathToFileURL(root).href);
    expect(openStore(root).uri).toBe(pathToFileURL(root).href);
    expect(openStore('store/here', { cwd: root }).uri).toBe(pathToFileURL(join(root, 'store/here')).href);
    expect(openStore(pathToFileURL(root).href + '/').uri).toBe(pathToFileURL(root).href);
  });

  it('rejects unsupported schemes and file URIs with a host', () => {
    expect(() => openStore('gs://bucket/x')).toThrow(/unsupported store URI scheme 'gs:\/\/'/);
    expect(() => openStore('file://otherhost/x')).toThrow(StoreError);
  });

  it('stores keys as nested directories under the root', async () => {
    const root = await freshRoot();
    const store = openStore(root);
    await store.put('datasets/d/parsed/k/part-0', 'x');
    expect(await readFile(join(root, 'datasets', 'd', 'parsed', 'k', 'part-0'), 'utf8')).toBe('x');
  });

  it('a put whose body fails half way leaves the old object and no temp file', async () => {
    const root = await freshRoot();
    const store = openStore(root);
    await store.put('obj', 'old');
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('new partial ');
      throw new Error('source broke');
    }
    await expect(store.put('obj', Readable.from(failing()))).rejects.toThrow(/source broke/);
    expect(await readFile(join(root, 'obj'), 'utf8')).toBe('old');
    expect(await readdir(root)).toEqual(['obj']);
  });

  it('list skips temp files and symbolic links (never leaves the root)', async () => {
    const root = await freshRoot();
    const outside = await freshRoot();
    await writeFile(join(outside, 'secret'), 'outside');
    const store = openStore(root);
    await store.put('a/x', 'x');
    await writeFile(join(root, 'a', '.quiver-tmp-x-123'), 'half');
    await symlink(outside, join(root, 'a', 'link'));
    const keys: string[] = [];
    for await (const o of store.list('')) keys.push(o.key);
    expect(keys).toEqual(['a/x']);
  });

  it('delete and deletePrefix prune empty folders but never the root', async () => {
    const root = await freshRoot();
    const store = openStore(root);
    await store.put('x/y/z/1', '1');
    await store.put('x/keep', 'k');
    await store.delete('x/y/z/1');
    expect(await readdir(join(root, 'x'))).toEqual(['keep']);
    await store.put('p/q/r/2', '2');
    await store.deletePrefix('p/q');
    expect((await readdir(root)).sort()).toEqual(['x']);
    await store.deletePrefix('');
    expect(await readdir(root)).toEqual([]);
    expect((await stat(root)).isDirectory()).toBe(true);
  });

  it('the etag follows rewrites even at the same size', async () => {
    const root = await freshRoot();
    const store = new FileStore(root);
    const a = await store.put('e', 'aaaa');
    await new Promise((r) => setTimeout(r, 5));
    const b = await store.put('e', 'bbbb');
    expect(b.etag).not.toBe(a.etag);
  });

  it('create-only put works when the parent folder does not exist yet', async () => {
    const root = await freshRoot();
    const store = openStore(root);
    await mkdir(join(root, 'unrelated'));
    await store.put('deep/new/dir/marker', '', { ifNoneMatch: '*' });
    expect((await store.stat('deep/new/dir/marker'))?.size).toBe(0);
  });
});
