import { describe, expect, it } from 'vitest';
import { checkRegex } from './regex-subset.js';
import { PRIVATE_IP_PATTERN } from './entries/security.js';

const normal = (p: string): string => {
  const r = checkRegex(p);
  if (!r.ok) throw new Error(`${p}: ${r.message}`);
  return r.pattern;
};
const refused = (p: string): string => {
  const r = checkRegex(p);
  if (r.ok) throw new Error(`${p} was accepted as ${r.pattern}`);
  return r.message;
};

describe('regex subset', () => {
  it('keeps what both engines read alike', () => {
    expect(normal('^[0-9a-fA-F.:]+ port (\\d{1,5})')).toBe('^[0-9a-fA-F.:]+ port (\\d{1,5})');
    expect(normal('(?i)failed|invalid')).toBe('(?i)failed|invalid');
    expect(normal('a*?b+?c??')).toBe('a*?b+?c??');
    expect(normal('\\p{Lu}\\PL[\\p{Nd}_]')).toBe('\\p{Lu}\\P{L}[\\p{Nd}_]');
    expect(normal('\\bword\\b\\Aa\\z')).toBe('\\bword\\b\\Aa\\z');
  });

  it('normalises the constructs whose meaning differs', () => {
    expect(normal('a.c')).toBe('a[^\\n\\r\\x{85}\\x{2028}\\x{2029}]c');
    expect(normal('(?s)a.c')).toBe('(?s)a.c');
    expect(normal('end$')).toBe('end\\z');
    expect(normal('\\s+\\S')).toBe('[\\t\\n\\x{0B}\\f\\r ]+[^\\t\\n\\x{0B}\\f\\r ]');
    expect(normal('[\\s,]')).toBe('[\\t\\n\\x{0B}\\f\\r ,]');
    expect(normal('\\u00e9\\x41\\x{1F600}\\e\\a')).toBe('\\x{E9}\\x{41}\\x{1F600}\\x{1B}\\x{7}');
    expect(normal('[a-]}]')).toBe('[a\\-]\\}\\]');
  });

  it('counts groups and knows what can match empty', () => {
    expect(checkRegex('(a)(?:b)(c(d))')).toMatchObject({ ok: true, groups: 3, nullable: false });
    expect(checkRegex('a*|b')).toMatchObject({ ok: true, nullable: true });
    expect(checkRegex('|')).toMatchObject({ ok: true, nullable: true });
    expect(checkRegex('\\.')).toMatchObject({ ok: true, nullable: false });
  });

  it('refuses what one engine lacks or reads differently', () => {
    expect(refused('(\\w)\\1')).toContain('backreferences');
    expect(refused('a(?=b)')).toContain('lookahead');
    expect(refused('(?<!a)b')).toContain('lookbehind');
    expect(refused('(?<year>\\d{4})')).toContain('named groups');
    expect(refused('(?P<y>a)')).toContain('named groups');
    expect(refused('(?>a)')).toContain('atomic');
    expect(refused('a++')).toContain('possessive');
    expect(refused('\\Qa.b\\E')).toContain('\\Q');
    expect(refused('(?m)^a')).toContain("inline flag 'm'");
    expect(refused('(?x)a b')).toContain("inline flag 'x'");
    expect(refused('a(?i)b')).toContain('inline flags');
    expect(refused('[[:alpha:]]')).toContain('POSIX');
    expect(refused('[a-z[^x]]')).toContain("'[' inside a class");
    expect(refused('[a&&b]')).toContain('intersection');
    expect(refused('\\h')).toContain('horizontal');
    expect(refused('\\v')).toContain('vertical');
    expect(refused('\\R')).toContain('line break');
    expect(refused('\\0101')).toContain('octal');
    expect(refused('\\y')).toContain('not a regular-expression escape');
    expect(refused('a{1001}')).toContain('1000');
    expect(refused('a{,3}')).toContain('{0,3}');
    expect(refused('a{x')).toContain("'{'");
    expect(refused('*a')).toContain('nothing to repeat');
    expect(refused('a**')).toContain('quantifier cannot follow');
    expect(refused('^*')).toContain('anchors');
    expect(refused('(a+)+')).toContain('exponential');
    expect(refused('(?:a*b*)*')).toContain('exponential');
    expect(refused('(?i)é')).toContain('non-ASCII');
    expect(refused('(a')).toContain("missing ')'");
    expect(refused('a)')).toContain("unmatched ')'");
    expect(refused('[abc')).toContain("missing ']'");
    expect(refused('[]a]')).toContain("']' first");
    expect(refused('[z-a]')).toContain('invalid range');
    expect(checkRegex('\\p{Alpha}')).toMatchObject({ ok: false, hint: expect.stringContaining('general categories') });
  });

  it('allows bounded repetition around unbounded parts', () => {
    expect(normal('(\\d+\\.){3}\\d+')).toBe('(\\d+\\.){3}\\d+');
    expect(refused('(a{1,1000}){1000}')).toContain('too large');
  });

  it('reports where the problem is', () => {
    expect(checkRegex('abc(?=x)')).toMatchObject({ ok: false, start: 3, end: 7 });
    expect(checkRegex('ab\\1')).toMatchObject({ ok: false, start: 2, end: 4 });
  });

  it("accepts is_private_ip's own pattern unchanged", () => {
    expect(normal(PRIVATE_IP_PATTERN)).toBe(PRIVATE_IP_PATTERN);
  });
});
