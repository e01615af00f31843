import type { Engine } from '../types/index.js';

/**
 * Tumbling windows, aligned to the Unix epoch (so a 1-day window starts at 00:00 UTC).
 * Both engines evaluate the same IEEE-754 steps - int64 microseconds to double, divide,
 * floor, back to int64 - so they agree bit for bit; the result is exact for timestamps
 * within about 285 years of 1970 (|micros| < 2^53), which covers every real log.
 */
export function renderWindowStart(tsSql: string, seconds: number, engine: Engine): string {
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`renderWindowStart: window must be a positive whole number of seconds, got ${seconds}`);
  const micros = seconds * 1_000_000;
  if (engine === 'duckdb') {
    return `make_timestamp(CAST(floor(CAST(epoch_us(${tsSql}) AS DOUBLE) / CAST(${micros} AS DOUBLE)) AS BIGINT) * CAST(${micros} AS BIGINT))`;
  }
  return `timestamp_micros(CAST(floor(CAST(unix_micros(${tsSql}) AS DOUBLE) / CAST(${micros} AS DOUBLE)) AS BIGINT) * CAST(${micros} AS BIGINT))`;
}

const UNITS: Record<string, number> = {
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hour: 3600, hours: 3600,
  d: 86400, day: 86400, days: 86400,
  w: 604800, week: 604800, weeks: 604800,
};

export const MAX_WINDOW_SECONDS = 366 * 86400;

/** '1h', '15m', '30 seconds', '1 day' -> seconds; undefined if not a window size. */
export function parseWindowSize(text: string): number | undefined {
  const m = /^\s*([1-9][0-9]{0,6})\s*([a-zA-Z]+)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = UNITS[(m[2] as string).toLowerCase()];
  if (unit === undefined) return undefined;
  const s = Number(m[1]) * unit;
  return s <= MAX_WINDOW_SECONDS ? s : undefined;
}
