/**
 * "A bad value never fails the job" (docs/reference/functions.md): every catalog example's
 * expression, evaluated on DuckDB over HOSTILE values (example-runner.ts), must give a result,
 * not an error. Only that is checked; the values are the examples' business (duckdb.test.ts).
 * spark.test.ts runs the same queries on Spark.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileCatalogExamples } from './example-runner.js';

const examples = hostileCatalogExamples();
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

describe('catalog on DuckDB: no value fails an expression', () => {
  it('covers examples of most entries', () => {
    expect(new Set(examples.map((x) => x.entry)).size).toBeGreaterThan(80);
  });
  for (const x of examples) {
    it(`${x.id}: ${x.expr}`, async () => {
      const rows = Math.max(...x.inputs.map((i) => i.values.length));
      await expect(con.runAndReadAll(x.query.duckdb).then((r) => r.getRows().length), `SQL: ${x.duckdb}`).resolves.toBe(x.mode === 'aggregate' ? 1 : rows);
    });
  }
});
