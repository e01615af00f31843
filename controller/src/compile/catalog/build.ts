import type { DataType } from '../../config/data-type.js';
import type { TypeSet } from '../types/index.js';
import type { ArgValue, Example, ExampleInput, Param, ParamType, RenderContext, Renderer } from './entry.js';

/** Small constructors that keep the catalog files readable as data. */

export const T = (of: TypeSet): ParamType => ({ var: 'T', of });
export const U = (of: TypeSet): ParamType => ({ var: 'U', of });

export function p(name: string, type: ParamType, extra: Omit<Param, 'name' | 'type'> = {}): Param {
  return { name, type, ...extra };
}

export function arg(c: RenderContext, i: number): ArgValue {
  const a = c.args[i];
  if (a === undefined) throw new Error(`renderer: missing argument ${i}`);
  return a;
}

/** The SQL of argument i. */
export const s = (c: RenderContext, i: number): string => arg(c, i).sql;

export const sqlArgs = (c: RenderContext): string[] => c.args.map((a) => a.sql);

/** name(arg, arg, ...) */
export const fn =
  (name: string): Renderer =>
  (c) =>
    `${name}(${sqlArgs(c).join(', ')})`;

export const both = (r: Renderer): Record<'duckdb' | 'spark', Renderer> => ({ duckdb: r, spark: r });

/** A literal argument's value (the compiler has checked that it is one). */
export function literalOf(c: RenderContext, i: number): string | number | boolean {
  const v = arg(c, i).literal;
  if (v === undefined || v === null) throw new Error(`renderer: argument ${i} is not a literal`);
  return v;
}

export function col(name: string, type: DataType, values: unknown[]): ExampleInput {
  return { name, type, values };
}

export function ex(expr: string, expected: unknown[], inputs?: ExampleInput[], tolerance?: number): Example {
  const e: Example = { expr, expected };
  if (inputs !== undefined) e.inputs = inputs;
  if (tolerance !== undefined) e.tolerance = tolerance;
  return e;
}
