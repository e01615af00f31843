/**
 * bench/engine --profile: where the time of way (a) goes. Re-runs the pieces
 * of the Quiver stages alone, on the same relations runParse and runFeatures
 * set up (the DuckDB work is native, so a JS CPU profile would show nothing):
 * the raw-file inspection pass, the parse plan's query without writing, the
 * parse stage's partitioned write, and the feature plan's query and write.
 * "Not written" queries count every column (count(COLUMNS(*))), so DuckDB
 * cannot skip computing them. Last, the fused alternative of docs/adr/0003.
 */
import { mkdir } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { basename, dirname, join } from 'node:path';
import { openSession, sqlPath } from '../../controller/src/exec/embedded/duckdb-session.js';
import { inspectRawFile, type RawFileInfo } from '../../controller/src/exec/embedded/raw-inputs.js';
import { loadLines } from '../../controller/src/exec/embedded/load-lines.js';
import { fusedParseSql } from '../../controller/src/compile/index.js';
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
    // As runParse reads them: the lines in a table, numbered by position (the parse query then runs on every thread).
    await loadLines(conn, [{ localPath: logPath, info }]);
    pieces['read lines into a table (no parsing)'] = performance.now() - t;
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
  Object.assign(pieces, await profileFused(pair, logPath, info, workDir));
  return pieces;
}

/**
 * The alternative docs/adr/0003 weighs: parse and features as one query, the parse output never
 * written (a view over the numbered lines), plus the pass over the lines that counts and samples
 * rejects, which that design would still need. Run three ways: with DuckDB's filter pushdown (it moves
 * the feature set's filter below the parse projections, computing their regex extractions in the
 * filter and again above it) and without (every line computes the fields the features read, then
 * the filter); then as `quiver score` runs it, each filter term placed right after the fields it
 * reads (fusedParseSql). A plain DuckDB here: the stage session locks its settings.
 */
async function profileFused(pair: CompiledPair, logPath: string, info: RawFileInfo, workDir: string): Promise<Record<string, number>> {
  const pieces: Record<string, number> = {};
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`SET TimeZone = 'UTC'`);
    await conn.run(`SET temp_directory = ${sqlPath(join(workDir, 'spill-fused'))}`);
    await conn.run(`CREATE TEMP TABLE quiver_inputs AS SELECT 0 AS _fid, 'bench' AS _part, ${sqlPath(basename(logPath))} AS _file, ${sqlPath(logRef(logPath))} AS _path, CAST(NULL AS VARCHAR) AS _label`);
    await loadLines(conn, [{ localPath: logPath, info }]);
    await conn.run(`CREATE TEMP VIEW quiver_parsed AS SELECT * EXCLUDE (_status, _reason, _raw) FROM (${pair.parse.sql.duckdb}) WHERE _status = 'ok'`);
    const timed = async (sql: string): Promise<number> => {
      const t0 = performance.now();
      await conn.run(sql);
      return performance.now() - t0;
    };
    const out = sqlPath(join(workDir, 'fused.parquet'));
    pieces['fused alternative (ADR 0003): parse + features as one query, written'] = await timed(`COPY (${pair.features.sql.duckdb}) TO ${out} (FORMAT parquet, COMPRESSION zstd)`);
    await conn.run(`SET disabled_optimizers = 'filter_pushdown'`);
    pieces['  the same without filter pushdown'] = await timed(`COPY (${pair.features.sql.duckdb}) TO ${out} (FORMAT parquet, COMPRESSION zstd)`);
    // What `quiver score` runs (run-fused.ts): the filter's terms placed among the fields, and
    // DuckDB's filter pull-up off too, so they stay there.
    const placed = fusedParseSql(pair.parse, pair.features);
    if (placed) {
      await conn.run(`SET disabled_optimizers = 'filter_pushdown,filter_pullup'`);
      await conn.run(`CREATE OR REPLACE TEMP VIEW quiver_parsed AS ${placed}`);
      pieces['  the same with the filter terms among the fields (fusedParseSql: quiver score)'] = await timed(`COPY (${pair.features.sql.duckdb}) TO ${out} (FORMAT parquet, COMPRESSION zstd)`);
    }
    await conn.run(`RESET disabled_optimizers`);
    pieces['  + its pass counting and sampling rejects'] = await timed(
      `SELECT _status, count(*) AS n, list(_line ORDER BY _line) FILTER (WHERE _status = 'rejected')[1:1000] AS sample FROM (${pair.parse.sql.duckdb}) GROUP BY _status`,
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return pieces;
}
