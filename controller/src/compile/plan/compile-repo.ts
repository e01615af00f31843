import type { ContentCache } from '../../cache/content-cache.js';
import type { Diagnostic } from '../../diag/index.js';
import type { RepoConfig } from '../../config/index.js';
import { deepFreeze } from '../../plan/canonical-json.js';
import type { CanonicalFeatureSet } from './feature-plan.js';
import type { CanonicalSource } from './parse-plan.js';
import type { FeaturePlan, ParsePlan } from './types.js';

export interface CompiledRepo {
  /** Per source: the plan without dataset labels (tests, scoring) and its canonical form. */
  sources: Map<string, { plan: ParsePlan; canonical: CanonicalSource }>;
  /** Per dataset: the source's plan with the dataset's label joins. */
  datasets: Map<string, ParsePlan>;
  featureSets: Map<string, { plan: FeaturePlan; canonical: CanonicalFeatureSet }>;
  diagnostics: Diagnostic[];
}

export interface CompileRepoOptions {
  /** Reuse compile results of unchanged definitions (keyed by their files' content keys). */
  cache?: ContentCache;
  /**
   * false: only the diagnostics are wanted (`quiver validate`), the maps stay
   * empty. Cached diagnostics are then enough, and the plans, most of the
   * cache's bytes, are never read.
   */
  plans?: boolean;
}

type SourceResult = { plan?: ParsePlan; canonical?: CanonicalSource; diagnostics: Diagnostic[] };
type FeatureResult = { plan?: FeaturePlan; canonical?: CanonicalFeatureSet; diagnostics: Diagnostic[] };
type Compilers = typeof import('./parse-plan.js') & typeof import('./feature-plan.js');

/**
 * Compiles every source, dataset and feature set; errors come back as
 * diagnostics. The compilers (and the function catalog behind them) load on
 * the first definition not found in the cache.
 */
export async function compileRepo(config: RepoConfig, opts: CompileRepoOptions = {}): Promise<CompiledRepo> {
  const { cache } = opts;
  const wantPlans = opts.plans !== false;
  let compilers: Compilers | undefined;
  const load = async (): Promise<Compilers> => (compilers ??= { ...(await import('./parse-plan.js')), ...(await import('./feature-plan.js')) });

  /**
   * One compile result, through the cache when every input has a content key
   * (defs loaded through the same cache): it depends only on those defs, and
   * its diagnostics are already positioned data. Diagnostics are also kept
   * apart from the plans, so a diagnostics-only run reads just them.
   */
  async function compiled<T extends object | null>(kind: string, keys: Array<string | undefined>, compute: (c: Compilers) => T): Promise<T | { diagnostics: Diagnostic[] }> {
    if (!cache || keys.some((k) => k === undefined)) return compute(await load());
    const parts = keys as string[];
    const diagKey = cache.key(`${kind}:diagnostics`, ...parts);
    const diags = cache.get<Diagnostic[]>(diagKey);
    if (!wantPlans) {
      if (diags !== undefined) return { diagnostics: diags };
      // Diagnostics only: storing the plan too would load the plans section for one entry.
      const value = compute(await load());
      cache.set(diagKey, JSON.parse(JSON.stringify(diagnosticsOf(value))));
      return { diagnostics: diagnosticsOf(value) };
    }
    const fullKey = cache.key(`plans:${kind}`, ...parts);
    const hit = cache.get<T>(fullKey);
    if (hit !== undefined) {
      if (diags === undefined) cache.set(diagKey, diagnosticsOf(hit));
      return hit;
    }
    const value = compute(await load());
    cache.set(fullKey, JSON.parse(JSON.stringify(value ?? null)));
    if (diags === undefined) cache.set(diagKey, JSON.parse(JSON.stringify(diagnosticsOf(value))));
    return value;
  }

  const diagnosticsOf = (v: object | null): Diagnostic[] => (v && 'diagnostics' in v ? (v.diagnostics as Diagnostic[]) : []);
  const out: CompiledRepo = { sources: new Map(), datasets: new Map(), featureSets: new Map(), diagnostics: [] };
  for (const src of config.sources.values()) {
    const r = (await compiled<SourceResult>('source', [src.contentKey], (c) => c.compileParsePlan(src))) as SourceResult;
    out.diagnostics.push(...r.diagnostics);
    // Frozen: stage keys serialize canonical forms many times, and frozen ones once (canonical-json.ts).
    if (r.plan && r.canonical) out.sources.set(src.name, { plan: r.plan, canonical: deepFreeze(r.canonical) });
  }
  // Dataset plans have no diagnostics of their own (their source's are reported above).
  if (wantPlans) {
    for (const ds of config.datasets.values()) {
      const src = config.sources.get(ds.source);
      if (!src || !out.sources.has(src.name)) continue;
      const plan = (await compiled<ParsePlan | null>('dataset', [src.contentKey, ds.contentKey], (c) => c.compileParsePlan(src, { dataset: ds }).plan ?? null)) as ParsePlan | null;
      if (plan) out.datasets.set(ds.name, plan);
    }
  }
  for (const fs of config.featureSets.values()) {
    const src = config.sources.get(fs.source);
    if (!src) continue;
    const r = (await compiled<FeatureResult>('features', [fs.contentKey, src.contentKey], (c) => c.compileFeaturePlan(fs, src))) as FeatureResult;
    out.diagnostics.push(...r.diagnostics);
    if (r.plan && r.canonical) out.featureSets.set(fs.name, { plan: r.plan, canonical: deepFreeze(r.canonical) });
  }
  return out;
}
