import { CODES } from '../../expr/codes.js';
import { renderCast } from '../../types/index.js';
import { col, ex, fn, literalOf, p, s } from '../build.js';
import { checkDatetimePattern, type PatternUse } from '../datetime-pattern.js';
import type { CatalogEntry, CheckContext, RenderContext } from '../entry.js';
import { MAX_WINDOW_SECONDS, parseWindowSize, renderWindowStart } from '../window.js';

const TS = (values: unknown[]) => col('ts', 'TIMESTAMP', values);
const S = (values: unknown[]) => col('s', 'STRING', values);
const N = (values: unknown[]) => col('n', 'LONG', values);

const UTC_NOTE = 'Timestamps are UTC wall time on both engines (Spark runs with spark.sql.session.timeZone=UTC; DuckDB uses TIMESTAMP, not TIMESTAMPTZ).';

function checkPatternArg(c: CheckContext, i: number, use: PatternUse): void {
  const v = c.args[i]?.literal;
  if (typeof v !== 'string') return;
  const r = checkDatetimePattern(v, use);
  if (!r.ok) {
    const span = c.spanIn(i, r.start, Math.max(r.end, r.start + 1));
    const d = { code: CODES.BAD_DATETIME_PATTERN, start: span.start, end: span.end, message: `datetime pattern: ${r.message}`, expected: 'a Spark datetime pattern such as yyyy-MM-dd HH:mm:ss' } as const;
    c.report(r.hint !== undefined ? { ...d, hint: r.hint } : d);
  }
}

function patternOf(c: RenderContext, i: number, use: PatternUse): { strftime: string; guard: string } {
  const r = checkDatetimePattern(String(literalOf(c, i)), use);
  if (!r.ok) throw new Error('datetime renderer: unchecked pattern');
  return r;
}

/** Parse text with a pattern, NULL on failure; the guard makes both engines see only well-formed text. */
function parseWithPattern(c: RenderContext): string {
  const pat = patternOf(c, 1, 'parse');
  const guarded = `NULLIF(regexp_extract(${s(c, 0)}, ${c.lit(pat.guard)}, 0), '')`;
  return c.engine === 'duckdb' ? `try_strptime(${guarded}, ${c.lit(pat.strftime)})` : `try_to_timestamp(${guarded}, ${s(c, 1)})`;
}

const PARSE_SEMANTICS =
  "With a pattern (which must be a literal), the text must match it exactly - same widths, same separators, month names in any case - or the result is NULL; Spark's letters are translated to DuckDB strptime at compile time (yyyy→%Y, MM→%m, MMM→%b, dd→%d, HH→%H, hh→%I, mm→%M, ss→%S, SSS→%g, SSSSSS→%f, a→%p; text in '...' is literal). The pattern must include year, month and day; zone letters and two-digit years are refused. Unparseable text gives NULL on both engines (Spark: try_to_timestamp). Without a pattern the text is read like CAST(s AS TIMESTAMP). ";

const TRUNC_UNITS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'];

function extractField(name: string, duck: string, doc: string, examples: CatalogEntry['examples'], semantics?: string): CatalogEntry {
  const e: CatalogEntry = {
    name,
    kind: 'function',
    category: 'datetime',
    aggregate: false,
    signatures: [{ params: [p('ts', 'TIMESTAMP')], result: 'INT' }],
    doc,
    render: { duckdb: (c) => `CAST(${duck}(${s(c, 0)}) AS INTEGER)`, spark: fn(name) },
    examples,
  };
  if (semantics !== undefined) e.semantics = semantics;
  return e;
}

export const DATETIME: CatalogEntry[] = [
  {
    name: 'to_timestamp',
    kind: 'function',
    category: 'datetime',
    aggregate: false,
    signatures: [
      { params: [p('str', 'STRING')], result: 'TIMESTAMP' },
      { params: [p('str', 'STRING'), p('pattern', 'STRING', { literal: true })], result: 'TIMESTAMP' },
    ],
    doc: 'Parses text into a TIMESTAMP, with an optional Spark datetime pattern.',
    semantics: PARSE_SEMANTICS + UTC_NOTE,
    check: (c) => checkPatternArg(c, 1, 'parse'),
    render: {
      duckdb: (c) => (c.args.length === 1 ? renderCast(s(c, 0), 'STRING', 'TIMESTAMP', 'duckdb') : parseWithPattern(c)),
      spark: (c) => (c.args.length === 1 ? renderCast(s(c, 0), 'STRING', 'TIMESTAMP', 'spark') : parseWithPattern(c)),
    },
    examples: [
      ex("to_timestamp(concat('2024 ', s), 'yyyy MMM d HH:mm:ss')", ['2024-01-05 10:01:02', '2024-10-15 23:59:59', null, null, null], [
        S(['Jan 5 10:01:02', 'oct 15 23:59:59', 'Jan  5 10:01:02', 'Foo 5 10:01:02', null]),
      ]),
      ex("to_timestamp(s, 'dd/MMM/yyyy:HH:mm:ss')", ['2000-10-10 13:55:36'], [S(['10/Oct/2000:13:55:36'])]),
      ex("to_timestamp(s, 'yyyy-MM-dd HH:mm:ss.SSS')", ['2024-01-05 10:00:00.123', null], [S(['2024-01-05 10:00:00.123', '2024-01-05 10:00:00'])]),
      ex("to_timestamp(s, 'yyyy-MM-dd hh:mm a')", ['2024-01-02 13:30:00', '2024-01-02 00:05:00'], [S(['2024-01-02 01:30 PM', '2024-01-02 12:05 am'])]),
      ex(`to_timestamp(s, "yyyy-MM-dd'T'HH:mm:ss")`, ['2024-01-02 03:04:05', null], [S(['2024-01-02T03:04:05', '2024-02-30T03:04:05'])]),
      ex('to_timestamp(s)', ['2024-01-02 03:04:05', null], [S(['2024-01-02 03:04:05', 'yesterday'])]),
    ],
  },
  {
    name: 'to_date',
    kind: 'function',
    category: 'datetime',
    aggregate: false,
    signatures: [
      { params: [p('str', 'STRING')], result: 'DATE' },
      { params: [p('str', 'STRING'), p('pattern', 'STRING', { literal: true })], result: 'DATE' },
    ],
    doc: 'Parses text into a DATE, with an optional Spark datetime pattern.',
    semantics: 'As to_timestamp, then the date part. Without a pattern the text is read like CAST(s AS DATE).',
    check: (c) => checkPatternArg(c, 1, 'parse'),
    render: {
      duckdb: (c) => (c.args.length === 1 ? renderCast(s(c, 0), 'STRING', 'DATE', 'duckdb') : `CAST(${parseWithPattern(c)} AS DATE)`),
      spark: (c) => (c.args.length === 1 ? renderCast(s(c, 0), 'STRING', 'DATE', 'spark') : `CAST(${parseWithPattern(c)} AS DATE)`),
    },
    examples: [ex("to_date(s, 'MM/dd/yyyy')", ['2024-03-01', null], [S(['03/01/2024', '3/1/2024'])]), ex('to_date(s)', ['2024-03-01'], [S(['2024-03-01'])])],
  },
  {
    name: 'date_format',
    kind: 'function',
    category: 'datetime',
    aggregate: false,
    signatures: [{ params: [p('ts', 'TIMESTAMP'), p('pattern', 'STRING', { literal: true })], result: 'STRING' }],
    doc: 'Formats a timestamp with a Spark datetime pattern.',
    semantics: 'The pattern must be a literal; it is translated to DuckDB strftime at compile time (EEE and EEEE day names are allowed here). ' + UTC_NOTE,
    check: (c) => checkPatternArg(c, 1, 'format'),
    render: { duckdb: (c) => `strftime(${s(c, 0)}, ${c.lit(patternOf(c, 1, 'format').strftime)})`, spark: fn('date_format') },
    examples: [ex("date_format(ts, 'yyyy-MM-dd HH:mm')", ['2024-01-07 09:05'], [TS(['2024-01-07 09:05:59'])]), ex("date_format(ts, 'EEE MMM d')", ['Sun Jan 7'], [TS(['2024-01-07 09:05:59'])])],
  },
  {
    name: 'date_trunc',
    kind: 'function',
    category: 'datetime',
    aggregate: false,
    signatures: [{ params: [p('unit', 'STRING', { literal: true }), p('ts', 'TIMESTAMP')], result: 'TIMESTAMP' }],
    doc: `Truncates a timestamp to the start of its ${TRUNC_UNITS.join(', ')}.`,
    semantics: 'The unit must be a literal (any case). Weeks start on Monday on both engines. ' + UTC_NOTE,
    check: (c) => {
      const u = c.args[0];
      if (typeof u?.literal === 'string' && !TRUNC_UNITS.includes(u.literal.toLowerCase())) {
        c.report({ code: CODES.BAD_LITERAL_VALUE, start: u.node.start, end: u.node.end, message: `'${u.literal}' is not a date_trunc unit`, expected: TRUNC_UNITS.join(', ') });
      }
    },
    render: {
      duckdb: (c) => `date_trunc(${c.lit(String(literalOf(c, 0)).toLowerCase())}, ${s(c, 1)})`,
      spark: (c) => `date_trunc(${c.lit(String(literalOf(c, 0)).toUpperCase())}, ${s(c, 1)})`,
    },
    examples: [
      ex("date_trunc('hour', ts)", ['2024-01-03 10:00:00', null], [TS(['2024-01-03 10:11:12.5', null])]),
      ex("date_trunc('WEEK', ts)", ['2024-01-01 00:00:00'], [TS(['2024-01-03 10:11:12'])]),
      ex("date_trunc('month', d)", ['2024-02-01 00:00:00'], [col('d', 'DATE', ['2024-02-29'])]),
    ],
  },
  extractField('hour', 'hour', 'The hour (0-23).', [ex('hour(ts)', [23, null], [TS(['2024-01-01 23:59:59', null])])], UTC_NOTE),
  extractField('minute', 'minute', 'The minute (0-59).', [ex('minute(ts)', [59], [TS(['2024-01-01 23:59:30'])])]),
  extractField('second', 'second', 'The second (0-59), without the fraction.', [ex('second(ts)', [30], [TS(['2024-01-01 23:59:30.9'])])]),
  extractField('year', 'year', 'The year.', [ex('year(ts)', [2024], [TS(['2024-12-31 23:59:59'])])]),
  extractField('month', 'month', 'The month (1-12).', [ex('month(d)', [2], [col('d', 'DATE', ['2024-02-29'])])]),
  extractField('dayofmonth', 'day', 'The day of the month (1-31).', [ex('dayofmonth(ts)', [29], [TS(['2024-02-29 12:00:00'])])]),
  {
    name: 'dayofweek',
    kind: 'function',
    category: 'datetime',
    aggregate: false,
    signatures: [{ params: [p('ts', 'TIMESTAMP')], result: 'INT' }],
    doc: 'The day of the week: 1 = Sunday ... 7 = Saturday (Spark numbering).',
    semantics: "DuckDB's dayofweek counts 0 = Sunday, so it is rendered plus one.",
    render: { duckdb: (c) => `CAST(dayofweek(${s(c, 0)}) + 1 AS INTEGER)`, spark: fn('dayofweek') },
    examples: [ex('dayofweek(ts)', [1, 7, 2], [TS(['2024-01-07 00:00:00', '2024-01-06 23:59:59', '2024-01-08 12:00:00'])])],
  },
  {
    name: 'unix_timestamp',
    kind: 'function',
    category: 'datetime',
    aggregate: false,
    signatures: [{ params: [p('ts', 'TIMESTAMP')], result: 'LONG' }],
    doc: 'Whole seconds since 1970-01-01 00:00:00 UTC.',
    semantics:
      "Only the one-argument form on a TIMESTAMP (the no-argument form reads the clock; parse text with to_timestamp first). The fraction is dropped toward zero, as Spark does (so 1969-12-31 23:59:59.5 gives 0); DuckDB renders integer division of epoch_us, which also truncates.",
    render: { duckdb: (c) => `(epoch_us(${s(c, 0)}) // 1000000)`, spark: fn('unix_timestamp') },
    examples: [ex('unix_timestamp(ts)', [1704067200, 1, 0, -2, null], [TS(['2024-01-01 00:00:00', '1970-01-01 00:00:01.5', '1969-12-31 23:59:59.5', '1969-12-31 23:59:58', null])])],
  },
  {
    name: 'from_unixtime',
    kind: 'function',
    category: 'datetime',
    aggregate: false,
    signatures: [
      { params: [p('seconds', 'LONG')], result: 'STRING' },
      { params: [p('seconds', 'LONG'), p('pattern', 'STRING', { literal: true })], result: 'STRING' },
    ],
    doc: "Formats seconds since the epoch as text (default pattern 'yyyy-MM-dd HH:mm:ss').",
    semantics: 'UTC; defined for years 1 to 9999. The pattern must be a literal and is translated to strftime at compile time.',
    check: (c) => checkPatternArg(c, 1, 'format'),
    render: {
      duckdb: (c) =>
        `strftime(make_timestamp(TRY_CAST(CAST(${s(c, 0)} AS HUGEINT) * 1000000 AS BIGINT)), ${c.lit(c.args.length > 1 ? patternOf(c, 1, 'format').strftime : '%Y-%m-%d %H:%M:%S')})`,
      spark: fn('from_unixtime'),
    },
    examples: [ex('from_unixtime(n)', ['1970-01-01 00:00:00', '2024-01-01 00:00:00', null], [N([0, 1704067200, null])]), ex("from_unixtime(n, 'yyyy/MM/dd')", ['2024/01/01'], [N([1704067200])])],
  },
  {
    name: 'timestamp_seconds',
    kind: 'function',
    category: 'datetime',
    aggregate: false,
    signatures: [{ params: [p('seconds', 'LONG')], result: 'TIMESTAMP' }],
    doc: 'The TIMESTAMP that many seconds after 1970-01-01 00:00:00 UTC.',
    semantics:
      'Defined for years 1 to 9999. Seconds whose microseconds do not fit a LONG give NULL on both engines (Spark timestamp_seconds alone fails the job on them: long overflow).',
    render: {
      duckdb: (c) => `make_timestamp(TRY_CAST(CAST(${s(c, 0)} AS HUGEINT) * 1000000 AS BIGINT))`,
      spark: (c) => `timestamp_micros(try_multiply(${s(c, 0)}, 1000000))`,
    },
    examples: [
      ex('timestamp_seconds(n)', ['2024-01-01 00:00:00', '1969-12-31 23:59:59', null, null], [N([1704067200, -1, null, '9223372036854775807'])]),
    ],
  },
  {
    name: 'window_start',
    kind: 'function',
    category: 'datetime',
    aggregate: false,
    signatures: [{ params: [p('ts', 'TIMESTAMP'), p('size', 'STRING', { literal: true })], result: 'TIMESTAMP' }],
    doc: "The start of the tumbling window of the given size that contains ts: window_start(ts, '1h'). Sizes: '30s', '15m', '1h', '1d', '1w', or '15 minutes', '1 hour', ...",
    semantics:
      'Windows are aligned to the Unix epoch (a 1d window starts at 00:00 UTC, a 1w window on a Thursday). Both engines evaluate the same floating-point steps on microseconds, so they agree exactly; it is the same bucketing the feature-set plan uses for its window.',
    check: (c) => {
      const a = c.args[1];
      if (typeof a?.literal === 'string' && parseWindowSize(a.literal) === undefined) {
        c.report({ code: CODES.BAD_LITERAL_VALUE, start: a.node.start, end: a.node.end, message: `'${a.literal}' is not a window size`, expected: `a whole number of s, m, h, d or w, from 1s to ${MAX_WINDOW_SECONDS / 86400}d, e.g. '15m'` });
      }
    },
    render: {
      duckdb: (c) => renderWindowStart(s(c, 0), parseWindowSize(String(literalOf(c, 1))) ?? 1, 'duckdb'),
      spark: (c) => renderWindowStart(s(c, 0), parseWindowSize(String(literalOf(c, 1))) ?? 1, 'spark'),
    },
    examples: [
      ex("window_start(ts, '1h')", ['2024-01-01 10:00:00', '1969-12-31 23:00:00', null], [TS(['2024-01-01 10:59:59.999999', '1969-12-31 23:30:00', null])]),
      ex("window_start(ts, '15 minutes')", ['2024-01-01 10:45:00'], [TS(['2024-01-01 10:59:59'])]),
      ex("window_start(ts, '1d')", ['2024-01-01 00:00:00'], [TS(['2024-01-01 23:59:59'])]),
    ],
  },
];
