/**
 * The embedded pipeline (`quiver run`): executes a plan's stages on this
 * machine in dependency order — parse and features on DuckDB in process,
 * training as a trainer subprocess, release in TypeScript — publishing each
 * output atomically to the object store. A stage whose output already exists
 * is not run; a killed run, run again, finishes what is missing.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KeyObject } from 'node:crypto';
import type { FeaturePlan } from '../compile/index.js';
import type { ModelDef } from '../config/index.js';
import { outputPrefix, type PlannedStage, type Revision, type Stage } from '../plan/index.js';
import { composeBundle } from '../release/compose-bundle.js';
import { checkGates, type GateResult } from '../release/gates.js';
import { appendRelease, currentRelease, readReleaseIndex, recordAttempt, type ReleaseIndex } from '../release/release-index.js';
import { signDigest } from '../release/index.js';
import type { ObjectInfo, ObjectStore } from '../store/index.js';
import { KEY_VERSION, TRAINER_VERSION } from '../version.js';
import { parquetFiles, runFeatures } from './embedded/run-features.js';
import { runParse, type ParseInputFile } from './embedded/run-parse.js';
import { runTrainer, type TrainerMetrics } from './trainer.js';

export type StageOutcome =
  | { status: 'ran'; seconds: number; summary: string; stats?: Record<string, number> }
  | { status: 'reused'; summary: string }
  | { status: 'failed'; seconds: number; error: string }
  | { status: 'skipped'; because: string };

export interface ModelSummary {
  model: string;
  status: 'released' | 'up to date' | 'gate failed' | 'failed' | 'skipped';
  version: number | null;
  metrics?: TrainerMetrics;
  gates?: GateResult[];
  message: string;
}

export interface RunReport {
  stages: Map<string, StageOutcome>;
  models: ModelSummary[];
  seconds: number;
}

export interface Progress {
  stageStarted(id: string, index: number, total: number): void;
  stageFinished(id: string, outcome: StageOutcome, index: number, total: number): void;
  log(line: string): void;
}

export interface RunOptions {
  store: ObjectStore;
  revision: Revision;
  plan: PlannedStage[];
  /** Local scratch folder (created; cleaned per stage). */
  workRoot: string;
  /** Where remote stage outputs are cached locally. */
  cacheRoot: string;
  jobs: number;
  signingKey: KeyObject;
  threads?: number;
  memoryLimit?: string;
  progress: Progress;
  signal?: AbortSignal;
}

/** A folder of the store on this machine: the store itself for file://, else a downloaded copy. */
async function localPrefix(store: ObjectStore, prefix: string, cacheRoot: string): Promise<string> {
  if (store.uri.startsWith('file://')) return join(fileURLToPath(store.uri), ...prefix.split('/').filter(Boolean));
  const dest = join(cacheRoot, ...prefix.split('/').filter(Boolean));
  // The local copy is used only when it holds every file of the (complete) remote folder at its
  // size: a _SUCCESS in the cache proves nothing, as keys list in byte order and it arrives first.
  const objects: ObjectInfo[] = [];
  for await (const o of store.list(prefix)) objects.push(o);
  const local = (o: ObjectInfo, root: string): string => join(root, ...o.key.slice(prefix.length).split('/'));
  const intact = async (): Promise<boolean> =>
    (await Promise.all(objects.map((o) => stat(local(o, dest)).then((s) => s.size === o.size, () => false)))).every(Boolean);
  if (await intact()) return dest;
  // Downloaded beside the cache and moved in whole: a download cut short never looks complete.
  const partial = `${dest}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    for (const o of objects) await store.downloadFile(o.key, local(o, partial));
    await mkdir(dirname(dest), { recursive: true });
    for (let attempt = 0; ; attempt++) {
      try {
        await rename(partial, dest);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
        if (await intact()) break; // a concurrent stage moved its own copy in first
        if (attempt > 0) throw e;
        // An incomplete copy (an older Quiver downloaded in place): set it aside, then move ours in.
        const stale = `${dest}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
        await rename(dest, stale);
        await rm(stale, { recursive: true, force: true });
      }
    }
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return dest;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

export async function runPipeline(opts: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const { revision, store } = opts;
  const { config, compiled, graph } = revision;
  const outcomes = new Map<string, StageOutcome>();
  const models = new Map<string, ModelSummary>();
  const todo = opts.plan;
  const total = todo.length;
  const byId = new Map(todo.map((p) => [p.id, p]));
  await mkdir(opts.workRoot, { recursive: true });

  const stageOf = (id: string): Stage => {
    const s = graph.stages.get(id);
    if (!s) throw new Error(`no stage ${id}`);
    return s;
  };

  const execParse = async (s: Stage, work: string): Promise<StageOutcome> => {
    const ds = config.datasets.get(s.dataset ?? '');
    const plan = compiled.datasets.get(s.dataset ?? '');
    if (!ds || !plan) throw new Error(`dataset ${s.dataset} is not compiled`);
    const files = revision.inputFiles.get(ds.name) ?? new Map();
    const inputs: ParseInputFile[] = [];
    const fetchDir = join(work, 'inputs');
    for (const part of ds.parts) {
      for (const f of files.get(part.name) ?? []) {
        let localPath = join(config.root, ...f.ref.split('/'));
        if (f.ref.startsWith('s3://')) {
          // Inputs in S3 are staged locally; the key already pins their ETag and size.
          const { openStore } = await import('../store/index.js');
          const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(f.ref);
          if (!m) throw new Error(`bad S3 URI ${f.ref}`);
          const src = openStore(`s3://${m[1]}`, { s3: config.settings.s3 });
          localPath = join(fetchDir, `${inputs.length}-${basename(f.ref)}`);
          await src.downloadFile(m[2] ?? '', localPath);
        }
        inputs.push({ part: part.name, file: basename(f.ref), path: f.ref, localPath, ...(part.label ? { label: part.label } : {}) });
      }
    }
    const labelFiles: Record<string, string> = {};
    for (const t of plan.labelTables) labelFiles[t.table] = join(config.root, ...t.file.split('/'));
    const out = join(work, 'out');
    const stats = await runParse(plan, inputs, labelFiles, out, {
      workDir: join(work, 'engine'),
      ...(opts.threads ? { threads: opts.threads } : {}),
      ...(opts.memoryLimit ? { memoryLimit: opts.memoryLimit } : {}),
    });
    if (stats.written === 0) throw new Error(`no record of dataset ${ds.name} parsed (${fmt(stats.rejected)} rejected, ${fmt(stats.filtered)} filtered): see rejects.jsonl in ${out}`);
    const dataFiles = (await readdir(join(out, 'data'))).sort();
    await store.publish(
      outputPrefix(s),
      [...dataFiles.map((f) => ({ name: `data/${f}`, localPath: join(out, 'data', f) })), { name: 'rejects.jsonl', localPath: join(out, 'rejects.jsonl') }],
      manifestFor(s, { engine: 'duckdb', stats }),
      { overwrite: true },
    );
    const pct = stats.records ? ((100 * stats.rejected) / stats.records).toFixed(2) : '0';
    return {
      status: 'ran',
      seconds: stats.seconds,
      stats: { ...stats },
      summary: `${fmt(stats.records)} records from ${stats.files} files: ${fmt(stats.written)} written, ${fmt(stats.rejected)} rejected (${pct}%), ${fmt(stats.filtered)} filtered${stats.repairedFiles ? `, ${stats.repairedFiles} files had invalid UTF-8` : ''}`,
    };
  };

  const execFeatures = async (s: Stage, work: string): Promise<StageOutcome> => {
    const fc = compiled.featureSets.get(s.featureSet ?? '');
    if (!fc) throw new Error(`feature set ${s.featureSet} is not compiled`);
    const parse = stageOf(s.deps[0] ?? '');
    const parsedDir = await localPrefix(store, outputPrefix(parse), opts.cacheRoot);
    const files = await parquetFiles([join(parsedDir, 'data')]);
    const out = join(work, 'out');
    const stats = await runFeatures(fc.plan, files, out, {
      workDir: join(work, 'engine'),
      ...(opts.threads ? { threads: opts.threads } : {}),
      ...(opts.memoryLimit ? { memoryLimit: opts.memoryLimit } : {}),
    });
    const dataFiles = (await readdir(join(out, 'data'))).sort();
    await store.publish(outputPrefix(s), dataFiles.map((f) => ({ name: `data/${f}`, localPath: join(out, 'data', f) })), manifestFor(s, { engine: 'duckdb', stats }), { overwrite: true });
    return { status: 'ran', seconds: stats.seconds, stats: { ...stats }, summary: `${fmt(stats.read)} records → ${fmt(stats.written)} rows` };
  };

  const execTrain = async (s: Stage, work: string): Promise<StageOutcome> => {
    const t0 = Date.now();
    const m = config.models.get(s.model ?? '') as ModelDef;
    const inputs = [];
    const featurePlans: FeaturePlan[] = [];
    for (const dep of s.deps) {
      const fs = stageOf(dep);
      const dir = await localPrefix(store, outputPrefix(fs), opts.cacheRoot);
      const fc = compiled.featureSets.get(fs.featureSet ?? '');
      if (!fc) throw new Error(`feature set ${fs.featureSet} is not compiled`);
      featurePlans.push(fc.plan);
      inputs.push({ name: fs.featureSet ?? '', path: join(dir, 'data'), features: fc.plan.features.map((f) => f.name) });
    }
    const trainerOut = join(work, 'trainer-out');
    await runTrainer(
      {
        model: m.name,
        inputs,
        label: m.label,
        algorithm: m.algorithm,
        params: m.params,
        split: { method: m.split.method, test_fraction: m.split.testFraction, seed: m.split.seed },
        target_fpr: m.gates.targetFpr,
        fill_missing: m.fillMissing ?? null,
        output: trainerOut,
      },
      work,
      { onLog: (l) => opts.progress.log(`  ${s.id}: ${l.replace(/^quiver-trainer: /, '')}`), ...(opts.signal ? { signal: opts.signal } : {}) },
    );
    const ds = config.datasets.get(m.dataset);
    const parsePlan = compiled.sources.get(ds?.source ?? '')?.plan;
    if (!parsePlan) throw new Error(`source of ${m.dataset} is not compiled`);
    const parseStage = stageOf(stageOf(s.deps[0] ?? '').deps[0] ?? '');
    const stageKeys: Record<string, string> = { [parseStage.id]: parseStage.key ?? '', [s.id]: s.key ?? '' };
    for (const d of s.deps) stageKeys[d] = stageOf(d).key ?? '';
    const bundlePath = join(work, 'bundle.tar.gz');
    const { bundle } = await composeBundle(bundlePath, {
      model: m.name,
      trainerOutput: trainerOut,
      parsePlan,
      featurePlans,
      features: featurePlans.flatMap((p) => p.features.map((f) => f.name)),
      fillMissing: m.fillMissing ?? null,
      lineage: { ...(revision.files.commit ? { configCommit: revision.files.commit } : {}), stageKeys, trainerVersion: TRAINER_VERSION },
    });
    const metrics = JSON.parse(await readFile(join(trainerOut, 'metrics.json'), 'utf8')) as TrainerMetrics;
    await store.publish(
      outputPrefix(s),
      [
        { name: 'bundle.tar.gz', localPath: bundlePath },
        { name: 'metrics.json', localPath: join(trainerOut, 'metrics.json') },
        { name: 'schema.json', localPath: join(trainerOut, 'schema.json') },
        { name: 'validation.parquet', localPath: join(trainerOut, 'validation.parquet') },
      ],
      manifestFor(s, { bundle: { sha256: bundle.sha256, size: bundle.size }, metrics }),
      { overwrite: true },
    );
    return { status: 'ran', seconds: (Date.now() - t0) / 1000, summary: `ROC AUC ${metrics.roc_auc.toFixed(4)}, PR AUC ${metrics.pr_auc.toFixed(4)}, threshold ${metrics.threshold.toFixed(4)}; bundle ${bundle.sha256.slice(0, 12)}` };
  };

  const execRelease = async (s: Stage): Promise<StageOutcome> => {
    const t0 = Date.now();
    const m = config.models.get(s.model ?? '') as ModelDef;
    const train = stageOf(s.deps[0] ?? '');
    const prefix = outputPrefix(train);
    const manifest = (await store.readManifest(prefix)) as { bundle?: { sha256: string; size: number }; metrics?: TrainerMetrics } | undefined;
    if (!manifest?.bundle || !manifest.metrics) throw new Error(`training output ${prefix} is incomplete`);
    const idx = await readReleaseIndex(store, m.name);
    const cur = currentRelease(idx);
    if (cur && cur.trainKey === train.key) {
      models.set(m.name, { model: m.name, status: 'up to date', version: cur.version, metrics: manifest.metrics, message: `v${cur.version} is this training` });
      return { status: 'ran', seconds: 0, summary: `v${cur.version} already released` };
    }
    const gates = checkGates(manifest.metrics, m.gates, cur ? { version: cur.version, metrics: cur.metrics as unknown as TrainerMetrics } : undefined);
    const at = new Date().toISOString();
    const attempt = { trainKey: train.key ?? '', releaseKey: s.key ?? '', at, gates: gates.results, metrics: manifest.metrics as unknown as Record<string, unknown> };
    if (!gates.passed) {
      await recordAttempt(store, m.name, { ...attempt, outcome: 'gate_failed' });
      const why = gates.results.filter((g) => !g.passed).map((g) => `${g.gate}: ${g.message}`).join('; ');
      models.set(m.name, {
        model: m.name,
        status: 'gate failed',
        version: cur?.version ?? null,
        metrics: manifest.metrics,
        gates: gates.results,
        message: `${why}${cur ? `; v${cur.version} stays current` : '; nothing released'}`,
      });
      return { status: 'ran', seconds: (Date.now() - t0) / 1000, summary: `gate failed: ${why}` };
    }
    const signature = signDigest(manifest.bundle.sha256, opts.signingKey);
    const bundleKey = `${prefix}bundle.tar.gz`;
    const { version } = await appendRelease(
      store,
      m.name,
      {
        digest: `sha256:${manifest.bundle.sha256}`,
        size: manifest.bundle.size,
        bundle: bundleKey,
        signature,
        metrics: manifest.metrics as unknown as Record<string, unknown>,
        lineage: { configCommit: revision.files.commit ?? null, trainKey: train.key, stageKeys: Object.fromEntries(graph.order.filter((id) => id.includes(m.name) || train.deps.includes(id)).map((id) => [id, graph.stages.get(id)?.key ?? null])) },
        trainKey: train.key ?? '',
        releaseKey: s.key ?? '',
        releasedAt: at,
      },
      attempt,
    );
    models.set(m.name, { model: m.name, status: 'released', version, metrics: manifest.metrics, gates: gates.results, message: cur ? `replaces v${cur.version}` : 'first release' });
    return { status: 'ran', seconds: (Date.now() - t0) / 1000, summary: `released v${version}` };
  };

  const exec = async (p: PlannedStage): Promise<StageOutcome> => {
    const s = stageOf(p.id);
    if (p.action === 'reuse') return { status: 'reused', summary: `output ${s.key?.slice(0, 12)} already in the store` };
    const work = await mkdtemp(join(opts.workRoot, `${s.kind}-`));
    try {
      switch (s.kind) {
        case 'parse':
          return await execParse(s, work);
        case 'features':
          return await execFeatures(s, work);
        case 'train':
          return await execTrain(s, work);
        case 'release':
          return await execRelease(s);
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  };

  // Scheduler: start every stage whose planned deps are done, up to `jobs` at once.
  let index = 0;
  const done = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const pending = [...todo];
  const failedUpstream = (p: PlannedStage): string | undefined => p.deps.find((d) => {
    const o = outcomes.get(d);
    return o && (o.status === 'failed' || o.status === 'skipped');
  });
  while (pending.length || running.size) {
    if (opts.signal?.aborted) break;
    for (let i = 0; i < pending.length && running.size < Math.max(1, opts.jobs); ) {
      const p = pending[i] as PlannedStage;
      const blocked = p.deps.some((d) => byId.has(d) && !done.has(d));
      if (blocked) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      const bad = failedUpstream(p);
      const n = ++index;
      if (bad) {
        const o: StageOutcome = { status: 'skipped', because: `${bad} did not complete` };
        outcomes.set(p.id, o);
        done.add(p.id);
        opts.progress.stageFinished(p.id, o, n, total);
        continue;
      }
      opts.progress.stageStarted(p.id, n, total);
      const t0 = Date.now();
      const task = exec(p)
        .catch((e: unknown): StageOutcome => ({ status: 'failed', seconds: (Date.now() - t0) / 1000, error: e instanceof Error ? e.message : String(e) }))
        .then((o) => {
          outcomes.set(p.id, o);
          done.add(p.id);
          running.delete(p.id);
          opts.progress.stageFinished(p.id, o, n, total);
        });
      running.set(p.id, task);
    }
    if (running.size) await Promise.race(running.values());
    else if (pending.length) {
      // Nothing can start: the remaining stages wait on stages outside the plan (should not happen).
      for (const p of pending.splice(0)) outcomes.set(p.id, { status: 'skipped', because: 'its dependencies are not in the plan' });
    }
  }
  await Promise.all(running.values());

  // Model summary: every model, including those with nothing to do.
  for (const m of [...config.models.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (models.has(m.name)) continue;
    const trainId = `train(${m.name})`;
    const relId = `release(${m.name})`;
    const failed = [trainId, relId, ...todo.filter((p) => p.model === undefined).map((p) => p.id)]
      .map((id) => [id, outcomes.get(id)] as const)
      .find(([, o]) => o?.status === 'failed' || o?.status === 'skipped');
    let idx: ReleaseIndex | undefined;
    try {
      idx = await readReleaseIndex(store, m.name);
    } catch {
      idx = undefined;
    }
    const cur = idx ? currentRelease(idx) : undefined;
    const trained = graph.stages.get(trainId);
    const metricsManifest = trained?.key ? ((await store.readManifest(outputPrefix(trained)).catch(() => undefined)) as { metrics?: TrainerMetrics } | undefined) : undefined;
    if (failed && (outcomes.get(trainId)?.status === 'failed' || outcomes.get(trainId)?.status === 'skipped' || outcomes.get(relId)?.status === 'failed' || outcomes.get(relId)?.status === 'skipped')) {
      const o = outcomes.get(trainId) ?? outcomes.get(relId);
      models.set(m.name, {
        model: m.name,
        status: o?.status === 'skipped' ? 'skipped' : 'failed',
        version: cur?.version ?? null,
        message: o?.status === 'failed' ? o.error : o?.status === 'skipped' ? o.because : 'did not run',
      });
      continue;
    }
    const last = idx?.attempts.filter((a) => a.trainKey === trained?.key).at(-1);
    if (last?.outcome === 'gate_failed') {
      models.set(m.name, {
        model: m.name,
        status: 'gate failed',
        version: cur?.version ?? null,
        ...(metricsManifest?.metrics ? { metrics: metricsManifest.metrics } : {}),
        gates: last.gates,
        message: `${last.gates.filter((g) => !g.passed).map((g) => `${g.gate}: ${g.message}`).join('; ')} (unchanged since the last run)`,
      });
      continue;
    }
    models.set(m.name, {
      model: m.name,
      status: 'up to date',
      version: cur?.version ?? null,
      ...(metricsManifest?.metrics ? { metrics: metricsManifest.metrics } : {}),
      message: cur ? `v${cur.version} is current` : 'not released',
    });
  }
  return { stages: outcomes, models: [...models.values()].sort((a, b) => (a.model < b.model ? -1 : 1)), seconds: (Date.now() - started) / 1000 };
}

function manifestFor(s: Stage, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'quiver.dev/v1alpha1',
    kind: 'StageOutput',
    stage: s.id,
    key: s.key,
    keyVersion: KEY_VERSION,
    keyInput: s.keyInput,
    createdAt: new Date().toISOString(),
    ...extra,
  };
}
