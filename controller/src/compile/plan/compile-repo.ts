import type { ContentCache } from '../../cache/content-cache.js';
import type { Diagnostic } from '../../diag/index.js';
import type { RepoConfig } from '../../config/index.js';
import { canonicalJson, deepFreeze, frozenWithText } from '../../canonical-json.js';
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
   * What the caller needs, so a cached run reads only that part of the cache:
   * - 'all' (default): plans, canonical forms and diagnostics (run, test);
   * - 'keys': canonical forms and diagnostics (plan, dev: stage keys need
   *   no SQL); entries' `plan` then reads the cached plan on first access,
   *   and the dataset map stays empty;
   * - 'diagnostics': only diagnostics (validate); the maps stay empty.
   */
  output?: 'all' | 'keys' | 'diagnostics';
}

type Result<P, C> = { plan?: P; canonical?: C; diagnostics: Diagnostic[] };
type Compilers = typeof import('./parse-plan.js') & typeof import('./feature-plan.js');

/**
 * Compiles every source, dataset and feature set; errors come back as
 * diagnostics. The compilers (and the function catalog behind them) load on
 * the first definition not found in the cache.
 */
export async function compileRepo(config: RepoConfig, opts: CompileRepoOptions = {}): Promise<CompiledRepo> {
  const { cache } = opts;
  const mode = opts.output ?? 'all';
  let compilers: Compilers | undefined;
  const load = async (): Promise<Compilers> => (compilers ??= { ...(await import('./parse-plan.js')), ...(await import('./feature-plan.js')) });
  const json = <T>(v: T): T => JSON.parse(JSON.stringify(v ?? null)) as T;

  /**
   * One compile result, through the cache when every input has a content key
   * (defs loaded through the same cache): it depends only on those defs, and
   * its diagnostics are already positioned data. Diagnostics, canonical
   * forms and plans are stored apart (sections defs, canonical, plans), so
   * each mode reads only what it returns.
   */
  async function compiled<P, C>(kind: string, keys: Array<string | undefined>, compute: (c: Compilers) => Result<P, C>): Promise<Result<P, C>> {
    if (!cache || keys.some((k) => k === undefined)) return compute(await load());
    const parts = keys as string[];
    const diagKey = cache.key(`${kind}:diagnostics`, ...parts);
    const canonKey = cache.key(`canonical:${kind}`, ...parts);
    const fullKey = cache.key(`plans:${kind}`, ...parts);
    const diags = cache.get<Diagnostic[]>(diagKey);
    if (mode === 'diagnostics' && diags !== undefined) return { diagnostics: diags };
    if (mode === 'keys' && diags !== undefined) {
      const stored = cache.get<{ canonical: C; text: string } | null>(canonKey);
      if (stored === null) return { diagnostics: diags };
      if (stored !== undefined) {
        // The text stage keys hash, computed when it was stored: building it is most of a graph's time.
        const canonical = stored.canonical && typeof stored.canonical === 'object' ? frozenWithText(stored.canonical, stored.text) : stored.canonical;
        const r: Result<P, C> = { diagnostics: diags, canonical };
        // Not needed to plan; read from the plans section if someone asks.
        Object.defineProperty(r, 'plan', { enumerable: true, get: () => cache.get<Result<P, C>>(fullKey)?.plan });
        return r;
      }
    }
    if (mode === 'all') {
      const hit = cache.get<Result<P, C>>(fullKey);
      if (hit !== undefined) {
        if (diags === undefined) cache.set(diagKey, hit.diagnostics);
        return hit;
      }
    }
    const value = compute(await load());
    if (diags === undefined) cache.set(diagKey, json(value.diagnostics));
    if (mode !== 'diagnostics' && value.canonical !== null) cache.set(canonKey, value.canonical === undefined ? null : { canonical: json(value.canonical), text: canonicalJson(value.canonical) });
    // Only when plans are wanted: storing one would load the whole plans section.
    if (mode === 'all') cache.set(fullKey, json(value));
    return value;
  }

  const out: CompiledRepo = { sources: new Map(), datasets: new Map(), featureSets: new Map(), diagnostics: [] };
  const wantMaps = mode !== 'diagnostics';
  for (const src of config.sources.values()) {
    const r = await compiled<ParsePlan, CanonicalSource>('source', [src.contentKey], (c) => c.compileParsePlan(src));
    out.diagnostics.push(...r.diagnostics);
    // Frozen: stage keys serialize canonical forms many times, and frozen ones once (canonical-json.ts).
    if (wantMaps && r.canonical && (mode !== 'all' || r.plan) && !r.diagnostics.some((d) => d.severity === 'error')) out.sources.set(src.name, entry(r, r.canonical));
  }
  // Dataset plans have no diagnostics of their own (their source's are reported above).
  if (mode === 'all') {
    for (const ds of config.datasets.values()) {
      const src = config.sources.get(ds.source);
      if (!src || !out.sources.has(src.name)) continue;
      const r = await compiled<ParsePlan, null>('dataset', [src.contentKey, ds.contentKey], (c) => ({ ...c.compileParsePlan(src, { dataset: ds }), canonical: null }));
      if (r.plan) out.datasets.set(ds.name, r.plan);
    }
  }
  for (const fs of config.featureSets.values()) {
    const src = config.sources.get(fs.source);
    if (!src) continue;
    const r = await compiled<FeaturePlan, CanonicalFeatureSet>('features', [fs.contentKey, src.contentKey], (c) => c.compileFeaturePlan(fs, src));
    out.diagnostics.push(...r.diagnostics);
    if (wantMaps && r.canonical && (mode !== 'all' || r.plan) && !r.diagnostics.some((d) => d.severity === 'error')) out.featureSets.set(fs.name, entry(r, r.canonical));
  }
  return out;
}

/** A map entry: the frozen canonical form, and the plan (a lazy getter in 'keys' mode, so it is not read here). */
function entry<P, C>(r: Result<P, C>, canonical: C): { plan: P; canonical: C } {
  const e = { canonical: deepFreeze(canonical) } as { plan: P; canonical: C };
  const d = Object.getOwnPropertyDescriptor(r, 'plan');
  if (d?.get) Object.defineProperty(e, 'plan', { enumerable: true, get: d.get });
  else e.plan = r.plan as P;
  return e;
}
