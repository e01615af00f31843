import type { DataType } from '../../config/data-type.js';
import type { ExampleInput } from './entry.js';
import { CATALOG } from './registry.js';

/**
 * Every catalog example as plain data, for the conformance runners (DuckDB in process,
 * and a PySpark runner that consumes the same list as JSON).
 *
 * Value encoding, inputs and expected alike: STRING as a string; INT and LONG as numbers
 * (LONG beyond 2^53 as a decimal string); DOUBLE as a number or 'NaN' / 'Infinity' /
 * '-Infinity'; BOOLEAN as a boolean; TIMESTAMP as 'yyyy-MM-dd HH:mm:ss[.ffffff]' (UTC);
 * DATE as 'yyyy-MM-dd'; ARRAY_STRING as an array of strings and nulls; NULL as null.
 *
 * mode 'scalar': expected[i] is the value for input row i (one row when there are no inputs).
 * mode 'aggregate': the whole input table is one group and expected[0] is its value.
 */
export interface CatalogExample {
  /** The catalog entry's name. */
  entry: string;
  /** Position among the entry's examples (stable ids: `${entry}#${index}`). */
  index: number;
  mode: 'scalar' | 'aggregate';
  inputs: ExampleInput[];
  expr: string;
  expected: unknown[];
  /** Relative tolerance for DOUBLE results. */
  tolerance: number;
}

export function catalogExamples(): CatalogExample[] {
  const out: CatalogExample[] = [];
  for (const e of CATALOG) {
    e.examples.forEach((x, index) => {
      out.push({
        entry: e.name,
        index,
        mode: e.aggregate ? 'aggregate' : 'scalar',
        inputs: x.inputs ?? [],
        expr: x.expr,
        expected: x.expected,
        tolerance: x.tolerance ?? 1e-9,
      });
    });
  }
  return out;
}

/** The declared types of an example's inputs, for building its scope. */
export function exampleScopeTypes(x: CatalogExample): Array<{ name: string; type: DataType }> {
  return x.inputs.map((i) => ({ name: i.name, type: i.type }));
}
