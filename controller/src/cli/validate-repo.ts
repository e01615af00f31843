import { stat } from 'node:fs/promises';
import type { Diagnostic } from '../diag/index.js';
import { loadRepo, WorkingTreeFiles, type RepoConfig } from '../config/index.js';
import type { CompiledRepo } from '../compile/index.js';
import { compileRepo } from '../compile/plan/compile-repo.js';
import type { ContentCache } from '../cache/content-cache.js';
import { UsageError } from './errors.js';

export interface ValidateResult {
  config: RepoConfig;
  compiled: CompiledRepo;
  diagnostics: Diagnostic[];
  counts: { sources: number; featureSets: number; datasets: number; models: number; environments: number; tests: number };
}

/**
 * load → schema → cross-file rules → compile every definition. With
 * `output: 'diagnostics'` only the diagnostics are computed (`compiled`'s maps stay empty).
 */
export async function validateRepo(repo: string, opts: { cache?: ContentCache; output?: 'all' | 'diagnostics' } = {}): Promise<ValidateResult> {
  const st = await stat(repo).catch(() => undefined);
  if (!st?.isDirectory()) throw new UsageError(`--repo ${repo} is not a folder`);
  const { config, diagnostics } = await loadRepo(new WorkingTreeFiles(repo, opts.cache), repo, opts.cache ? { cache: opts.cache } : {});
  const compiled = await compileRepo(config, opts);
  return {
    config,
    compiled,
    diagnostics: [...diagnostics, ...compiled.diagnostics],
    counts: {
      sources: config.sources.size,
      featureSets: config.featureSets.size,
      datasets: config.datasets.size,
      models: config.models.size,
      environments: config.environments.size,
      tests: config.tests.length,
    },
  };
}
