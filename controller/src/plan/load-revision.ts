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
import { buildGraph, type StageGraph } from './graph.js';
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
  opts: { lister?: RemoteLister; fingerprintCache?: Map<string, Promise<string>>; currentReleases?: Map<string, string | null>; cache?: ContentCache } = {},
): Promise<Revision> {
  const cacheOpt = opts.cache ? { cache: opts.cache } : {};
  const { config, diagnostics } = await loadRepo(files, root, cacheOpt);
  const compiled = await compileRepo(config, cacheOpt);
  const all = [...diagnostics, ...compiled.diagnostics];
  const { inputs, resolved } = await resolveDatasetInputs(config, files, {
    ...(opts.lister ? { lister: opts.lister } : {}),
    ...(opts.fingerprintCache ? { cache: opts.fingerprintCache } : {}),
    ...(opts.cache ? { contentCache: opts.cache } : {}),
  });
  const graph = buildGraph(config, compiled, inputs, opts.currentReleases ? { currentReleases: opts.currentReleases } : {});
  return { files, config, compiled, graph, inputFiles: resolved, diagnostics: all, valid: !hasErrors(all) };
}
