import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type GetObjectCommandOutput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { ObjectNotFoundError, PreconditionFailedError, StoreError, wrapError } from './errors.js';
import { checkKey, checkPrefix } from './keys.js';
import { openLocalStream, writeFileAtomic } from './local-file.js';
import { isFolderComplete, publishFolder, readFolderManifest } from './publish.js';
import { DEFAULT_PART_SIZE, MIN_PART_SIZE, putSingle, unquote, uploadStream, type UploadTarget } from './s3-upload.js';
import type { ObjectInfo, ObjectStore, PublishFile, PublishOptions, PutOptions, S3Settings } from './types.js';

const MAX_PAGE = 1000;

/** Client settings resolved from S3Settings, then the standard AWS env vars. Never credentials. */
export function s3ClientConfig(settings: S3Settings = {}, env: Record<string, string | undefined> = process.env): S3ClientConfig {
  const endpoint = settings.endpoint ?? nonEmpty(env['AWS_ENDPOINT_URL_S3']) ?? nonEmpty(env['AWS_ENDPOINT_URL']);
  // A custom endpoint (SeaweedFS, Ceph, MinIO...) usually has no real region; S3's own default is fine there.
  const region = settings.region ?? nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']) ?? (endpoint ? 'us-east-1' : undefined);
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    // Most S3-compatible servers need path-style addressing; AWS itself prefers virtual hosts.
    forcePathStyle: settings.forcePathStyle ?? endpoint !== undefined,
    // Checksums only where the API requires them: S3-compatible servers differ in
    // their support for the newer flexible checksums and aws-chunked uploads.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/**
 * s3:// backend. Objects live under `s3://bucket/prefix/`; keys are relative
 * to that prefix. Credentials come from the SDK's default provider chain only.
 */
export class S3Store implements ObjectStore {
  readonly uri: string;
  private readonly root: string;
  private readonly partSize: number;
  private readonly pageSize: number;

  constructor(
    readonly bucket: string,
    rootPrefix: string,
    private readonly client: S3Client,
    settings: S3Settings = {},
  ) {
    this.root = rootPrefix === '' ? '' : `${rootPrefix}/`;
    this.uri = `s3://${bucket}${rootPrefix === '' ? '' : `/${rootPrefix}`}`;
    this.partSize = Math.max(settings.partSize ?? DEFAULT_PART_SIZE, MIN_PART_SIZE);
    this.pageSize = Math.min(Math.max(settings.pageSize ?? MAX_PAGE, 1), MAX_PAGE);
  }

  /** Releases the client's sockets. */
  destroy(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    return this.root + checkKey(this.uri, key);
  }

  private target(key: string, opts: PutOptions = {}): UploadTarget {
    return {
      client: this.client,
      bucket: this.bucket,
      key: this.objectKey(key),
      partSize: this.partSize,
      ...(opts.contentType ? { contentType: opts.contentType } : {}),
      ...(opts.ifNoneMatch ? { ifNoneMatch: opts.ifNoneMatch } : {}),
    };
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    const Key = this.objectKey(key);
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return { key, size: r.ContentLength ?? 0, etag: unquote(r.ETag), ...(r.LastModified ? { lastModified: r.LastModified } : {}) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw wrapError(err, 'stat', this.uri, key);
    }
  }

  private async getObject(key: string): Promise<GetObjectCommandOutput | undefined> {
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw wrapError(err, 'read', this.uri, key);
    }
  }

  async getBytes(key: string): Promise<Buffer | undefined> {
    const r = await this.getObject(key);
    if (!r) return undefined;
    try {
      return Buffer.from(await bodyOf(r).transformToByteArray());
    } catch (err) {
      throw wrapError(err, 'read', this.uri, key);
    }
  }

  async getStream(key: string): Promise<Readable | undefined> {
    const r = await this.getObject(key);
    if (!r) return undefined;
    const body = bodyOf(r);
    if (body instanceof Readable) return body;
    throw new StoreError(`read ${this.uri}/${key}: the SDK returned a non-Node stream`, { uri: this.uri, key });
  }

  async put(key: string, body: Buffer | string | Readable, opts: PutOptions = {}): Promise<ObjectInfo> {
    const t = this.target(key, opts);
    try {
      const r =
        typeof body === 'string' || Buffer.isBuffer(body)
          ? await putSingle(t, typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
          : await uploadStream(t, body);
      return { key, size: r.size, etag: r.etag };
    } catch (err) {
      if (opts.ifNoneMatch === '*' && isPreconditionFailed(err)) throw new PreconditionFailedError(this.uri, key, err);
      throw wrapError(err, 'write', this.uri, key);
    }
  }

  async putFile(localPath: string, key: string): Promise<ObjectInfo> {
    const t = this.target(key);
    try {
      const r = await uploadStream(t, await openLocalStream(localPath));
      return { key, size: r.size, etag: r.etag };
    } catch (err) {
      throw wrapError(err, `upload ${localPath} to`, this.uri, key);
    }
  }

  async downloadFile(key: string, localPath: string): Promise<ObjectInfo> {
    const r = await this.getObject(key);
    if (!r) throw new ObjectNotFoundError(this.uri, key);
    const body = bodyOf(r);
    const size = r.ContentLength;
    try {
      if (!(body instanceof Readable)) throw new Error('the SDK returned a non-Node stream');
      // The length check catches a connection that closes early without an error.
      await writeFileAtomic(localPath, body, size === undefined ? {} : { expectedSize: size });
    } catch (err) {
      if (body instanceof Readable) body.destroy();
      throw wrapError(err, `download to ${localPath} from`, this.uri, key);
    }
    return { key, size: size ?? 0, etag: unquote(r.ETag), ...(r.LastModified ? { lastModified: r.LastModified } : {}) };
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const folder = checkPrefix(this.uri, prefix);
    const Prefix = this.root + (folder === '' ? '' : `${folder}/`);
    let ContinuationToken: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix, MaxKeys: this.pageSize, ContinuationToken }));
      } catch (err) {
        throw wrapError(err, 'list', this.uri, folder);
      }
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/')) continue; // folder markers made by consoles are not objects
        yield { key: o.Key.slice(this.root.length), size: o.Size ?? 0, etag: unquote(o.ETag), ...(o.LastModified ? { lastModified: o.LastModified } : {}) };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw wrapError(err, 'delete', this.uri, key);
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    const folder = checkPrefix(this.uri, prefix);
    let batch: string[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const Objects = batch.map((k) => ({ Key: this.root + k }));
      batch = [];
      let r;
      try {
        r = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects, Quiet: true } }));
      } catch (err) {
        throw wrapError(err, 'delete prefix', this.uri, folder);
      }
      const failed = r.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new StoreError(
          `delete prefix ${this.uri}/${folder}: ${failed.length} object(s) not deleted, first ${first?.Key ?? '?'}: ${first?.Code ?? ''} ${first?.Message ?? ''}`.trim(),
          { uri: this.uri, key: folder },
        );
      }
    };
    for await (const o of this.list(folder)) {
      batch.push(o.key);
      if (batch.length >= this.pageSize) await flush();
    }
    await flush();
  }

  async fingerprint(key: string): Promise<string | undefined> {
    const info = await this.stat(key);
    return info ? `etag:${info.etag}:size:${info.size}` : undefined;
  }

  publish(prefix: string, files: PublishFile[], manifest: object, opts?: PublishOptions): Promise<void> {
    return publishFolder(this, prefix, files, manifest, opts);
  }

  isComplete(prefix: string): Promise<boolean> {
    return isFolderComplete(this, prefix);
  }

  readManifest(prefix: string): Promise<unknown | undefined> {
    return readFolderManifest(this, prefix);
  }
}

function bodyOf(r: GetObjectCommandOutput): NonNullable<GetObjectCommandOutput['Body']> {
  if (!r.Body) throw new Error('GetObject returned no body');
  return r.Body;
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function nameOf(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

/** A missing object; a missing bucket is a real error, not an absent key. */
function isNotFound(err: unknown): boolean {
  const name = nameOf(err);
  if (name === 'NoSuchBucket') return false;
  return name === 'NotFound' || name === 'NoSuchKey' || statusOf(err) === 404;
}

function isPreconditionFailed(err: unknown): boolean {
  const name = nameOf(err);
  // 409 ConditionalRequestConflict: another conditional write to the key is in progress.
  return name === 'PreconditionFailed' || statusOf(err) === 412 || name === 'ConditionalRequestConflict';
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
