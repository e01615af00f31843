import { InvalidKeyError } from './errors.js';

/** Temp files of the file backend start with this; no key segment may, so list() can skip them. */
export const TEMP_PREFIX = '.quiver-tmp-';

const MAX_KEY_BYTES = 1024; // S3's limit; the file backend keeps to it too so both behave alike

/**
 * Keys are relative POSIX paths. Anything that could step outside the root on
 * some backend (.., absolute, backslashes, empty segments) is refused rather
 * than normalized, so the same key means the same object everywhere.
 */
export function checkKey(uri: string, key: string): string {
  const reason = keyProblem(key);
  if (reason) throw new InvalidKeyError(uri, key, reason);
  return key;
}

/** A folder prefix: '' (the root) or a key, a trailing '/' allowed. Returns it without the slash. */
export function checkPrefix(uri: string, prefix: string): string {
  if (prefix === '') return '';
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const reason = trimmed === '' ? 'the root is the empty prefix, not "/"' : keyProblem(trimmed);
  if (reason) throw new InvalidKeyError(uri, prefix, reason);
  return trimmed;
}

export function joinKey(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}

function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key === '') return 'empty key';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/')) return 'absolute keys are not allowed';
  if (key.includes('\\')) return 'backslashes are not allowed (keys are POSIX paths)';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'control characters are not allowed';
  for (const segment of key.split('/')) {
    if (segment === '') return 'empty path segment (// or a trailing /)';
    if (segment === '..') return "'..' segments are not allowed (path traversal)";
    if (segment === '.') return "'.' segments are not allowed";
    if (segment.startsWith(TEMP_PREFIX)) return `segments starting with '${TEMP_PREFIX}' are reserved for temp files`;
  }
  return undefined;
}

/** Sort order of S3 listings: UTF-8 bytes, which differs from JS string order above U+FFFF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
