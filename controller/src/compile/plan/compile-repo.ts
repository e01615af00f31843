import type { Diagnostic } from '../../diag/index.js';
import type { RepoConfig } from '../../config/index.js';
import { compileFeaturePlan, type CanonicalFeatureSet } from './feature-plan.js';
import { compileParsePlan, type CanonicalSource } from './parse-plan.js';
import type { FeaturePlan, ParsePlan } from './types.js';

export interface CompiledRepo {
  /** Per source: the plan without dataset labels (tests, scoring) and its canonical form. */
  sources: Map<string, { plan: ParsePlan; canonical: CanonicalSource }>;
  /** Per dataset: the source's plan with the dataset's label joins. */
  datasets: Map<string, ParsePlan>;
  featureSets: Map<string, { plan: FeaturePlan; canonical: CanonicalFeatureSet }>;
  diagnostics: Diagnostic[];
}

/** Compiles every source, dataset and feature set; errors come back as diagnostics. */
export function compileRepo(config: RepoConfig): CompiledRepo {
  const out: CompiledRepo = { sources: new Map(), datasets: new Map(), featureSets: new Map(), diagnostics: [] };
  for (const src of config.sources.values()) {
    const r = compileParsePlan(src);
    out.diagnostics.push(...r.diagnostics);
    if (r.plan && r.canonical) out.sources.set(src.name, { plan: r.plan, canonical: r.canonical });
  }
  for (const ds of config.datasets.values()) {
    const src = config.sources.get(ds.source);
    if (!src || !out.sources.has(src.name)) continue;
    const r = compileParsePlan(src, { dataset: ds });
    if (r.plan) out.datasets.set(ds.name, r.plan);
  }
  for (const fs of config.featureSets.values()) {
    const src = config.sources.get(fs.source);
    if (!src) continue;
    const r = compileFeaturePlan(fs, src);
    out.diagnostics.push(...r.diagnostics);
    if (r.plan && r.canonical) out.featureSets.set(fs.name, { plan: r.plan, canonical: r.canonical });
  }
  return out;
}
