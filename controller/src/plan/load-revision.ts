/**
 * The I/O edge of planning: one revision (working tree or commit) → config,
 * compiled plans, resolved inputs and its stage graph. Everything after this
 * (diff, render) is pure.
 */
import type { ContentCache } from '../cache/content-cache.js';
import type { Diagnostic } from '../diag/index.js';
import { hasErrors } from '../diag/index.js';
import type { CompiledRepo } from '../compile/index.js';
import { compileRepo } from '../compile/plan/compile-repo.js';
import { loadRepo, type RepoConfig, type RepoFiles } from '../config/index.js';
import { buildGraph, type Stage, type StageGraph } from './graph.js';
import { resolveDatasetInputs, type RemoteLister, type ResolvedFile } from './inputs.js';

export interface Revision {
  files: RepoFiles;
  config: RepoConfig;
  compiled: CompiledRepo;
  graph: StageGraph;
  /** Per dataset, per part: the resolved input files. */
  inputFiles: Map<string, Map<string, ResolvedFile[]>>;
  diagnostics: Diagnostic[];
  valid: boolean;
}

export async function loadRevision(
  files: RepoFiles,
  root: string,
  opts: {
    lister?: RemoteLister;
    fingerprintCache?: Map<string, Promise<string>>;
    currentReleases?: Map<string, string | null>;
    cache?: ContentCache;
    /** 'keys' for planning only: no SQL is read or kept (see CompileRepoOptions). */
    compile?: 'all' | 'keys';
  } = {},
): Promise<Revision> {
  const cacheOpt = opts.cache ? { cache: opts.cache } : {};
  const { config, diagnostics } = await loadRepo(files, root, cacheOpt);
  const compiled = await compileRepo(config, { ...cacheOpt, output: opts.compile ?? 'all' });
  const all = [...diagnostics, ...compiled.diagnostics];
  const { inputs, resolved } = await resolveDatasetInputs(config, files, {
    ...(opts.lister ? { lister: opts.lister } : {}),
    ...(opts.fingerprintCache ? { cache: opts.fingerprintCache } : {}),
    ...(opts.cache ? { contentCache: opts.cache } : {}),
  });
  const graph = buildGraph(config, compiled, inputs, opts.currentReleases ? { currentReleases: opts.currentReleases } : {});
  return { files, config, compiled, graph, inputFiles: resolved, diagnostics: all, valid: !hasErrors(all) };
}

/** What planning needs of the revision it compares against: its stage graph and whether it is valid. */
export type BaseRevision = Pick<Revision, 'graph' | 'diagnostics' | 'valid'>;

/** A stage as stored: its key input as JSON text, parsed only if the plan explains a change to it. */
type StoredStage = Omit<Stage, 'keyInput'> & { keyInputText: string };

interface StoredRevision {
  stages: StoredStage[];
  order: string[];
  diagnostics: Diagnostic[];
  valid: boolean;
}

/**
 * The base revision of a plan, from the cache when its tree was planned
 * before. A commit's graph is a function of its tree (every config and data
 * file, by content) and of Quiver's version, which the cache salt names, so
 * it is stored whole; except when a dataset reads s3://, whose objects can
 * change under the same tree.
 */
export async function loadBaseRevision(files: RepoFiles, root: string, opts: Parameters<typeof loadRevision>[2] = {}): Promise<BaseRevision> {
  const { cache } = opts ?? {};
  const key = cache && files.treeId ? cache.key('revisions:graph', files.treeId) : undefined;
  const hit = key ? cache?.get<StoredRevision>(key) : undefined;
  if (hit) return { graph: { stages: new Map(hit.stages.map((s) => [s.id, revive(s)])), order: hit.order }, diagnostics: hit.diagnostics, valid: hit.valid };
  const rev = await loadRevision(files, root, opts);
  if (key && !readsS3(rev.config)) {
    const stages = [...rev.graph.stages.values()].map(({ keyInput, ...rest }): StoredStage => ({ ...rest, keyInputText: JSON.stringify(keyInput) }));
    const stored: StoredRevision = { stages, order: rev.graph.order, diagnostics: rev.diagnostics, valid: rev.valid };
    cache?.set(key, JSON.parse(JSON.stringify(stored)));
  }
  return rev;
}

/** Text in the file parses several times faster than the same objects; few stages' inputs are ever looked at. */
function revive(s: StoredStage): Stage {
  const { keyInputText, ...rest } = s;
  let parsed: Record<string, unknown> | undefined;
  const stage = rest as Stage;
  Object.defineProperty(stage, 'keyInput', { enumerable: true, configurable: true, get: () => (parsed ??= JSON.parse(keyInputText) as Record<string, unknown>) });
  return stage;
}

function readsS3(config: RepoConfig): boolean {
  for (const ds of config.datasets.values())
    for (const p of ds.parts) if (p.paths.some((x) => x.startsWith('s3://')) || p.labels?.file.startsWith('s3://')) return true;
  return false;
}
