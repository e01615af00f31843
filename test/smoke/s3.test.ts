// Smoke test of the S3-compatible server through @aws-sdk/client-s3 with a custom endpoint and
// forcePathStyle, as a user points Quiver at MinIO, Ceph or SeaweedFS.
import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { useTestBucket } from '../helpers/s3.js';

const b = useTestBucket();

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3ServiceException) return err.$metadata.httpStatusCode ?? -1;
    throw err;
  }
  throw new Error('expected the S3 server to refuse the request, but it succeeded');
}

const md5 = (data: Buffer | string): string => createHash('md5').update(data).digest('hex');

describe('S3 server', () => {
  it('puts, gets and lists objects', async () => {
    const s3 = b.client();
    const Bucket = b.bucket();
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'releases/m1/v1/manifest.json', Body: '{"v":1}' }));
    expect(put.ETag).toBe(`"${md5('{"v":1}')}"`);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'releases/m1/v2/manifest.json', Body: '{"v":2}' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'other/x', Body: 'x' }));

    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'releases/m1/v1/manifest.json' }));
    expect(await got.Body?.transformToString()).toBe('{"v":1}');

    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'releases/m1/', Delimiter: '/' }));
    expect((listed.CommonPrefixes ?? []).map((p) => p.Prefix).sort()).toEqual(['releases/m1/v1/', 'releases/m1/v2/']);
    const all = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'releases/' }));
    expect((all.Contents ?? []).map((o) => o.Key).sort()).toEqual([
      'releases/m1/v1/manifest.json',
      'releases/m1/v2/manifest.json',
    ]);
    expect(await status(s3.send(new HeadObjectCommand({ Bucket, Key: 'releases/none' })))).toBe(404);
  });

  it('completes a multipart upload with an md5-of-md5s ETag', async () => {
    const s3 = b.client();
    const Bucket = b.bucket();
    const Key = 'bundles/big.tar';
    const part1 = Buffer.alloc(5 * 1024 * 1024, 7); // the S3 minimum for all parts but the last
    const part2 = Buffer.from('the last part may be small');
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const e1 = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: part1 }));
    const e2 = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: part2 }));
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1.ETag }, { PartNumber: 2, ETag: e2.ETag }] },
      }),
    );
    const expected = createHash('md5')
      .update(Buffer.concat([Buffer.from(md5(part1), 'hex'), Buffer.from(md5(part2), 'hex')]))
      .digest('hex');
    expect(done.ETag).toBe(`"${expected}-2"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
    expect(head.ContentLength).toBe(part1.length + part2.length);
    const body = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToByteArray());
    expect(md5(body)).toBe(md5(Buffer.concat([part1, part2])));
  });

  it('honours conditional requests', async () => {
    const s3 = b.client();
    const Bucket = b.bucket();
    const Key = 'cond/object';
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'v1' }));
    expect(ETag).toBeDefined();

    expect(await status(s3.send(new GetObjectCommand({ Bucket, Key, IfNoneMatch: ETag })))).toBe(304);
    expect(await status(s3.send(new GetObjectCommand({ Bucket, Key, IfMatch: '"00000000000000000000000000000000"' })))).toBe(412);
    const matched = await s3.send(new GetObjectCommand({ Bucket, Key, IfMatch: ETag }));
    expect(await matched.Body?.transformToString()).toBe('v1');
    // Create-only write: what a release marker written last relies on.
    expect(await status(s3.send(new PutObjectCommand({ Bucket, Key, Body: 'v2', IfNoneMatch: '*' })))).toBe(412);
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body?.transformToString()).toBe('v1');
  });

  it('checks SigV4 signatures', async () => {
    const cfg = b.s3Config();
    const wrong = new S3Client({
      endpoint: cfg.endpoint,
      region: cfg.region,
      forcePathStyle: true,
      credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: `${cfg.secretAccessKey}x` },
    });
    try {
      expect(await status(wrong.send(new ListObjectsV2Command({ Bucket: b.bucket() })))).toBe(403);
    } finally {
      wrong.destroy();
    }
  });
});
