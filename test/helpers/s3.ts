/**
 * The real S3-compatible server of the integration test bed (SeaweedFS's S3 gateway, SigV4).
 *
 *   useTestBucket()  call at the top level of a test file: a fresh bucket per file, created in
 *                    beforeAll and emptied/deleted in afterAll. Returns getters:
 *                      bucket()    the bucket name
 *                      s3Config()  { endpoint, region, accessKeyId, secretAccessKey, forcePathStyle: true }
 *                                  as a user would configure Quiver for MinIO/Ceph/SeaweedFS
 *                      client()    an @aws-sdk/client-s3 S3Client for it
 *   s3Config()       the same settings without a bucket (for code that makes its own buckets)
 *
 * If the server is not running: CI=true fails the tests; locally they are skipped when the
 * binary was not built (the message names `bash tools/ensure-test-tools.sh`).
 */
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { skipOrFail, testBed } from './tools.js';

export interface S3Config {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: true;
}

export function s3Config(): S3Config {
  const bed = testBed();
  if (!bed) {
    return skipOrFail('no test bed: this test must run in the `integration` vitest project (test/**), whose global setup starts the S3 server', false);
  }
  if (!bed.s3.ok) return skipOrFail(`S3 server is not running: ${bed.s3.problem}`, bed.s3.missing);
  const { endpoint, region, accessKeyId, secretAccessKey } = bed.s3.value;
  return { endpoint, region, accessKeyId, secretAccessKey, forcePathStyle: true };
}

export function s3Client(cfg: S3Config = s3Config()): S3Client {
  return new S3Client({
    endpoint: cfg.endpoint,
    region: cfg.region,
    forcePathStyle: cfg.forcePathStyle,
    credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
  });
}

export interface TestBucket {
  bucket: () => string;
  s3Config: () => S3Config;
  client: () => S3Client;
}

async function emptyBucket(client: S3Client, bucket: string): Promise<void> {
  let token: string | undefined;
  do {
    const page: ListObjectsV2CommandOutput = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

export function useTestBucket(): TestBucket {
  let cfg: S3Config | undefined;
  let client: S3Client | undefined;
  let name: string | undefined;
  let skipReason: string | undefined;

  // vitest requires the first hook argument to be a destructuring pattern.
  beforeAll(async ({}, suite) => {
    const bed = testBed();
    if (bed && !bed.s3.ok && bed.s3.missing && !bed.ci) {
      skipReason = `S3 server is not running: ${bed.s3.problem}`;
      console.warn(`[skipping ${suite.file?.name ?? 'file'}] ${skipReason}`);
      return;
    }
    cfg = s3Config();
    client = s3Client(cfg);
    const bucket = `qt-${randomBytes(6).toString('hex')}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    name = bucket;
  });

  beforeEach((ctx) => {
    if (skipReason) ctx.skip(skipReason);
  });

  afterAll(async () => {
    if (client && name) {
      try {
        await emptyBucket(client, name);
        await client.send(new DeleteBucketCommand({ Bucket: name }));
      } catch (err) {
        // Cleanup only: the server's data dir is removed with the run dir anyway.
        console.warn(`useTestBucket: could not delete ${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    client?.destroy();
  });

  const get = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`useTestBucket(): ${what}() used before beforeAll ran (call it inside tests)`);
    return v;
  };
  return {
    bucket: () => get(name, 'bucket'),
    s3Config: () => get(cfg, 's3Config'),
    client: () => get(client, 'client'),
  };
}
