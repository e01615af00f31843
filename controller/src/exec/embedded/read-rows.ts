import { dirname } from 'node:path';
import { openSession, sqlPath } from './duckdb-session.js';

export type Row = Record<string, unknown>;

/**
 * Reads Parquet rows as plain JSON values: BIGINT as numbers (exact up to
 * 2^53), TIMESTAMP as ISO-8601 UTC text ending in Z, lists as arrays. For
 * tests, `quiver test` and scoring output, not for bulk data.
 */
export async function readParquetRows(files: string[], workDir: string, opts: { orderBy?: string; where?: string; limit?: number } = {}): Promise<Row[]> {
  if (!files.length) return [];
  const { conn, close } = await openSession({ allowedDirectories: [...new Set([workDir, ...files.map((f) => dirname(f))])], tempDirectory: `${workDir}/spill` });
  try {
    const src = `read_parquet([${files.map(sqlPath).join(', ')}], union_by_name = true)`;
    const desc = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
    const cols = desc.getRowObjectsJson().map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
    const select = cols
      .map((c) => {
        const q = `"${c.name.replace(/"/g, '""')}"`;
        if (c.type.startsWith('TIMESTAMP')) return `CASE WHEN ${q} IS NULL THEN NULL WHEN microsecond(${q}) % 1000000 = 0 THEN strftime(${q}, '%Y-%m-%dT%H:%M:%SZ') ELSE rtrim(strftime(${q}, '%Y-%m-%dT%H:%M:%S.%f'), '0') || 'Z' END AS ${q}`;
        if (c.type === 'DATE') return `strftime(${q}, '%Y-%m-%d') AS ${q}`;
        if (c.type === 'BIGINT' || c.type === 'HUGEINT' || c.type === 'INTEGER' || c.type === 'SMALLINT' || c.type === 'TINYINT') return `CAST(${q} AS DOUBLE) AS ${q}`;
        return q;
      })
      .join(', ');
    const sql = `SELECT ${select} FROM ${src}${opts.where ? ` WHERE ${opts.where}` : ''}${opts.orderBy ? ` ORDER BY ${opts.orderBy}` : ''}${opts.limit !== undefined ? ` LIMIT ${opts.limit}` : ''}`;
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Row[];
  } finally {
    close();
  }
}
