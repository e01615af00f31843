/**
 * Parse and features in one DuckDB session, the parse output never written: each feature plan
 * reads `quiver_parsed` as a view over the parse plan's query, fused with the feature set's filter
 * (fusedParseSql). For scratch parses (`quiver score` scores raw logs and throws the parse away),
 * see docs/adr/0003-parse-materialization.md: the pipeline materializes its parse stages, because
 * feature stages and later runs reuse them.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fusedParseSql, type FeaturePlan, type ParsePlan } from '../../compile/index.js';
import { sqlPath } from './duckdb-session.js';
import type { FeatureStats } from './run-features.js';
import { openParseSession, parseOutcomes, parseStats, type EngineOptions, type ParseInputFile, type ParseStats } from './run-parse.js';

export interface FusedResult {
  parse: ParseStats;
  /** A sample of rejected records, one JSON object per line (as a parse stage's rejects.jsonl). */
  rejectsJsonl: string;
  /** One per feature plan, in order; each wrote `<outDir>/data/part-00000.parquet`. */
  features: FeatureStats[];
}

/**
 * Whether fusing pays for a parse plan: its records are lines. A multi-line source groups lines
 * into records (a window and an aggregate over every line), and fused, that grouping runs once
 * more for the outcome counts: slower than writing the parse once (docs/adr/0003).
 */
export function fusesWell(plan: ParsePlan): boolean {
  return plan.multiline !== true;
}

/**
 * Runs `parse` and then every feature plan over its ok records, writing each feature plan's rows
 * to its `outDir` (which must not exist yet). The outcome counts and the rejects sample come from
 * one more pass that computes only each record's status.
 */
export async function runParseFeatures(
  parse: ParsePlan,
  featurePlans: Array<{ plan: FeaturePlan; outDir: string }>,
  inputs: ParseInputFile[],
  labelFiles: Record<string, string>,
  opts: EngineOptions,
): Promise<FusedResult> {
  const started = Date.now();
  // Filters stay where the SQL puts them. DuckDB's pushdown would move a feature set's filter below
  // the parse projections by substituting their expressions, so every regex extraction the filter
  // reads would run in the filter and again above it (ssh at 1M lines: 3.1 s with pushdown, 2.1 s
  // without); its pull-up would move the filter terms fusedParseSql places between the fields back
  // above them all (2.3 s; 1.8 s in place). The session reads no Parquet, where pushdown would prune.
  const { conn, infos, close } = await openParseSession(parse, inputs, labelFiles, featurePlans.map((f) => dirname(f.outDir)), {
    ...opts,
    disabledOptimizers: ['filter_pushdown', 'filter_pullup'],
  });
  try {
    const { counts, rejectsJsonl } = await parseOutcomes(conn, `(${parse.sql.duckdb})`, opts.rejectSample ?? 1000);
    const stats = parseStats(counts, infos, started);
    const features: FeatureStats[] = [];
    for (const { plan, outDir } of featurePlans) {
      const t0 = Date.now();
      // Plans compiled before they carried their parts: every field on every ok record.
      const parsed = fusedParseSql(parse, plan) ?? `SELECT * EXCLUDE (_status, _reason, _raw) FROM (${parse.sql.duckdb}) WHERE _status = 'ok'`;
      await conn.run(`CREATE OR REPLACE TEMP VIEW quiver_parsed AS ${parsed}`);
      await mkdir(join(outDir, 'data'), { recursive: true });
      const out = join(outDir, 'data', 'part-00000.parquet');
      await conn.run(`COPY (${plan.sql.duckdb}) TO ${sqlPath(out)} (FORMAT parquet, COMPRESSION zstd)`);
      const row = (await conn.runAndReadAll(`SELECT count(*) AS w FROM read_parquet(${sqlPath(out)})`)).getRowObjectsJson()[0] ?? {};
      features.push({ read: stats.written, written: Number(row['w'] ?? 0), seconds: (Date.now() - t0) / 1000 });
    }
    return { parse: { ...stats, seconds: (Date.now() - started) / 1000 }, rejectsJsonl, features };
  } finally {
    await close();
  }
}
