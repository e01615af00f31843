import type { DataType } from '../../config/data-type.js';
import { quoteIdent } from '../types/index.js';
import type { Scope, ScopeEntry } from './compile.js';

/** A scope over a fixed list of entries (names are matched exactly; the compiler adds case-insensitive fallback). */
export function makeScope(entries: readonly ScopeEntry[]): Scope {
  const byName = new Map(entries.map((e) => [e.name, e]));
  return {
    lookup: (name) => byName.get(name),
    names: () => [...byName.keys()],
  };
}

/** A scope entry for a column of that name, quoted for each engine. */
export function columnEntry(name: string, type: DataType, column: string = name): ScopeEntry {
  return { name, type, sql: { duckdb: quoteIdent(column, 'duckdb'), spark: quoteIdent(column, 'spark') } };
}
