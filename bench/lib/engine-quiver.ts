/**
 * Way (a) of bench/engine: Quiver on DuckDB, in process. Loads and compiles
 * config-repo-template/ the way `quiver run` does (loadRepo + compileRepo),
 * then runs the source's parse plan (runParse: raw lines -> parsed Parquet)
 * and the feature set's plan over its output (runFeatures -> features
 * Parquet), exactly the two stages the pipeline runs.
 */
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { compileRepo, type FeaturePlan, type ParsePlan } from '../../controller/src/compile/index.js';
import { loadRepo, WorkingTreeFiles } from '../../controller/src/config/index.js';
import { parquetFiles, runFeatures } from '../../controller/src/exec/embedded/run-features.js';
import { fusesWell, runParseFeatures } from '../../controller/src/exec/embedded/run-fused.js';
import { runParse } from '../../controller/src/exec/embedded/run-parse.js';
import { repoRoot } from './measure.js';
import type { LogFormat } from './scale-logs.js';

/** The parse+features pair measured per format (source, feature set of the template repo). */
export const PAIRS: Record<LogFormat, { source: string; featureSet: string }> = {
  ssh: { source: 'openssh', featureSet: 'ssh_auth_hourly' },
  zeek: { source: 'zeek_conn', featureSet: 'zeek_conn_event' },
  web: { source: 'web_http', featureSet: 'web_request' },
};

export interface CompiledPair {
  parse: ParsePlan;
  features: FeaturePlan;
}

/** Loads and compiles the template config repo; the plans of each format's pair. */
export async function compileTemplate(): Promise<Record<LogFormat, CompiledPair>> {
  const root = join(repoRoot, 'config-repo-template');
  const { config, diagnostics } = await loadRepo(new WorkingTreeFiles(root), root);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`config-repo-template does not load: ${errors.map((d) => d.message).join('; ')}`);
  const compiled = await compileRepo(config);
  const out = {} as Record<LogFormat, CompiledPair>;
  for (const [format, pair] of Object.entries(PAIRS) as Array<[LogFormat, (typeof PAIRS)[LogFormat]]>) {
    const parse = compiled.sources.get(pair.source)?.plan;
    const features = compiled.featureSets.get(pair.featureSet)?.plan;
    if (!parse || !features) throw new Error(`config-repo-template: ${pair.source} / ${pair.featureSet} did not compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
    out[format] = { parse, features };
  }
  return out;
}

/** The `_path` every way writes into `_row_key` for a scaled log (a repo-style relative path). */
export function logRef(logPath: string): string {
  return `logs/${basename(logPath)}`;
}

export interface QuiverRun {
  parseMs: number;
  featuresMs: number;
  records: number;
  parsed: number;
  rejected: number;
  skipped: number;
  featureRows: number;
  /** The feature set's output Parquet files. */
  output: string[];
}

export async function runQuiver(pair: CompiledPair, logPath: string, workDir: string): Promise<QuiverRun> {
  await mkdir(workDir, { recursive: true });
  const parsedDir = join(workDir, 'parsed');
  const featDir = join(workDir, 'features');
  const t0 = performance.now();
  const ps = await runParse(pair.parse, [{ part: 'bench', file: basename(logPath), path: logRef(logPath), localPath: logPath }], {}, parsedDir, { workDir: join(workDir, 'parse-work') });
  const t1 = performance.now();
  const fs = await runFeatures(pair.features, await parquetFiles([join(parsedDir, 'data')]), featDir, { workDir: join(workDir, 'features-work') });
  const t2 = performance.now();
  return {
    parseMs: t1 - t0,
    featuresMs: t2 - t1,
    records: ps.records,
    parsed: ps.written,
    rejected: ps.rejected,
    skipped: ps.skipped,
    featureRows: fs.written,
    output: await parquetFiles([join(featDir, 'data')]),
  };
}

/**
 * Way (a') of bench/engine: what `quiver score` runs over raw logs (exec/score.ts). A line-based
 * source is parsed and featurized in one session with nothing written in between
 * (runParseFeatures, docs/adr/0003); a multi-line one runs the two stages as (a) does.
 */
export async function runScorePath(pair: CompiledPair, logPath: string, workDir: string): Promise<QuiverRun & { fused: boolean }> {
  if (!fusesWell(pair.parse)) return { ...(await runQuiver(pair, logPath, workDir)), fused: false };
  await mkdir(workDir, { recursive: true });
  const featDir = join(workDir, 'features');
  const t0 = performance.now();
  const r = await runParseFeatures(pair.parse, [{ plan: pair.features, outDir: featDir }], [{ part: 'bench', file: basename(logPath), path: logRef(logPath), localPath: logPath }], {}, { workDir: join(workDir, 'work') });
  return {
    parseMs: performance.now() - t0,
    featuresMs: 0,
    records: r.parse.records,
    parsed: r.parse.written,
    rejected: r.parse.rejected,
    skipped: r.parse.skipped,
    featureRows: r.features[0]?.written ?? 0,
    output: await parquetFiles([join(featDir, 'data')]),
    fused: true,
  };
}
