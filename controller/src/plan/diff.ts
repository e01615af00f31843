/**
 * The plan: which stages of the new graph run, and why. Pure: it compares two
 * graphs (base and head revision) and, when given, what the store already
 * holds. Reasons use a fixed vocabulary (DVC-style) and name the file and
 * field that caused them.
 */
import type { RepoConfig } from '../config/index.js';
import { jsonDiff, type JsonChange } from './json-diff.js';
import type { Stage, StageGraph } from './graph.js';

export type ReasonKind = 'new' | 'modified' | 'deleted' | 'upstream changed' | 'output missing' | 'forced' | 'unkeyable';

export interface Reason {
  kind: ReasonKind;
  /** The config file the change is in, when there is one. */
  file?: string;
  /** The changed field, in the file's own terms, e.g. features[failed_logins].definition */
  field?: string;
  /** A stage id (upstream changed) or free detail (a data file added). */
  detail?: string;
}

export interface PlannedStage {
  id: string;
  kind: Stage['kind'];
  key?: string;
  action: 'run' | 'reuse';
  reasons: Reason[];
  deps: string[];
  dataset?: string;
  featureSet?: string;
  model?: string;
}

export interface Plan {
  /** Stages that run or are reused because something changed, in dependency order. */
  stages: PlannedStage[];
  /** Stage ids in the head graph with no change and an output in place. */
  unchanged: string[];
  /** Stage ids that exist only in the base graph. */
  deleted: string[];
  /** Models whose train or release stage runs: they would get new releases. */
  releases: string[];
  /** Environments that subscribe to any of those models, and which ones. */
  environments: Array<{ name: string; wave: number; models: string[] }>;
  /** Models with nothing to do. */
  unaffectedModels: string[];
}

export interface StoreIndex {
  /** True when the stage's output for its key is complete in the store. */
  hasOutput(stage: Stage): boolean;
}

export interface PlanOptions {
  /** Without a store index, a stage runs when its key differs from the base graph's. */
  store?: StoreIndex;
  /** Stage ids (or 'all') to run regardless. */
  force?: Set<string> | 'all';
}

const fieldName = (path: string[]): string => {
  // ['fields', 'src_ip', 'definition', 'duckdb'] -> fields[src_ip].definition
  const parts = path.filter((p) => p !== 'duckdb' && p !== 'spark');
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] ?? '';
    if ((p === 'fields' || p === 'features' || p === 'parts') && i + 1 < parts.length) {
      out += `${out ? '.' : ''}${p}[${parts[i + 1]}]`;
      i++;
    } else out += `${out ? '.' : ''}${p}`;
  }
  return out;
};

function uniqReasons(rs: Reason[]): Reason[] {
  const seen = new Set<string>();
  return rs.filter((r) => {
    const k = `${r.kind}|${r.file}|${r.field}|${r.detail}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Turns KeyInput changes into reasons a person can act on. */
export function explain(oldStage: Stage, newStage: Stage): Reason[] {
  const changes: JsonChange[] = jsonDiff(oldStage.keyInput, newStage.keyInput);
  const out: Reason[] = [];
  const o = newStage.origins;
  for (const c of changes) {
    const [top, ...rest] = c.path;
    const kind = c.change === 'modified' ? 'modified' : c.change === 'added' ? 'new' : 'deleted';
    switch (top) {
      case 'key_version':
        out.push({ kind: 'modified', detail: 'Quiver stage key format changed' });
        break;
      case 'compiler_version':
        out.push({ kind: 'modified', detail: 'Quiver compiler version changed' });
        break;
      case 'trainer_version':
        out.push({ kind: 'modified', detail: 'Quiver trainer version changed' });
        break;
      case 'source':
        out.push({ kind: rest[0] === 'fields' && rest.length === 2 ? kind : 'modified', file: o['source'] ?? '', field: fieldName(rest) });
        break;
      case 'dataset': {
        // ['dataset','parts',part,'inputs',file]
        if (rest[0] === 'parts' && rest[2] === 'inputs' && rest.length === 4) {
          out.push({ kind: 'modified', file: o['dataset'] ?? '', field: `parts[${rest[1]}].paths`, detail: `${rest[3]} ${c.change}` });
        } else if (rest[0] === 'parts' && rest[2] === 'labels' && rest[3] === 'file') {
          out.push({ kind: 'modified', file: o['dataset'] ?? '', field: `parts[${rest[1]}].labels.file`, detail: 'label file content changed' });
        } else {
          out.push({ kind: rest.length === 2 ? kind : 'modified', file: o['dataset'] ?? '', field: fieldName(rest) });
        }
        break;
      }
      case 'feature_set':
        out.push({ kind: rest[0] === 'features' && rest.length === 2 ? kind : 'modified', file: o['feature_set'] ?? '', field: fieldName(rest) });
        break;
      case 'parse_key':
        out.push({ kind: 'upstream changed', detail: o['parse_key'] ?? '' });
        break;
      case 'train_key':
        out.push({ kind: 'upstream changed', detail: o['train_key'] ?? '' });
        break;
      case 'inputs': {
        const a = oldStage.keyInput['inputs'] as Array<{ feature_set: string; key: string | null; columns: string[] }>;
        const b = newStage.keyInput['inputs'] as Array<{ feature_set: string; key: string | null; columns: string[] }>;
        b.forEach((x, i) => {
          const y = a.find((z) => z.feature_set === x.feature_set);
          if (!y) out.push({ kind: 'modified', file: o['model'] ?? '', field: 'feature_sets', detail: `${x.feature_set} added` });
          else {
            if (y.key !== x.key) out.push({ kind: 'upstream changed', detail: newStage.deps[i] ?? x.feature_set });
            if (JSON.stringify(y.columns) !== JSON.stringify(x.columns)) out.push({ kind: 'modified', detail: `input columns of ${x.feature_set} changed` });
          }
        });
        for (const y of a) if (!b.some((x) => x.feature_set === y.feature_set)) out.push({ kind: 'modified', file: o['model'] ?? '', field: 'feature_sets', detail: `${y.feature_set} removed` });
        if (JSON.stringify(a.map((x) => x.feature_set)) !== JSON.stringify(b.map((x) => x.feature_set)) && a.length === b.length)
          out.push({ kind: 'modified', file: o['model'] ?? '', field: 'feature_sets', detail: 'order changed' });
        break;
      }
      case 'model': {
        const f = rest[0] === 'target_fpr' ? 'gates.target_fpr' : fieldName(rest);
        out.push({ kind: 'modified', file: o['model'] ?? '', field: f });
        break;
      }
      case 'gates':
        out.push({ kind: 'modified', file: o['gates'] ?? '', field: fieldName(['gates', ...rest]) });
        break;
      case 'replaces':
        out.push({ kind: 'modified', detail: 'the current release changed' });
        break;
      default:
        out.push({ kind: 'modified', field: c.path.join('.') });
    }
  }
  return uniqReasons(out);
}

export function computePlan(config: RepoConfig, head: StageGraph, base: StageGraph | undefined, opts: PlanOptions = {}): Plan {
  const planned: PlannedStage[] = [];
  const unchanged: string[] = [];
  const running = new Set<string>();
  for (const id of head.order) {
    const s = head.stages.get(id);
    if (!s) continue;
    const old = base?.stages.get(id);
    let reasons: Reason[] = [];
    if (!s.key) reasons = [{ kind: 'unkeyable', detail: s.unkeyableReason ?? 'an input has no fingerprint' }];
    else if (base && !old) reasons = [{ kind: 'new' }];
    else if (old && old.key !== s.key) reasons = old.key ? explain(old, s) : [{ kind: 'modified', detail: 'was unkeyable' }];
    const forced = opts.force === 'all' || (opts.force?.has(id) ?? false);
    if (forced) reasons.push({ kind: 'forced' });
    const hasOutput = s.key !== undefined && opts.store ? opts.store.hasOutput(s) : undefined;
    if (!reasons.length && opts.store && !hasOutput) reasons = [{ kind: 'output missing' }];
    if (!reasons.length && !base && !opts.store) reasons = [{ kind: 'new' }];
    if (!reasons.length) {
      unchanged.push(id);
      continue;
    }
    const action: PlannedStage['action'] = !forced && s.key !== undefined && hasOutput === true ? 'reuse' : 'run';
    if (action === 'run') running.add(id);
    planned.push({
      id,
      kind: s.kind,
      ...(s.key ? { key: s.key } : {}),
      action,
      reasons,
      deps: s.deps,
      ...(s.dataset ? { dataset: s.dataset } : {}),
      ...(s.featureSet ? { featureSet: s.featureSet } : {}),
      ...(s.model ? { model: s.model } : {}),
    });
  }
  const deleted = base ? base.order.filter((id) => !head.stages.has(id)) : [];
  const releaseModels = new Set(planned.filter((p) => (p.kind === 'train' || p.kind === 'release') && p.action === 'run').map((p) => p.model ?? ''));
  const releases = [...releaseModels].filter(Boolean).sort();
  const environments = [...config.environments.values()]
    .map((e) => ({ name: e.name, wave: e.wave, models: e.models.filter((m) => releaseModels.has(m)).sort() }))
    .filter((e) => e.models.length)
    .sort((a, b) => a.wave - b.wave || (a.name < b.name ? -1 : 1));
  const unaffectedModels = [...config.models.keys()].filter((m) => !releaseModels.has(m)).sort();
  return { stages: planned, unchanged, deleted, releases, environments, unaffectedModels };
}
