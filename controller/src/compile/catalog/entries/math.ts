import { CODES } from '../../expr/codes.js';
import { arg, both, col, ex, fn, p, s, T } from '../build.js';
import type { CatalogEntry, RenderContext } from '../entry.js';

const X = (values: unknown[]) => col('x', 'DOUBLE', values);
const I = (values: unknown[]) => col('x', 'INT', values);

/** x as a positive number or NULL: logarithms of 0 or negatives are NULL (Spark's rule; DuckDB would fail). */
const positive = (x: string): string => `NULLIF(greatest(${x}, 0e0), 0e0)`;

function roundDouble(c: RenderContext, d: number): string {
  if (c.engine === 'spark') return `round(${s(c, 0)}, ${d})`;
  // Spark rounds the shortest decimal form of the double (BigDecimal(Double.toString(x))) half up;
  // DuckDB rounds x * 10^d in binary (1.005 -> 1.0). Going through the shortest text form and a
  // DECIMAL reproduces Spark's answer; NaN, infinities and |x| >= 1e20 are returned as they are.
  return c.bind(arg(c, 0), (q) => `coalesce(CAST(round(TRY_CAST(CAST(${q} AS VARCHAR) AS DECIMAL(38,18)), ${d}) AS DOUBLE), ${q})`);
}

function floorCeil(name: 'floor' | 'ceil'): CatalogEntry {
  return {
    name,
    aliases: name === 'ceil' ? ['ceiling'] : [],
    kind: 'function',
    category: 'math',
    aggregate: false,
    signatures: [{ params: [p('x', T('numeric'))], result: 'LONG' }],
    doc: `Rounds ${name === 'floor' ? 'down' : 'up'} to a whole number; the result is LONG, as in Spark.`,
    semantics: 'NaN, infinities and values outside about ±9.2e18 give NULL on both engines (Spark would saturate, DuckDB would fail).',
    render: both((c) => {
      if (arg(c, 0).type !== 'DOUBLE') return `CAST(${s(c, 0)} AS BIGINT)`;
      return c.bind(arg(c, 0), (q) => `(CASE WHEN abs(${q}) < 9.2e18 THEN CAST(${name}(${q}) AS BIGINT) END)`);
    }),
    examples:
      name === 'floor'
        ? [ex('floor(x)', [1, -2, null, null, null], [X([1.5, -1.5, 'NaN', 1e300, null])]), ex('floor(x)', [7], [I([7])])]
        : [ex('ceil(x)', [2, -1, 3], [X([1.2, -1.5, 3])]), ex('ceiling(x / 2)', [2], [I([3])])],
  };
}

export const MATH: CatalogEntry[] = [
  {
    name: 'abs',
    kind: 'function',
    category: 'math',
    aggregate: false,
    signatures: [{ params: [p('x', T('numeric'))], result: 'T' }],
    doc: 'Absolute value.',
    semantics: 'The absolute value of the smallest INT or LONG overflows and gives NULL on both engines.',
    render: {
      duckdb: (c) => {
        if (c.resultType === 'DOUBLE') return `abs(${s(c, 0)})`;
        return `TRY_CAST(abs(CAST(${s(c, 0)} AS HUGEINT)) AS ${c.resultType === 'LONG' ? 'BIGINT' : 'INTEGER'})`;
      },
      spark: (c) => {
        if (c.resultType === 'DOUBLE') return `abs(${s(c, 0)})`;
        return c.resultType === 'LONG' ? `try_cast(abs(CAST(${s(c, 0)} AS DECIMAL(20,0))) AS BIGINT)` : `try_cast(abs(CAST(${s(c, 0)} AS BIGINT)) AS INT)`;
      },
    },
    examples: [
      ex('abs(x)', [5, 5, null, null], [I([-5, 5, -2147483648, null])]),
      ex('abs(x)', [1.5], [X([-1.5])]),
      ex('abs(x)', ['9223372036854775807', null], [col('x', 'LONG', ['-9223372036854775807', '-9223372036854775808'])]),
    ],
  },
  {
    name: 'round',
    kind: 'function',
    category: 'math',
    aggregate: false,
    signatures: [{ params: [p('x', T('numeric')), p('digits', 'INT', { literal: true, optional: true })], result: 'T' }],
    doc: 'Rounds half away from zero to `digits` decimal places (default 0; negative rounds to tens, hundreds, ...).',
    semantics:
      "Spark's rule on both engines: the shortest decimal form of a DOUBLE is rounded half up, so round(1.005, 2) = 1.01 and round(2.5) = 3 (not banker's rounding; DuckDB alone would give 1.0). digits must be a literal from -15 to 15. On INT/LONG, digits >= 0 change nothing, and a result beyond the type's range is NULL.",
    check: (c) => {
      const d = c.args[1];
      if (d !== undefined && typeof d.literal === 'number' && (d.literal < -15 || d.literal > 15)) {
        c.report({ code: CODES.BAD_LITERAL_VALUE, start: d.node.start, end: d.node.end, message: `round() to ${d.literal} digits is not supported`, expected: '-15 to 15' });
      }
    },
    render: {
      duckdb: (c) => {
        const d = c.args[1] ? Number(arg(c, 1).literal) : 0;
        if (c.resultType === 'DOUBLE') return roundDouble(c, d);
        if (d >= 0) return s(c, 0);
        return `TRY_CAST(round(CAST(${s(c, 0)} AS DECIMAL(38,0)), ${d}) AS ${c.resultType === 'LONG' ? 'BIGINT' : 'INTEGER'})`;
      },
      spark: (c) => {
        const d = c.args[1] ? Number(arg(c, 1).literal) : 0;
        if (c.resultType === 'DOUBLE') return roundDouble(c, d);
        // As DuckDB: in DECIMAL, narrowed with try_cast (Spark's round on an INT near its limit overflows and fails the job).
        return d >= 0 ? s(c, 0) : `try_cast(round(CAST(${s(c, 0)} AS DECIMAL(38,0)), ${d}) AS ${c.resultType === 'LONG' ? 'BIGINT' : 'INT'})`;
      },
    },
    examples: [
      ex('round(x)', [3, -3, 0, null], [X([2.5, -2.5, 0.4, null])]),
      ex('round(x, 2)', [1.01, 2.68, 0.13, 1e22, 'NaN', -0.01], [X([1.005, 2.675, 0.125, 1e22, 'NaN', -0.005])]),
      ex('round(x, -1)', [1230], [X([1234.5])]),
      ex('round(x, -1)', [20, -20, null], [I([15, -15, 2147483647])]),
      ex('round(x, 1)', [7], [I([7])]),
    ],
  },
  floorCeil('floor'),
  floorCeil('ceil'),
  {
    name: 'ln',
    kind: 'function',
    category: 'math',
    aggregate: false,
    signatures: [{ params: [p('x', 'DOUBLE')], result: 'DOUBLE' }],
    doc: 'Natural logarithm.',
    semantics: "NULL for 0 and negative numbers on both engines (Spark's rule; DuckDB would fail the query).",
    render: both((c) => `ln(${positive(s(c, 0))})`),
    examples: [ex('ln(x)', [0, 1, null, null], [X([1, Math.E, 0, -1])], 1e-12)],
  },
  {
    name: 'log',
    kind: 'function',
    category: 'math',
    aggregate: false,
    signatures: [
      { params: [p('x', 'DOUBLE')], result: 'DOUBLE' },
      { params: [p('base', 'DOUBLE'), p('x', 'DOUBLE')], result: 'DOUBLE' },
    ],
    doc: 'log(x) is the natural logarithm (as in Spark); log(base, x) is the logarithm of x to base.',
    semantics:
      "Spark's argument order and meaning on both engines (DuckDB's own log(x) is base 10). NULL when x or base is 0 or negative, or base is 1. Rendered as ln(x) / ln(base).",
    render: both((c) => (c.args.length === 1 ? `ln(${positive(s(c, 0))})` : `(ln(${positive(s(c, 1))}) / NULLIF(ln(${positive(s(c, 0))}), 0e0))`)),
    examples: [ex('log(2, x)', [3, null, null], [X([8, 0, -8])], 1e-12), ex('log(x)', [1], [X([Math.E])], 1e-12), ex('log(1, 10)', [null])],
  },
  {
    name: 'log10',
    kind: 'function',
    category: 'math',
    aggregate: false,
    signatures: [{ params: [p('x', 'DOUBLE')], result: 'DOUBLE' }],
    doc: 'Base-10 logarithm.',
    semantics: 'NULL for 0 and negative numbers on both engines.',
    render: both((c) => `log10(${positive(s(c, 0))})`),
    examples: [ex('log10(x)', [3, null], [X([1000, 0])], 1e-12)],
  },
  {
    name: 'pow',
    aliases: ['power'],
    kind: 'function',
    category: 'math',
    aggregate: false,
    signatures: [{ params: [p('x', 'DOUBLE'), p('y', 'DOUBLE')], result: 'DOUBLE' }],
    doc: 'x raised to the power y.',
    semantics: 'IEEE results on both engines: pow(0, -1) is Infinity, pow(-8, 1.0/3) is NaN.',
    render: both(fn('power')),
    examples: [ex('pow(x, 2)', [9, null], [X([3, null])]), ex('power(2, -1)', [0.5]), ex('pow(0, -1)', ['Infinity'])],
  },
  ...(['greatest', 'least'] as const).map(
    (name): CatalogEntry => ({
      name,
      kind: 'function',
      category: 'math',
      aggregate: false,
      signatures: [{ params: [p('a', T('orderable')), p('b', T('orderable'), { variadic: true })], result: 'T' }],
      doc: `The ${name === 'greatest' ? 'largest' : 'smallest'} of its arguments, skipping NULLs.`,
      semantics: 'NULL only when every argument is NULL, on both engines. Arguments must share one type after implicit widening.',
      render: both(fn(name)),
      examples: [
        ex(`${name}(x, y, 2)`, name === 'greatest' ? [5, 2, 3] : [1, 1, 2], [I([1, 1, null]), col('y', 'INT', [5, null, 3])]),
        ex(`${name}(a, b)`, name === 'greatest' ? ['b'] : ['a'], [col('a', 'STRING', ['a']), col('b', 'STRING', ['b'])]),
      ],
    }),
  ),
];
