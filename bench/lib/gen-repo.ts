/**
 * Generates a large, realistic, valid config repository, deterministically
 * from a seed: sources of five families (regex syslog, Zeek TSV, quoted CSV,
 * JSON lines, multi-line HTTP), feature sets over them (about half
 * aggregate), datasets whose parts point at small generated data files,
 * models over 1–2 feature sets of one source with the same grain, and
 * environments subscribing to 5–30 models.
 *
 * Besides the files it returns the structure it generated, so a bench can
 * compute what a change should affect without asking Quiver.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FAMILIES, HTTP, pb, type FeatureSpec, type FeatureType, type Family, type FieldSpec } from './families.js';
import { Rng } from './prng.js';

export interface RepoShape {
  sources: number;
  featureSets: number;
  datasets: number;
  models: number;
  environments: number;
  seed: number;
}

/** The shape issues 2 and 5 ask for. */
export const FULL_SHAPE: RepoShape = { sources: 300, featureSets: 300, datasets: 300, models: 1000, environments: 300, seed: 20240304 };

export interface GenSource {
  name: string;
  family: Family['kind'];
  file: string;
  fields: string[];
}

export interface GenFeature {
  name: string;
  type: FeatureType;
  definition: string;
}

export interface GenFeatureSet {
  name: string;
  source: string;
  file: string;
  aggregate: boolean;
  entity?: string;
  window?: string;
  features: GenFeature[];
}

export interface GenDataset {
  name: string;
  source: string;
  file: string;
  parts: Array<{ name: string; paths: string[]; label?: string; labelFile?: string }>;
  dataFiles: string[];
}

export interface GenModel {
  name: string;
  dataset: string;
  featureSets: string[];
  file: string;
}

export interface GenEnvironment {
  name: string;
  models: string[];
  wave: number;
  file: string;
}

export interface GeneratedRepo {
  dir: string;
  shape: RepoShape;
  sources: GenSource[];
  featureSets: GenFeatureSet[];
  datasets: GenDataset[];
  models: GenModel[];
  environments: GenEnvironment[];
  /** Files written and their total size. */
  files: number;
  bytes: number;
}

const pad = (n: number, w = 3): string => String(n).padStart(w, '0');
const WINDOWS = ['15m', '1h', '1h', '1d'];
const GRAIN_WORD: Record<string, string> = { '15m': 'quarterly', '1h': 'hourly', '1d': 'daily' };

function familyOf(s: number): Family {
  // One source in ten is multi-line HTTP; the rest cycle through the line-based families.
  if (s % 10 === 9) return HTTP;
  const lineBased = FAMILIES.filter((f) => f.kind !== 'http');
  return lineBased[s % lineBased.length] as Family;
}

class Writer {
  files = 0;
  bytes = 0;
  constructor(readonly root: string) {}
  write(rel: string, text: string): void {
    const p = join(this.root, ...rel.split('/'));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    this.files++;
    this.bytes += Buffer.byteLength(text);
  }
}

function fieldText(f: FieldSpec): string {
  const parts = [`name: ${pb(f.name)}`, `display_name: ${pb(f.display)}`, `data_type: ${f.type}`];
  for (const i of f.index ?? []) parts.push(`index: ${i}`);
  for (const p of f.path ?? []) parts.push(`path: ${pb(p)}`);
  for (const v of f.nullValues ?? []) parts.push(`null_values: ${pb(v)}`);
  if (!f.definition) return `fields { ${parts.join(' ')} }`;
  return `fields {\n  ${parts.join(' ')}\n  definition: ${pb(f.definition)}\n}`;
}

/** One line per feature, so a bench can find and edit a single definition. */
function featureLine(f: { name: string; display: string; type: string; definition: string }): string {
  return `features { name: ${pb(f.name)} display_name: ${pb(f.display)} data_type: ${f.type} definition: ${pb(f.definition)} }`;
}

export function generateRepo(dir: string, shape: RepoShape = FULL_SHAPE): GeneratedRepo {
  const rng = new Rng(shape.seed);
  const w = new Writer(dir);
  const template = readFileSync(new URL('../../config-repo-template/quiver.yaml', import.meta.url), 'utf8');
  w.write('quiver.yaml', template);

  // Sources that carry feature sets: some carry two (same grain), the rest one.
  const bearing = Math.min(shape.sources, Math.max(1, Math.ceil((2 * shape.featureSets) / 3)));
  const paired = Math.min(bearing, Math.max(0, shape.featureSets - bearing));

  // 1. Sources.
  const sources: GenSource[] = [];
  const sourceFields: FieldSpec[][] = [];
  for (let s = 0; s < shape.sources; s++) {
    const fam = familyOf(s);
    const name = `${fam.kind}_${pad(s)}`;
    const extra = rng.sample(fam.optional, rng.int(0, Math.min(7, fam.optional.length)));
    const year = rng.pick(['2023', '2024']);
    const fields = [...fam.required, ...extra].map((f) => (f.definition?.includes("'2024 '") ? { ...f, definition: f.definition.replace("'2024 '", `'${year} '`) } : f));
    const filter = rng.chance(0.15) && fam.kind === 'syslog' ? `\nfilter: ${pb("program <> 'CRON'")}` : '';
    const text = [
      `# Generated by bench/lib/gen-repo.ts (seed ${shape.seed}).`,
      `name: ${pb(name)}`,
      `description: ${pb(`${fam.description} (site ${s})`)}`,
      fam.format,
      ...fields.map(fieldText),
    ].join('\n') + filter + '\n';
    const file = `sources/${name}.pbtxt`;
    w.write(file, text);
    sources.push({ name, family: fam.kind, file, fields: fields.map((f) => f.name) });
    sourceFields.push(fields);
  }

  // 2. Feature sets: about half aggregate (never for HTTP: it has no event time).
  const featureSets: GenFeatureSet[] = [];
  const setsOfSource = new Map<string, string[]>();
  let total = 0;
  let aggregates = 0;
  for (let s = 0; s < bearing && featureSets.length < shape.featureSets; s++) {
    const fam = familyOf(s);
    const src = sources[s] as GenSource;
    const count = s < paired ? 2 : 1;
    const aggregate = fam.entities.length > 0 && aggregates * 2 < total + count;
    total += count;
    if (aggregate) aggregates += count;
    const entity = aggregate ? rng.pick(fam.entities) : undefined;
    const window = aggregate ? rng.pick(WINDOWS) : undefined;
    const present = new Set(src.fields);
    const pool: FeatureSpec[] = (aggregate ? fam.aggregateFeatures : fam.eventFeatures).filter((f) => (f.needs ?? []).every((n) => present.has(n)));
    const names: string[] = [];
    for (let k = 0; k < count; k++) {
      const chosen = rng.sample(pool, rng.int(5, Math.min(10, pool.length)));
      const suffix = k === 0 ? '' : '_2';
      const name = `${src.name}_${aggregate ? GRAIN_WORD[window ?? '1h'] : 'event'}${k === 0 ? '' : '_extra'}`;
      const features = chosen.map((f) => ({ ...f, name: `${f.name}${suffix}` }));
      const filter = rng.chance(0.5) ? rng.pick(fam.filters) : undefined;
      const text = [
        `# Generated by bench/lib/gen-repo.ts (seed ${shape.seed}).`,
        `name: ${pb(name)}`,
        `description: ${pb(aggregate ? `Per ${entity}, per ${window}: behaviour of ${src.name}` : `Per-event features of ${src.name}`)}`,
        `source: ${pb(src.name)}`,
        ...(aggregate ? [`entity: ${pb(entity ?? '')}`, `window: ${pb(window ?? '')}`] : []),
        ...(filter ? [`filter: ${pb(filter)}`] : []),
        ...features.map(featureLine),
      ].join('\n') + '\n';
      const file = `features/${name}.pbtxt`;
      w.write(file, text);
      featureSets.push({
        name,
        source: src.name,
        file,
        aggregate,
        ...(entity ? { entity } : {}),
        ...(window ? { window } : {}),
        features: features.map((f) => ({ name: f.name, type: f.type, definition: f.definition })),
      });
      names.push(name);
    }
    setsOfSource.set(src.name, names);
  }

  // 3. Datasets over the sources that carry feature sets, each with 2–3 parts of small data files.
  const datasets: GenDataset[] = [];
  for (let d = 0; d < shape.datasets; d++) {
    const s = d % bearing;
    const fam = familyOf(s);
    const src = sources[s] as GenSource;
    const name = `${fam.kind}-${pad(d)}`;
    const partCount = rng.int(2, 3);
    const parts: GenDataset['parts'] = [];
    const dataFiles: string[] = [];
    const partDefs = [
      { name: 'attack', label: 'attack' },
      { name: 'benign', label: 'benign' },
      { name: 'mixed', label: undefined },
    ].slice(0, partCount);
    for (const pd of partDefs) {
      const nFiles = rng.int(1, 2);
      const files: string[] = [];
      const keys: Array<{ file: string; key: string }> = [];
      for (let k = 0; k < nFiles; k++) {
        const f = `data/${name}/${pd.name}-${pad(k + 1, 2)}.${fam.ext}`;
        const data = fam.makeData(rng, rng.int(8, 30));
        w.write(f, data.text);
        files.push(f);
        for (const key of data.keys) keys.push({ file: f.slice(f.lastIndexOf('/') + 1), key });
      }
      dataFiles.push(...files);
      const paths = nFiles > 1 ? [`data/${name}/${pd.name}-*.${fam.ext}`] : files;
      if (pd.label) {
        parts.push({ name: pd.name, paths, label: pd.label });
      } else {
        const labelFile = `data/${name}/${pd.name}-labels.csv`;
        const rows = keys.map((k) => (fam.labelJoin === 'uid' ? `${k.key},${rng.pick(['attack', 'benign', 'benign'])}` : `${k.file},${k.key},${rng.pick(['attack', 'benign', 'benign'])}`));
        w.write(labelFile, [fam.labelJoin === 'uid' ? 'uid,label' : 'file,line,label', ...rows].join('\n') + '\n');
        parts.push({ name: pd.name, paths, labelFile });
      }
    }
    const yaml = [
      `# Generated by bench/lib/gen-repo.ts (seed ${shape.seed}).`,
      `name: ${name}`,
      `source: ${src.name}`,
      `description: ${JSON.stringify(`Labelled ${fam.kind} data, collection ${d}`)}`,
      'parts:',
      ...parts.flatMap((p) => [
        `  - name: ${p.name}`,
        `    paths: [${p.paths.map((x) => JSON.stringify(x)).join(', ')}]`,
        ...(p.label
          ? [`    label: ${p.label}`]
          : [
              '    labels:',
              `      file: ${p.labelFile}`,
              fam.labelJoin === 'uid' ? '      join: { uid: uid }' : '      join: { _file: file, _line: line }',
              '      column: label',
              ...(rng.chance(0.5) ? ['      default: benign'] : []),
            ]),
      ]),
    ].join('\n') + '\n';
    const file = `datasets/${name}.yaml`;
    w.write(file, yaml);
    datasets.push({ name, source: src.name, file, parts, dataFiles });
  }

  // 4. Models: a dataset and one or both feature sets of its source.
  const models: GenModel[] = [];
  const algos = ['random_forest', 'gradient_boosting', 'logistic_regression'] as const;
  for (let m = 0; m < shape.models; m++) {
    const ds = datasets[m % datasets.length] as GenDataset;
    const sets = setsOfSource.get(ds.source) ?? [];
    const a = sets[0];
    if (!a) continue;
    const b = sets[1];
    const chosen = b ? rng.pick([[a], [b], [a, b], [a, b]]) : [a];
    const fam = sources.find((x) => x.name === ds.source)?.family ?? 'syslog';
    const name = `${fam}-detector-${pad(m, 4)}`;
    const algo = rng.pick(algos);
    const params =
      algo === 'random_forest'
        ? `{ n_estimators: ${rng.pick([50, 100, 200])}, max_depth: ${rng.int(4, 12)}, min_samples_leaf: ${rng.int(1, 4)} }`
        : algo === 'gradient_boosting'
          ? `{ n_estimators: ${rng.pick([50, 100])}, max_depth: ${rng.int(2, 4)}, learning_rate: ${rng.pick([0.05, 0.1, 0.2])} }`
          : `{ C: ${rng.pick([0.1, 1.0, 10.0])}, max_iter: 1000 }`;
    const timeSplit = fam !== 'http' && rng.chance(0.2);
    const yaml = [
      `# Generated by bench/lib/gen-repo.ts (seed ${shape.seed}).`,
      `name: ${name}`,
      `description: ${JSON.stringify(`Detector ${m} over ${ds.name}`)}`,
      `dataset: ${ds.name}`,
      `feature_sets: [${chosen.join(', ')}]`,
      'label: { positive: [attack], negative: [benign] }',
      `algorithm: ${algo}`,
      `params: ${params}`,
      `split: { method: ${timeSplit ? 'time' : 'random'}, test_fraction: ${rng.pick([0.2, 0.25, 0.3])}, seed: ${rng.int(0, 1000)} }`,
      ...(rng.chance(0.3) ? ['fill_missing: 0'] : []),
      'gates:',
      `  min_roc_auc: ${rng.pick([0.75, 0.8, 0.85, 0.9])}`,
      ...(rng.chance(0.6) ? [`  max_regression: ${rng.pick([0.01, 0.02, 0.05])}`] : []),
      `  target_fpr: ${rng.pick([0.01, 0.02, 0.05])}`,
    ].join('\n') + '\n';
    const file = `models/${name}.yaml`;
    w.write(file, yaml);
    models.push({ name, dataset: ds.name, featureSets: chosen, file });
  }

  // 5. Environments.
  const environments: GenEnvironment[] = [];
  for (let e = 0; e < shape.environments; e++) {
    const name = `customer-${pad(e)}-${rng.pick(['prod', 'staging', 'dev', 'dr'])}`;
    const subscribed = rng.sample(models, rng.int(5, Math.min(30, models.length))).map((m) => m.name);
    const wave = rng.int(0, 3);
    const yaml = [
      `# Generated by bench/lib/gen-repo.ts (seed ${shape.seed}).`,
      `name: ${name}`,
      `description: ${JSON.stringify(`Customer ${e}, rollout wave ${wave}`)}`,
      `models: [${subscribed.join(', ')}]`,
      `wave: ${wave}`,
    ].join('\n') + '\n';
    const file = `environments/${name}.yaml`;
    w.write(file, yaml);
    environments.push({ name, models: subscribed, wave, file });
  }

  return { dir, shape, sources, featureSets, datasets, models, environments, files: w.files, bytes: w.bytes };
}

/**
 * Changes one feature's definition in the working tree (a semantic change:
 * the compiled SQL differs). Returns the new definition.
 */
export function editFeatureDefinition(repo: GeneratedRepo, setName: string, featureName: string): { before: string; after: string } {
  const fs = repo.featureSets.find((f) => f.name === setName);
  const feature = fs?.features.find((f) => f.name === featureName);
  if (!fs || !feature) throw new Error(`no feature ${setName}.${featureName}`);
  const after = feature.type === 'BOOLEAN' ? `NOT (${feature.definition})` : `(${feature.definition}) * 2`;
  const path = join(repo.dir, ...fs.file.split('/'));
  const text = readFileSync(path, 'utf8');
  const from = `features { name: ${pb(feature.name)} `;
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(from));
  const line = lines[i];
  if (line === undefined) throw new Error(`cannot find ${featureName} in ${fs.file}`);
  lines[i] = line.replace(`definition: ${pb(feature.definition)}`, `definition: ${pb(after)}`);
  if (lines[i] === line) throw new Error(`cannot find the definition of ${featureName} in ${fs.file}`);
  writeFileSync(path, lines.join('\n'));
  return { before: feature.definition, after };
}
