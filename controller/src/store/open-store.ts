import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { StoreError } from './errors.js';
import { FileStore } from './file-store.js';
import { s3ClientConfig, S3Store } from './s3-store.js';
import type { ObjectStore, OpenStoreOptions } from './types.js';

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/**
 * Opens a store root: `s3://bucket[/prefix]`, `file:///abs/path`, or a plain
 * path (relative to opts.cwd). Nothing is contacted until the first call.
 */
export function openStore(uri: string, opts: OpenStoreOptions = {}): ObjectStore {
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) return new FileStore(resolve(opts.cwd ?? process.cwd(), uri));
  if (scheme === 'file') return new FileStore(filePath(uri));
  if (scheme === 's3') {
    const { bucket, prefix } = parseS3Uri(uri);
    const settings = opts.s3 ?? {};
    return new S3Store(bucket, prefix, new S3Client(s3ClientConfig(settings, opts.env ?? process.env)), settings);
  }
  throw new StoreError(`unsupported store URI scheme '${scheme}://' in ${uri} (use file:// or s3://)`, { uri, code: 'InvalidUri' });
}

function filePath(uri: string): string {
  try {
    return fileURLToPath(uri);
  } catch (err) {
    throw new StoreError(`invalid file URI ${uri}: ${(err as Error).message} (use file:///absolute/path or a plain path)`, { uri, code: 'InvalidUri', cause: err });
  }
}

/** s3://bucket/a/b/ → { bucket, prefix: 'a/b' }; the prefix must be a valid key. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/?#]+)(?:\/([^?#]*))?$/i.exec(uri);
  const bucket = m?.[1];
  if (!m || !bucket) throw new StoreError(`invalid S3 URI ${uri} (expected s3://bucket[/prefix])`, { uri, code: 'InvalidUri' });
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new StoreError(`invalid S3 bucket name '${bucket}' in ${uri}`, { uri, code: 'InvalidUri' });
  }
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  if (prefix !== '' && prefix.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new StoreError(`invalid S3 prefix in ${uri}: empty, '.' or '..' segments`, { uri, code: 'InvalidUri' });
  }
  return { bucket, prefix };
}
