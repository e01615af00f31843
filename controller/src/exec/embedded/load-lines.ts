/**
 * quiver_lines, the runner contract's relation of raw lines (compile/plan/types.ts): every line of
 * every input file, in order, `_line` counting from 1 per file, empty lines ''.
 *
 * The lines are read into a table on every thread: DuckDB keeps insertion order when it fills a
 * table from one scan or a UNION ALL of scans, and a row's `rowid` is then its position (DuckDB's
 * docs give rowid as the materialized form of row_number() OVER ()). Numbering with
 * row_number() OVER () while reading ran the read on one thread: 0.38 s per 1M ssh lines, against
 * 0.2-0.3 s. The table also lets the parse query, which reads it, run on every thread, and it
 * spills to the session's temp directory when memory is short.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlPath } from './duckdb-session.js';
import type { RawFileInfo } from './raw-inputs.js';

export interface LineFile {
  localPath: string;
  /** What inspectRawFile found (which copy to read, how lines end); undefined: LF, plain. */
  info: RawFileInfo | undefined;
}

/**
 * Loads `files` as quiver_lines (a view over the table quiver_text), replacing an earlier load.
 * Input i is `_fid` i.
 */
export async function loadLines(conn: DuckDBConnection, files: LineFile[]): Promise<void> {
  const branches = files.map((f, i) => fileLinesSql(i, f.localPath, f.info));
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE quiver_text AS ${branches.length ? branches.join('\nUNION ALL\n') : `SELECT CAST(0 AS INTEGER) AS _fid, '' AS line WHERE false`}`,
  );
  // Each file's first row; a file's lines are the rows after it, in order.
  const first = new Map<number, bigint>();
  for (const row of (await conn.runAndReadAll(`SELECT _fid, min(rowid) AS first FROM quiver_text GROUP BY _fid`)).getRows()) first.set(Number(row[0]), BigInt(String(row[1])));
  const offsets = files.map((_, i) => String(first.get(i) ?? 0n));
  const line = offsets.every((o) => o === '0') ? 'rowid + 1' : `rowid + 1 - [${offsets.join(', ')}][_fid + 1]`;
  await conn.run(`CREATE OR REPLACE TEMP VIEW quiver_lines AS SELECT _fid, CAST(${line} AS BIGINT) AS _line, line FROM quiver_text`);
}

/** One file's lines as (_fid, line), in order. */
export function fileLinesSql(fid: number, localPath: string, info: RawFileInfo | undefined): string {
  const path = info?.repairedPath ?? localPath;
  const nl = info?.newline === 'crlf' ? '\\r\\n' : '\\n';
  return `SELECT CAST(${fid} AS INTEGER) AS _fid, coalesce(line, '') AS line FROM read_csv(${sqlPath(path)}, columns = {'line': 'VARCHAR'}, delim = chr(0), quote = '', escape = '', header = false, auto_detect = false, strict_mode = false, new_line = '${nl}', max_line_size = 33554432, compression = '${info?.gzip ? 'gzip' : 'none'}')`;
}
