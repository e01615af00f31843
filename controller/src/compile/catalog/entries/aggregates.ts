import { CODES } from '../../expr/codes.js';
import { both, col, ex, fn, literalOf, p, s, T, U } from '../build.js';
import type { CatalogEntry } from '../entry.js';

const X = (values: unknown[]) => col('x', 'INT', values);
const D = (values: unknown[]) => col('x', 'DOUBLE', values);
const S = (values: unknown[]) => col('s', 'STRING', values);

const NULLS_NOTE = 'NULL inputs are ignored; an empty or all-NULL group gives NULL.';

export const AGGREGATES: CatalogEntry[] = [
  {
    name: 'count',
    kind: 'function',
    category: 'aggregate',
    aggregate: true,
    distinct: true,
    star: true,
    signatures: [
      { params: [], result: 'LONG' },
      { params: [p('value', T('any'))], result: 'LONG' },
    ],
    doc: 'count(*) counts rows; count(x) counts non-NULL values; count(DISTINCT x) counts distinct non-NULL values.',
    check: (c) => {
      if (c.args.length === 0 && c.call.kind === 'call' && !c.call.star) {
        c.report({ code: CODES.ARITY, start: c.call.start, end: c.call.end, message: 'count() needs an argument', expected: 'count(*), count(x) or count(DISTINCT x)' });
      }
    },
    render: both((c) => (c.star || c.args.length === 0 ? 'count(*)' : c.distinct ? `count(DISTINCT ${s(c, 0)})` : `count(${s(c, 0)})`)),
    examples: [
      ex('count(*)', [4], [S(['a', 'b', 'a', null])]),
      ex('count(s)', [3], [S(['a', 'b', 'a', null])]),
      ex('count(DISTINCT s)', [2], [S(['a', 'b', 'a', null])]),
    ],
  },
  {
    name: 'count_if',
    kind: 'function',
    category: 'aggregate',
    aggregate: true,
    signatures: [{ params: [p('condition', 'BOOLEAN')], result: 'LONG' }],
    doc: 'Number of rows where the condition is TRUE.',
    semantics: "0 for an empty group (not NULL). DuckDB's count_if is HUGEINT, so it is cast to BIGINT.",
    render: { duckdb: (c) => `CAST(count_if(${s(c, 0)}) AS BIGINT)`, spark: fn('count_if') },
    examples: [ex("count_if(s LIKE 'Failed%')", [2], [S(['Failed password', 'Accepted', 'Failed publickey', null])])],
  },
  {
    name: 'sum',
    kind: 'function',
    category: 'aggregate',
    aggregate: true,
    signatures: [
      { params: [p('value', 'LONG')], result: 'LONG' },
      { params: [p('value', 'DOUBLE')], result: 'DOUBLE' },
    ],
    doc: 'Sum: LONG for integers, DOUBLE for doubles.',
    semantics: `${NULLS_NOTE} An integer sum that overflows LONG gives NULL on both engines (Spark try_sum; DuckDB sums in HUGEINT and narrows with TRY_CAST). DOUBLE sums may differ in the last bits between engines (summation order).`,
    render: {
      duckdb: (c) => (c.resultType === 'LONG' ? `TRY_CAST(sum(${s(c, 0)}) AS BIGINT)` : `sum(${s(c, 0)})`),
      spark: (c) => (c.resultType === 'LONG' ? `try_sum(${s(c, 0)})` : `sum(${s(c, 0)})`),
    },
    examples: [
      ex('sum(x)', [6], [X([1, 2, 3, null])]),
      ex('sum(x)', [null], [X([null, null])]),
      ex('sum(x)', [null], [col('x', 'LONG', ['9223372036854775807', '1'])]),
      ex('sum(x)', [0.6], [D([0.1, 0.2, 0.3])], 1e-12),
    ],
  },
  {
    name: 'avg',
    aliases: ['mean'],
    kind: 'function',
    category: 'aggregate',
    aggregate: true,
    signatures: [{ params: [p('value', 'DOUBLE')], result: 'DOUBLE' }],
    doc: 'Arithmetic mean, as DOUBLE.',
    semantics: NULLS_NOTE,
    render: both(fn('avg')),
    examples: [
      ex('avg(x)', [2], [X([1, 2, 3, null])]),
      // Scalar functions over aggregates, including ones rendered with a bound lambda variable.
      ex('floor(avg(x)) + ceil(avg(x))', [5], [X([1, 2, 4])]),
      ex('round(avg(x), 1)', [2.3], [X([1, 2, 4])]),
      ex("shannon_entropy(max(s)) + count_chars(min(s), 'digit')", [3], [col('s', 'STRING', ['abcd', '1a'])]),
    ],
  },
  ...(['min', 'max'] as const).map(
    (name): CatalogEntry => ({
      name,
      kind: 'function',
      category: 'aggregate',
      aggregate: true,
      signatures: [{ params: [p('value', T('orderable'))], result: 'T' }],
      doc: `The ${name === 'min' ? 'smallest' : 'largest'} value.`,
      semantics: `${NULLS_NOTE} Strings compare by code point on both engines.`,
      render: both(fn(name)),
      examples: [
        ex(`${name}(x)`, [name === 'min' ? 1 : 3], [X([3, 1, null, 2])]),
        ex(`${name}(ts)`, [name === 'min' ? '2024-01-01 00:00:00' : '2024-01-02 00:00:00'], [col('ts', 'TIMESTAMP', ['2024-01-02 00:00:00', '2024-01-01 00:00:00'])]),
      ],
    }),
  ),
  {
    name: 'stddev',
    aliases: ['stddev_samp'],
    kind: 'function',
    category: 'aggregate',
    aggregate: true,
    signatures: [{ params: [p('value', 'DOUBLE')], result: 'DOUBLE' }],
    doc: 'Sample standard deviation.',
    semantics: `${NULLS_NOTE} A group with a single value gives NULL on both engines.`,
    render: both(fn('stddev_samp')),
    examples: [ex('stddev(x)', [1], [X([1, 2, 3])], 1e-12), ex('stddev(x)', [null], [X([5])])],
  },
  {
    name: 'stddev_pop',
    kind: 'function',
    category: 'aggregate',
    aggregate: true,
    signatures: [{ params: [p('value', 'DOUBLE')], result: 'DOUBLE' }],
    doc: 'Population standard deviation.',
    semantics: NULLS_NOTE,
    render: both(fn('stddev_pop')),
    examples: [ex('stddev_pop(x)', [0.5], [X([1, 2])], 1e-12)],
  },
  {
    name: 'approx_count_distinct',
    kind: 'function',
    category: 'aggregate',
    aggregate: true,
    signatures: [{ params: [p('value', T('orderable'))], result: 'LONG' }],
    doc: 'Approximate number of distinct non-NULL values (HyperLogLog).',
    semantics:
      'Approximate on both engines with different sketches (Spark HLL++ at 5% relative error, DuckDB HLL): the two engines can return different counts for the same data. Use count(DISTINCT x) when exact agreement matters.',
    render: both(fn('approx_count_distinct')),
    examples: [ex('approx_count_distinct(s)', [3], [S(['a', 'b', 'c', 'a', null])], 0.05)],
  },
  {
    name: 'percentile_approx',
    aliases: ['approx_percentile'],
    kind: 'function',
    category: 'aggregate',
    aggregate: true,
    signatures: [{ params: [p('value', 'DOUBLE'), p('percentage', 'DOUBLE', { literal: true })], result: 'DOUBLE' }],
    doc: 'An approximate percentile (0 to 1) of the values: an input value whose rank is close to percentage × count.',
    semantics:
      "The smallest input value v such that at least percentage × count of the values are <= v (Spark's definition). Spark computes it with percentile_approx at accuracy 10000, which is exact for groups of up to about 10,000 values and within a rank error of 1/10000 beyond; DuckDB computes it exactly with quantile_disc (same rank rule; a t-digest would return values that are not in the input). percentage must be a literal between 0 and 1.",
    check: (c) => {
      const a = c.args[1];
      if (a !== undefined && typeof a.literal === 'number' && (a.literal < 0 || a.literal > 1)) {
        c.report({ code: CODES.BAD_LITERAL_VALUE, start: a.node.start, end: a.node.end, message: `percentage ${a.literal} is outside 0 to 1`, expected: 'a literal from 0 to 1' });
      }
    },
    render: {
      duckdb: (c) => `CAST(quantile_disc(${s(c, 0)}, ${Number(literalOf(c, 1))}) AS DOUBLE)`,
      spark: (c) => `CAST(percentile_approx(${s(c, 0)}, ${s(c, 1)}, 10000) AS DOUBLE)`,
    },
    examples: [
      ex('percentile_approx(x, 0.5)', [3], [X([5, 1, 4, 2, 3, null])]),
      ex('percentile_approx(x, 0.3)', [2], [X([4, 1, 3, 2])]),
      ex('percentile_approx(x, 0)', [1.5], [D([2.5, 1.5])]),
      ex('percentile_approx(x, 1)', [2.5], [D([2.5, 1.5])]),
    ],
  },
  ...(['max_by', 'min_by'] as const).map(
    (name): CatalogEntry => ({
      name,
      kind: 'function',
      category: 'aggregate',
      aggregate: true,
      signatures: [{ params: [p('value', T('any')), p('ordering', U('orderable'))], result: 'T' }],
      doc: `The value from the row with the ${name === 'max_by' ? 'largest' : 'smallest'} ordering.`,
      semantics:
        "Rows whose ordering is NULL are skipped; the value itself may be NULL and is then returned (Spark's rule; DuckDB renders arg_max_null/arg_min_null, since its arg_max skips NULL values). With ties, either engine may pick any of the tied rows.",
      render: { duckdb: (c) => `${name === 'max_by' ? 'arg_max_null' : 'arg_min_null'}(${s(c, 0)}, ${s(c, 1)})`, spark: fn(name) },
      examples: [
        ex(`${name}(s, x)`, [name === 'max_by' ? 'c' : 'a'], [S(['a', 'b', 'c', 'd']), X([1, 2, 3, null])]),
        ex(`${name}(s, x)`, [null], [S([null, 'b']), X([name === 'max_by' ? 9 : 0, 5])]),
      ],
    }),
  ),
];

