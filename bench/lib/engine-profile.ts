/**
 * bench/engine --profile: where the time of way (a) goes. Re-runs the pieces
 * of the Quiver stages alone, on the same relations runParse and runFeatures
 * set up (the DuckDB work is native, so a JS CPU profile would show nothing):
 * the raw-file inspection pass, the parse plan's query without writing, the
 * parse stage's partitioned write, and the feature plan's query and write.
 * "Not written" queries count every column (count(COLUMNS(*))), so DuckDB
 * cannot skip computing them.
 */
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { openSession, sqlPath } from '../../controller/src/exec/embedded/duckdb-session.js';
import { inspectRawFile } from '../../controller/src/exec/embedded/raw-inputs.js';
import { linesSql } from '../../controller/src/exec/embedded/run-parse.js';
import type { CompiledPair } from './engine-quiver.js';
import { logRef } from './engine-quiver.js';

export async function profileQuiverParse(pair: CompiledPair, logPath: string, workDir: string): Promise<Record<string, number>> {
  await mkdir(workDir, { recursive: true });
  const pieces: Record<string, number> = {};
  let t = performance.now();
  const info = await inspectRawFile(logPath, join(workDir, 'repaired.txt'));
  pieces['inspect raw file (UTF-8 check + newline sniff, JS; runParse overlaps it with reading)'] = performance.now() - t;
  const { conn, close } = await openSession({ allowedDirectories: [workDir, dirname(logPath)], tempDirectory: join(workDir, 'spill') });
  try {
    await conn.run(`CREATE TEMP TABLE quiver_inputs AS SELECT 0 AS _fid, 'bench' AS _part, ${sqlPath(basename(logPath))} AS _file, ${sqlPath(logRef(logPath))} AS _path, CAST(NULL AS VARCHAR) AS _label`);
    t = performance.now();
    // As runParse reads them: numbered lines materialized (the parse query then runs on every thread).
    await conn.run(`CREATE TEMP TABLE quiver_lines AS ${linesSql(0, logPath, info)}`);
    pieces['read lines + row_number into a table (no parsing)'] = performance.now() - t;
    t = performance.now();
    await conn.run(`SELECT count(COLUMNS(*)) FROM (${pair.parse.sql.duckdb})`);
    pieces['parse plan query, counted, not written'] = performance.now() - t;
    t = performance.now();
    await conn.run(`COPY (${pair.parse.sql.duckdb}) TO ${sqlPath(join(workDir, 'out'))} (FORMAT parquet, PARTITION_BY (_status), COMPRESSION zstd)`);
    pieces['parse plan query, written partitioned by _status (the stage)'] = performance.now() - t;
    t = performance.now();
    await conn.run(`CREATE TEMP VIEW quiver_parsed AS SELECT * EXCLUDE (_reason, _raw) FROM read_parquet(${sqlPath(join(workDir, 'out', '_status=ok', '*.parquet'))})`);
    await conn.run(`SELECT count(COLUMNS(*)) FROM (${pair.features.sql.duckdb})`);
    pieces['feature plan query over parsed Parquet, not written'] = performance.now() - t;
    t = performance.now();
    await conn.run(`COPY (${pair.features.sql.duckdb}) TO ${sqlPath(join(workDir, 'features.parquet'))} (FORMAT parquet, COMPRESSION zstd)`);
    pieces['feature plan query, written'] = performance.now() - t;
    // The costliest columns: each one's time on top of the query's cheapest column
    // (projection pushdown computes only the columns counted).
    const costs: Array<[string, number]> = [];
    const timed = async (sql: string): Promise<number> => {
      const t0 = performance.now();
      await conn.run(sql);
      return performance.now() - t0;
    };
    const parseBase = await timed(`SELECT count(_status) FROM (${pair.parse.sql.duckdb})`);
    for (const f of pair.parse.fields) costs.push([`parse field ${f.name}`, (await timed(`SELECT count(_status), count("${f.name}") FROM (${pair.parse.sql.duckdb})`)) - parseBase]);
    const featBase = await timed(`SELECT count(_row_key) FROM (${pair.features.sql.duckdb})`);
    for (const f of pair.features.features) costs.push([`feature ${f.name}`, (await timed(`SELECT count(_row_key), count("${f.name}") FROM (${pair.features.sql.duckdb})`)) - featBase]);
    pieces['parse plan query, only _status (regex match, no fields)'] = parseBase;
    for (const [name, ms] of costs.sort((a, b) => b[1] - a[1]).slice(0, 4)) pieces[`  + ${name} alone`] = ms;
  } finally {
    close();
  }
  return pieces;
}
