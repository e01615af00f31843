import { describe, expect, it } from 'vitest';
import { redact, StoreError, wrapError } from './errors.js';

describe('store errors', () => {
  it('wrap keeps the cause and names the URI and key', () => {
    const cause = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const err = wrapError(cause, 'write', 'file:///data', 'a/b');
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).toBe('write file:///data/a/b: EACCES: permission denied');
    expect(err.cause).toBe(cause);
    expect(err).toMatchObject({ uri: 'file:///data', key: 'a/b', code: 'Io' });
  });

  it('includes the SDK error name and HTTP status', () => {
    const sdk = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(wrapError(sdk, 'read', 's3://b/p', 'k').message).toBe('read s3://b/p/k: AccessDenied: Access Denied (HTTP 403)');
  });

  it('does not wrap twice', () => {
    const once = wrapError(new Error('x'), 'read', 's3://b', 'k');
    expect(wrapError(once, 'again', 's3://b', 'k')).toBe(once);
  });

  it('redacts query strings, signatures and access key ids', () => {
    const msg = redact(
      'GET https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4&X-Amz-Credential=AKIAABCDEFGHIJKLMNOP%2F&X-Amz-Signature=deadbeef failed; key AKIAABCDEFGHIJKLMNOP; X-Amz-Security-Token=tok',
    );
    expect(msg).not.toMatch(/deadbeef|AKIAABCDEFGHIJKLMNOP|tok\b/);
    expect(msg).toContain('https://b.s3.amazonaws.com/k?<redacted>');
    expect(new StoreError('see https://x/y?Signature=abc', { uri: 's3://b' }).message).toBe('see https://x/y?<redacted>');
  });
});
