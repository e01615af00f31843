import type { CatalogEntry } from './entry.js';
import { AGGREGATES } from './entries/aggregates.js';
import { DATETIME } from './entries/datetime.js';
import { MATH } from './entries/math.js';
import { NULLS } from './entries/nulls.js';
import { OPERATORS } from './entries/operators.js';
import { REGEX } from './entries/regex.js';
import { SECURITY } from './entries/security.js';
import { STRINGS } from './entries/strings.js';

/** Every function and operator a definition may use, in documentation order. */
export const CATALOG: readonly CatalogEntry[] = [...OPERATORS, ...REGEX, ...STRINGS, ...DATETIME, ...MATH, ...NULLS, ...AGGREGATES, ...SECURITY];

const FUNCTIONS = new Map<string, CatalogEntry>();
const OPERATORS_BY_KEY = new Map<string, CatalogEntry>();
for (const e of CATALOG) {
  const table = e.kind === 'function' ? FUNCTIONS : OPERATORS_BY_KEY;
  for (const n of [e.name, ...(e.aliases ?? [])]) {
    const key = e.kind === 'function' ? n.toLowerCase() : n;
    if (table.has(key)) throw new Error(`catalog: duplicate ${e.kind} name '${n}'`);
    table.set(key, e);
  }
}

/** A function by name, case-insensitively (aliases included). Operators are not functions. */
export function lookupFunction(name: string): CatalogEntry | undefined {
  return FUNCTIONS.get(name.toLowerCase());
}

/** An operator or special form by its catalog key ('+', 'LIKE', 'IS NULL', 'CASE', '[]', ...). */
export function operatorEntry(key: string): CatalogEntry {
  const e = OPERATORS_BY_KEY.get(key);
  if (e === undefined) throw new Error(`catalog: no operator entry '${key}'`);
  return e;
}

export function functionNames(): string[] {
  return [...FUNCTIONS.keys()];
}
