import { describe, expect, it } from 'vitest';
import { InvalidKeyError } from './errors.js';
import { checkKey, checkPrefix, compareKeys, joinKey } from './keys.js';

const uri = 'file:///srv/quiver-store';

describe('checkKey', () => {
  it('accepts plain relative POSIX keys', () => {
    for (const k of ['a', 'a/b/c.parquet', 'datasets/x/parsed/0123abcd/_SUCCESS', '.hidden/x', 'a..b', 'é/ü']) expect(checkKey(uri, k)).toBe(k);
  });

  it.each([
    ['', /empty key/],
    ['/abs', /absolute/],
    ['../x', /path traversal/],
    ['a/../../x', /path traversal/],
    ['a/./b', /'\.' segments/],
    ['a//b', /empty path segment/],
    ['a/', /empty path segment/],
    ['a\\b', /backslashes/],
    ['a\u0000b', /control characters/],
    ['x/.quiver-tmp-1', /reserved/],
    ['k'.repeat(1025), /longer than 1024/],
  ])('rejects %j', (key, why) => {
    expect(() => checkKey(uri, key)).toThrow(InvalidKeyError);
    expect(() => checkKey(uri, key)).toThrow(why);
  });

  it('names the store URI in the error', () => {
    expect(() => checkKey(uri, '../x')).toThrow(/file:\/\/\/srv\/quiver-store/);
  });
});

describe('checkPrefix', () => {
  it('strips one trailing slash and accepts the empty root', () => {
    expect(checkPrefix(uri, '')).toBe('');
    expect(checkPrefix(uri, 'a/b/')).toBe('a/b');
    expect(checkPrefix(uri, 'a/b')).toBe('a/b');
  });
  it('rejects "/", traversal and doubled slashes', () => {
    for (const p of ['/', '../', 'a//', '/a']) expect(() => checkPrefix(uri, p)).toThrow(InvalidKeyError);
  });
});

describe('joinKey and compareKeys', () => {
  it('joins under the root and under a folder', () => {
    expect(joinKey('', 'x')).toBe('x');
    expect(joinKey('a/b', 'x')).toBe('a/b/x');
  });
  it('orders by UTF-8 bytes like S3 (astral characters after U+FFFF-range BMP ones)', () => {
    const keys = ['\u{1F600}', '\uFF5E', 'a'];
    expect([...keys].sort(compareKeys)).toEqual(['a', '\uFF5E', '\u{1F600}']);
    expect([...keys].sort()).not.toEqual(['a', '\uFF5E', '\u{1F600}']); // JS order differs: why compareKeys exists
  });
});
