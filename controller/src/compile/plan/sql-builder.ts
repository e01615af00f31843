/**
 * Small helpers that keep the plan builders engine-neutral: each helper renders
 * one construct for DuckDB and for Spark, so the builders describe the query
 * once.
 */
import { quoteIdent, sqlString, type Engine } from '../types/index.js';

export type Both = { duckdb: string; spark: string };

export const both = (f: (e: Engine) => string): Both => ({ duckdb: f('duckdb'), spark: f('spark') });

export const q = (name: string, e: Engine): string => quoteIdent(name, e);
export const lit = (s: string, e: Engine): string => sqlString(s, e);

/** A line without its trailing CR (CRLF files; Spark already strips it, DuckDB may not). */
export function stripCr(col: string, e: Engine): string {
  return e === 'duckdb'
    ? `CASE WHEN suffix(${col}, chr(13)) THEN left(${col}, length(${col}) - 1) ELSE ${col} END`
    : `CASE WHEN endswith(${col}, chr(13)) THEN substring(${col}, 1, length(${col}) - 1) ELSE ${col} END`;
}

export function startsWithSql(col: string, prefix: string, e: Engine): string {
  return e === 'duckdb' ? `starts_with(${col}, ${lit(prefix, e)})` : `startswith(${col}, ${lit(prefix, e)})`;
}

/** Regex search (not anchored): regexp_matches / RLIKE have the same "find" semantics. */
export function regexFind(col: string, pattern: string, e: Engine): string {
  return e === 'duckdb' ? `regexp_matches(${col}, ${lit(pattern, e)})` : `(${col} RLIKE ${lit(pattern, e)})`;
}

/** Java's Pattern.quote-free escaping of one literal character for a regex. */
export function regexEscape(ch: string): string {
  return ch.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

export function cte(name: string, body: string): string {
  return `${name} AS (\n${body}\n)`;
}

export function withQuery(ctes: string[], select: string): string {
  return ctes.length ? `WITH\n${ctes.join(',\n')}\n${select}` : select;
}
