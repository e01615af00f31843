import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

export const DEFAULT_PART_SIZE = 16 * 1024 * 1024;
export const MIN_PART_SIZE = 5 * 1024 * 1024; // S3 rejects smaller parts (except the last)
const MAX_PARTS = 10_000;
/** Parts uploaded at once; memory use is about (this + 1) × part size. */
const PART_CONCURRENCY = 3;

export interface UploadTarget {
  client: S3Client;
  bucket: string;
  key: string;
  partSize: number;
  contentType?: string;
  ifNoneMatch?: '*';
}

export interface UploadResult {
  etag: string;
  size: number;
}

/**
 * Uploads a stream of unknown length: one PutObject if it fits in a part,
 * else a multipart upload, aborted on any failure so no orphaned parts stay
 * behind (they would be billed and never collected).
 */
export async function uploadStream(t: UploadTarget, source: AsyncIterable<Uint8Array | string>): Promise<UploadResult> {
  const parts = splitParts(source, t.partSize);
  try {
    return await uploadParts(t, parts);
  } finally {
    await parts.return(undefined); // stops (and closes) the source if we gave up early
  }
}

async function uploadParts(t: UploadTarget, parts: AsyncGenerator<Buffer, void, undefined>): Promise<UploadResult> {
  const first = await parts.next();
  if (first.done) return putSingle(t, Buffer.alloc(0));
  const second = await parts.next();
  if (second.done) return putSingle(t, first.value);

  const created = await t.client.send(new CreateMultipartUploadCommand({ Bucket: t.bucket, Key: t.key, ContentType: t.contentType }));
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error('CreateMultipartUpload returned no UploadId');
  try {
    const done: CompletedPart[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: { err: unknown } | undefined;
    let size = 0;
    let partNumber = 0;
    const start = (body: Buffer): void => {
      const n = ++partNumber;
      if (n > MAX_PARTS) throw new Error(`object needs more than ${MAX_PARTS} parts of ${t.partSize} bytes; raise the part size`);
      size += body.length;
      const p: Promise<void> = t.client
        .send(new UploadPartCommand({ Bucket: t.bucket, Key: t.key, UploadId: uploadId, PartNumber: n, Body: body, ContentLength: body.length }))
        .then((r) => {
          if (!r.ETag) throw new Error(`UploadPart ${n} returned no ETag`);
          done.push({ PartNumber: n, ETag: r.ETag });
        })
        .catch((err: unknown) => {
          failure ??= { err };
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    };
    start(first.value);
    start(second.value);
    for (;;) {
      while (inFlight.size >= PART_CONCURRENCY) await Promise.race(inFlight);
      if (failure) break;
      const next = await parts.next();
      if (next.done) break;
      start(next.value);
    }
    await Promise.all(inFlight);
    if (failure) throw failure.err;
    done.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    const completed = await t.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: t.bucket,
        Key: t.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: done },
        IfNoneMatch: t.ifNoneMatch,
      }),
    );
    return { etag: unquote(completed.ETag), size };
  } catch (err) {
    await t.client.send(new AbortMultipartUploadCommand({ Bucket: t.bucket, Key: t.key, UploadId: uploadId })).catch(() => undefined);
    throw err;
  }
}

export async function putSingle(t: UploadTarget, body: Buffer): Promise<UploadResult> {
  const r = await t.client.send(
    new PutObjectCommand({
      Bucket: t.bucket,
      Key: t.key,
      Body: body,
      ContentLength: body.length,
      ContentType: t.contentType,
      IfNoneMatch: t.ifNoneMatch,
    }),
  );
  return { etag: unquote(r.ETag), size: body.length };
}

/** Re-chunks a stream into buffers of exactly partSize bytes (the last may be shorter). */
async function* splitParts(source: AsyncIterable<Uint8Array | string>, partSize: number): AsyncGenerator<Buffer, void, undefined> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of source) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (pendingBytes + buf.length >= partSize) {
      const take = partSize - pendingBytes;
      pending.push(buf.subarray(0, take));
      yield Buffer.concat(pending, partSize);
      pending = [];
      pendingBytes = 0;
      buf = buf.subarray(take);
    }
    if (buf.length > 0) {
      // Copy: the source may reuse its chunk buffers.
      pending.push(Buffer.from(buf));
      pendingBytes += buf.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}

export function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}
