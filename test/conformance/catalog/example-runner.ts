/**
 * Compiles catalog examples and turns them into engine SQL over a synthetic table, plus
 * the comparison of results with expectations. Shared by the DuckDB conformance test and
 * the Spark runner (which consumes compiledCatalogExamples() as JSON).
 */
import type { DataType } from '../../../controller/src/config/data-type.js';
import { syntheticExpr } from '../../../controller/src/config/text-origin.js';
import { catalogExamples, type CatalogExample } from '../../../controller/src/compile/catalog/index.js';
import { columnEntry, compileExpression, makeScope, sqlTypeOf, type Engine, type ExprType } from '../../../controller/src/compile/expr/index.js';
import { sqlString } from '../../../controller/src/compile/types/index.js';

export interface CompiledExample extends CatalogExample {
  id: string;
  type: ExprType;
  duckdb: string;
  spark: string;
  /** A query returning (r) in row order, with r canonicalised to text (see canonicalSql). */
  query: Record<Engine, string>;
}

export function compiledCatalogExamples(): CompiledExample[] {
  return catalogExamples().map(compileExample);
}

/**
 * Values a real log can hold and a careless function would choke on: empty and huge text, broken
 * JSON, NaN and infinities, the integer limits, the ends of the timestamp range, empty arrays.
 */
export const HOSTILE: Record<DataType, unknown[]> = {
  STRING: ['', ' ', 'not json', '{', '{"a": [1, {"b": null}]}', '[1, 2]', '-', 'NaN', '9'.repeat(40), '1e400', '%_\\', "'", '2024-13-45 25:61:61', '😀 ü', 'x'.repeat(100_000), '0x10', null],
  INT: [0, -1, 1, 2147483647, -2147483648, null],
  LONG: [0, -1, 1, '9223372036854775807', '-9223372036854775808', 1704067200, null],
  DOUBLE: [0, -0.5, 'NaN', 'Infinity', '-Infinity', 1e308, -1e308, 5e-324, 1704067200.5, null],
  BOOLEAN: [true, false, null],
  TIMESTAMP: ['1970-01-01 00:00:00', '0001-01-01 00:00:00', '9999-12-31 23:59:59.999999', '2024-02-29 12:34:56.789', null],
  DATE: ['1970-01-01', '0001-01-01', '9999-12-31', '2024-02-29', null],
  ARRAY_STRING: [[], [null], ['', 'a'], ['x'.repeat(1000)], null],
};

/**
 * Every example that has inputs, with HOSTILE values in place of its own (id `<entry>#<i>!hostile`):
 * "a bad value never fails the job" (docs/reference/functions.md), so each must give a result on
 * both engines. Row r takes each input's values at a different stride, so rows mix them.
 */
export function hostileCatalogExamples(): CompiledExample[] {
  return catalogExamples()
    .filter((x) => x.inputs.length > 0)
    .map((x) => {
      const rows = Math.max(...x.inputs.map((i) => HOSTILE[i.type].length));
      const inputs = x.inputs.map((i, k) => {
        const pool = HOSTILE[i.type];
        return { ...i, values: Array.from({ length: rows }, (_, r) => pool[(r * (k + 1) + k) % pool.length]) };
      });
      const c = compileExample({ ...x, inputs });
      return { ...c, id: `${c.id}!hostile` };
    });
}

/** One example compiled, with its queries over its own input values. */
export function compileExample(x: CatalogExample): CompiledExample {
  const id = `${x.entry}#${x.index}`;
  const scope = makeScope(x.inputs.map((i) => columnEntry(i.name, i.type)));
  const r = compileExpression(syntheticExpr(x.expr), scope, { mode: x.mode, what: `example ${id}` });
  if (!r.expr) throw new Error(`catalog example ${id} (${x.expr}) does not compile: ${r.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const e = r.expr;
  const query = { duckdb: exampleQuery(x, e.duckdb, e.type, 'duckdb'), spark: exampleQuery(x, e.spark, e.type, 'spark') };
  return { ...x, id, type: e.type, duckdb: e.duckdb, spark: e.spark, query };
}

function inputLiteral(v: unknown, t: DataType, engine: Engine): string {
  const T = sqlTypeOf(t, engine);
  if (v === null || v === undefined) return `CAST(NULL AS ${T})`;
  switch (t) {
    case 'STRING':
      return sqlString(String(v), engine);
    case 'BOOLEAN':
      return v ? 'TRUE' : 'FALSE';
    case 'INT':
    case 'LONG':
      return `CAST(${String(v)} AS ${T})`;
    case 'DOUBLE':
      return `CAST('${String(v)}' AS DOUBLE)`;
    case 'TIMESTAMP':
    case 'DATE':
      return `CAST('${String(v)}' AS ${T})`;
    case 'ARRAY_STRING': {
      const items = (v as unknown[]).map((i) => (i === null ? 'CAST(NULL AS STRING)' : sqlString(String(i), engine)));
      return engine === 'duckdb' ? `CAST([${items.join(', ')}] AS VARCHAR[])` : `array(${items.join(', ')})`;
    }
  }
}

/** The result as comparable text: numbers and booleans as text, timestamps with 6 fraction digits, arrays as JSON. */
function canonicalSql(r: string, t: ExprType, engine: Engine): string {
  switch (t) {
    case 'TIMESTAMP':
      return engine === 'duckdb' ? `strftime(${r}, '%Y-%m-%d %H:%M:%S.%f')` : `date_format(${r}, 'yyyy-MM-dd HH:mm:ss.SSSSSS')`;
    case 'DATE':
      return engine === 'duckdb' ? `strftime(${r}, '%Y-%m-%d')` : `date_format(${r}, 'yyyy-MM-dd')`;
    case 'ARRAY_STRING':
      return engine === 'duckdb' ? `CAST(to_json(${r}) AS VARCHAR)` : `to_json(${r})`;
    case 'DOUBLE':
      // Enough digits to round-trip; Spark's default rendering is Java's.
      return engine === 'duckdb' ? `CAST(${r} AS VARCHAR)` : `CAST(${r} AS STRING)`;
    default:
      return `CAST(${r} AS ${engine === 'duckdb' ? 'VARCHAR' : 'STRING'})`;
  }
}

function exampleQuery(x: CatalogExample, expr: string, t: ExprType, engine: Engine): string {
  const rows = x.inputs.length === 0 ? 1 : Math.max(...x.inputs.map((i) => i.values.length));
  const q = (n: string): string => (engine === 'duckdb' ? `"${n}"` : `\`${n}\``);
  let from: string;
  if (x.inputs.length === 0) {
    from = `(SELECT 0 AS __row) t`;
  } else {
    const values: string[] = [];
    for (let r = 0; r < rows; r++) {
      values.push(`(${[String(r), ...x.inputs.map((i) => inputLiteral(i.values[r] ?? null, i.type, engine))].join(', ')})`);
    }
    const cols = `t(__row, ${x.inputs.map((i) => q(i.name)).join(', ')})`;
    // Spark's inline tables are written without parentheses.
    from = engine === 'duckdb' ? `(VALUES ${values.join(', ')}) AS ${cols}` : `VALUES ${values.join(', ')} AS ${cols}`;
  }
  const typeOf = 'typeof(r)';
  if (x.mode === 'aggregate') return `SELECT ${canonicalSql('r', t, engine)} AS v, ${typeOf} AS t FROM (SELECT ${expr} AS r FROM ${from}) s`;
  return `SELECT ${canonicalSql('r', t, engine)} AS v, ${typeOf} AS t FROM (SELECT __row, ${expr} AS r FROM ${from}) s ORDER BY __row`;
}

/** Compares one canonical text value with an expected value; returns a reason when they differ. */
export function compareValue(actual: string | null, expected: unknown, t: ExprType, tolerance: number): string | undefined {
  if (expected === null || expected === undefined) return actual === null ? undefined : `expected NULL, got ${actual}`;
  if (actual === null) return `expected ${JSON.stringify(expected)}, got NULL`;
  switch (t) {
    case 'DOUBLE': {
      const a = parseDouble(actual);
      const e = typeof expected === 'number' ? expected : parseDouble(String(expected));
      if (Number.isNaN(e)) return Number.isNaN(a) ? undefined : `expected NaN, got ${actual}`;
      if (!Number.isFinite(e)) return a === e ? undefined : `expected ${e}, got ${actual}`;
      const ok = Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e));
      return ok ? undefined : `expected ${e}, got ${actual} (tolerance ${tolerance})`;
    }
    case 'INT':
    case 'LONG': {
      const ok = typeof expected === 'number' && !Number.isSafeInteger(expected)
        ? Math.abs(Number(actual) - expected) <= tolerance * Math.abs(expected)
        : BigInt(String(expected)) === BigInt(actual) ||
          (tolerance > 1e-9 && Math.abs(Number(actual) - Number(expected)) <= tolerance * Math.abs(Number(expected)));
      return ok ? undefined : `expected ${String(expected)}, got ${actual}`;
    }
    case 'BOOLEAN':
      return String(expected) === actual ? undefined : `expected ${String(expected)}, got ${actual}`;
    case 'TIMESTAMP': {
      const e = normalizeTimestamp(String(expected));
      return e === actual ? undefined : `expected ${e}, got ${actual}`;
    }
    case 'ARRAY_STRING': {
      const a = JSON.parse(actual) as unknown;
      return JSON.stringify(a) === JSON.stringify(expected) ? undefined : `expected ${JSON.stringify(expected)}, got ${actual}`;
    }
    default:
      return String(expected) === actual ? undefined : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
  }
}

function parseDouble(s: string): number {
  const l = s.toLowerCase();
  if (l === 'nan' || l === '-nan') return NaN;
  if (l === 'inf' || l === 'infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  return Number(s);
}

export function normalizeTimestamp(s: string): string {
  const [date, time = '00:00:00'] = s.split(' ');
  const [hms = '00:00:00', frac = ''] = time.split('.');
  return `${date} ${hms}.${frac.padEnd(6, '0')}`;
}
