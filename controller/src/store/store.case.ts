/**
 * The behaviour every ObjectStore backend must show (hono's common.case
 * pattern). file-store.test.ts runs it on file://, and
 * test/integration/store-s3.test.ts on a real S3-compatible server.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidKeyError, ObjectNotFoundError, PreconditionFailedError } from './errors.js';
import type { ObjectInfo, ObjectStore } from './types.js';

export interface StoreSuiteOptions {
  /** A store over a fresh, empty root; called once per test. */
  makeStore: () => Promise<ObjectStore>;
  /** What fingerprint() returns for this backend. */
  fingerprintPattern: RegExp;
  /** Bytes for the large-file test: more than the backend's multipart part size. */
  largeFileBytes: number;
  /** Keys for the listing test: more than one page for backends that page. */
  listCount: number;
}

export function runStoreSuite(name: string, opts: StoreSuiteOptions): void {
  describe(`ObjectStore behaviour: ${name}`, () => {
    let store: ObjectStore;
    let scratch: string;

    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'quiver-store-case-'));
    });
    afterAll(async () => {
      await rm(scratch, { recursive: true, force: true });
    });
    beforeEach(async () => {
      store = await opts.makeStore();
    });

    describe('objects', () => {
      it('puts and gets Buffers, strings and streams, with stat and getStream', async () => {
        const a = await store.put('a/bytes.bin', Buffer.from([0, 1, 2, 255]));
        expect(a).toMatchObject({ key: 'a/bytes.bin', size: 4 });
        expect(a.etag).not.toBe('');
        await store.put('a/text.txt', 'héllo\n', { contentType: 'text/plain' });
        await store.put('a/stream.txt', Readable.from([Buffer.from('one '), Buffer.from('two')]));

        expect(await store.getBytes('a/bytes.bin')).toEqual(Buffer.from([0, 1, 2, 255]));
        expect((await store.getBytes('a/text.txt'))?.toString('utf8')).toBe('héllo\n');
        expect((await store.getBytes('a/stream.txt'))?.toString('utf8')).toBe('one two');
        const st = await store.stat('a/text.txt');
        expect(st).toMatchObject({ key: 'a/text.txt', size: Buffer.byteLength('héllo\n') });
        expect(st?.lastModified).toBeInstanceOf(Date);
        const stream = await store.getStream('a/stream.txt');
        expect(stream).toBeDefined();
        expect(await readAll(stream as Readable)).toBe('one two');
      });

      it('answers undefined for a missing object and ignores deleting one', async () => {
        expect(await store.stat('nope/x')).toBeUndefined();
        expect(await store.getBytes('nope/x')).toBeUndefined();
        expect(await store.getStream('nope/x')).toBeUndefined();
        expect(await store.fingerprint('nope/x')).toBeUndefined();
        await expect(store.delete('nope/x')).resolves.toBeUndefined();
        await expect(store.deletePrefix('nope')).resolves.toBeUndefined();
      });

      it('a folder is not an object', async () => {
        await store.put('dir/inner.txt', 'x');
        expect(await store.stat('dir')).toBeUndefined();
        expect(await store.getBytes('dir')).toBeUndefined();
      });

      it('overwrites, and the etag changes with the content', async () => {
        const first = await store.put('k.txt', 'first');
        const second = await store.put('k.txt', 'second!');
        expect((await store.getBytes('k.txt'))?.toString()).toBe('second!');
        expect(second.size).toBe(7);
        expect(second.etag).not.toBe(first.etag);
      });

      it('deletes one object', async () => {
        await store.put('d/1', '1');
        await store.put('d/2', '2');
        await store.delete('d/1');
        expect(await store.stat('d/1')).toBeUndefined();
        expect(await keys(store, 'd')).toEqual(['d/2']);
      });
    });

    describe('list', () => {
      it('lists recursively, sorted by key (S3 byte order), relative to the root', async () => {
        const names = ['m/a/b', 'm/a-b', 'm/a.b', 'm/a0', 'm/a/a/z', 'm/B', 'm/é', 'm/z'];
        for (const k of [...names].reverse()) await store.put(k, k);
        const expected = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
        expect(await keys(store, 'm')).toEqual(expected);
        expect(await keys(store, 'm/')).toEqual(expected);
        expect(await keys(store, '')).toEqual(expected);
      });

      it('treats the prefix as a folder: m/a does not list m/a-b or m/a0', async () => {
        for (const k of ['m/a/1', 'm/a/2/3', 'm/a-b', 'm/a0', 'm/ab/x']) await store.put(k, 'x');
        expect(await keys(store, 'm/a')).toEqual(['m/a/1', 'm/a/2/3']);
        expect(await keys(store, 'nothing/here')).toEqual([]);
      });

      it(`pages through many keys`, { timeout: 180_000 }, async () => {
        const all = Array.from({ length: opts.listCount }, (_, i) => `many/${String(i).padStart(5, '0')}`);
        await inBatches(all, 16, (k) => store.put(k, k).then(() => undefined));
        await store.put('many-sibling', 'x');
        const listed: ObjectInfo[] = [];
        for await (const o of store.list('many')) listed.push(o);
        expect(listed.map((o) => o.key)).toEqual(all);
        expect(listed[0]).toMatchObject({ key: 'many/00000', size: 10 });
        await store.deletePrefix('many');
        expect(await keys(store, 'many')).toEqual([]);
        expect(await store.stat('many-sibling')).toBeDefined();
      });
    });

    describe('deletePrefix', () => {
      it('removes the folder only', async () => {
        for (const k of ['p/q/1', 'p/q/r/2', 'p/q-x', 'p/qq/3', 'p/other']) await store.put(k, 'x');
        await store.deletePrefix('p/q');
        expect(await keys(store, 'p')).toEqual(['p/other', 'p/q-x', 'p/qq/3']);
      });
    });

    describe('files', () => {
      it('uploads and downloads a file larger than a multipart part, byte for byte', { timeout: 180_000 }, async () => {
        const src = join(scratch, `large-${randomBytes(4).toString('hex')}.bin`);
        const data = randomBytes(opts.largeFileBytes);
        await writeFile(src, data);
        const put = await store.putFile(src, 'big/blob.bin');
        expect(put.size).toBe(data.length);
        expect((await store.stat('big/blob.bin'))?.size).toBe(data.length);

        const dst = join(scratch, 'out', `copy-${randomBytes(4).toString('hex')}.bin`);
        const got = await store.downloadFile('big/blob.bin', dst);
        expect(got.size).toBe(data.length);
        expect(sha256(await readFile(dst))).toBe(sha256(data));
        expect(await tempFilesIn(join(scratch, 'out'))).toEqual([]);
      });

      it('a failed download leaves nothing at the destination, and keeps what was there', async () => {
        const dir = join(scratch, `dl-${randomBytes(4).toString('hex')}`);
        const fresh = join(dir, 'fresh.bin');
        await expect(store.downloadFile('missing/blob', fresh)).rejects.toBeInstanceOf(ObjectNotFoundError);
        await expect(readFile(fresh)).rejects.toMatchObject({ code: 'ENOENT' });

        const existing = join(scratch, `keep-${randomBytes(4).toString('hex')}.txt`);
        await writeFile(existing, 'installed');
        await expect(store.downloadFile('missing/blob', existing)).rejects.toBeInstanceOf(ObjectNotFoundError);
        expect(await readFile(existing, 'utf8')).toBe('installed');
        expect(await tempFilesIn(scratch)).toEqual([]);
      });

      it('a download replaces an existing file whole', async () => {
        await store.put('v/2', 'version two');
        const dst = join(scratch, `replace-${randomBytes(4).toString('hex')}.txt`);
        await writeFile(dst, 'version one, longer than two');
        await store.downloadFile('v/2', dst);
        expect(await readFile(dst, 'utf8')).toBe('version two');
      });
    });

    describe('conditional create', () => {
      it("ifNoneMatch '*' creates once and then refuses", async () => {
        await store.put('versions/0001', 'v1', { ifNoneMatch: '*' });
        const err = await store.put('versions/0001', 'v1-again', { ifNoneMatch: '*' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PreconditionFailedError);
        expect((err as Error).message).toContain(store.uri);
        expect((err as Error).message).toContain('versions/0001');
        expect((await store.getBytes('versions/0001'))?.toString()).toBe('v1');
      });

      it('of several racing creators, exactly one wins', async () => {
        const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => store.put('race/next', `writer ${i}`, { ifNoneMatch: '*' })));
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        for (const r of lost) expect(r.reason).toBeInstanceOf(PreconditionFailedError);
      });
    });

    describe('fingerprint', () => {
      it('has the backend format and changes when the content changes', async () => {
        await store.put('fp/x', 'content one');
        const one = await store.fingerprint('fp/x');
        expect(one).toMatch(opts.fingerprintPattern);
        await store.put('fp/x', 'content two');
        const two = await store.fingerprint('fp/x');
        expect(two).toMatch(opts.fingerprintPattern);
        expect(two).not.toBe(one);
        await store.put('fp/y', 'content two');
        expect(await store.fingerprint('fp/y')).toBe(two); // same bytes, same fingerprint
      });
    });

    describe('keys', () => {
      const bad = ['../escape', 'a/../../escape', '/etc/passwd', 'a//b', 'a/./b', 'a\\..\\b', 'trailing/', '', 'a/.quiver-tmp-x'];
      for (const key of bad) {
        it(`rejects ${JSON.stringify(key)}`, async () => {
          await expect(store.put(key, 'x')).rejects.toBeInstanceOf(InvalidKeyError);
          await expect(store.getBytes(key)).rejects.toBeInstanceOf(InvalidKeyError);
          await expect(store.stat(key)).rejects.toBeInstanceOf(InvalidKeyError);
          await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidKeyError);
        });
      }
      it('rejects traversal in prefixes and publish file names', async () => {
        await expect(collect(store, '../x')).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.deletePrefix('a/../..')).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.publish('out/1', [{ name: '../../evil', body: 'x' }], {})).rejects.toBeInstanceOf(InvalidKeyError);
        expect(await keys(store, '')).toEqual([]);
      });
    });

    describe('publish', () => {
      it('writes data, manifest.json and _SUCCESS; complete folders read back', async () => {
        const local = join(scratch, `part-${randomBytes(4).toString('hex')}.parquet`);
        await writeFile(local, 'PAR1 local part');
        expect(await store.isComplete('datasets/d/parsed/k1')).toBe(false);
        await store.publish(
          'datasets/d/parsed/k1',
          [
            { name: 'part-00000.parquet', localPath: local },
            { name: 'nested/part-00001.parquet', body: Buffer.from('PAR1 in memory') },
          ],
          { kind: 'parse', key: 'k1', rows: 2 },
        );
        expect(await store.isComplete('datasets/d/parsed/k1')).toBe(true);
        expect(await store.isComplete('datasets/d/parsed/k1/')).toBe(true);
        expect(await store.readManifest('datasets/d/parsed/k1')).toEqual({ kind: 'parse', key: 'k1', rows: 2 });
        expect(await keys(store, 'datasets/d/parsed/k1')).toEqual([
          'datasets/d/parsed/k1/_SUCCESS',
          'datasets/d/parsed/k1/manifest.json',
          'datasets/d/parsed/k1/nested/part-00001.parquet',
          'datasets/d/parsed/k1/part-00000.parquet',
        ]);
        expect((await store.getBytes('datasets/d/parsed/k1/part-00000.parquet'))?.toString()).toBe('PAR1 local part');
      });

      it('a reader polling during publish never sees _SUCCESS before the manifest and the data', { timeout: 120_000 }, async () => {
        const prefix = 'features/d/fs/k2';
        const files = Array.from({ length: 12 }, (_, i) => ({ name: `part-${String(i).padStart(5, '0')}.parquet`, body: randomBytes(256 * 1024) }));
        const violations: string[] = [];
        let sawIncomplete = 0;
        let done = false;
        const reader = (async () => {
          while (!done) {
            // Read in the order a consumer would: marker first, then what it promises.
            if (await store.isComplete(prefix)) {
              if ((await store.readManifest(prefix)) === undefined) violations.push('complete without manifest');
              for (const f of files) if (!(await store.stat(`${prefix}/${f.name}`))) violations.push(`complete without ${f.name}`);
            } else {
              sawIncomplete++;
            }
          }
        })();
        try {
          await store.publish(prefix, files, { parts: files.length });
        } finally {
          done = true;
          await reader;
        }
        expect(violations).toEqual([]);
        expect(sawIncomplete).toBeGreaterThan(0);
        expect(await store.isComplete(prefix)).toBe(true);
      });

      it('an interrupted publish is not complete, and the next publish clears its leftovers', async () => {
        const prefix = 'datasets/d/parsed/k3';
        const err = await store
          .publish(prefix, [{ name: 'a.parquet', body: 'written' }, { name: 'b.parquet', localPath: join(scratch, 'does-not-exist.parquet') }], { n: 2 })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Error);
        expect(await store.isComplete(prefix)).toBe(false);
        expect(await store.readManifest(prefix)).toBeUndefined();
        expect(await store.stat(`${prefix}/manifest.json`)).toBeUndefined();

        await store.publish(prefix, [{ name: 'c.parquet', body: 'retry' }], { n: 1 });
        expect(await keys(store, prefix)).toEqual([`${prefix}/_SUCCESS`, `${prefix}/c.parquet`, `${prefix}/manifest.json`]);
        expect(await store.readManifest(prefix)).toEqual({ n: 1 });
      });

      it('refuses to publish over a complete folder unless told to overwrite', async () => {
        const prefix = 'models/m/k4';
        await store.publish(prefix, [{ name: 'old.bin', body: 'old' }], { v: 1 });
        await expect(store.publish(prefix, [{ name: 'new.bin', body: 'new' }], { v: 2 })).rejects.toBeInstanceOf(PreconditionFailedError);
        expect(await store.readManifest(prefix)).toEqual({ v: 1 });
        await store.publish(prefix, [{ name: 'new.bin', body: 'new' }], { v: 2 }, { overwrite: true });
        expect(await store.readManifest(prefix)).toEqual({ v: 2 });
        expect(await keys(store, prefix)).toEqual([`${prefix}/_SUCCESS`, `${prefix}/manifest.json`, `${prefix}/new.bin`]);
      });

      it('rejects reserved or duplicate file names and the store root', async () => {
        await expect(store.publish('o/1', [{ name: 'manifest.json', body: '{}' }], {})).rejects.toThrow(/written by publish itself/);
        await expect(store.publish('o/1', [{ name: '_SUCCESS', body: '' }], {})).rejects.toThrow(/written by publish itself/);
        await expect(store.publish('o/1', [{ name: 'x', body: '1' }, { name: 'x', body: '2' }], {})).rejects.toThrow(/given twice/);
        await expect(store.publish('', [{ name: 'x', body: '1' }], {})).rejects.toThrow(/folder prefix/);
        expect(await keys(store, '')).toEqual([]);
      });
    });
  });
}

async function keys(store: ObjectStore, prefix: string): Promise<string[]> {
  return (await collect(store, prefix)).map((o) => o.key);
}

async function collect(store: ObjectStore, prefix: string): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const o of store.list(prefix)) out.push(o);
  return out;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

async function tempFilesIn(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith('.quiver-tmp-'));
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}
