import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ParsePlan } from '../../compile/index.js';
import { assumedRawFile, inspectRawFile, sameReading, type RawFileInfo } from './raw-inputs.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openSession, sqlPath } from './duckdb-session.js';
import { loadLines } from './load-lines.js';

export interface ParseInputFile {
  part: string;
  /** Base name, what `_file` holds (and label files join on). */
  file: string;
  /** The reference shown to users and stored in `_path`: repo-relative path or s3:// URI. */
  path: string;
  /** Where the bytes are on this machine (plain or .gz). */
  localPath: string;
  /** Constant label of the file's part, if any. */
  label?: string;
}

export interface ParseStats {
  files: number;
  records: number;
  written: number;
  rejected: number;
  filtered: number;
  skipped: number;
  /** Files that held invalid UTF-8 (bad bytes replaced with U+FFFD before parsing). */
  repairedFiles: number;
  bytes: number;
  seconds: number;
}

export interface EngineOptions {
  /** Scratch folder for this stage (created; removed by the caller). */
  workDir: string;
  threads?: number;
  memoryLimit?: string;
  /** How many rejected records to keep in rejects.jsonl. */
  rejectSample?: number;
}

function str(v: string | undefined): string {
  return v === undefined ? 'CAST(NULL AS VARCHAR)' : `'${v.replace(/'/g, "''")}'`;
}

/** A DuckDB session with a parse plan's relations loaded, ready for its SQL. */
export interface ParseSession {
  conn: DuckDBConnection;
  /** What inspecting each input found (newline convention, repaired copy, size). */
  infos: RawFileInfo[];
  close(): Promise<void>;
}

/**
 * Opens a locked-down session for a parse plan and loads what its SQL reads: quiver_inputs (one
 * row per file), quiver_lines (every file's numbered lines) and the label tables. `writeDirs` are
 * the folders the caller will write to. Close it to remove the repaired copies.
 */
export async function openParseSession(
  plan: ParsePlan,
  inputs: ParseInputFile[],
  labelFiles: Record<string, string>,
  writeDirs: string[],
  opts: EngineOptions & { disabledOptimizers?: string[] },
): Promise<ParseSession> {
  await mkdir(opts.workDir, { recursive: true });
  const repairDir = join(opts.workDir, 'repaired');
  await mkdir(repairDir, { recursive: true });
  // The inspection (a JS pass over every byte) runs while DuckDB loads the lines on the guess that
  // the files need no repair; a wrong guess (or a load that fails on bad bytes) loads them again.
  const inspecting = Promise.all(inputs.map((f, i) => inspectRawFile(f.localPath, join(repairDir, `${i}.txt`))));
  inspecting.catch(() => undefined); // awaited below; no unhandled rejection while the session opens
  const cleanUp = async (): Promise<void> => {
    await inspecting.catch(() => undefined);
    await rm(repairDir, { recursive: true, force: true });
  };
  const allowed = new Set<string>([opts.workDir, ...writeDirs]);
  for (const f of inputs) allowed.add(dirname(f.localPath));
  for (const p of Object.values(labelFiles)) allowed.add(dirname(p));
  let session: { conn: DuckDBConnection; close: () => void } | undefined;
  try {
    session = await openSession({
      allowedDirectories: [...allowed],
      tempDirectory: join(opts.workDir, 'spill'),
      ...(opts.threads ? { threads: opts.threads } : {}),
      ...(opts.memoryLimit ? { memoryLimit: opts.memoryLimit } : {}),
      ...(opts.disabledOptimizers ? { disabledOptimizers: opts.disabledOptimizers } : {}),
    });
    const { conn } = session;
    const values = inputs.map((f, i) => `(${i}, ${str(f.part)}, ${str(f.file)}, ${str(f.path)}, ${str(f.label)})`);
    await conn.run(
      `CREATE TEMP TABLE quiver_inputs AS SELECT CAST(_fid AS INTEGER) AS _fid, _part, _file, _path, _label FROM (VALUES ${values.join(', ')}) t(_fid, _part, _file, _path, _label)`,
    );
    const loadAll = (read: RawFileInfo[]): Promise<void> => loadLines(conn, inputs.map((f, i) => ({ localPath: f.localPath, info: read[i] })));
    const assumed = inputs.map((f) => assumedRawFile(f.localPath));
    const guesses = assumed.every((a): a is RawFileInfo => a !== undefined) ? assumed : undefined;
    const loaded = guesses
      ? loadAll(guesses).then(
          () => true,
          () => false,
        )
      : Promise.resolve(false);
    const guessed = await loaded; // first: DuckDB is idle before an inspection error closes the session
    const infos = await inspecting;
    if (!guessed || !guesses || infos.some((info, i) => !sameReading(guesses[i] ?? info, info))) await loadAll(infos);
    for (const t of plan.labelTables) {
      const p = labelFiles[t.table];
      if (!p) throw new Error(`no file bound for label table ${t.table} (part ${t.part})`);
      await conn.run(`CREATE TEMP VIEW ${t.table} AS SELECT * FROM read_csv(${sqlPath(p)}, header = true, all_varchar = true)`);
    }
    const open = session;
    return {
      conn,
      infos,
      close: async () => {
        open.close();
        await cleanUp();
      },
    };
  } catch (e) {
    session?.close();
    await cleanUp();
    throw e;
  }
}

/** A parse plan's outcome counts (the `_status` of every record) and a sample of its rejects. */
export async function parseOutcomes(conn: DuckDBConnection, from: string, sample: number): Promise<{ counts: Map<string, number>; rejectsJsonl: string }> {
  const counts = new Map<string, number>();
  const reader = await conn.runAndReadAll(`SELECT _status, count(*) AS n FROM ${from} GROUP BY _status`);
  for (const row of reader.getRowObjectsJson()) counts.set(String(row['_status']), Number(row['n']));
  let rejectsJsonl = '';
  if ((counts.get('rejected') ?? 0) > 0) {
    const rows = await conn.runAndReadAll(`SELECT _path AS path, _line AS line, _reason AS reason, _raw AS text FROM ${from} WHERE _status = 'rejected' ORDER BY _path, _line LIMIT ${sample}`);
    rejectsJsonl = rows.getRowObjectsJson().map((r) => JSON.stringify({ path: r['path'], line: Number(r['line']), reason: r['reason'], text: r['text'] })).join('\n');
    if (rejectsJsonl) rejectsJsonl += '\n';
  }
  return { counts, rejectsJsonl };
}

/** ParseStats from the outcome counts. */
export function parseStats(counts: Map<string, number>, infos: RawFileInfo[], started: number): ParseStats {
  const written = counts.get('ok') ?? 0;
  const rejected = counts.get('rejected') ?? 0;
  const filtered = counts.get('filtered') ?? 0;
  return {
    files: infos.length,
    records: written + rejected + filtered,
    written,
    rejected,
    filtered,
    skipped: counts.get('skipped') ?? 0,
    repairedFiles: infos.filter((i) => i.invalidUtf8).length,
    bytes: infos.reduce((s, i) => s + i.bytes, 0),
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * Runs a parse plan on DuckDB in process. Writes into `outDir` (which must
 * not exist yet; the caller publishes it): data/part-*.parquet (the ok
 * records) and rejects.jsonl (a sample of rejected records with reasons).
 */
export async function runParse(
  plan: ParsePlan,
  inputs: ParseInputFile[],
  labelFiles: Record<string, string>,
  outDir: string,
  opts: EngineOptions,
): Promise<ParseStats> {
  const started = Date.now();
  const { conn, infos, close } = await openParseSession(plan, inputs, labelFiles, [dirname(outDir)], opts);
  try {
    const staged = join(opts.workDir, 'out');
    await conn.run(`COPY (${plan.sql.duckdb}) TO ${sqlPath(staged)} (FORMAT parquet, PARTITION_BY (_status), COMPRESSION zstd, ROW_GROUP_SIZE ${await rowGroupSize(conn)})`);
    const parts = await readdir(staged).catch(() => [] as string[]);
    const { counts, rejectsJsonl } = parts.length
      ? await parseOutcomes(conn, `read_parquet(${sqlPath(join(staged, '*', '*.parquet'))}, hive_partitioning = true)`, opts.rejectSample ?? 1000)
      : { counts: new Map<string, number>(), rejectsJsonl: '' };
    await mkdir(join(outDir, 'data'), { recursive: true });
    const okDir = join(staged, '_status=ok');
    const okFiles = (await readdir(okDir).catch(() => [] as string[])).filter((f) => f.endsWith('.parquet')).sort();
    if (okFiles.length === 0) {
      // Downstream stages read the schema even when nothing parsed.
      await conn.run(`COPY (SELECT * EXCLUDE (_status) FROM (${plan.sql.duckdb}) LIMIT 0) TO ${sqlPath(join(outDir, 'data', 'part-00000.parquet'))} (FORMAT parquet)`);
    }
    for (const [i, f] of okFiles.entries()) await rename(join(okDir, f), join(outDir, 'data', `part-${String(i).padStart(5, '0')}.parquet`));
    await writeFile(join(outDir, 'rejects.jsonl'), rejectsJsonl);
    await rm(staged, { recursive: true, force: true });
    return parseStats(counts, infos, started);
  } finally {
    await close();
  }
}

/**
 * Rows per Parquet row group of the parse output. DuckDB reads a row group on one thread, so
 * the feature stage over a few large groups (multi-line records: a tenth of the lines or less)
 * ran on one thread; at least threads x 8 groups of lines keeps every thread busy, and large
 * inputs keep DuckDB's default size (better compression).
 */
async function rowGroupSize(conn: DuckDBConnection): Promise<number> {
  const row = (await conn.runAndReadAll(`SELECT (SELECT count(*) FROM quiver_lines) AS n, current_setting('threads') AS t`)).getRowObjectsJson()[0] ?? {};
  const lines = Number(row['n'] ?? 0);
  const threads = Math.max(1, Number(row['t'] ?? 1));
  return Math.min(122880, Math.max(16384, Math.ceil(lines / (threads * 16))));
}
