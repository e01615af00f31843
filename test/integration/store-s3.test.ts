/**
 * The s3:// backend against a real S3-compatible server: the shared
 * ObjectStore suite, plus what only S3 has (pagination past 1000 keys,
 * multipart ETags and aborts, a download cut mid-body, the env fallbacks).
 */
import { createServer, request, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, ObjectNotFoundError, S3Store, StoreError, type ObjectStore, type S3Settings } from '../../controller/src/store/index.js';
import { runStoreSuite } from '../../controller/src/store/store.case.js';
import { useTestBucket } from '../helpers/s3.js';

// A fresh bucket on the test bed's S3 server (SeaweedFS) for this file.
const { bucket, s3Config, client } = useTestBucket();
beforeAll(() => {
  // Quiver takes credentials only from the SDK's default chain, as in production.
  const c = s3Config();
  process.env['AWS_ACCESS_KEY_ID'] = c.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = c.secretAccessKey;
});

const PART = 5 * 1024 * 1024; // S3's minimum part size, so multipart kicks in early

function settings(extra: S3Settings = {}): S3Settings {
  const c = s3Config();
  return { endpoint: c.endpoint, region: c.region, forcePathStyle: true, partSize: PART, ...extra };
}

let storeCount = 0;
/** Each store gets its own root prefix in the file's bucket: tests never see each other. */
function freshStore(extra: S3Settings = {}): ObjectStore {
  return openStore(`s3://${bucket()}/t${++storeCount}-${randomBytes(3).toString('hex')}`, { s3: settings(extra), env: {} });
}

describe('s3:// store', () => {
  runStoreSuite('s3://', {
    makeStore: async () => freshStore({ pageSize: 7 }),
    fingerprintPattern: /^etag:[0-9a-f]{32}(-\d+)?:size:\d+$/,
    largeFileBytes: 2 * PART + 4321,
    listCount: 40,
  });

  describe('S3 specifics', () => {
    let scratch: string;
    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'quiver-s3-'));
    });
    afterAll(async () => {
      await rm(scratch, { recursive: true, force: true });
    });

    it('normalizes the URI and keeps keys under its prefix', async () => {
      const store = openStore(`s3://${bucket()}/deep/base/`, { s3: settings(), env: {} });
      expect(store.uri).toBe(`s3://${bucket()}/deep/base`);
      await store.put('a/b.txt', 'x');
      const raw = await client().send(new ListObjectsV2Command({ Bucket: bucket(), Prefix: 'deep/base/' }));
      expect(raw.Contents?.map((o) => o.Key)).toEqual(['deep/base/a/b.txt']);
      const listed: string[] = [];
      for await (const o of store.list('')) listed.push(o.key);
      expect(listed).toEqual(['a/b.txt']);
    });

    it('lists and deletes more than 1000 keys with the default page size', { timeout: 300_000 }, async () => {
      const store = freshStore();
      const keys = Array.from({ length: 1003 }, (_, i) => `k/${String(i).padStart(4, '0')}`);
      for (let i = 0; i < keys.length; i += 25) await Promise.all(keys.slice(i, i + 25).map((k) => store.put(k, '')));
      const listed: string[] = [];
      for await (const o of store.list('k')) listed.push(o.key);
      expect(listed).toEqual(keys);
      await store.deletePrefix('k');
      let left = 0;
      for await (const _ of store.list('k')) left++;
      expect(left).toBe(0);
    });

    it('uploads a large file in parts (multipart ETag) and round-trips it', { timeout: 120_000 }, async () => {
      const store = freshStore();
      const data = randomBytes(2 * PART + 17);
      const src = join(scratch, 'three-parts.bin');
      await import('node:fs/promises').then((fs) => fs.writeFile(src, data));
      const info = await store.putFile(src, 'big.bin');
      expect(info.etag).toMatch(/-3$/);
      expect(info.size).toBe(data.length);
      expect(await store.fingerprint('big.bin')).toBe(`etag:${info.etag}:size:${data.length}`);
      expect((await store.getBytes('big.bin'))?.equals(data)).toBe(true);
    });

    it('aborts the multipart upload when the source fails, leaving no object and no parts', { timeout: 120_000 }, async () => {
      const store = freshStore();
      async function* failingAfterTwoParts(): AsyncGenerator<Buffer> {
        yield randomBytes(PART);
        yield randomBytes(PART);
        yield randomBytes(1000);
        throw new Error('source died');
      }
      await expect(store.put('broken.bin', Readable.from(failingAfterTwoParts()))).rejects.toThrow(/source died/);
      expect(await store.stat('broken.bin')).toBeUndefined();
      const uploads = await client().send(new ListMultipartUploadsCommand({ Bucket: bucket() }));
      expect((uploads.Uploads ?? []).filter((u) => u.Key?.endsWith('broken.bin'))).toEqual([]);
    });

    it('a download cut off mid-body leaves nothing at the destination', { timeout: 120_000 }, async () => {
      const real = s3Config().endpoint;
      const cutter = await startCuttingProxy(real, 64 * 1024);
      try {
        const writer = freshStore();
        const reader = openStore(writer.uri, { s3: settings({ endpoint: cutter.endpoint }), env: {} });
        await writer.put('cut/blob.bin', randomBytes(3 * 1024 * 1024));
        const dst = join(scratch, 'cut-download.bin');
        const err = await reader.downloadFile('cut/blob.bin', dst).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreError);
        expect((err as Error).message).toMatch(/aborted|ECONNRESET|short write|premature/i);
        await expect(readFile(dst)).rejects.toMatchObject({ code: 'ENOENT' });
        expect((await readdir(scratch)).filter((n) => n.startsWith('.quiver-tmp-'))).toEqual([]);
      } finally {
        await cutter.close();
      }
    });

    it('takes the endpoint and region from AWS_ENDPOINT_URL_S3 / AWS_REGION, credentials from the default chain', async () => {
      const store = openStore(`s3://${bucket()}/from-env`, { env: { AWS_ENDPOINT_URL_S3: s3Config().endpoint, AWS_REGION: 'us-east-1' } });
      await store.put('x', 'via env');
      expect((await store.getBytes('x'))?.toString()).toBe('via env');
      (store as S3Store).destroy();
    });

    it('errors name the URI and key, keep the cause, and never show the secret', async () => {
      const real = process.env['AWS_SECRET_ACCESS_KEY'];
      const wrong = 'wrong-secret-never-print-me';
      process.env['AWS_SECRET_ACCESS_KEY'] = wrong; // read by the default chain when the new client first signs
      try {
        const store = freshStore();
        const err = await store.put('some/key', 'x').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreError);
        const msg = (err as Error).message;
        expect(msg).toContain(`${store.uri}/some/key`);
        expect(msg).toMatch(/HTTP 403/);
        expect(msg).not.toContain(wrong);
        expect(msg).not.toContain(String(real));
        expect((err as Error).cause).toBeDefined();
        await expect(store.downloadFile('k', join(scratch, 'never'))).rejects.toBeInstanceOf(StoreError);
        await expect(readFile(join(scratch, 'never'))).rejects.toMatchObject({ code: 'ENOENT' });
      } finally {
        process.env['AWS_SECRET_ACCESS_KEY'] = real;
      }
    });

    it('a missing object is ObjectNotFoundError for downloadFile', async () => {
      const store = freshStore();
      await expect(store.downloadFile('missing', join(scratch, 'missing'))).rejects.toBeInstanceOf(ObjectNotFoundError);
    });
  });
});

/**
 * An HTTP proxy that forwards to the S3 server unchanged (Host included, so
 * SigV4 still verifies) but cuts every GET response body after `cutAfter`
 * bytes by destroying the socket: a network failure mid-download.
 */
async function startCuttingProxy(target: string, cutAfter: number): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const fwd = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (req.method !== 'GET') {
          up.pipe(res);
          return;
        }
        let sent = 0;
        up.on('data', (chunk: Buffer) => {
          if (sent >= cutAfter) return;
          const room = cutAfter - sent;
          res.write(chunk.subarray(0, room));
          sent += Math.min(room, chunk.length);
          if (sent >= cutAfter) {
            up.destroy();
            res.socket?.destroy();
          }
        });
        up.on('end', () => res.end());
      },
    );
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
