/**
 * Runs every catalog example on real Spark 4 (PySpark, local mode, ANSI on, UTC) and
 * compares with the same expectations as the DuckDB run. One spark-submit for all
 * examples (and for each example over hostile values, which must only not fail); the
 * comparison is the TypeScript code the DuckDB test uses.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, sparkEnv } from '../../helpers/tools.js';
import { compareValue, compiledCatalogExamples, hostileCatalogExamples } from './example-runner.js';

const examples = compiledCatalogExamples();
// The same submission also runs every example over hostile values (duckdb.test.ts).
const hostile = hostileCatalogExamples();
const here = dirname(fileURLToPath(import.meta.url));

/** Spark's typeof() names for Quiver types. */
const SPARK_TYPEOF: Record<string, string> = {
  STRING: 'string',
  BOOLEAN: 'boolean',
  INT: 'int',
  LONG: 'bigint',
  DOUBLE: 'double',
  TIMESTAMP: 'timestamp',
  DATE: 'date',
  ARRAY_STRING: 'array<string>',
};

type Result = { rows: Array<[string | null, string | null]> } | { error: string };
let results: Record<string, Result> | undefined;
let failure: string | undefined;

describe('catalog on Spark', () => {
  beforeAll(async () => {
    const env = sparkEnv();
    const dir = mkdtempSync(join(tmpdir(), 'quiver-catalog-spark-'));
    const input = join(dir, 'queries.json');
    const output = join(dir, 'results.json');
    writeFileSync(input, JSON.stringify([...examples, ...hostile].map((x) => ({ id: x.id, query: x.query.spark }))));
    const r = await run(env.sparkSubmit, [...env.args, '--conf', 'spark.sql.ansi.enabled=true', join(here, 'spark_runner.py'), input, output], {
      env: env.env,
      timeoutMs: 600_000,
    });
    if (r.code !== 0) failure = `spark-submit exited ${r.code}: ${r.stderr.slice(-4000)}`;
    else results = JSON.parse(readFileSync(output, 'utf8')) as Record<string, Result>;
  }, 900_000);

  for (const x of examples) {
    it(`${x.id}: ${x.expr}`, () => {
      expect(failure, failure).toBeUndefined();
      const r = results?.[x.id];
      expect(r, 'no result').toBeDefined();
      if (r === undefined) return;
      if ('error' in r) throw new Error(`Spark failed: ${r.error}\nSQL: ${x.spark}`);
      const expected = x.mode === 'aggregate' ? x.expected.slice(0, 1) : x.expected;
      expect(r.rows.length).toBe(expected.length);
      const problems: string[] = [];
      r.rows.forEach(([v, t], i) => {
        const why = compareValue(v, expected[i], x.type, x.tolerance);
        if (why !== undefined) problems.push(`row ${i}: ${why}`);
        if (x.type !== 'NULL' && t !== SPARK_TYPEOF[x.type]) problems.push(`row ${i}: type ${t}, expected ${SPARK_TYPEOF[x.type]}`);
      });
      expect(problems, `SQL: ${x.spark}`).toEqual([]);
    });
  }

  for (const x of hostile) {
    it(`${x.id}: ${x.expr} gives a result, not an error`, () => {
      expect(failure, failure).toBeUndefined();
      const r = results?.[x.id];
      expect(r, 'no result').toBeDefined();
      if (r === undefined) return;
      if ('error' in r) throw new Error(`Spark failed: ${r.error}\nSQL: ${x.spark}`);
      expect(r.rows.length).toBe(x.mode === 'aggregate' ? 1 : Math.max(...x.inputs.map((i) => i.values.length)));
    });
  }
});
