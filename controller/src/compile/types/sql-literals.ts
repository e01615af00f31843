import type { Engine } from './sql-types.js';

/**
 * A string constant in the engine's SQL. User text reaches engine SQL only through here,
 * so the escaping is total: DuckDB strings have no backslash escapes (quotes are doubled);
 * Spark strings use backslash escapes, and '$' is written as \u0024 because Spark
 * substitutes ${...} variables (including ${env:...}) in the raw SQL text before parsing.
 */
export function sqlString(value: string, engine: Engine): string {
  if (engine === 'duckdb') return `'${value.replace(/'/g, "''")}'`;
  let out = "'";
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '$' || cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0) || isInvisible(cp)) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out + "'";
}

/** Format and bidi controls: kept out of generated SQL text so a reviewer sees what runs. */
function isInvisible(cp: number): boolean {
  return (
    cp === 0xad ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    cp === 0xfeff
  );
}

/** An INT (32-bit) constant. */
export function sqlInt(value: number): string {
  return value < 0 ? `(${value})` : String(value);
}

/** A LONG (64-bit) constant, given as decimal text so values beyond 2^53 stay exact. */
export function sqlLong(text: string, engine: Engine): string {
  const neg = text.startsWith('-');
  const body = engine === 'duckdb' ? `CAST(${text} AS BIGINT)` : `${text}L`;
  return neg && engine === 'spark' ? `(${body})` : body;
}

/** A DOUBLE constant; exponent notation makes both engines type it DOUBLE (a plain 1.5 would be DECIMAL). */
export function sqlDouble(value: number, engine: Engine): string {
  if (Number.isNaN(value)) return engine === 'duckdb' ? "CAST('NaN' AS DOUBLE)" : "CAST('NaN' AS DOUBLE)";
  if (!Number.isFinite(value)) {
    const s = value > 0 ? 'Infinity' : '-Infinity';
    return `CAST('${s}' AS DOUBLE)`;
  }
  const text = value.toExponential();
  return value < 0 || Object.is(value, -0) ? `(${text})` : text;
}

/** Identifier quoting, for callers that build scope entries from field names. */
export function quoteIdent(name: string, engine: Engine): string {
  return engine === 'duckdb' ? `"${name.replace(/"/g, '""')}"` : `\`${name.replace(/`/g, '``')}\``;
}
