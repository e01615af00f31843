import type { Engine } from '../types/index.js';

/**
 * A last check on every rendered expression, independent of the compiler: outside string
 * literals the SQL must hold no comment starts, no statement separator, and (Spark) no
 * ${ anywhere, since Spark substitutes variables before it even tokenizes. A failure is a
 * bug in a renderer, never a user error.
 */
export function unsafeSqlReason(sql: string, engine: Engine): string | undefined {
  if (engine === 'spark' && sql.includes('${')) return "'${' in Spark SQL";
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      const close = endOfQuoted(sql, i, c, engine);
      if (close < 0) return `unterminated ${c} quote`;
      i = close + 1;
      continue;
    }
    if (c === ';') return "';'";
    if (c === '-' && sql[i + 1] === '-') return "'--'";
    if (c === '/' && sql[i + 1] === '*') return "'/*'";
    i++;
  }
  return undefined;
}

function endOfQuoted(sql: string, start: number, q: string, engine: Engine): number {
  for (let i = start + 1; i < sql.length; i++) {
    const c = sql[i];
    // Spark strings take backslash escapes; DuckDB's and all identifiers double the quote.
    if (engine === 'spark' && q !== '`' && c === '\\') {
      i++;
      continue;
    }
    if (c === q) {
      if (sql[i + 1] === q && (engine === 'duckdb' || q === '`')) {
        i++;
        continue;
      }
      return i;
    }
  }
  return -1;
}

export class UnsafeSqlError extends Error {
  override readonly name = 'UnsafeSqlError';
}
