import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FeaturePlan } from '../../compile/index.js';
import { openSession, sqlPath } from './duckdb-session.js';
import type { EngineOptions } from './run-parse.js';

export interface FeatureStats {
  read: number;
  written: number;
  seconds: number;
}

/** Every parquet file under the given parse-output data folders. */
export async function parquetFiles(dirs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of dirs) for (const f of (await readdir(d)).sort()) if (f.endsWith('.parquet')) out.push(join(d, f));
  return out;
}

/**
 * Runs a feature plan on DuckDB in process over parsed Parquet files, writing
 * `outDir/data/part-00000.parquet` (the caller publishes outDir).
 */
export async function runFeatures(plan: FeaturePlan, parsedFiles: string[], outDir: string, opts: EngineOptions): Promise<FeatureStats> {
  const started = Date.now();
  if (parsedFiles.length === 0) throw new Error(`feature set ${plan.featureSet}: no parsed input files`);
  await mkdir(join(outDir, 'data'), { recursive: true });
  const allowed = new Set<string>([opts.workDir, outDir, ...parsedFiles.map((f) => dirname(f))]);
  const { conn, close } = await openSession({
    allowedDirectories: [...allowed],
    tempDirectory: join(opts.workDir, 'spill'),
    ...(opts.threads ? { threads: opts.threads } : {}),
    ...(opts.memoryLimit ? { memoryLimit: opts.memoryLimit } : {}),
  });
  try {
    const files = `[${parsedFiles.map(sqlPath).join(', ')}]`;
    await conn.run(`CREATE TEMP VIEW quiver_parsed AS SELECT * EXCLUDE (_reason, _raw) FROM read_parquet(${files}, union_by_name = true)`);
    const out = join(outDir, 'data', 'part-00000.parquet');
    await conn.run(`COPY (${plan.sql.duckdb}) TO ${sqlPath(out)} (FORMAT parquet, COMPRESSION zstd)`);
    const counts = await conn.runAndReadAll(`SELECT (SELECT count(*) FROM quiver_parsed) AS r, (SELECT count(*) FROM read_parquet(${sqlPath(out)})) AS w`);
    const row = counts.getRowObjectsJson()[0] ?? {};
    return { read: Number(row['r'] ?? 0), written: Number(row['w'] ?? 0), seconds: (Date.now() - started) / 1000 };
  } finally {
    close();
  }
}
