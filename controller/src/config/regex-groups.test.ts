import { describe, expect, it } from 'vitest';
import { countCaptureGroups } from './regex-groups.js';

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
