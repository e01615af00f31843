/**
 * The stage graph of one config revision: parse(dataset) → features(dataset,
 * feature set) → train(model) → release(model). Each stage has a KeyInput
 * (everything that determines its output, canonical) and its key, the sha256
 * of that input. Pure: inputs are resolved beforehand (see inputs.ts).
 */
import type { CompiledRepo } from '../compile/index.js';
import type { RepoConfig } from '../config/index.js';
import { COMPILER_VERSION, KEY_VERSION, TRAINER_VERSION } from '../version.js';
import { keyOf } from '../canonical-json.js';

export type StageKind = 'parse' | 'features' | 'train' | 'release';

/** Where a part of a KeyInput was written, for "file: field modified" explanations. */
export type KeyOrigins = Record<string, string>;

export interface Stage {
  id: string;
  kind: StageKind;
  /** sha256 hex of the canonical KeyInput; undefined when an input has no usable fingerprint. */
  key?: string;
  unkeyableReason?: string;
  keyInput: Record<string, unknown>;
  /** Top-level KeyInput member → the config file it comes from. */
  origins: KeyOrigins;
  deps: string[];
  dataset?: string;
  featureSet?: string;
  model?: string;
}

export interface PartInputs {
  /** path or URI → fingerprint ('sha256:…' or 'etag:…:size:…'); undefined when it could not be fingerprinted */
  files: Record<string, string | undefined>;
  labelFile?: string | undefined;
  /** Why the part cannot be keyed (a remote store that could not be listed, ...). */
  problem?: string;
}

/** Per dataset, per part: the resolved raw inputs and their fingerprints. */
export type DatasetInputs = Map<string, Map<string, PartInputs>>;

export interface StageGraph {
  stages: Map<string, Stage>;
  /** Dependency order (every stage after its deps). */
  order: string[];
}

export const stageId = {
  parse: (ds: string) => `parse(${ds})`,
  features: (ds: string, fs: string) => `features(${ds}, ${fs})`,
  train: (m: string) => `train(${m})`,
  release: (m: string) => `release(${m})`,
};

/** Where a stage's output lives in the object store (DESIGN §5). */
export function outputPrefix(s: Stage): string {
  switch (s.kind) {
    case 'parse':
      return `datasets/${s.dataset}/parsed/${s.key}/`;
    case 'features':
      return `features/${s.dataset}/${s.featureSet}/${s.key}/`;
    case 'train':
      return `models/${s.model}/${s.key}/`;
    case 'release':
      return `releases/${s.model}/`;
  }
}

export interface GraphOptions {
  /** The release each model would replace (its bundle digest), from the store's release index. */
  currentReleases?: Map<string, string | null>;
}

export function buildGraph(config: RepoConfig, compiled: CompiledRepo, inputs: DatasetInputs, opts: GraphOptions = {}): StageGraph {
  const stages = new Map<string, Stage>();
  const order: string[] = [];
  const add = (s: Stage): void => {
    stages.set(s.id, s);
    order.push(s.id);
  };
  const keyed = (s: Omit<Stage, 'key'>, upstream: Stage[]): Stage => {
    const broken = upstream.find((u) => !u.key);
    if (s.unkeyableReason) return s;
    if (broken) return { ...s, unkeyableReason: `upstream ${broken.id} is unkeyable` };
    return { ...s, key: keyOf(s.keyInput) };
  };

  // Datasets used by at least one model, and the feature sets each uses.
  const used = new Map<string, Set<string>>();
  for (const m of [...config.models.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!config.datasets.has(m.dataset)) continue;
    const set = used.get(m.dataset) ?? new Set<string>();
    for (const fs of m.featureSets) if (compiled.featureSets.has(fs)) set.add(fs);
    used.set(m.dataset, set);
  }

  for (const dsName of [...used.keys()].sort()) {
    const ds = config.datasets.get(dsName);
    const src = ds ? config.sources.get(ds.source) : undefined;
    const srcCompiled = src ? compiled.sources.get(src.name) : undefined;
    if (!ds || !src || !srcCompiled) continue;
    const partInputs = inputs.get(dsName) ?? new Map<string, PartInputs>();
    const problems: string[] = [];
    const parts: Record<string, unknown> = {};
    for (const p of ds.parts) {
      const pi = partInputs.get(p.name);
      if (!pi) problems.push(`part '${p.name}' inputs were not resolved`);
      else if (pi.problem) problems.push(pi.problem);
      else {
        const missing = Object.entries(pi.files).filter(([, fp]) => !fp);
        if (missing.length) problems.push(`no fingerprint for ${missing.map(([f]) => f).join(', ')}`);
      }
      parts[p.name] = {
        label: p.label ?? null,
        labels: p.labels ? { file: pi?.labelFile ?? null, join: p.labels.join, column: p.labels.column, default: p.labels.default ?? null } : null,
        inputs: pi?.files ?? {},
      };
    }
    const parse: Omit<Stage, 'key'> = {
      id: stageId.parse(dsName),
      kind: 'parse',
      keyInput: {
        kind: 'parse',
        key_version: KEY_VERSION,
        compiler_version: COMPILER_VERSION,
        source: srcCompiled.canonical,
        dataset: { parts },
      },
      origins: { source: src.file, dataset: ds.file },
      deps: [],
      dataset: dsName,
      ...(problems.length ? { unkeyableReason: problems.join('; ') } : {}),
    };
    const parseStage = keyed(parse, []);
    add(parseStage);
    for (const fsName of [...(used.get(dsName) ?? [])].sort()) {
      const fs = config.featureSets.get(fsName);
      const fc = compiled.featureSets.get(fsName);
      if (!fs || !fc) continue;
      const st = keyed(
        {
          id: stageId.features(dsName, fsName),
          kind: 'features',
          keyInput: { kind: 'features', key_version: KEY_VERSION, compiler_version: COMPILER_VERSION, parse_key: parseStage.key ?? null, feature_set: fc.canonical },
          origins: { feature_set: fs.file, parse_key: parseStage.id },
          deps: [parseStage.id],
          dataset: dsName,
          featureSet: fsName,
        },
        [parseStage],
      );
      add(st);
    }
  }

  for (const m of [...config.models.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const featureStages = m.featureSets.map((fs) => stages.get(stageId.features(m.dataset, fs)));
    if (featureStages.some((s) => !s)) continue;
    const fsStages = featureStages as Stage[];
    const train = keyed(
      {
        id: stageId.train(m.name),
        kind: 'train',
        keyInput: {
          kind: 'train',
          key_version: KEY_VERSION,
          trainer_version: TRAINER_VERSION,
          inputs: fsStages.map((s) => ({
            feature_set: s.featureSet,
            key: s.key ?? null,
            columns: config.featureSets.get(s.featureSet ?? '')?.features.map((f) => f.name) ?? [],
          })),
          model: {
            label: { positive: [...m.label.positive].sort(), negative: [...m.label.negative].sort() },
            algorithm: m.algorithm,
            params: m.params,
            split: { method: m.split.method, test_fraction: m.split.testFraction, seed: m.split.seed },
            fill_missing: m.fillMissing ?? null,
            target_fpr: m.gates.targetFpr,
          },
        },
        origins: { model: m.file, inputs: fsStages.map((s) => s.id).join(', ') },
        deps: fsStages.map((s) => s.id),
        model: m.name,
      },
      fsStages,
    );
    add(train);
    const release = keyed(
      {
        id: stageId.release(m.name),
        kind: 'release',
        keyInput: {
          kind: 'release',
          key_version: KEY_VERSION,
          train_key: train.key ?? null,
          gates: { min_roc_auc: m.gates.minRocAuc ?? null, max_regression: m.gates.maxRegression ?? null, target_fpr: m.gates.targetFpr },
          replaces: opts.currentReleases?.get(m.name) ?? null,
        },
        origins: { gates: m.file, train_key: train.id, replaces: `releases/${m.name}/index.json` },
        deps: [train.id],
        model: m.name,
      },
      [train],
    );
    add(release);
  }
  return { stages, order };
}
