import { renderCast } from '../../types/index.js';
import { arg, both, col, ex, p, s, sqlArgs, T } from '../build.js';
import type { CatalogEntry, RenderContext, Renderer } from '../entry.js';

/**
 * Integer arithmetic never fails a job: overflow gives NULL. Spark has try_add & co.;
 * DuckDB computes in a wider integer (HUGEINT for LONG, BIGINT for INT) and narrows with
 * TRY_CAST, because DuckDB's TRY() cannot wrap aggregates (count(*) + 1 must work).
 */
function integerOp(op: '+' | '-' | '*', sparkFn: string): Record<'duckdb' | 'spark', Renderer> {
  return {
    duckdb: (c) => {
      if (c.resultType === 'DOUBLE') return `(${s(c, 0)} ${op} ${s(c, 1)})`;
      const wide = c.resultType === 'LONG' ? 'HUGEINT' : 'BIGINT';
      const narrow = c.resultType === 'LONG' ? 'BIGINT' : 'INTEGER';
      return `TRY_CAST((CAST(${s(c, 0)} AS ${wide}) ${op} CAST(${s(c, 1)} AS ${wide})) AS ${narrow})`;
    },
    spark: (c) => (c.resultType === 'DOUBLE' ? `(${s(c, 0)} ${op} ${s(c, 1)})` : `${sparkFn}(${s(c, 0)}, ${s(c, 1)})`),
  };
}

const numericBinary = [p('a', T('numeric')), p('b', T('numeric'))];

const binary = (op: string): Renderer => (c) => `(${s(c, 0)} ${op} ${s(c, 1)})`;

function negatable(positive: (c: RenderContext) => string, negative: (c: RenderContext) => string): Renderer {
  return (c) => (c.negated ? negative(c) : positive(c));
}

/**
 * DuckDB's ESCAPE clause, only where the (literal) pattern needs it: LIKE ... ESCAPE binds
 * like_escape, which DuckDB's optimizer does not rewrite into prefix/contains tests.
 */
function likeEscape(c: RenderContext): string {
  const v = c.args[1]?.literal;
  return typeof v === 'string' && !v.includes('\\') ? '' : " ESCAPE '\\'";
}

const INTS = (values: unknown[]) => col('x', 'INT', values);
const LONGS = (values: unknown[]) => col('x', 'LONG', values);
const DOUBLES = (values: unknown[]) => col('x', 'DOUBLE', values);
const STRINGS = (values: unknown[]) => col('s', 'STRING', values);

export const OPERATORS: CatalogEntry[] = [
  // ---- arithmetic --------------------------------------------------------------------
  {
    name: '+',
    kind: 'operator',
    syntax: 'a + b',
    category: 'arithmetic',
    aggregate: false,
    signatures: [{ params: numericBinary, result: 'T' }],
    doc: 'Addition.',
    semantics:
      'The result has the wider operand type (INT < LONG < DOUBLE). Integer overflow gives NULL on both engines (Spark try_add; DuckDB adds in a wider integer and narrows with TRY_CAST) instead of failing the job.',
    render: integerOp('+', 'try_add'),
    examples: [
      ex('x + 1', [2, -1, null, null], [INTS([1, -2, 2147483647, null])]),
      ex('x + 1', [9223372036854775806, null], [LONGS(['9223372036854775805', '9223372036854775807'])]),
      ex('1.5 + 2', [3.5]),
    ],
  },
  {
    name: '-',
    kind: 'operator',
    syntax: 'a - b',
    category: 'arithmetic',
    aggregate: false,
    signatures: [{ params: numericBinary, result: 'T' }],
    doc: 'Subtraction.',
    semantics: 'As for +: the wider operand type, and NULL on integer overflow (Spark try_subtract).',
    render: integerOp('-', 'try_subtract'),
    examples: [ex('x - 1', [0, null, null], [INTS([1, -2147483648, null])]), ex('0.5 - x', [-0.5, null], [DOUBLES([1, null])])],
  },
  {
    name: '*',
    kind: 'operator',
    syntax: 'a * b',
    category: 'arithmetic',
    aggregate: false,
    signatures: [{ params: numericBinary, result: 'T' }],
    doc: 'Multiplication.',
    semantics: 'As for +: the wider operand type, and NULL on integer overflow (Spark try_multiply).',
    render: integerOp('*', 'try_multiply'),
    examples: [ex('x * 3', [6, null, null], [INTS([2, 1000000000, null])]), ex('x * 2.5', [5], [LONGS([2])])],
  },
  {
    name: '/',
    kind: 'operator',
    syntax: 'a / b',
    category: 'arithmetic',
    aggregate: false,
    signatures: [{ params: [p('a', 'DOUBLE'), p('b', 'DOUBLE')], result: 'DOUBLE' }],
    doc: 'Division; always DOUBLE, as in Spark.',
    semantics:
      'Division by zero gives NULL on both engines (Spark ANSI would fail the job, DuckDB would return Infinity): rendered as a / NULLIF(b, 0). For whole-number division use div.',
    render: both((c) => `(${s(c, 0)} / NULLIF(${s(c, 1)}, 0))`),
    examples: [ex('x / 2', [3.5, -3.5, null], [INTS([7, -7, null])]), ex('x / 0', [null, null], [DOUBLES([1, 0])])],
  },
  {
    name: '%',
    kind: 'operator',
    syntax: 'a % b',
    category: 'arithmetic',
    aggregate: false,
    signatures: [{ params: numericBinary, result: 'T' }],
    doc: 'Remainder; the sign follows the dividend (as in Java and C).',
    semantics: 'A zero divisor gives NULL on both engines (rendered a % NULLIF(b, 0)).',
    render: both((c) => `(${s(c, 0)} % NULLIF(${s(c, 1)}, 0))`),
    examples: [ex('x % 3', [1, -1, null], [INTS([7, -7, null])]), ex('x % 0', [null], [INTS([5])]), ex('7.5 % 2', [1.5]), ex('x % 2', [-1.5], [DOUBLES([-7.5])])],
  },
  {
    name: 'div',
    kind: 'operator',
    syntax: 'a div b',
    category: 'arithmetic',
    aggregate: false,
    signatures: [{ params: [p('a', 'LONG'), p('b', 'LONG')], result: 'LONG' }],
    doc: 'Integer division, truncating toward zero; always LONG.',
    semantics: 'A zero divisor gives NULL on both engines. DuckDB renders it with //, which also truncates toward zero.',
    render: {
      duckdb: (c) => `(${s(c, 0)} // NULLIF(${s(c, 1)}, 0))`,
      spark: (c) => `(${s(c, 0)} div NULLIF(${s(c, 1)}, 0))`,
    },
    examples: [ex('x div 2', [3, -3, null], [INTS([7, -7, null])]), ex('7 div x', [null], [INTS([0])])],
  },
  {
    name: 'negate',
    kind: 'operator',
    syntax: '-a',
    category: 'arithmetic',
    aggregate: false,
    signatures: [{ params: [p('a', T('numeric'))], result: 'T' }],
    doc: 'Unary minus.',
    semantics: 'Negating the smallest INT or LONG overflows and gives NULL on both engines.',
    render: {
      duckdb: (c) => {
        if (c.resultType === 'DOUBLE') return `(- ${s(c, 0)})`;
        const wide = c.resultType === 'LONG' ? 'HUGEINT' : 'BIGINT';
        return `TRY_CAST((- CAST(${s(c, 0)} AS ${wide})) AS ${c.resultType === 'LONG' ? 'BIGINT' : 'INTEGER'})`;
      },
      spark: (c) => (c.resultType === 'DOUBLE' ? `(- ${s(c, 0)})` : `try_subtract(${c.resultType === 'LONG' ? '0L' : '0'}, ${s(c, 0)})`),
    },
    examples: [
      ex('-x', [-5, 3, null, null], [INTS([5, -3, -2147483648, null])]),
      ex('-x', [-1.5], [DOUBLES([1.5])]),
      ex('-x', ['-9223372036854775807', null], [LONGS(['9223372036854775807', '-9223372036854775808'])]),
    ],
  },
  {
    name: 'unary plus',
    kind: 'operator',
    syntax: '+a',
    category: 'arithmetic',
    aggregate: false,
    signatures: [{ params: [p('a', T('numeric'))], result: 'T' }],
    doc: 'Unary plus: the number itself.',
    render: both((c) => s(c, 0)),
    examples: [ex('+x', [5], [INTS([5])])],
  },
  {
    name: '||',
    kind: 'operator',
    syntax: 'a || b',
    category: 'string',
    aggregate: false,
    signatures: [{ params: [p('a', 'STRING'), p('b', 'STRING')], result: 'STRING' }],
    doc: 'String concatenation (same as concat(a, b)).',
    semantics: 'NULL if either side is NULL, on both engines.',
    render: both(binary('||')),
    examples: [ex("s || '-x'", ['a-x', null], [STRINGS(['a', null])])],
  },

  // ---- comparison --------------------------------------------------------------------
  ...(['=', '<>', '<', '<=', '>', '>='] as const).map(
    (op): CatalogEntry => ({
      name: op,
      aliases: op === '=' ? ['=='] : op === '<>' ? ['!='] : [],
      kind: 'operator',
      syntax: `a ${op} b`,
      category: 'comparison',
      aggregate: false,
      signatures: [{ params: [p('a', T('orderable')), p('b', T('orderable'))], result: 'BOOLEAN' }],
      doc: { '=': 'Equal (also ==).', '<>': 'Not equal (also !=).', '<': 'Less than.', '<=': 'Less than or equal.', '>': 'Greater than.', '>=': 'Greater than or equal.' }[op],
      semantics:
        'NULL if either side is NULL. Both sides must have one type after implicit widening (no string-to-number coercion: CAST explicitly). Strings compare by code point on both engines; NaN equals NaN and is greater than every other DOUBLE.',
      render: both(binary(op)),
      examples:
        op === '='
          ? [ex("s = 'a'", [true, false, null], [STRINGS(['a', 'A', null])]), ex('x = 2.0', [true, false], [INTS([2, 3])])]
          : op === '<'
            ? [ex("s < 'b'", [true, false, false], [STRINGS(['a', 'b', 'é'])]), ex("x < DATE '2024-01-02'", [true], [col('x', 'TIMESTAMP', ['2024-01-01 23:59:59'])])]
            : [ex(`x ${op} 2`, [op === '<>' ? true : op === '<=' ? true : false, op === '<>' ? false : op === '>' ? false : true, null], [INTS([1, 2, null])])],
    }),
  ),
  {
    name: '<=>',
    kind: 'operator',
    syntax: 'a <=> b',
    category: 'comparison',
    aggregate: false,
    signatures: [{ params: [p('a', T('orderable')), p('b', T('orderable'))], result: 'BOOLEAN' }],
    doc: 'Null-safe equality: TRUE when both are NULL, FALSE when only one is.',
    semantics: 'DuckDB spells it IS NOT DISTINCT FROM.',
    render: { duckdb: binary('IS NOT DISTINCT FROM'), spark: binary('<=>') },
    examples: [ex('x <=> y', [true, false, true], [INTS([1, 1, null]), col('y', 'INT', [1, null, null])])],
  },

  // ---- logic -------------------------------------------------------------------------
  {
    name: 'AND',
    kind: 'operator',
    syntax: 'a AND b',
    category: 'logic',
    aggregate: false,
    signatures: [{ params: [p('a', 'BOOLEAN'), p('b', 'BOOLEAN')], result: 'BOOLEAN' }],
    doc: 'Logical and, with SQL three-valued logic (FALSE AND NULL is FALSE).',
    render: both(binary('AND')),
    examples: [ex('a AND b', [true, false, null, false], [col('a', 'BOOLEAN', [true, true, true, false]), col('b', 'BOOLEAN', [true, false, null, null])])],
  },
  {
    name: 'OR',
    kind: 'operator',
    syntax: 'a OR b',
    category: 'logic',
    aggregate: false,
    signatures: [{ params: [p('a', 'BOOLEAN'), p('b', 'BOOLEAN')], result: 'BOOLEAN' }],
    doc: 'Logical or, with SQL three-valued logic (TRUE OR NULL is TRUE).',
    render: both(binary('OR')),
    examples: [ex('a OR b', [true, null, true], [col('a', 'BOOLEAN', [false, false, true]), col('b', 'BOOLEAN', [true, null, null])])],
  },
  {
    name: 'NOT',
    kind: 'operator',
    syntax: 'NOT a',
    category: 'logic',
    aggregate: false,
    signatures: [{ params: [p('a', 'BOOLEAN')], result: 'BOOLEAN' }],
    doc: 'Logical negation; NOT NULL is NULL.',
    render: both((c) => `(NOT ${s(c, 0)})`),
    examples: [ex('NOT a', [false, true, null], [col('a', 'BOOLEAN', [true, false, null])])],
  },

  // ---- predicates --------------------------------------------------------------------
  {
    name: 'IN',
    kind: 'operator',
    syntax: 'a [NOT] IN (v1, v2, ...)',
    category: 'predicate',
    aggregate: false,
    signatures: [{ params: [p('a', T('orderable')), p('values', T('orderable'), { variadic: true })], result: 'BOOLEAN' }],
    doc: 'Membership in a list of values (not a subquery).',
    semantics: 'SQL semantics on both engines: NULL when a is NULL, or when a is not found and the list holds a NULL.',
    render: both(negatable((c) => `(${s(c, 0)} IN (${sqlArgs(c).slice(1).join(', ')}))`, (c) => `(${s(c, 0)} NOT IN (${sqlArgs(c).slice(1).join(', ')}))`)),
    examples: [
      ex("s IN ('a', 'b')", [true, false, null], [STRINGS(['b', 'c', null])]),
      ex('x NOT IN (1, 2)', [false, true], [INTS([1, 3])]),
      ex('x IN (1, NULL)', [true, null], [INTS([1, 3])]),
    ],
  },
  {
    name: 'BETWEEN',
    kind: 'operator',
    syntax: 'a [NOT] BETWEEN low AND high',
    category: 'predicate',
    aggregate: false,
    signatures: [{ params: [p('a', T('orderable')), p('low', T('orderable')), p('high', T('orderable'))], result: 'BOOLEAN' }],
    doc: 'low <= a AND a <= high (bounds included, not symmetric).',
    render: both(negatable((c) => `(${s(c, 0)} BETWEEN ${s(c, 1)} AND ${s(c, 2)})`, (c) => `(${s(c, 0)} NOT BETWEEN ${s(c, 1)} AND ${s(c, 2)})`)),
    examples: [ex('x BETWEEN 1 AND 3', [true, true, false, null], [INTS([1, 3, 4, null])]), ex('x NOT BETWEEN 3 AND 1', [true], [INTS([2])])],
  },
  {
    name: 'LIKE',
    kind: 'operator',
    syntax: 'a [NOT] LIKE pattern',
    category: 'predicate',
    aggregate: false,
    signatures: [{ params: [p('a', 'STRING'), p('pattern', 'STRING', { literal: true })], result: 'BOOLEAN' }],
    doc: "SQL pattern match: % is any run of characters, _ is one character, \\ escapes (write '\\\\%' in a pattern for a literal %).",
    semantics:
      "Case-sensitive on both engines; _ matches one character (not byte). The pattern must be a literal, and a backslash may only escape %, _ or itself (Spark fails at run time otherwise). DuckDB has no default escape character, so a pattern with a backslash is rendered with ESCAPE '\\' (one without is rendered plain: DuckDB turns a plain LIKE 'abc%' or '%abc%' into a prefix or substring test, and LIKE ... ESCAPE runs about five times slower).",
    check: (c) => {
      const v = c.args[1]?.literal;
      if (typeof v !== 'string') return;
      for (let i = 0; i < v.length; i++) {
        if (v[i] !== '\\') continue;
        const n = v[i + 1];
        if (n === '%' || n === '_' || n === '\\') {
          i++;
          continue;
        }
        const span = c.spanIn(1, i, i + 2);
        c.report({
          code: 'QV4028',
          start: span.start,
          end: span.end,
          message: n === undefined ? 'a LIKE pattern cannot end with the escape character \\' : `in a LIKE pattern, \\ may only escape %, _ or \\ (found \\${n})`,
          hint: "for a literal backslash write '\\\\\\\\'",
        });
        return;
      }
    },
    render: {
      duckdb: negatable((c) => `(${s(c, 0)} LIKE ${s(c, 1)}${likeEscape(c)})`, (c) => `(${s(c, 0)} NOT LIKE ${s(c, 1)}${likeEscape(c)})`),
      spark: negatable((c) => `(${s(c, 0)} LIKE ${s(c, 1)})`, (c) => `(${s(c, 0)} NOT LIKE ${s(c, 1)})`),
    },
    examples: [
      ex("s LIKE 'Failed password%'", [true, false, null], [STRINGS(['Failed password for root', 'Accepted password', null])]),
      ex("s LIKE 'a_c'", [true, true, false], [STRINGS(['abc', 'aéc', 'ac'])]),
      ex("s LIKE 'a%z'", [true, false], [STRINGS(['a\nb\nz', 'A..z'])]),
      ex("s NOT LIKE '%\\%'", [false, true], [STRINGS(['100%', '100'])]),
    ],
  },
  {
    name: 'IS NULL',
    kind: 'operator',
    syntax: 'a IS [NOT] NULL',
    category: 'predicate',
    aggregate: false,
    signatures: [{ params: [p('a', T('any'))], result: 'BOOLEAN' }],
    doc: 'Tests for NULL; never NULL itself.',
    render: both(negatable((c) => `(${s(c, 0)} IS NULL)`, (c) => `(${s(c, 0)} IS NOT NULL)`)),
    examples: [ex('s IS NULL', [false, true], [STRINGS(['a', null])]), ex('s IS NOT NULL', [true, false], [STRINGS(['', null])])],
  },
  ...(['TRUE', 'FALSE'] as const).map(
    (v): CatalogEntry => ({
      name: `IS ${v}`,
      kind: 'operator',
      syntax: `a IS [NOT] ${v}`,
      category: 'predicate',
      aggregate: false,
      signatures: [{ params: [p('a', 'BOOLEAN')], result: 'BOOLEAN' }],
      doc: `Tests for ${v} without NULL propagation (NULL IS ${v} is FALSE).`,
      semantics: `Rendered as a null-safe comparison with ${v}: DuckDB IS [NOT] DISTINCT FROM, Spark <=>.`,
      render: {
        duckdb: negatable((c) => `(${s(c, 0)} IS NOT DISTINCT FROM ${v})`, (c) => `(${s(c, 0)} IS DISTINCT FROM ${v})`),
        spark: negatable((c) => `(${s(c, 0)} <=> ${v})`, (c) => `(NOT (${s(c, 0)} <=> ${v}))`),
      },
      examples: [
        ex(`a IS ${v}`, v === 'TRUE' ? [true, false, false] : [false, true, false], [col('a', 'BOOLEAN', [true, false, null])]),
        ex(`a IS NOT ${v}`, [true], [col('a', 'BOOLEAN', [null])]),
      ],
    }),
  ),

  // ---- conditional and conversion ----------------------------------------------------
  {
    name: 'CASE',
    kind: 'operator',
    syntax: 'CASE [subject] WHEN w THEN v ... [ELSE e] END',
    category: 'conditional',
    aggregate: false,
    signatures: [
      { params: [p('condition', 'BOOLEAN'), p('value', T('any'), { variadic: true })], result: 'T' },
    ],
    signatureDoc: [
      '`CASE WHEN cond BOOLEAN THEN v T ... [ELSE e T] END` → T, where T is any',
      '`CASE x U WHEN w U THEN v T ... [ELSE e T] END` → T, where U is orderable',
    ],
    doc: 'Searched (CASE WHEN cond THEN ...) and simple (CASE x WHEN v THEN ...) conditional; NULL when nothing matches and there is no ELSE.',
    semantics: 'All THEN/ELSE values must have one type after implicit widening; in the simple form the subject and the WHEN values must be comparable.',
    render: both((c) => {
      const shape = c.caseShape ?? { subject: false, else: false };
      const a = sqlArgs(c);
      let i = 0;
      let out = 'CASE';
      if (shape.subject) out += ` ${a[i++] ?? ''}`;
      const end = shape.else ? a.length - 1 : a.length;
      while (i < end) {
        out += ` WHEN ${a[i] ?? ''} THEN ${a[i + 1] ?? ''}`;
        i += 2;
      }
      if (shape.else) out += ` ELSE ${a[a.length - 1] ?? ''}`;
      return `(${out} END)`;
    }),
    examples: [
      ex("CASE WHEN x > 10 THEN 'high' WHEN x > 5 THEN 'mid' ELSE 'low' END", ['high', 'mid', 'low', 'low'], [INTS([11, 6, 1, null])]),
      ex("CASE s WHEN 'a' THEN 1 WHEN 'b' THEN 2 END", [1, 2, null], [STRINGS(['a', 'b', 'c'])]),
      ex('CASE WHEN x > 0 THEN x ELSE 0.5 END', [2, 0.5], [INTS([2, -1])]),
    ],
  },
  ...([false, true] as const).map(
    (isTry): CatalogEntry => ({
      name: isTry ? 'TRY_CAST' : 'CAST',
      kind: 'operator',
      syntax: `${isTry ? 'TRY_CAST' : 'CAST'}(a AS type)`,
      category: 'conversion',
      aggregate: false,
      signatures: [{ params: [p('a', T('any'))], result: 'T' }],
      signatureDoc: [`\`${isTry ? 'TRY_CAST' : 'CAST'}(a AS type)\` → type, for type STRING, BOOLEAN, INT (INTEGER), BIGINT (LONG), DOUBLE, TIMESTAMP, DATE, \`ARRAY<STRING>\``],
      doc: isTry
        ? 'Same as CAST: in Quiver every cast yields NULL when the value does not convert.'
        : 'Converts a value to STRING, BOOLEAN, INT, BIGINT (LONG), DOUBLE, TIMESTAMP, DATE or `ARRAY<STRING>`; NULL when it does not convert.',
      semantics:
        'A bad value never fails the job: both engines render TRY_CAST-like logic. From STRING, only text both engines read alike converts: integers ^ *[+-]?[0-9]+ *$, decimals with optional exponent, DATE yyyy-MM-dd, TIMESTAMP yyyy-MM-dd[ HH:mm[:ss[.ffffff]]] (T allowed, trailing Z allowed, read as UTC), BOOLEAN true/t/yes/y/1 and false/f/no/n/0 in any case with surrounding spaces; anything else is NULL (DuckDB alone would accept 1_000 and round 1.5 to 2). DOUBLE to INT/LONG truncates toward zero (Spark rule; DuckDB alone rounds); out of range or NaN is NULL. LONG to INT out of range is NULL. TIMESTAMP to STRING is yyyy-MM-dd HH:mm:ss (fraction dropped). Not offered: DOUBLE to STRING (the engines print doubles differently), between temporal and numeric types (use unix_timestamp / timestamp_seconds), and array conversions.',
      render: {
        duckdb: (c) => renderCast(s(c, 0), c.sourceType ?? 'NULL', c.target ?? 'STRING', 'duckdb'),
        spark: (c) => renderCast(s(c, 0), c.sourceType ?? 'NULL', c.target ?? 'STRING', 'spark'),
      },
      examples: isTry
        ? [ex('TRY_CAST(s AS INT)', [12, null], [STRINGS(['12', 'x'])])]
        : [
            ex('CAST(s AS BIGINT)', [12, -3, 7, null, null, null, null, null], [STRINGS([' 12 ', '-3', '+7', '1.5', '1_000', '', 'abc', '99999999999999999999'])]),
            ex('CAST(s AS INT)', [2147483647, null], [STRINGS(['2147483647', '2147483648'])]),
            ex('CAST(s AS DOUBLE)', [1.5, -0.001, 100, 0.5, null, null], [STRINGS(['1.5', '-1e-3', '1E2', '.5', 'NaN', '1.5d'])]),
            ex('CAST(s AS BOOLEAN)', [true, true, false, false, null], [STRINGS(['TRUE', ' yes ', 'n', '0', 'maybe'])]),
            ex('CAST(s AS TIMESTAMP)', ['2024-01-02 03:04:05', '2024-01-02 03:04:05.5', '2024-01-02 00:00:00', '2024-01-02 03:04:00', null, null], [
              STRINGS(['2024-01-02 03:04:05', '2024-01-02T03:04:05.5Z', '2024-01-02', '2024-01-02 03:04', '2024-02-30', '02/01/2024']),
            ]),
            ex('CAST(s AS DATE)', ['2024-03-01', null], [STRINGS(['2024-03-01', '2024-3-1'])]),
            ex('CAST(x AS INT)', [1, -1, null, null], [DOUBLES([1.9, -1.9, 3e10, 'NaN'])]),
            ex('CAST(x AS STRING)', ['42', null], [LONGS([42, null])]),
            ex('CAST(x AS STRING)', ['2024-01-02 03:04:05'], [col('x', 'TIMESTAMP', ['2024-01-02 03:04:05.123456'])]),
            ex('CAST(x AS DATE)', ['2024-01-02'], [col('x', 'TIMESTAMP', ['2024-01-02 23:59:59'])]),
            ex('CAST(x AS INT)', [null, -5], [LONGS(['3000000000', -5])]),
            ex('CAST(x AS BIGINT)', [-2, 9007199254740992, null], [DOUBLES([-2.9, 9007199254740992, 1e19])]),
            ex('CAST(b AS INT)', [1, 0, null], [col('b', 'BOOLEAN', [true, false, null])]),
            ex('CAST(x AS BOOLEAN)', [false, true], [INTS([0, -2])]),
            ex('CAST(b AS STRING)', ['true', 'false'], [col('b', 'BOOLEAN', [true, false])]),
            ex('CAST(d AS STRING)', ['2024-01-02'], [col('d', 'DATE', ['2024-01-02'])]),
            ex('CAST(d AS TIMESTAMP)', ['2024-01-02 00:00:00'], [col('d', 'DATE', ['2024-01-02'])]),
            ex('CAST(x AS DOUBLE)', [3000000000], [LONGS(['3000000000'])]),
          ],
    }),
  ),
  {
    name: '[]',
    kind: 'operator',
    syntax: 'arr[i]',
    category: 'array',
    aggregate: false,
    signatures: [{ params: [p('arr', 'ARRAY_STRING'), p('i', 'INT')], result: 'STRING' }],
    doc: "Array element by 0-based index, as in Spark: split(s, ',')[0] is the first part.",
    semantics:
      'An index past the end or below 0 gives NULL on both engines (Spark ANSI would fail the job). DuckDB lists are 1-based, so the index is shifted at compile time when it is a literal; Spark renders try_element_at(arr, i + 1).',
    render: {
      duckdb: (c) => {
        const i = arg(c, 1).literal;
        if (typeof i === 'number') return i < 0 ? `CAST(list_extract(${s(c, 0)}, 0) AS VARCHAR)` : `list_extract(${s(c, 0)}, ${i + 1})`;
        return `list_extract(${s(c, 0)}, NULLIF(CAST(greatest(${s(c, 1)}, -1) AS BIGINT) + 1, 0))`;
      },
      spark: (c) => {
        const i = arg(c, 1).literal;
        if (typeof i === 'number') return i < 0 ? `try_element_at(${s(c, 0)}, CAST(NULL AS INT))` : `try_element_at(${s(c, 0)}, ${i + 1})`;
        return `try_element_at(${s(c, 0)}, NULLIF(try_add(greatest(${s(c, 1)}, -1), 1), 0))`;
      },
    },
    examples: [
      ex("split(s, ',')[1]", ['b', null, null], [STRINGS(['a,b,c', 'a', null])]),
      ex("split(s, ',')[i]", ['a', 'c', null, null], [STRINGS(['a,b,c', 'a,b,c', 'a,b,c', 'a,b,c']), col('i', 'INT', [0, 2, 3, -1])]),
      ex("split(s, ',')[-1]", [null], [STRINGS(['a,b'])]),
    ],
  },
];
