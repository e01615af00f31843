/**
 * Schema-valid YAML manifests → typed defs. The JSON Schemas already enforce
 * shape, so this only maps names and fills defaults.
 */
import type { YamlManifest } from './yaml/parse-manifest.js';
import type {
  Algorithm,
  DatasetDef,
  DatasetPart,
  EnvironmentDef,
  FeatureCase,
  LabelJoin,
  ModelDef,
  ParseCase,
  Settings,
  TestFileDef,
} from './model.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const s = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const n = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const strList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export const DEFAULT_STORAGE_ROOT = 'file://.quiver/store';

export function settingsFrom(m: YamlManifest | undefined, file = 'quiver.yaml'): Settings {
  const v = m?.value ?? {};
  const storage = obj(v['storage']);
  const s3 = obj(storage['s3']);
  const images = obj(v['images']);
  const engine = obj(v['engine']);
  const duck = obj(engine['duckdb']);
  const spark = obj(engine['spark']);
  const settings: Settings = {
    file: m?.file ?? file,
    locate: m?.locate ?? (() => ({ line: 1, column: 1, endLine: 1, endColumn: 1 })),
    storageRoot: s(storage['root'], DEFAULT_STORAGE_ROOT),
    s3: {},
    images: {},
    engine: { default: engine['default'] === 'spark' ? 'spark' : 'duckdb', duckdb: {}, spark: {} },
  };
  if (typeof s3['endpoint'] === 'string') settings.s3.endpoint = s3['endpoint'];
  if (typeof s3['region'] === 'string') settings.s3.region = s3['region'];
  if (typeof s3['force_path_style'] === 'boolean') settings.s3.forcePathStyle = s3['force_path_style'];
  if (typeof images['spark'] === 'string') settings.images.spark = images['spark'];
  if (typeof images['trainer'] === 'string') settings.images.trainer = images['trainer'];
  if (n(duck['threads']) !== undefined) settings.engine.duckdb.threads = n(duck['threads']) as number;
  if (typeof duck['memory_limit'] === 'string') settings.engine.duckdb.memoryLimit = duck['memory_limit'];
  if (typeof spark['driver_memory'] === 'string') settings.engine.spark.driverMemory = spark['driver_memory'];
  if (typeof spark['executor_memory'] === 'string') settings.engine.spark.executorMemory = spark['executor_memory'];
  if (n(spark['executor_instances']) !== undefined) settings.engine.spark.executorInstances = n(spark['executor_instances']) as number;
  if (typeof spark['service_account'] === 'string') settings.engine.spark.serviceAccount = spark['service_account'];
  return settings;
}

export function datasetFrom(m: YamlManifest): DatasetDef {
  const v = m.value;
  const parts: DatasetPart[] = (Array.isArray(v['parts']) ? v['parts'] : []).map((raw: unknown, i: number) => {
    const p = obj(raw);
    const part: DatasetPart = { name: s(p['name']), description: s(p['description']), paths: strList(p['paths']), position: i };
    if (typeof p['label'] === 'string') part.label = p['label'];
    if (p['labels']) {
      const l = obj(p['labels']);
      const join: Record<string, string> = {};
      for (const [k, c] of Object.entries(obj(l['join']))) if (typeof c === 'string') join[k] = c;
      const lj: LabelJoin = { file: s(l['file']), join, column: s(l['column']) };
      if (typeof l['default'] === 'string') lj.default = l['default'];
      part.labels = lj;
    }
    return part;
  });
  return { kind: 'dataset', file: m.file, locate: m.locate, name: s(v['name']), description: s(v['description']), source: s(v['source']), parts };
}

export function modelFrom(m: YamlManifest): ModelDef {
  const v = m.value;
  const label = obj(v['label']);
  const split = obj(v['split']);
  const gates = obj(v['gates']);
  const params: ModelDef['params'] = {};
  for (const [k, p] of Object.entries(obj(v['params']))) {
    if (p === null || typeof p === 'string' || typeof p === 'number' || typeof p === 'boolean') params[k] = p;
  }
  const def: ModelDef = {
    kind: 'model',
    file: m.file,
    locate: m.locate,
    name: s(v['name']),
    description: s(v['description']),
    dataset: s(v['dataset']),
    featureSets: strList(v['feature_sets']),
    label: { positive: strList(label['positive']), negative: strList(label['negative']) },
    algorithm: s(v['algorithm']) as Algorithm,
    params,
    split: {
      method: split['method'] === 'time' ? 'time' : 'random',
      testFraction: n(split['test_fraction']) ?? 0.25,
      seed: n(split['seed']) ?? 0,
    },
    gates: { targetFpr: n(gates['target_fpr']) ?? 0.01 },
  };
  if (n(v['fill_missing']) !== undefined) def.fillMissing = n(v['fill_missing']) as number;
  if (n(gates['min_roc_auc']) !== undefined) def.gates.minRocAuc = n(gates['min_roc_auc']) as number;
  if (n(gates['max_regression']) !== undefined) def.gates.maxRegression = n(gates['max_regression']) as number;
  return def;
}

export function environmentFrom(m: YamlManifest): EnvironmentDef {
  const v = m.value;
  return { kind: 'environment', file: m.file, locate: m.locate, name: s(v['name']), description: s(v['description']), models: strList(v['models']), wave: n(v['wave']) ?? 0 };
}

export function testFileFrom(m: YamlManifest): TestFileDef {
  const v = m.value;
  const parse: ParseCase[] = (Array.isArray(v['parse']) ? v['parse'] : []).map((raw: unknown, i: number) => {
    const c = obj(raw);
    const pc: ParseCase = { name: s(c['name']), source: s(c['source']), input: s(c['input']), position: i };
    if (Array.isArray(c['expect'])) pc.expect = c['expect'].map(obj);
    if (n(c['rejected']) !== undefined) pc.rejected = n(c['rejected']) as number;
    if (n(c['filtered']) !== undefined) pc.filtered = n(c['filtered']) as number;
    return pc;
  });
  const features: FeatureCase[] = (Array.isArray(v['features']) ? v['features'] : []).map((raw: unknown, i: number) => {
    const c = obj(raw);
    return { name: s(c['name']), featureSet: s(c['feature_set']), input: s(c['input']), expect: Array.isArray(c['expect']) ? c['expect'].map(obj) : [], position: i };
  });
  return { kind: 'test', file: m.file, locate: m.locate, parse, features };
}
