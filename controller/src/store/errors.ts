/**
 * Store errors name the store URI and key and keep the SDK / fs error as
 * `cause`. Messages pass through redact(), so no query string (a presigned
 * URL's signature) or credential-looking text reaches a log or a condition.
 */

export type StoreErrorCode = 'Io' | 'NotFound' | 'PreconditionFailed' | 'InvalidKey' | 'InvalidUri' | 'Corrupt';

export class StoreError extends Error {
  override readonly name: string = 'StoreError';
  readonly code: StoreErrorCode;
  readonly uri: string;
  readonly key: string | undefined;

  constructor(message: string, opts: { uri: string; key?: string; code?: StoreErrorCode; cause?: unknown }) {
    super(redact(message), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = opts.code ?? 'Io';
    this.uri = opts.uri;
    this.key = opts.key;
  }
}

/** A create-only put (ifNoneMatch '*') found the key already there. */
export class PreconditionFailedError extends StoreError {
  override readonly name = 'PreconditionFailedError';
  constructor(uri: string, key: string, cause?: unknown) {
    super(`${where(uri, key)} already exists (create-only write refused)`, { uri, key, code: 'PreconditionFailed', cause });
  }
}

export class ObjectNotFoundError extends StoreError {
  override readonly name = 'ObjectNotFoundError';
  constructor(uri: string, key: string, cause?: unknown) {
    super(`${where(uri, key)} does not exist`, { uri, key, code: 'NotFound', cause });
  }
}

/** A key that could escape the root or is not a plain relative POSIX path. */
export class InvalidKeyError extends StoreError {
  override readonly name = 'InvalidKeyError';
  constructor(uri: string, key: string, reason: string) {
    super(`invalid key ${JSON.stringify(key)} for ${uri}: ${reason}`, { uri, key, code: 'InvalidKey' });
  }
}

export function where(uri: string, key?: string): string {
  return key === undefined || key === '' ? uri : `${uri}/${key}`;
}

/** Wraps any fs or SDK error once; StoreErrors pass through unchanged. */
export function wrapError(err: unknown, op: string, uri: string, key?: string): StoreError {
  if (err instanceof StoreError) return err;
  return new StoreError(`${op} ${where(uri, key)}: ${describe(err)}`, { uri, ...(key === undefined ? {} : { key }), cause: err });
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const label = err.name && err.name !== 'Error' ? err.name : typeof code === 'string' ? code : '';
  // fs messages already start with their code ("ENOENT: no such file..."): don't say it twice.
  let text = label && !err.message.startsWith(label) ? `${label}: ${err.message}` : err.message || label || 'unknown error';
  if (status !== undefined) text += ` (HTTP ${status})`;
  return text;
}

const URL_QUERY = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#"']*)\?[^\s"']*/gi;
const SECRET_PAIRS = /\b(X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|AWSAccessKeyId|Signature|aws_secret_access_key|aws_session_token)=([^\s&"']+)/gi;
const ACCESS_KEY_ID = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g;

export function redact(message: string): string {
  return message
    .replace(URL_QUERY, '$1?<redacted>')
    .replace(SECRET_PAIRS, '$1=<redacted>')
    .replace(ACCESS_KEY_ID, '<redacted-access-key-id>');
}
