import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './suggest.js';
import { SourceText } from './source-text.js';
import { renderGithub } from './render.js';

describe('suggest', () => {
  it('computes edit distance', () => {
    expect(editDistance('data_type', 'data_tpye')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });
  it('suggests only close names', () => {
    expect(closest('dsiplay_name', ['name', 'display_name', 'data_type'])).toBe('display_name');
    expect(closest('zzzz', ['name', 'display_name'])).toBeUndefined();
  });
});

describe('SourceText', () => {
  it('maps offsets to 1-based line and column across LF and CRLF', () => {
    const s = new SourceText('a.txt', 'ab\ncd\r\nef');
    expect(s.position(0)).toEqual({ line: 1, column: 1 });
    expect(s.position(3)).toEqual({ line: 2, column: 1 });
    expect(s.position(7)).toEqual({ line: 3, column: 1 });
    expect(s.position(8)).toEqual({ line: 3, column: 2 });
  });
});

describe('renderGithub', () => {
  it('escapes properties and data', () => {
    const out = renderGithub([{ file: 'a,b.yaml', line: 2, column: 3, severity: 'error', code: 'QV1', message: '50% bad\nthing' }]);
    expect(out).toBe('::error file=a%2Cb.yaml,line=2,col=3,title=QV1::50%25 bad%0Athing\n');
  });
});
