import { arg, both, col, ex, fn, p, s, sqlArgs } from '../build.js';
import type { CatalogEntry, RenderContext } from '../entry.js';

/** The longest lpad / rpad result: a longer len gives NULL. */
const MAX_PAD = 65536;

const S = (values: unknown[]) => col('s', 'STRING', values);

/**
 * Spark's substr: 1-based; position 0 means 1; a negative position counts from the end;
 * the window [start, start+len) is clipped to the string. DuckDB's substring differs at 0,
 * at negative positions with a length, and for negative lengths, so the general case is
 * spelled out; literal positions (the common case) render to plain substring/right.
 */
function substrDuckdb(c: RenderContext): string {
  const str = arg(c, 0);
  const pos = arg(c, 1);
  const len = c.args[2];
  const posL = pos.literal;
  const lenL = len?.literal;
  if (typeof posL === 'number') {
    const start = posL === 0 ? 1 : posL;
    if (len === undefined) return start > 0 ? `substring(${str.sql}, ${start})` : `right(${str.sql}, ${-start})`;
    if (typeof lenL === 'number' && start > 0) return lenL <= 0 ? `substring(${str.sql}, 1, 0)` : `substring(${str.sql}, ${start}, ${lenL})`;
  }
  return c.bind(str, (q) =>
    c.bind(pos, (pp) => {
      // 0-based start before clipping; NULL when pos is NULL (greatest() would skip a NULL, so CASE clips).
      const st = `(CASE WHEN ${pp} > 0 THEN CAST(${pp} AS BIGINT) - 1 WHEN ${pp} < 0 THEN length(${q}) + ${pp} WHEN ${pp} = 0 THEN 0 END)`;
      const clip = (x: string): string => `(CASE WHEN ${x} < 0 THEN 0 ELSE ${x} END)`;
      if (len === undefined) return c.bind({ sql: st, type: 'LONG', simple: false }, (t) => `substring(${q}, ${clip(t)} + 1)`);
      return c.bind(len, (n) =>
        c.bind({ sql: st, type: 'LONG', simple: false }, (t) => `substring(${q}, ${clip(t)} + 1, ${clip(`${t} + CAST(${n} AS BIGINT) - ${clip(t)}`)})`),
      );
    }),
  );
}

export const STRINGS: CatalogEntry[] = [
  {
    name: 'lower',
    kind: 'function',
    category: 'string',
    aggregate: false,
    signatures: [{ params: [p('str', 'STRING')], result: 'STRING' }],
    doc: 'Lower-cases a string.',
    semantics: 'Unicode case mapping on both engines; rare special cases (U+0130, final sigma) may differ.',
    render: both(fn('lower')),
    examples: [ex('lower(s)', ['root', 'élan', null], [S(['ROOT', 'ÉLAN', null])])],
  },
  {
    name: 'upper',
    kind: 'function',
    category: 'string',
    aggregate: false,
    signatures: [{ params: [p('str', 'STRING')], result: 'STRING' }],
    doc: 'Upper-cases a string.',
    semantics: 'Unicode case mapping on both engines; rare special cases (ß, ligatures) may differ.',
    render: both(fn('upper')),
    examples: [ex('upper(s)', ['GET', null], [S(['get', null])])],
  },
  {
    name: 'length',
    aliases: ['char_length', 'character_length'],
    kind: 'function',
    category: 'string',
    aggregate: false,
    signatures: [{ params: [p('str', 'STRING')], result: 'INT' }],
    doc: 'Number of characters (Unicode code points, not bytes).',
    semantics: "Both engines count code points; DuckDB's length is BIGINT, so it is cast to INT.",
    render: { duckdb: (c) => `CAST(length(${s(c, 0)}) AS INTEGER)`, spark: fn('length') },
    examples: [ex('length(s)', [5, 6, 0, null], [S(['hello', 'héllo😀', '', null])])],
  },
  {
    name: 'substr',
    aliases: ['substring'],
    kind: 'function',
    category: 'string',
    aggregate: false,
    signatures: [{ params: [p('str', 'STRING'), p('pos', 'INT'), p('len', 'INT', { optional: true })], result: 'STRING' }],
    doc: 'The substring starting at pos (1-based) of at most len characters.',
    semantics:
      "Spark's rules on both engines: pos 0 is the same as 1; a negative pos counts from the end (-3 is the third character from the end); the window is clipped to the string, so substr('abc', -5, 3) is 'a'; a negative len gives ''. DuckDB is rendered to match (its own substring treats 0 and negative positions differently).",
    render: { duckdb: substrDuckdb, spark: fn('substr') },
    examples: [
      ex('substr(s, 5)', ['k SQL'], [S(['Spark SQL'])]),
      ex('substr(s, -3)', ['SQL', 'ab'], [S(['Spark SQL', 'ab'])]),
      ex('substr(s, 5, 1)', ['k'], [S(['Spark SQL'])]),
      ex('substr(s, 0, 3)', ['Spa'], [S(['Spark SQL'])]),
      ex('substring(s, 2, -1)', ['', null], [S(['abc', null])]),
      ex('substr(s, p, n)', ['a', 'bc', 'Sp', 'c', '', null, 'é'], [
        S(['abc', 'abc', 'Spark', 'abc', 'abc', 'abc', 'héllo']),
        col('p', 'INT', [-5, 2, 0, -1, 4, null, 2]),
        col('n', 'INT', [3, 5, 2, 9, 1, 1, 1]),
      ]),
      ex('substr(s, p)', ['bc', 'abc', 'c', null], [S(['abc', 'abc', 'abc', 'abc']), col('p', 'INT', [2, -9, -1, null])]),
      ex('substr(s, 2, n)', [null, 'b'], [S(['abc', 'abc']), col('n', 'INT', [null, 1])]),
    ],
  },
  {
    name: 'concat',
    kind: 'function',
    category: 'string',
    aggregate: false,
    signatures: [{ params: [p('str', 'STRING', { variadic: true })], result: 'STRING' }],
    doc: 'Concatenates strings.',
    semantics: "NULL if any argument is NULL (Spark's rule; DuckDB's concat would skip NULLs, so DuckDB renders ||).",
    render: { duckdb: (c) => (c.args.length === 1 ? s(c, 0) : `(${sqlArgs(c).join(' || ')})`), spark: fn('concat') },
    examples: [ex("concat('2024 ', s)", ['2024 Jan 5', null], [S(['Jan 5', null])]), ex("concat(s, '-', s)", ['a-a'], [S(['a'])])],
  },
  {
    name: 'concat_ws',
    kind: 'function',
    category: 'string',
    aggregate: false,
    signatures: [
      { params: [p('sep', 'STRING'), p('str', 'STRING', { variadic: true })], result: 'STRING' },
      { params: [p('sep', 'STRING'), p('arr', 'ARRAY_STRING')], result: 'STRING' },
    ],
    doc: 'Joins strings (or the elements of an array) with a separator, skipping NULLs.',
    semantics: 'NULL arguments and NULL array elements are skipped on both engines; a NULL separator gives NULL; a NULL array gives an empty string (Spark rule).',
    render: {
      duckdb: (c) => {
        if (arg(c, 1).type === 'ARRAY_STRING') {
          return c.bind(arg(c, 0), (sep) => `(CASE WHEN ${sep} IS NULL THEN NULL ELSE coalesce(array_to_string(${s(c, 1)}, ${sep}), '') END)`);
        }
        return fn('concat_ws')(c);
      },
      spark: fn('concat_ws'),
    },
    examples: [
      ex("concat_ws('/', a, b)", ['x/y', 'x', ''], [col('a', 'STRING', ['x', 'x', null]), col('b', 'STRING', ['y', null, null])]),
      ex("concat_ws('.', split(s, ','))", ['a.b', '', ''], [S(['a,b', '', null])]),
      ex('concat_ws(s, a, b)', [null, 'xy'], [S([null, '']), col('a', 'STRING', ['x', 'x']), col('b', 'STRING', ['y', 'y'])]),
    ],
  },
  {
    name: 'trim',
    kind: 'function',
    category: 'string',
    aggregate: false,
    signatures: [{ params: [p('str', 'STRING')], result: 'STRING' }],
    doc: 'Removes leading and trailing spaces (U+0020 only, not tabs or newlines).',
    render: { duckdb: (c) => `trim(${s(c, 0)}, ' ')`, spark: fn('trim') },
    examples: [ex('trim(s)', ['a b', '\ta\t', null], [S(['  a b ', '\ta\t', null])])],
  },
  {
    name: 'ltrim',
    kind: 'function',
    category: 'string',
    aggregate: false,
    signatures: [{ params: [p('str', 'STRING')], result: 'STRING' }],
    doc: 'Removes leading spaces (U+0020 only).',
    render: { duckdb: (c) => `ltrim(${s(c, 0)}, ' ')`, spark: fn('ltrim') },
    examples: [ex('ltrim(s)', ['a '], [S(['  a '])])],
  },
  {
    name: 'rtrim',
    kind: 'function',
    category: 'string',
    aggregate: false,
    signatures: [{ params: [p('str', 'STRING')], result: 'STRING' }],
    doc: 'Removes trailing spaces (U+0020 only).',
    render: { duckdb: (c) => `rtrim(${s(c, 0)}, ' ')`, spark: fn('rtrim') },
    examples: [ex('rtrim(s)', ['  a'], [S(['  a '])])],
  },
  {
    name: 'instr',
    kind: 'function',
    category: 'string',
    aggregate: false,
    signatures: [{ params: [p('str', 'STRING'), p('substr', 'STRING')], result: 'INT' }],
    doc: 'The 1-based character position of the first occurrence of substr in str, or 0.',
    semantics: "An empty substr is found at position 1. DuckDB's instr is BIGINT, so it is cast to INT.",
    render: { duckdb: (c) => `CAST(instr(${s(c, 0)}, ${s(c, 1)}) AS INTEGER)`, spark: fn('instr') },
    examples: [ex("instr(s, 'l')", [3, 0, null], [S(['héllo', 'abc', null])]), ex("instr(s, '')", [1], [S(['abc'])])],
  },
  {
    name: 'locate',
    kind: 'function',
    category: 'string',
    aggregate: false,
    signatures: [{ params: [p('substr', 'STRING'), p('str', 'STRING')], result: 'INT' }],
    doc: 'Like instr with the arguments swapped: the 1-based position of substr in str, or 0.',
    semantics: "Only the two-argument form is offered: Spark's three-argument form has special cases (a NULL start gives 0) that DuckDB cannot mirror simply.",
    render: { duckdb: (c) => `CAST(instr(${s(c, 1)}, ${s(c, 0)}) AS INTEGER)`, spark: fn('locate') },
    examples: [ex("locate('b', s)", [2, 0], [S(['abc', 'xyz'])])],
  },
  ...(['lpad', 'rpad'] as const).map(
    (name): CatalogEntry => ({
      name,
      kind: 'function',
      category: 'string',
      aggregate: false,
      signatures: [{ params: [p('str', 'STRING'), p('len', 'INT'), p('pad', 'STRING', { literal: true, optional: true })], result: 'STRING' }],
      doc: `Pads str on the ${name === 'lpad' ? 'left' : 'right'} with pad (default a space) to len characters; a longer str is cut to len.`,
      semantics: `len <= 0 gives ''; len above ${MAX_PAD.toLocaleString('en-US')} gives NULL (a length read from a log line could otherwise build a string of gigabytes on either engine). The pad must be a non-empty literal (DuckDB fails on an empty pad where Spark returns str unchanged).`,
      check: (c) => {
        const pad = c.args[2];
        if (pad !== undefined && pad.literal === '') {
          c.report({ code: 'QV4028', start: pad.node.start, end: pad.node.end, message: `the pad of ${name}() must not be empty` });
        }
      },
      render: both((c) => `${name}(${s(c, 0)}, CASE WHEN ${s(c, 1)} <= ${MAX_PAD} THEN ${s(c, 1)} END, ${c.args[2] ? s(c, 2) : "' '"})`),
      examples:
        name === 'lpad'
          ? [
              ex("lpad(s, n, '0')", ['00042', '12345', '', null], [S(['42', '123456', 'x', 'y']), col('n', 'INT', [5, 5, -1, 2147483647])]),
              ex('lpad(s, 4)', ['  ab'], [S(['ab'])]),
            ]
          : [ex("rpad(s, n, 'ab')", ['hiaba', 'hello', null], [S(['hi', 'hello!', 'x']), col('n', 'INT', [5, 5, MAX_PAD + 1])])],
    }),
  ),
  ...([
    ['startswith', 'starts_with', 'prefix', 'Whether str starts with prefix.'],
    ['endswith', 'ends_with', 'suffix', 'Whether str ends with suffix.'],
    ['contains', 'contains', 'needle', 'Whether str contains needle.'],
  ] as const).map(
    ([name, duck, what, doc]): CatalogEntry => ({
      name,
      kind: 'function',
      category: 'string',
      aggregate: false,
      signatures: [{ params: [p('str', 'STRING'), p(what, 'STRING')], result: 'BOOLEAN' }],
      doc,
      semantics: `Case-sensitive; an empty ${what} matches every non-NULL string. DuckDB spells it ${duck}.`,
      render: { duckdb: fn(duck), spark: fn(name) },
      examples: [
        ex(
          `${name}(s, 'ab')`,
          name === 'startswith' ? [true, false, null] : name === 'endswith' ? [false, true, null] : [true, true, null],
          [S([name === 'contains' ? 'xaby' : 'abc', 'cab', null])],
        ),
      ],
    }),
  ),
  {
    name: 'replace',
    kind: 'function',
    category: 'string',
    aggregate: false,
    signatures: [{ params: [p('str', 'STRING'), p('search', 'STRING'), p('replacement', 'STRING', { optional: true })], result: 'STRING' }],
    doc: "Replaces every occurrence of search (plain text, not a pattern) with replacement (default '').",
    semantics: 'An empty search leaves str unchanged on both engines.',
    render: both((c) => `replace(${s(c, 0)}, ${s(c, 1)}, ${c.args[2] ? s(c, 2) : "''"})`),
    examples: [ex("replace(s, '.', '[.]')", ['a[.]b[.]c', null], [S(['a.b.c', null])]), ex("replace(s, '-')", ['abc'], [S(['a-b-c'])]), ex("replace(s, '', 'x')", ['abc'], [S(['abc'])])],
  },
  {
    name: 'element_at',
    kind: 'function',
    category: 'array',
    aggregate: false,
    signatures: [{ params: [p('arr', 'ARRAY_STRING'), p('index', 'INT')], result: 'STRING' }],
    doc: 'Array element by 1-based index; a negative index counts from the end.',
    semantics: 'Index 0 and indexes past either end give NULL on both engines (Spark ANSI would fail the job; rendered with try_element_at and NULLIF(index, 0)).',
    render: {
      duckdb: (c) => `list_extract(${s(c, 0)}, ${s(c, 1)})`,
      spark: (c) => (typeof arg(c, 1).literal === 'number' && arg(c, 1).literal !== 0 ? `try_element_at(${s(c, 0)}, ${s(c, 1)})` : `try_element_at(${s(c, 0)}, NULLIF(${s(c, 1)}, 0))`),
    },
    examples: [
      ex("element_at(split(s, '/'), 2)", ['b', null], [S(['a/b/c', 'a'])]),
      ex("element_at(split(s, '/'), i)", ['c', null, null, 'a'], [S(['a/b/c', 'a/b/c', 'a/b/c', 'a/b/c']), col('i', 'INT', [-1, 0, 4, 1])]),
    ],
  },
  {
    name: 'size',
    kind: 'function',
    category: 'array',
    aggregate: false,
    signatures: [{ params: [p('arr', 'ARRAY_STRING')], result: 'INT' }],
    doc: 'Number of elements of an array.',
    semantics: 'NULL for a NULL array on both engines (Spark ANSI mode; the legacy -1 is not used).',
    render: { duckdb: (c) => `CAST(len(${s(c, 0)}) AS INTEGER)`, spark: fn('size') },
    examples: [ex("size(split(s, ','))", [3, 1, null], [S(['a,b,c', '', null])])],
  },
];
