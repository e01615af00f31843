/**
 * Reads one revision of a config repository into a RepoConfig: every file is
 * parsed (pbtxt or YAML), normalized, and then checked across files. All
 * problems come back together, so a user fixes everything in one round.
 */
import type { ContentCache } from '../cache/content-cache.js';
import { diagnostic, sortDiagnostics, type Diagnostic } from '../diag/index.js';
import { fileContent, loadManifestFile, loadPbtxtFile, type PbtxtOutcome } from './load-file.js';
import type { FeatureSetDef, RepoConfig, SourceDef, TestFileDef } from './model.js';
import type { RepoFiles } from './repo-files.js';
import { checkRepo } from './rules.js';
import type { YamlManifest } from './yaml/parse-manifest.js';
import type { ManifestKind } from './yaml/schemas.js';
import { datasetFrom, environmentFrom, modelFrom, settingsFrom, testFileFrom } from './yaml-defs.js';

export const RepoCodes = {
  noQuiverYaml: 'QV3001',
  duplicateName: 'QV3002',
  strayFile: 'QV3003',
} as const;

const YAML_DIRS: Record<string, ManifestKind> = { datasets: 'dataset', models: 'model', environments: 'environment', tests: 'test' };

export interface LoadResult {
  config: RepoConfig;
  diagnostics: Diagnostic[];
  /** Every file the config was read from (for watchers and fingerprints). */
  configFiles: string[];
}

function kindOf(path: string): { dir: string; ext: string } | undefined {
  const slash = path.indexOf('/');
  if (slash < 0) return undefined;
  const dir = path.slice(0, slash);
  const dot = path.lastIndexOf('.');
  return { dir, ext: dot > slash ? path.slice(dot + 1) : '' };
}

export interface LoadOptions {
  /** Reuse per-file results by content (see cache/content-cache.ts). */
  cache?: ContentCache;
}

export async function loadRepo(files: RepoFiles, root: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const { cache } = opts;
  const all = await files.list();
  const diagnostics: Diagnostic[] = [];
  const config: RepoConfig = {
    root,
    settings: settingsFrom(undefined),
    sources: new Map(),
    featureSets: new Map(),
    datasets: new Map(),
    models: new Map(),
    environments: new Map(),
    tests: [],
    brokenNames: new Set(),
  };
  const configFiles: string[] = [];
  const readManifest = async (path: string, kind: ManifestKind): Promise<{ manifest: YamlManifest; contentKey?: string } | undefined> => {
    const r = await loadManifestFile(path, await fileContent(files, path, !!cache), kind, cache);
    diagnostics.push(...r.diagnostics);
    if (r.brokenName !== undefined) config.brokenNames.add(`${kind}:${r.brokenName}`);
    return r.manifest ? { manifest: r.manifest, ...(r.contentKey ? { contentKey: r.contentKey } : {}) } : undefined;
  };
  const keyed = <T extends { contentKey?: string }>(def: T, key: string | undefined): T => {
    if (key) def.contentKey = key;
    return def;
  };

  const yamlName = all.find((p) => p === 'quiver.yaml' || p === 'quiver.yml');
  if (!yamlName) {
    diagnostics.push(
      diagnostic('quiver.yaml', { line: 1, column: 1 }, RepoCodes.noQuiverYaml, `${files.label} is not a Quiver config repository: it has no quiver.yaml`, {
        hint: 'run in the repository root, pass --repo DIR, or copy config-repo-template/quiver.yaml',
      }),
    );
  } else {
    configFiles.push(yamlName);
    const m = await readManifest(yamlName, 'quiver');
    config.settings = settingsFrom(m?.manifest, yamlName);
  }

  // Per-kind name registries: name → first file, for duplicate reporting.
  const firstSeen = new Map<string, { file: string }>();
  const register = (kind: string, name: string, file: string, locate: (p: ReadonlyArray<string | number>) => import('../diag/index.js').Span): boolean => {
    if (!name) return false;
    const k = `${kind}:${name}`;
    const prev = firstSeen.get(k);
    if (prev) {
      diagnostics.push(diagnostic(file, locate(['name']), RepoCodes.duplicateName, `${kind} '${name}' is already declared in ${prev.file}`, { hint: 'names must be unique within each kind' }));
      return false;
    }
    firstSeen.set(k, { file });
    return true;
  };

  type Parsed =
    | { dir: 'sources' | 'features'; path: string; outcome: PbtxtOutcome }
    | { dir: string; path: string; manifest: YamlManifest; contentKey?: string | undefined };
  const tasks = all.map(async (path): Promise<Parsed | undefined> => {
    const k = kindOf(path);
    if (!k) return;
    if ((k.dir === 'sources' || k.dir === 'features') && k.ext === 'pbtxt') {
      configFiles.push(path);
      const outcome = await loadPbtxtFile(path, await fileContent(files, path, !!cache), k.dir, cache);
      return { dir: k.dir, path, outcome };
    }
    const kind = YAML_DIRS[k.dir];
    if (kind && (k.ext === 'yaml' || k.ext === 'yml')) {
      configFiles.push(path);
      const m = await readManifest(path, kind);
      if (m) return { dir: k.dir, path, manifest: m.manifest, contentKey: m.contentKey };
    }
    return;
  });
  const results = (await Promise.all(tasks)).filter((r): r is Parsed => r !== undefined);
  // Register in path order so "already declared in" always names the same file
  // and diagnostics come out in one order however the reads finished.
  results.sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const r of results) {
    if ('outcome' in r) {
      const { outcome } = r;
      diagnostics.push(...outcome.diagnostics);
      const kind = r.dir === 'sources' ? 'source' : 'featureSet';
      if (outcome.brokenName !== undefined) config.brokenNames.add(`${kind}:${outcome.brokenName}`);
      const def = outcome.def;
      if (!def) continue;
      if (def.kind === 'source') {
        if (register('source', def.name, r.path, def.locate)) config.sources.set(def.name, def as SourceDef);
      } else if (register('feature set', def.name, r.path, def.locate)) config.featureSets.set(def.name, def as FeatureSetDef);
    } else {
      const m = r.manifest;
      switch (r.dir) {
        case 'datasets': {
          const d = keyed(datasetFrom(m), r.contentKey);
          if (register('dataset', d.name, r.path, d.locate)) config.datasets.set(d.name, d);
          break;
        }
        case 'models': {
          const d = keyed(modelFrom(m), r.contentKey);
          if (register('model', d.name, r.path, d.locate)) config.models.set(d.name, d);
          break;
        }
        case 'environments': {
          const d = keyed(environmentFrom(m), r.contentKey);
          if (register('environment', d.name, r.path, d.locate)) config.environments.set(d.name, d);
          break;
        }
        case 'tests': {
          const t: TestFileDef = keyed(testFileFrom(m), r.contentKey);
          config.tests.push(t);
          break;
        }
      }
    }
  }
  diagnostics.push(...(await checkRepo(config, files, all)));
  return { config, diagnostics: sortDiagnostics(diagnostics), configFiles: configFiles.sort() };
}
