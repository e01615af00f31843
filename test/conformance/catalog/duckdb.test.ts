/**
 * Runs every catalog example on DuckDB in process: compile with compileExpression on a
 * synthetic scope, render DuckDB SQL, evaluate over a VALUES table, compare with the
 * expected values (DOUBLE within the example's tolerance, timestamps as UTC text), and
 * check that the result's SQL type is the one sqlTypeOf promises. Then every example over
 * hostile values, which must only not fail.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../../controller/src/compile/catalog/index.js';
import { sqlTypeOf } from '../../../controller/src/compile/expr/index.js';
import { compareValue, compiledCatalogExamples, hostileCatalogExamples } from './example-runner.js';

const examples = compiledCatalogExamples();
const hostile = hostileCatalogExamples();
let instance: DuckDBInstance;
let con: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  con = await instance.connect();
});

afterAll(() => {
  con?.closeSync();
  instance?.closeSync();
});

describe('catalog on DuckDB', () => {
  it('has examples for every entry', () => {
    const without = CATALOG.filter((e) => e.examples.length === 0).map((e) => e.name);
    expect(without).toEqual([]);
  });

  for (const x of examples) {
    it(`${x.id}: ${x.expr}`, async () => {
      const reader = await con.runAndReadAll(x.query.duckdb);
      const rows = reader.getRows() as Array<[string | null, string | null]>;
      const expected = x.mode === 'aggregate' ? x.expected.slice(0, 1) : x.expected;
      expect(rows.length, `rows of ${x.query.duckdb}`).toBe(expected.length);
      const problems: string[] = [];
      rows.forEach(([v, t], i) => {
        const why = compareValue(v, expected[i], x.type, x.tolerance);
        if (why !== undefined) problems.push(`row ${i}: ${why}`);
        if (x.type !== 'NULL' && t !== sqlTypeOf(x.type, 'duckdb')) problems.push(`row ${i}: type ${t}, expected ${sqlTypeOf(x.type, 'duckdb')}`);
      });
      expect(problems, `SQL: ${x.duckdb}`).toEqual([]);
    });
  }
});

// "A bad value never fails the job" (docs/reference/functions.md): each example's expression over
// HOSTILE values (example-runner.ts) must give a result, not an error. Only that is checked; the
// values are the examples' business (above). spark.test.ts runs the same queries on Spark.
describe('catalog on DuckDB: no value fails an expression', () => {
  it('covers examples of most entries', () => {
    expect(new Set(hostile.map((x) => x.entry)).size).toBeGreaterThan(80);
  });
  for (const x of hostile) {
    it(`${x.id}: ${x.expr}`, async () => {
      const rows = Math.max(...x.inputs.map((i) => i.values.length));
      await expect(con.runAndReadAll(x.query.duckdb).then((r) => r.getRows().length), `SQL: ${x.duckdb}`).resolves.toBe(x.mode === 'aggregate' ? 1 : rows);
    });
  }
});
