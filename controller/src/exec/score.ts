/**
 * Scoring at the edge: raw log files → the bundle's own compiled parse and
 * feature plans (DuckDB) → the bundle's ONNX model (onnxruntime-node) →
 * scores. Nothing but the bundle is needed, so an environment scores exactly
 * as training computed its features.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { FeaturePlan, ParsePlan } from '../compile/index.js';
import { readBundle } from '../release/index.js';
import type { ScoringSchema } from '../release/compose-bundle.js';
import { openSession, sqlPath } from './embedded/duckdb-session.js';
import { parquetFiles, runFeatures } from './embedded/run-features.js';
import { fusesWell, runParseFeatures } from './embedded/run-fused.js';
import { runParse, type ParseStats } from './embedded/run-parse.js';

export interface ScoreRow {
  model: string;
  row_key: string;
  score: number;
  alert: boolean;
  threshold: number;
  time: string | null;
  entity?: string;
  window_start?: string;
}

export interface ScoreSummary {
  parse: ParseStats;
  rows: number;
  scored: number;
  alerts: number;
  /** Rows with a NULL feature and no fill value in the bundle: not scored. */
  unscorable: number;
  seconds: number;
}

export interface ScoreOptions {
  /** How inputs are named in _path (and so in row keys): as given, relative to cwd. */
  cwd: string;
  workDir?: string;
  threads?: number;
  batchSize?: number;
}

export async function scoreFiles(bundlePath: string, files: string[], onRow: (r: ScoreRow) => void, opts: ScoreOptions): Promise<ScoreSummary> {
  const t0 = Date.now();
  const bundle = await readBundle(bundlePath);
  const schema = bundle.manifest.inputSchema as ScoringSchema;
  const text = (name: string): string => {
    const b = bundle.files.get(name);
    if (!b) throw new Error(`the bundle has no ${name}`);
    return b.toString('utf8');
  };
  const parsePlan = JSON.parse(text(schema.parsePlan)) as ParsePlan;
  const featurePlans = schema.featurePlans.map((p) => JSON.parse(text(p)) as FeaturePlan);
  const model = bundle.files.get('model.onnx');
  if (!model) throw new Error('the bundle has no model.onnx');
  const threshold = bundle.manifest.threshold;
  const work = opts.workDir ?? (await mkdtemp(join(tmpdir(), 'quiver-score-')));
  await mkdir(work, { recursive: true });
  try {
    const inputs = files.map((f) => ({ part: 'score', file: basename(f), path: f, localPath: resolve(opts.cwd, f) }));
    const threads = opts.threads ? { threads: opts.threads } : {};
    const featureDirs = featurePlans.map((_, i) => join(work, `features-${i}`));
    let stats: ParseStats;
    if (fusesWell(parsePlan)) {
      // The parse is scratch here: each feature plan reads it as a view, nothing in between is written.
      const r = await runParseFeatures(parsePlan, featurePlans.map((plan, i) => ({ plan, outDir: featureDirs[i] ?? '' })), inputs, {}, { workDir: join(work, 'engine'), ...threads });
      stats = r.parse;
    } else {
      const parsed = join(work, 'parsed');
      stats = await runParse(parsePlan, inputs, {}, parsed, { workDir: join(work, 'engine'), ...threads });
      const parsedFiles = await parquetFiles([join(parsed, 'data')]);
      for (const [i, fp] of featurePlans.entries()) await runFeatures(fp, parsedFiles, featureDirs[i] ?? '', { workDir: join(work, `engine-f${i}`), ...threads });
    }
    const dataDirs = featureDirs.map((d) => join(d, 'data'));
    const { conn, close } = await openSession({ allowedDirectories: [work], tempDirectory: join(work, 'spill') });
    let rows: unknown[][];
    try {
      const aggregate = schema.grain === 'aggregate';
      const from = dataDirs
        .map((d, i) => (i === 0 ? `read_parquet(${sqlPath(join(d, '*.parquet'))}) f0` : `JOIN read_parquet(${sqlPath(join(d, '*.parquet'))}) f${i} USING (_row_key)`))
        .join(' ');
      // Column i of the model input is feature i of the bundle's schema, from whichever set has it.
      const owner = new Map<string, number>();
      featurePlans.forEach((p, i) => p.features.forEach((f) => owner.set(f.name, i)));
      const cols = schema.features.map((f) => `CAST(f${owner.get(f) ?? 0}."${f.replace(/"/g, '""')}" AS DOUBLE)`);
      const meta = [
        'f0._row_key',
        `CASE WHEN f0._time IS NULL THEN NULL ELSE strftime(f0._time, '%Y-%m-%dT%H:%M:%S.%fZ') END`,
        aggregate ? 'f0._entity' : 'NULL',
        aggregate ? `strftime(f0._window_start, '%Y-%m-%dT%H:%M:%SZ')` : 'NULL',
      ];
      const reader = await conn.runAndReadAll(`SELECT ${[...meta, ...cols].join(', ')} FROM ${from} ORDER BY f0._row_key`);
      rows = reader.getRows() as unknown[][];
    } finally {
      close();
    }
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(model);
    const F = schema.features.length;
    const batch = opts.batchSize ?? 8192;
    let scored = 0;
    let alerts = 0;
    let unscorable = 0;
    for (let start = 0; start < rows.length; start += batch) {
      const chunk: unknown[][] = [];
      for (const r of rows.slice(start, start + batch)) {
        const values = r.slice(4).map((v) => (v === null || v === undefined ? schema.fillMissing : Number(v)));
        if (values.some((v) => v === null || Number.isNaN(v))) {
          unscorable++;
          continue;
        }
        chunk.push([...r.slice(0, 4), ...values]);
      }
      if (!chunk.length) continue;
      const data = new Float32Array(chunk.length * F);
      chunk.forEach((r, i) => {
        for (let j = 0; j < F; j++) data[i * F + j] = Number(r[4 + j]);
      });
      const out = await session.run({ features: new ort.Tensor('float32', data, [chunk.length, F]) });
      const probs = out['probabilities']?.data as Float32Array | undefined;
      if (!probs) throw new Error("the model has no 'probabilities' output");
      chunk.forEach((r, i) => {
        const score = Number(probs[i * 2 + 1]);
        const alert = score >= threshold;
        scored++;
        if (alert) alerts++;
        const row: ScoreRow = { model: bundle.manifest.model, row_key: String(r[0]), score, alert, threshold, time: (r[1] as string | null) ?? null };
        if (r[2] !== null && r[2] !== undefined) row.entity = String(r[2]);
        if (r[3] !== null && r[3] !== undefined) row.window_start = String(r[3]);
        onRow(row);
      });
    }
    await session.release();
    return { parse: stats, rows: rows.length, scored, alerts, unscorable, seconds: (Date.now() - t0) / 1000 };
  } finally {
    if (!opts.workDir) await rm(work, { recursive: true, force: true });
  }
}
