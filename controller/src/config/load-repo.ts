/**
 * Reads one revision of a config repository into a RepoConfig: every file is
 * parsed (pbtxt or YAML), normalized, and then checked across files. All
 * problems come back together, so a user fixes everything in one round.
 */
import { diagnostic, sortDiagnostics, type Diagnostic } from '../diag/index.js';
import type { RepoConfig, TestFileDef } from './model.js';
import { normalizeFeatureSet, normalizeSource } from './pbtxt-defs.js';
import { parseTextFormat, sourceFromBytes, type ParsedMessage } from './pbtxt/index.js';
import { loadQuiverSchema } from './proto-schema.js';
import type { RepoFiles } from './repo-files.js';
import { checkRepo } from './rules.js';
import { parseManifest, type YamlManifest } from './yaml/parse-manifest.js';
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

export async function loadRepo(files: RepoFiles, root: string): Promise<LoadResult> {
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
  const schema = loadQuiverSchema();
  const sourceType = schema.lookupType('quiver.v1.LogSource');
  const featureSetType = schema.lookupType('quiver.v1.FeatureSet');

  const readSource = async (path: string) => {
    const bytes = await files.read(path);
    return sourceFromBytes(path, bytes);
  };
  const readManifest = async (path: string, kind: ManifestKind): Promise<YamlManifest | undefined> => {
    const { source, diagnostics: enc } = await readSource(path);
    diagnostics.push(...enc);
    if (enc.length) return undefined;
    const r = parseManifest(source, kind);
    diagnostics.push(...r.diagnostics);
    if (!r.manifest && r.declaredName) config.brokenNames.add(`${kind}:${r.declaredName}`);
    return r.manifest;
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
    config.settings = settingsFrom(m, yamlName);
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

  type Parsed = { dir: string; path: string; message: ParsedMessage } | { dir: string; path: string; manifest: YamlManifest };
  const tasks = all.map(async (path): Promise<Parsed | undefined> => {
    const k = kindOf(path);
    if (!k) return;
    if ((k.dir === 'sources' || k.dir === 'features') && k.ext === 'pbtxt') {
      configFiles.push(path);
      const { source, diagnostics: enc } = await readSource(path);
      diagnostics.push(...enc);
      if (enc.length) return;
      const parsed = parseTextFormat(source, k.dir === 'sources' ? sourceType : featureSetType);
      diagnostics.push(...parsed.diagnostics);
      const message = parsed.message;
      if (!message) {
        const name = topLevelName(source.text);
        if (name) config.brokenNames.add(`${k.dir === 'sources' ? 'source' : 'featureSet'}:${name}`);
        return;
      }
      return { dir: k.dir, path, message };
    }
    const kind = YAML_DIRS[k.dir];
    if (kind && (k.ext === 'yaml' || k.ext === 'yml')) {
      configFiles.push(path);
      const m = await readManifest(path, kind);
      if (m) return { dir: k.dir, path, manifest: m };
    }
    return;
  });
  const results = (await Promise.all(tasks)).filter((r): r is Parsed => r !== undefined);
  // Register in path order so "already declared in" always names the same file.
  results.sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const r of results) {
    if ('message' in r) {
      if (r.dir === 'sources') {
        const n = normalizeSource(r.path, r.message);
        diagnostics.push(...n.diagnostics);
        if (n.def && register('source', n.def.name, r.path, n.def.locate)) config.sources.set(n.def.name, n.def);
        else if (!n.def) config.brokenNames.add(`source:${topLevelNameOf(r.message)}`);
      } else {
        const n = normalizeFeatureSet(r.path, r.message);
        diagnostics.push(...n.diagnostics);
        if (n.def && register('feature set', n.def.name, r.path, n.def.locate)) config.featureSets.set(n.def.name, n.def);
      }
    } else {
      const m = r.manifest;
      switch (r.dir) {
        case 'datasets': {
          const d = datasetFrom(m);
          if (register('dataset', d.name, r.path, d.locate)) config.datasets.set(d.name, d);
          break;
        }
        case 'models': {
          const d = modelFrom(m);
          if (register('model', d.name, r.path, d.locate)) config.models.set(d.name, d);
          break;
        }
        case 'environments': {
          const d = environmentFrom(m);
          if (register('environment', d.name, r.path, d.locate)) config.environments.set(d.name, d);
          break;
        }
        case 'tests': {
          const t: TestFileDef = testFileFrom(m);
          config.tests.push(t);
          break;
        }
      }
    }
  }
  diagnostics.push(...(await checkRepo(config, files, all)));
  return { config, diagnostics: sortDiagnostics(diagnostics), configFiles: configFiles.sort() };
}

/** The top-level `name: "..."` of a pbtxt file that failed to parse (best effort, for cascades only). */
function topLevelName(text: string): string | undefined {
  let depth = 0;
  const re = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*|[{}<>]|\bname\s*:\s*"([^"\n]*)"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const t = m[0];
    if (t === '{' || t === '<') depth++;
    else if (t === '}' || t === '>') depth--;
    else if (m[1] !== undefined && depth === 0) return m[1];
  }
  return undefined;
}

function topLevelNameOf(m: ParsedMessage): string {
  const v = m.fields.get('name')?.values[0];
  return v && v.kind === 'string' ? v.value : '';
}
