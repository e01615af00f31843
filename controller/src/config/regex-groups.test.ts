import { describe, expect, it } from 'vitest';
import { countCaptureGroups, hasLazyQuantifier, keepCaptureGroups } from './regex-groups.js';

describe('countCaptureGroups', () => {
  it.each([
    ['^(a)(b)$', 2],
    ['(?s)^([A-Z]+) (\\S+)(?:x)(?P<n>y)(?<m>z)', 4],
    ['[(](x)[^)]', 1],
    ['[]()](a)', 1],
    ['\\((a)\\)', 1],
    ['(?<=a)(b)', 1],
  ])('%s has %i groups', (p, n) => {
    expect(countCaptureGroups(p)).toEqual({ count: n });
  });
  it('reports unbalanced input', () => {
    expect(countCaptureGroups('(a').error).toBe("1 '(' never closed");
    expect(countCaptureGroups('a)').error).toBe("the ')' at offset 1 has no matching '('");
    expect(countCaptureGroups('[ab').error).toBe("the '[' at offset 0 is never closed");
    expect(countCaptureGroups('ab\\').error).toBe('it ends with a lone backslash');
  });
});

describe('keepCaptureGroups', () => {
  it.each([
    ['^(a)(b)(c)$', [2], '^(?:a)(b)(?:c)$'],
    ['^(a)(b)(c)$', [1, 3], '^(a)(?:b)(c)$'],
    ['^(a)(b)(c)$', [], '^(?:a)(?:b)(?:c)$'],
    ['(?s)^(x(y))(?:z)(?P<n>w)(?<m>v)$', [2, 4], '(?s)^(?:x(y))(?:z)(?:w)(?<m>v)$'],
    ['[(](x)\\((y)\\)[^)(]', [2], '[(](?:x)\\((y)\\)[^)(]'],
  ])('%s keeping %j is %s', (p, keep, want) => {
    expect(keepCaptureGroups(p, keep)).toBe(want);
    expect(countCaptureGroups(want).count).toBe(keep.length);
  });
  it('refuses an invalid pattern', () => {
    expect(() => keepCaptureGroups('(a', [1])).toThrow(/never closed/);
  });
});

describe('hasLazyQuantifier', () => {
  it.each([
    ['(?s)^([A-Z]+) (\\S+)\\n(.*?)(?:\\n\\n(.*))?$', true],
    ['a+?b', true],
    ['a??', true],
    ['x{2,5}?', true],
    ['(?U)a*', true],
    ['(?sU:a*)b', true],
    ['^([A-Z][a-z]{2} +[0-9]{1,2}) (\\S+)(?:\\[([0-9]+)\\])?: (.*)$', false],
    ['(?:a)?(?P<n>b)?', false],
    ['(?i-U)a*', false],
    ['[*?]a\\*?', false],
    ['\\??', false],
    ['a{x}?', false],
  ])('%s: %s', (p, lazy) => {
    expect(hasLazyQuantifier(p)).toBe(lazy);
  });
});
