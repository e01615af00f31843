/**
 * Output equality for bench/engine: a row count and an order-independent
 * checksum of a feature set's Parquet output, over values normalized so that
 * the three ways compare on content, not on physical types: integers as
 * BIGINT, doubles rounded to 9 significant digits (summation order in
 * entropy and ratios may differ in the last bits), timestamps as UTC
 * TIMESTAMP, lists sorted, columns by name.
 */
import { DuckDBInstance } from '@duckdb/node-api';

export interface Checksum {
  rows: number;
  /** Hex of the sum (mod 2^64) of one hash per normalized row. */
  sum: string;
  columns: string[];
}

function q(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function normalized(name: string, type: string): string {
  const c = q(name);
  if (type === 'DOUBLE' || type === 'FLOAT') return `CASE WHEN ${c} IS NULL THEN NULL WHEN ${c} = 0 THEN '0' ELSE printf('%.9g', ${c}) END`;
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER)$/.test(type)) return `CAST(CAST(${c} AS BIGINT) AS VARCHAR)`;
  if (type.startsWith('TIMESTAMP')) return `strftime(CAST(${c} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%f')`;
  if (type.endsWith('[]')) return `CAST(list_sort(${c}) AS VARCHAR)`;
  return `CAST(${c} AS VARCHAR)`;
}

export async function checksumParquet(files: string[]): Promise<Checksum> {
  if (!files.length) return { rows: 0, sum: '0', columns: [] };
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  try {
    await conn.run(`SET TimeZone = 'UTC'`);
    const src = `read_parquet([${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}])`;
    const desc = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjectsJson().map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
    desc.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const parts = desc.map((c) => `coalesce(${normalized(c.name, c.type)}, '<null>')`);
    const row = (await conn.runAndReadAll(`SELECT count(*) AS n, CAST(sum(CAST(hash(concat_ws(chr(31), ${parts.join(', ')})) AS HUGEINT)) % 18446744073709551616 AS UBIGINT) AS s FROM ${src}`)).getRowObjectsJson()[0] ?? {};
    return { rows: Number(row['n'] ?? 0), sum: BigInt(String(row['s'] ?? '0')).toString(16).padStart(16, '0'), columns: desc.map((c) => c.name) };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
