/**
 * Cross-file checks: each rule is a small function over the whole config that
 * returns diagnostics. They all run, so one `quiver validate` reports every
 * problem. Expression checks (names, types, aggregates) live in compile/.
 */
import picomatch from 'picomatch';
import { diagnostic, didYouMean, type Diagnostic } from '../diag/index.js';
import { NUMERIC_TYPES } from './data-type.js';
import type { DatasetDef, FeatureSetDef, ModelDef, RepoConfig, SourceDef } from './model.js';
import type { RepoFiles } from './repo-files.js';

export const RuleCodes = {
  unknownSource: 'QV3010',
  sourceMismatch: 'QV3011',
  grainMismatch: 'QV3012',
  featureCollision: 'QV3013',
  featureNotNumeric: 'QV3014',
  timeSplitNoTime: 'QV3015',
  labelOverlap: 'QV3016',
  unknownDataset: 'QV3017',
  unknownFeatureSet: 'QV3018',
  unknownModel: 'QV3019',
  duplicatePart: 'QV3020',
  noInputFiles: 'QV3021',
  badInputPath: 'QV3022',
  noLabelFile: 'QV3023',
  badJoinField: 'QV3024',
  badLabelFile: 'QV3025',
  unknownTimeField: 'QV3030',
  noTimeField: 'QV3031',
  ambiguousTimeField: 'QV3032',
  unknownTestTarget: 'QV5001',
  unknownExpectKey: 'QV5002',
} as const;

type Ctx = { config: RepoConfig; files: RepoFiles; all: string[] };
type Rule = (ctx: Ctx) => Diagnostic[] | Promise<Diagnostic[]>;

function unknown(file: string, at: ReturnType<ModelDef['locate']>, code: string, what: string, name: string, known: Iterable<string>): Diagnostic {
  const names = [...known];
  const hint = didYouMean(name, names);
  return diagnostic(file, at, code, `${what} '${name}' is not declared`, {
    ...(hint ? { hint } : names.length && names.length <= 12 ? { expected: `one of ${names.join(', ')}` } : {}),
  });
}

/** The TIMESTAMP field that places records of this set in windows (explicit or the only one). */
export function timeFieldOf(fs: FeatureSetDef, src: SourceDef): string | undefined {
  if (fs.timeField) return src.fields.some((f) => f.name === fs.timeField && f.dataType === 'TIMESTAMP') ? fs.timeField : undefined;
  const ts = src.fields.filter((f) => f.dataType === 'TIMESTAMP');
  return ts.length === 1 ? ts[0]?.name : undefined;
}

const featureSetSources: Rule = ({ config }) =>
  [...config.featureSets.values()].flatMap((fs) =>
    fs.source && !config.sources.has(fs.source) && !config.brokenNames.has(`source:${fs.source}`) ? [unknown(fs.file, fs.locate(['source']), RuleCodes.unknownSource, 'source', fs.source, config.sources.keys())] : [],
  );

const timeFields: Rule = ({ config }) => {
  const out: Diagnostic[] = [];
  for (const fs of config.featureSets.values()) {
    const src = config.sources.get(fs.source);
    if (!src) continue;
    if (fs.timeField) {
      const f = src.fields.find((x) => x.name === fs.timeField);
      if (!f) out.push(unknown(fs.file, fs.locate(['time_field']), RuleCodes.unknownTimeField, `field of source '${src.name}'`, fs.timeField, src.fields.map((x) => x.name)));
      else if (f.dataType !== 'TIMESTAMP') out.push(diagnostic(fs.file, fs.locate(['time_field']), RuleCodes.unknownTimeField, `time_field '${fs.timeField}' is ${f.dataType}, not TIMESTAMP`));
      continue;
    }
    if (!fs.window) continue;
    const ts = src.fields.filter((f) => f.dataType === 'TIMESTAMP');
    if (ts.length === 0)
      out.push(diagnostic(fs.file, fs.locate(['window']), RuleCodes.noTimeField, `feature set '${fs.name}' has a window, but source '${src.name}' has no TIMESTAMP field to place records in it`));
    else if (ts.length > 1)
      out.push(
        diagnostic(fs.file, fs.locate(['window']), RuleCodes.ambiguousTimeField, `source '${src.name}' has several TIMESTAMP fields (${ts.map((f) => f.name).join(', ')}); say which one places records in windows`, {
          expected: `time_field: "${ts[0]?.name}"`,
        }),
      );
  }
  return out;
};

function isRemote(p: string): boolean {
  return /^s3:\/\//.test(p);
}

function repoPathProblem(p: string): string | undefined {
  if (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)) return 'is an absolute path; paths are relative to the repository root';
  if (p.split('/').includes('..')) return "leaves the repository ('..')";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return 'uses a scheme Quiver does not read; use a repository path or s3://';
  return undefined;
}

const datasets: Rule = async ({ config, files, all }) => {
  const out: Diagnostic[] = [];
  for (const ds of config.datasets.values()) {
    const src = config.sources.get(ds.source);
    if (ds.source && !src && !config.brokenNames.has(`source:${ds.source}`)) out.push(unknown(ds.file, ds.locate(['source']), RuleCodes.unknownSource, 'source', ds.source, config.sources.keys()));
    const partNames = new Set<string>();
    for (const part of ds.parts) {
      const base = ['parts', part.position];
      if (partNames.has(part.name)) out.push(diagnostic(ds.file, ds.locate([...base, 'name']), RuleCodes.duplicatePart, `part '${part.name}' appears twice in dataset '${ds.name}'`));
      partNames.add(part.name);
      part.paths.forEach((p, i) => {
        if (isRemote(p)) return;
        const problem = repoPathProblem(p);
        if (problem) {
          out.push(diagnostic(ds.file, ds.locate([...base, 'paths', i]), RuleCodes.badInputPath, `path '${p}' ${problem}`));
          return;
        }
        const matched = matchRepoPaths(p, all);
        if (matched.length === 0) out.push(diagnostic(ds.file, ds.locate([...base, 'paths', i]), RuleCodes.noInputFiles, `path '${p}' matches no file in the repository`));
      });
      if (part.labels) {
        const lp = [...base, 'labels'];
        for (const [field, column] of Object.entries(part.labels.join)) {
          void column;
          if (field === '_file' || field === '_line') continue;
          if (src && !src.fields.some((f) => f.name === field))
            out.push(unknown(ds.file, ds.locate([...lp, 'join', field], 'key'), RuleCodes.badJoinField, `join field (a field of source '${src.name}', _file or _line)`, field, [...src.fields.map((f) => f.name), '_file', '_line']));
        }
        const lf = part.labels.file;
        if (isRemote(lf)) continue;
        const problem = repoPathProblem(lf);
        if (problem) {
          out.push(diagnostic(ds.file, ds.locate([...lp, 'file']), RuleCodes.badInputPath, `label file '${lf}' ${problem}`));
          continue;
        }
        if (!pathIndex(all).set.has(lf)) {
          out.push(diagnostic(ds.file, ds.locate([...lp, 'file']), RuleCodes.noLabelFile, `label file '${lf}' does not exist in the repository`));
          continue;
        }
        const head = files.readHead ? await files.readHead(lf, 64 * 1024) : (await files.read(lf)).subarray(0, 64 * 1024);
        const header = csvHeader(head.toString('utf8'));
        const needed = [...Object.values(part.labels.join), part.labels.column];
        for (const col of needed) {
          if (!header.includes(col))
            out.push(
              diagnostic(ds.file, ds.locate([...lp, col === part.labels.column ? 'column' : 'join']), RuleCodes.badLabelFile, `label file '${lf}' has no column '${col}'`, {
                expected: header.length ? `one of ${header.join(', ')}` : 'a CSV header row',
              }),
            );
        }
      }
    }
  }
  return out;
};

function csvHeader(text: string): string[] {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  return first.split(',').map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
}

/** Repo files matched by a dataset path: an exact file, a folder (everything below), or a glob. */
export function matchRepoPaths(pattern: string, all: readonly string[]): string[] {
  const ix = pathIndex(all);
  // The rules and the planner both resolve every dataset path against the same listing.
  let hit = ix.matches.get(pattern);
  if (!hit) ix.matches.set(pattern, (hit = matchUncached(pattern, ix)));
  return [...hit];
}

function matchUncached(pattern: string, ix: PathIndex): string[] {
  const p = pattern.replace(/^\.\//, '');
  const scan = picomatch.scan(p);
  if (!scan.isGlob) {
    if (ix.set.has(p)) return [p];
    return withPrefix(ix.sorted, p.endsWith('/') ? p : `${p}/`);
  }
  // Only files below the glob's literal base folder can match (a repo has thousands of files
  // and hundreds of dataset paths: testing each path against every file was quadratic).
  const candidates = scan.base ? withPrefix(ix.sorted, `${scan.base}/`) : ix.sorted;
  let isMatch = matchers.get(p);
  if (!isMatch) matchers.set(p, (isMatch = picomatch(p, { dot: false })));
  return candidates.filter((f) => isMatch(f));
}

interface PathIndex {
  set: Set<string>;
  sorted: readonly string[];
  matches: Map<string, string[]>;
}
const pathIndexes = new WeakMap<readonly string[], PathIndex>();
const matchers = new Map<string, (path: string) => boolean>();

function pathIndex(all: readonly string[]): PathIndex {
  let ix = pathIndexes.get(all);
  if (!ix) {
    const sorted = all.every((f, i) => i === 0 || (all[i - 1] as string) <= f) ? all : [...all].sort();
    ix = { set: new Set(all), sorted, matches: new Map() };
    pathIndexes.set(all, ix);
  }
  return ix;
}

/** The paths starting with `prefix`, from a sorted list, by binary search. */
function withPrefix(sorted: readonly string[], prefix: string): string[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < sorted.length && (sorted[i] as string).startsWith(prefix); i++) out.push(sorted[i] as string);
  return out;
}

function entityKey(fs: FeatureSetDef): string {
  return fs.entity ? fs.entity.text.replace(/\s+/g, ' ').trim().toLowerCase() : '';
}

const models: Rule = ({ config }) => {
  const out: Diagnostic[] = [];
  for (const m of config.models.values()) {
    const ds = config.datasets.get(m.dataset);
    if (m.dataset && !ds && !config.brokenNames.has(`dataset:${m.dataset}`)) out.push(unknown(m.file, m.locate(['dataset']), RuleCodes.unknownDataset, 'dataset', m.dataset, config.datasets.keys()));
    const sets: FeatureSetDef[] = [];
    m.featureSets.forEach((name, i) => {
      const fs = config.featureSets.get(name);
      if (!fs) {
        if (config.brokenNames.has(`featureSet:${name}`)) return;
        out.push(unknown(m.file, m.locate(['feature_sets', i]), RuleCodes.unknownFeatureSet, 'feature set', name, config.featureSets.keys()));
        return;
      }
      sets.push(fs);
      if (ds && config.sources.has(ds.source) && fs.source !== ds.source)
        out.push(
          diagnostic(m.file, m.locate(['feature_sets', i]), RuleCodes.sourceMismatch, `feature set '${name}' reads source '${fs.source}', but dataset '${ds.name}' is source '${ds.source}'`, {
            hint: 'a model joins feature sets row by row, so they must all read its dataset\'s source',
          }),
        );
    });
    const first = sets[0];
    if (first) {
      sets.slice(1).forEach((fs) => {
        const sameGrain = (!!first.window === !!fs.window && first.window?.seconds === fs.window?.seconds && entityKey(first) === entityKey(fs)) || (!first.window && !fs.window);
        if (!sameGrain)
          out.push(
            diagnostic(m.file, m.locate(['feature_sets', m.featureSets.indexOf(fs.name)]), RuleCodes.grainMismatch, `feature set '${fs.name}' has a different row grain than '${first.name}'`, {
              hint: 'join only event-level sets, or aggregate sets with the same entity and window',
            }),
          );
      });
    }
    const owner = new Map<string, string>();
    for (const fs of sets) {
      for (const f of fs.features) {
        const prev = owner.get(f.name);
        if (prev && prev !== fs.name)
          out.push(diagnostic(m.file, m.locate(['feature_sets', m.featureSets.indexOf(fs.name)]), RuleCodes.featureCollision, `feature '${f.name}' is in both '${prev}' and '${fs.name}'; a model's input columns must have unique names`));
        owner.set(f.name, fs.name);
        if (!NUMERIC_TYPES.includes(f.dataType))
          out.push(
            diagnostic(m.file, m.locate(['feature_sets', m.featureSets.indexOf(fs.name)]), RuleCodes.featureNotNumeric, `feature '${f.name}' of '${fs.name}' is ${f.dataType}; models take BOOLEAN, INT, LONG and DOUBLE features`, {
              hint: `declared at ${fs.file}:${fs.locate(['features', f.position, 'data_type']).line}`,
            }),
          );
      }
    }
    if (m.split.method === 'time' && first && !first.window) {
      const src = config.sources.get(first.source);
      if (src && !src.fields.some((f) => f.dataType === 'TIMESTAMP'))
        out.push(diagnostic(m.file, m.locate(['split', 'method']), RuleCodes.timeSplitNoTime, `a time split needs event times, but source '${src.name}' has no TIMESTAMP field`));
    }
    const overlap = m.label.positive.filter((l) => m.label.negative.includes(l));
    if (overlap.length) out.push(diagnostic(m.file, m.locate(['label', 'negative']), RuleCodes.labelOverlap, `label${overlap.length > 1 ? 's' : ''} ${overlap.map((l) => `'${l}'`).join(', ')} cannot be both positive and negative`));
    if (ds) {
      const constant = new Set(ds.parts.flatMap((p) => (p.label ? [p.label] : p.labels?.default ? [p.labels.default] : [])));
      const hasFile = ds.parts.some((p) => p.labels);
      const mapped = [...m.label.positive, ...m.label.negative];
      if (!hasFile && !mapped.some((l) => constant.has(l)))
        out.push(diagnostic(m.file, m.locate(['label']), RuleCodes.labelOverlap, `none of the labels ${mapped.map((l) => `'${l}'`).join(', ')} occurs in dataset '${ds.name}' (it has ${[...constant].map((l) => `'${l}'`).join(', ')})`));
    }
  }
  return out;
};

const environments: Rule = ({ config }) =>
  [...config.environments.values()].flatMap((env) =>
    env.models.flatMap((name, i) => (config.models.has(name) || config.brokenNames.has(`model:${name}`) ? [] : [unknown(env.file, env.locate(['models', i]), RuleCodes.unknownModel, 'model', name, config.models.keys())])),
  );

const RESERVED_AGG_COLUMNS = ['_entity', '_window_start', '_window_end', '_labels', '_events'];
const RESERVED_EVENT_COLUMNS = ['_file', '_line', '_part', '_label', '_labels'];

const tests: Rule = ({ config }) => {
  const out: Diagnostic[] = [];
  for (const t of config.tests) {
    for (const c of t.parse) {
      const src = config.sources.get(c.source);
      if (!src) {
        out.push(unknown(t.file, t.locate(['parse', c.position, 'source']), RuleCodes.unknownTestTarget, 'source', c.source, config.sources.keys()));
        continue;
      }
      const known = [...src.fields.map((f) => f.name), ...RESERVED_EVENT_COLUMNS];
      (c.expect ?? []).forEach((row, i) => {
        for (const key of Object.keys(row))
          if (!known.includes(key)) out.push(unknown(t.file, t.locate(['parse', c.position, 'expect', i, key], 'key'), RuleCodes.unknownExpectKey, `field of source '${src.name}'`, key, known));
      });
    }
    for (const c of t.features) {
      const fs = config.featureSets.get(c.featureSet);
      if (!fs) {
        out.push(unknown(t.file, t.locate(['features', c.position, 'feature_set']), RuleCodes.unknownTestTarget, 'feature set', c.featureSet, config.featureSets.keys()));
        continue;
      }
      const known = [...fs.features.map((f) => f.name), ...(fs.window ? RESERVED_AGG_COLUMNS : RESERVED_EVENT_COLUMNS)];
      c.expect.forEach((row, i) => {
        for (const key of Object.keys(row))
          if (!known.includes(key)) out.push(unknown(t.file, t.locate(['features', c.position, 'expect', i, key], 'key'), RuleCodes.unknownExpectKey, `column of feature set '${fs.name}'`, key, known));
      });
    }
  }
  return out;
};

const RULES: Rule[] = [featureSetSources, timeFields, datasets, models, environments, tests];

export async function checkRepo(config: RepoConfig, files: RepoFiles, all: string[]): Promise<Diagnostic[]> {
  const ctx: Ctx = { config, files, all };
  const results = await Promise.all(RULES.map((r) => r(ctx)));
  return results.flat();
}

