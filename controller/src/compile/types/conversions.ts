import type { DataType } from '../../config/data-type.js';
import { sqlString } from './sql-literals.js';
import { sqlTypeOf, type Engine, type ExprType } from './sql-types.js';

/**
 * Quiver's conversion rules, one table for both engines.
 *
 * implicit: applied silently where a value meets a parameter or declared type
 *   NULL -> anything, INT -> LONG -> DOUBLE, DATE -> TIMESTAMP (midnight UTC).
 * explicit: only through CAST / TRY_CAST (which mean the same in Quiver: NULL on failure).
 * anything else: rejected at compile time, with the reason below.
 */
export type CastKind = 'identity' | 'implicit' | 'explicit';

const NUMERIC: readonly DataType[] = ['INT', 'LONG', 'DOUBLE'];

const IMPLICIT: ReadonlyArray<readonly [DataType, DataType]> = [
  ['INT', 'LONG'],
  ['INT', 'DOUBLE'],
  ['LONG', 'DOUBLE'],
  ['DATE', 'TIMESTAMP'],
];

export function castKind(from: ExprType, to: DataType): CastKind | undefined {
  if (from === to) return 'identity';
  if (from === 'NULL') return 'implicit';
  if (IMPLICIT.some(([a, b]) => a === from && b === to)) return 'implicit';
  return unsupportedCastReason(from, to) === undefined ? 'explicit' : undefined;
}

export function isImplicitlyConvertible(from: ExprType, to: DataType): boolean {
  const k = castKind(from, to);
  return k === 'identity' || k === 'implicit';
}

/** Why a conversion is not offered (undefined when it is). */
export function unsupportedCastReason(from: ExprType, to: DataType): string | undefined {
  if (from === 'NULL' || from === to) return undefined;
  if (from === 'ARRAY_STRING' || to === 'ARRAY_STRING') {
    return to === 'STRING' ? "arrays do not convert to STRING; use concat_ws(',', arr)" : 'arrays convert to nothing; use split() to make one';
  }
  if (from === 'DOUBLE' && to === 'STRING') {
    return 'the engines print DOUBLE values differently (1.0E10 vs 10000000000.0); round() it, or CAST it to LONG first';
  }
  const temporal = (t: ExprType): boolean => t === 'DATE' || t === 'TIMESTAMP';
  if ((temporal(from) && NUMERIC.includes(to as DataType)) || (NUMERIC.includes(from as DataType) && temporal(to))) {
    return 'use unix_timestamp(ts) for seconds since the epoch, or timestamp_seconds(n) for the reverse';
  }
  if ((temporal(from) && to === 'BOOLEAN') || (from === 'BOOLEAN' && temporal(to))) return 'there is no such conversion';
  return undefined;
}

/** Common supertype under implicit conversions (NULL joins anything), or undefined. */
export function commonType(types: readonly ExprType[]): ExprType | undefined {
  let acc: ExprType = 'NULL';
  for (const t of types) {
    if (t === 'NULL') continue;
    if (acc === 'NULL') acc = t;
    else if (isImplicitlyConvertible(acc, t)) acc = t;
    else if (!isImplicitlyConvertible(t, acc)) return undefined;
  }
  return acc;
}

// Strict textual grammars that STRING casts accept on both engines. Each engine's own cast
// accepts more (DuckDB: '1_000', rounding '1.5' to 2; Spark: 'yes', '1.5d'), so the cast only
// sees text that both parse the same way: the capture group, or '' (-> NULL) when it does not match.
// \z rather than $: java.util.regex's $ also matches before a final newline, RE2's does not.
const INTEGER_TEXT = '^ *([+-]?[0-9]+) *\\z';
const DOUBLE_TEXT = '^ *([+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?) *\\z';
const DATE_TEXT = '^ *([0-9]{4}-[0-9]{2}-[0-9]{2}) *\\z';
const TIMESTAMP_TEXT = '^ *([0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)?)Z? *\\z';

export const CAST_TEXT_GRAMMARS = { INTEGER_TEXT, DOUBLE_TEXT, DATE_TEXT, TIMESTAMP_TEXT } as const;

const TRUE_WORDS = ['true', 't', 'yes', 'y', '1'];
const FALSE_WORDS = ['false', 'f', 'no', 'n', '0'];
export const BOOLEAN_WORDS = { TRUE_WORDS, FALSE_WORDS } as const;

function tryCast(sql: string, to: DataType, engine: Engine): string {
  return engine === 'duckdb' ? `TRY_CAST(${sql} AS ${sqlTypeOf(to, engine)})` : `try_cast(${sql} AS ${sqlTypeOf(to, engine)})`;
}

function guarded(sql: string, grammar: string, engine: Engine): string {
  return `NULLIF(regexp_extract(${sql}, ${sqlString(grammar, engine)}, 1), '')`;
}

/**
 * Quiver's cast from one type to another in the engine's SQL; failures (unparseable text,
 * out-of-range numbers, NaN) yield NULL on both engines. Throws for a conversion that
 * castKind() does not offer: the compiler checks first.
 */
export function renderCast(sql: string, from: ExprType, to: DataType, engine: Engine): string {
  if (from === to) return sql;
  const T = sqlTypeOf(to, engine);
  if (from === 'NULL') return `CAST(NULL AS ${T})`;
  const reason = unsupportedCastReason(from, to);
  if (reason !== undefined) throw new Error(`renderCast: no conversion from ${from} to ${to}: ${reason}`);
  switch (to) {
    case 'STRING':
      if (from === 'TIMESTAMP') {
        // Fractional seconds are dropped: the engines print them differently.
        return engine === 'duckdb' ? `strftime(${sql}, '%Y-%m-%d %H:%M:%S')` : `date_format(${sql}, 'yyyy-MM-dd HH:mm:ss')`;
      }
      return `CAST(${sql} AS ${T})`;
    case 'INT':
    case 'LONG':
      if (from === 'STRING') return tryCast(guarded(sql, INTEGER_TEXT, engine), to, engine);
      if (from === 'DOUBLE') {
        // Truncate toward zero (Spark's rule); DuckDB's own cast rounds half away from zero.
        return engine === 'duckdb' ? `TRY_CAST(trunc(${sql}) AS ${T})` : tryCast(sql, to, engine);
      }
      if (from === 'LONG') return tryCast(sql, to, engine);
      return `CAST(${sql} AS ${T})`;
    case 'DOUBLE':
      if (from === 'STRING') return tryCast(guarded(sql, DOUBLE_TEXT, engine), to, engine);
      return `CAST(${sql} AS ${T})`;
    case 'BOOLEAN':
      if (from === 'STRING') {
        const whens = [
          ...TRUE_WORDS.map((w) => `WHEN '${w}' THEN TRUE`),
          ...FALSE_WORDS.map((w) => `WHEN '${w}' THEN FALSE`),
        ].join(' ');
        return `(CASE lower(trim(${sql})) ${whens} ELSE CAST(NULL AS BOOLEAN) END)`;
      }
      return `CAST(${sql} AS ${T})`;
    case 'DATE':
      if (from === 'STRING') return tryCast(guarded(sql, DATE_TEXT, engine), to, engine);
      return `CAST(${sql} AS ${T})`;
    case 'TIMESTAMP':
      if (from === 'STRING') return tryCast(guarded(sql, TIMESTAMP_TEXT, engine), to, engine);
      return `CAST(${sql} AS ${T})`;
    case 'ARRAY_STRING':
      throw new Error('unreachable: arrays have no conversions');
  }
}
