import type { ArgValue, RenderContext } from '../catalog/entry.js';
import { sqlString, type Engine } from '../types/index.js';

/** Hands out lambda variable names that cannot collide with Quiver field names (which never start with '__qv'). */
export class LambdaNames {
  private n = 0;
  next(): string {
    return `__qv${++this.n}`;
  }
}

/** Evaluates `value` once in the engine and passes its name to `body`. */
export function bindValue(engine: Engine, names: LambdaNames, value: ArgValue, body: (ref: string) => string): string {
  if (value.simple) return body(value.sql);
  const v = names.next();
  // A one-element list mapped through a lambda: the only "let" both engines have in a plain expression.
  return engine === 'duckdb'
    ? `list_transform([${value.sql}], lambda ${v}: ${body(v)})[1]`
    : `transform(array(${value.sql}), ${v} -> ${body(v)})[0]`;
}

export function makeRenderContext(
  engine: Engine,
  names: LambdaNames,
  fields: Omit<RenderContext, 'engine' | 'lit' | 'bind' | 'fresh'>,
): RenderContext {
  return {
    ...fields,
    engine,
    lit: (s) => sqlString(s, engine),
    bind: (value, body) => bindValue(engine, names, value, body),
    fresh: () => names.next(),
  };
}
