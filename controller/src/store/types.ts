import type { Readable } from 'node:stream';

/** What a store knows about one object. Keys are relative to the store's root. */
export interface ObjectInfo {
  key: string;
  size: number;
  /**
   * Changes whenever the object is rewritten. On S3 the server's ETag (quotes
   * removed); on file:// a cheap size/mtime tag, not a content hash: use
   * fingerprint() where content identity matters.
   */
  etag: string;
  lastModified?: Date;
}

export interface PutOptions {
  /** '*' = create only: throws PreconditionFailedError if the key exists. */
  ifNoneMatch?: '*';
  contentType?: string;
}

/** One file of a published output folder: from disk (localPath) or memory (body). */
export interface PublishFile {
  name: string;
  localPath?: string;
  body?: Buffer | string;
}

export interface PublishOptions {
  /**
   * A complete output is normally left alone (PreconditionFailedError): stage
   * keys address content, so a second publish is a race or a bug. With
   * overwrite, _SUCCESS is removed first so readers never see a mix.
   */
  overwrite?: boolean;
}

/** One object store root, file:// or s3:// (DESIGN §5). */
export interface ObjectStore {
  /** Normalized root URI, e.g. file:///srv/store or s3://bucket/prefix (no trailing slash). */
  readonly uri: string;
  stat(key: string): Promise<ObjectInfo | undefined>;
  getBytes(key: string): Promise<Buffer | undefined>;
  getStream(key: string): Promise<Readable | undefined>;
  put(key: string, body: Buffer | string | Readable, opts?: PutOptions): Promise<ObjectInfo>;
  /** Streams the file; S3 uses a multipart upload above the part size. */
  putFile(localPath: string, key: string): Promise<ObjectInfo>;
  /** Temp file beside localPath, fsync, rename: a failed download leaves nothing at localPath. */
  downloadFile(key: string, localPath: string): Promise<ObjectInfo>;
  /** Every object under the folder `prefix` ('' = all), recursive, sorted by key (UTF-8 byte order). */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<void>;
  /** file: 'sha256:<hex>' of the content; s3: 'etag:<etag>:size:<n>'. undefined if missing. */
  fingerprint(key: string): Promise<string | undefined>;
  /** Atomic publication of an output folder: data files, then manifest.json, then _SUCCESS. */
  publish(prefix: string, files: PublishFile[], manifest: object, opts?: PublishOptions): Promise<void>;
  /** _SUCCESS is present. */
  isComplete(prefix: string): Promise<boolean>;
  /** The parsed manifest.json, only when the folder is complete. */
  readManifest(prefix: string): Promise<unknown | undefined>;
}

/**
 * Where the S3 API is. Credentials are deliberately absent: they always come
 * from the AWS SDK default provider chain (env, shared config, web identity, IMDS).
 */
export interface S3Settings {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** Multipart part size in bytes (default 16 MiB; S3's minimum is 5 MiB). */
  partSize?: number;
  /** Keys per ListObjectsV2 / DeleteObjects page (default 1000, the S3 maximum). */
  pageSize?: number;
}

export interface OpenStoreOptions {
  s3?: S3Settings;
  /** Base for relative file paths (default: process.cwd()). */
  cwd?: string;
  /** Where AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / AWS_REGION are read (default: process.env). */
  env?: Record<string, string | undefined>;
}

export const MANIFEST_NAME = 'manifest.json';
export const SUCCESS_NAME = '_SUCCESS';
