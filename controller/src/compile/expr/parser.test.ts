import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { lex } from './lexer.js';
import { parse } from './parser.js';

/** The AST as a compact S-expression, to pin down precedence. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return e.type === 'STRING' ? `'${String(e.value)}'` : String(e.value);
    case 'ref':
      return e.name;
    case 'call':
      return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.star ? '*' : e.args.map(show).join(', ')})`;
    case 'unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'like':
      return `(${show(e.value)} ${e.negated ? 'NOT ' : ''}${e.op} ${show(e.pattern)})`;
    case 'in':
      return `(${show(e.value)} ${e.negated ? 'NOT ' : ''}IN ${e.list.map(show).join(', ')})`;
    case 'between':
      return `(${show(e.value)} ${e.negated ? 'NOT ' : ''}BETWEEN ${show(e.low)} ${show(e.high)})`;
    case 'is':
      return `(${show(e.value)} IS ${e.negated ? 'NOT ' : ''}${e.test})`;
    case 'case':
      return `(CASE${e.subject ? ' ' + show(e.subject) : ''}${e.whens.map((w) => ` ${show(w.when)}=>${show(w.then)}`).join('')}${e.else ? ' ELSE ' + show(e.else) : ''})`;
    case 'cast':
      return `(${e.try ? 'TRY_CAST' : 'CAST'} ${show(e.value)} ${e.target})`;
    case 'subscript':
      return `${show(e.target)}[${show(e.index)}]`;
  }
}

function ast(text: string, maxDepth?: number): Expr {
  const l = lex(text);
  expect(l.problems).toEqual([]);
  const p = parse(l.tokens, maxDepth === undefined ? {} : { maxDepth });
  expect(p.problems).toEqual([]);
  return p.ast as Expr;
}

function problemOf(text: string, maxDepth?: number): { code: string; start: number; end: number; message: string } {
  const l = lex(text);
  if (l.problems.length) return l.problems[0] as { code: string; start: number; end: number; message: string };
  const p = parse(l.tokens, maxDepth === undefined ? {} : { maxDepth });
  expect(p.ast).toBeUndefined();
  return p.problems[0] as { code: string; start: number; end: number; message: string };
}

describe('precedence (Spark SqlBaseParser order)', () => {
  const cases: Array<[string, string]> = [
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ["a || b + 1", '((a || b) + 1)'],
    ['a div 2 % 3', '((a DIV 2) % 3)'],
    ['-a * b', '((- a) * b)'],
    ['-a[0]', '(- a[0])'],
    ['a = 1 AND b = 2 OR c', '(((a = 1) AND (b = 2)) OR c)'],
    ['NOT a = b', '(NOT (a = b))'],
    ['NOT a AND b', '((NOT a) AND b)'],
    ['NOT a LIKE b', '(NOT (a LIKE b))'],
    ['a NOT LIKE b', '(a NOT LIKE b)'],
    ['a = b IS NULL', '((a = b) IS NULL)'],
    ['a + 1 BETWEEN 1 AND 2 AND c', '(((a + 1) BETWEEN 1 2) AND c)'],
    ['x BETWEEN 1 AND 2 = y', '(x BETWEEN 1 (2 = y))'],
    ['a IN (1, 2) OR b NOT IN (3)', '((a IN 1, 2) OR (b NOT IN 3))'],
    ["a RLIKE 'x' AND b REGEXP 'y'", "((a RLIKE 'x') AND (b RLIKE 'y'))"],
    ['a IS NOT TRUE', '(a IS NOT TRUE)'],
    ['a <=> b == c', '((a <=> b) = c)'],
    ['a != b', '(a <> b)'],
    ['CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END + 1', '((CASE a=>1 b=>2 ELSE 3) + 1)'],
    ["CASE x WHEN 'a' THEN 1 END", "(CASE x 'a'=>1)"],
    ['CAST(a AS BIGINT) + TRY_CAST(b AS ARRAY<STRING>)[0]', '((CAST a LONG) + (TRY_CAST b ARRAY_STRING)[0])'],
    ['count(*) + count(DISTINCT a)', '(count(*) + count(DISTINCT a))'],
    ["split(s, ',')[1]", "split(s, ',')[1]"],
    ['-2147483648', '-2147483648'],
    ['- 5', '(- 5)'],
    ['((a))', 'a'],
  ];
  for (const [text, expected] of cases) {
    it(`${text}  =>  ${expected}`, () => expect(show(ast(text))).toBe(expected));
  }
});

describe('literals', () => {
  it('types numbers as Spark does, except decimals, which are DOUBLE', () => {
    const t = (s: string): unknown => {
      const e = ast(s);
      return e.kind === 'literal' ? [e.type, e.value] : e.kind;
    };
    expect(t('1')).toEqual(['INT', 1]);
    expect(t('2147483648')).toEqual(['LONG', '2147483648']);
    expect(t('1L')).toEqual(['LONG', '1']);
    expect(t('1.5')).toEqual(['DOUBLE', 1.5]);
    expect(t('.5e1')).toEqual(['DOUBLE', 5]);
    expect(t('2D')).toEqual(['DOUBLE', 2]);
    expect(t('-2147483648')).toEqual(['INT', -2147483648]);
    expect(problemOf('9223372036854775808').code).toBe('QV4008');
    expect(problemOf('1e999').code).toBe('QV4008');
  });

  it("decodes Spark's string escapes and keeps \\% and \\_ for LIKE", () => {
    const e = ast(String.raw`'a\'b\"c\\d\n\t\%\_\u00e9'`);
    expect(e.kind === 'literal' && e.value).toBe('a\'b"c\\d\n\t\\%\\_é');
    expect(ast(`"dq"`)).toMatchObject({ kind: 'literal', type: 'STRING', value: 'dq' });
  });

  it('records where each decoded character came from', () => {
    const e = ast(String.raw`'a\nb'`);
    expect(e.kind === 'literal' && e.offsets).toEqual([1, 2, 4, 5]);
  });

  it('parses typed literals', () => {
    expect(ast("TIMESTAMP '2024-01-01 00:00:00'")).toMatchObject({ kind: 'literal', type: 'TIMESTAMP', value: '2024-01-01 00:00:00', start: 0, end: 31 });
    expect(ast("DATE '2024-01-01'")).toMatchObject({ kind: 'literal', type: 'DATE' });
  });
});

describe('positions', () => {
  it('gives every node its exact [start, end)', () => {
    const e = ast("lower(src_ip) = 'x'");
    expect(e).toMatchObject({ kind: 'binary', start: 0, end: 19, opStart: 14 });
    if (e.kind !== 'binary') throw new Error();
    expect(e.left).toMatchObject({ kind: 'call', start: 0, end: 13, nameStart: 0, nameEnd: 5 });
    expect(e.right).toMatchObject({ kind: 'literal', start: 16, end: 19 });
    if (e.left.kind !== 'call') throw new Error();
    expect(e.left.args[0]).toMatchObject({ kind: 'ref', name: 'src_ip', start: 6, end: 12 });
  });
  it('points syntax errors at the offending token', () => {
    expect(problemOf('lower(a b)')).toMatchObject({ code: 'QV4010', start: 8, end: 9 });
    expect(problemOf('a +')).toMatchObject({ code: 'QV4010', start: 3, end: 3 });
    expect(problemOf("concat('a' 'b')")).toMatchObject({ code: 'QV4016', start: 11, end: 14 });
    expect(problemOf('a IS NULL IS NULL')).toMatchObject({ code: 'QV4010', start: 10 });
    expect(problemOf('a = NOT b')).toMatchObject({ code: 'QV4010', start: 4 });
    expect(problemOf('')).toMatchObject({ code: 'QV4011' });
    expect(problemOf('count()  + x.y')).toMatchObject({ code: 'QV4016', start: 12 });
    expect(problemOf('CAST(a AS DECIMAL(10,2))')).toMatchObject({ code: 'QV4033', start: 10 });
  });
});

describe('bounded nesting', () => {
  it('stops 10,000 nested parentheses at the depth limit without recursion trouble', () => {
    const text = '('.repeat(10_000) + 'a' + ')'.repeat(10_000);
    const started = performance.now();
    const p = problemOf(text);
    expect(p.code).toBe('QV4002');
    expect(p.start).toBe(64);
    expect(performance.now() - started).toBeLessThan(500);
  });
  it('stops 10,000 nested calls and long operator chains too', () => {
    expect(problemOf('f('.repeat(10_000) + 'a' + ')'.repeat(10_000)).code).toBe('QV4002');
    expect(problemOf(Array.from({ length: 5000 }, (_, i) => `a${i}`).join(' + ')).code).toBe('QV4002');
    expect(problemOf('NOT '.repeat(5000) + 'a').code).toBe('QV4002');
    expect(problemOf('a' + '[0]'.repeat(5000)).code).toBe('QV4002');
  });
  it('accepts nesting up to the limit', () => {
    expect(show(ast('('.repeat(60) + 'a' + ')'.repeat(60)))).toBe('a');
    expect(ast(Array.from({ length: 60 }, (_, i) => `a${i}`).join(' + ')).depth).toBe(60);
  });
  it('lexes a megabyte in linear time', () => {
    const started = performance.now();
    const l = lex(Array.from({ length: 100_000 }, () => 'abc + 1').join(' + '));
    expect(l.problems).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
