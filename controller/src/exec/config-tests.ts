/**
 * `quiver test`: runs the config repository's tests/*.yaml on the embedded
 * engine — sample raw lines with expected fields, and sample events with
 * expected feature values — and reports each mismatch at its place in the
 * test file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnostic, type Diagnostic } from '../diag/index.js';
import type { CompiledRepo } from '../compile/index.js';
import type { FeatureCase, ParseCase, RepoConfig, TestFileDef } from '../config/index.js';
import { parquetFiles, runFeatures } from './embedded/run-features.js';
import { runParse } from './embedded/run-parse.js';
import { readParquetRows, type Row } from './embedded/read-rows.js';

export const TestCodes = {
  mismatch: 'QV5010',
  rowCount: 'QV5011',
  rejected: 'QV5012',
  filtered: 'QV5013',
  missingRow: 'QV5014',
  notCompiled: 'QV5015',
  failed: 'QV5016',
} as const;

export interface CaseResult {
  file: string;
  kind: 'parse' | 'features';
  name: string;
  passed: boolean;
  diagnostics: Diagnostic[];
  seconds: number;
}

const REL_TOL = 1e-9;

/** Expected (from YAML) vs actual (from Parquet) — numbers with a tolerance, timestamps as instants. */
export function valuesEqual(expected: unknown, actual: unknown): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  if (typeof expected === 'number') {
    const a = typeof actual === 'string' ? Number(actual) : actual;
    if (typeof a !== 'number' || Number.isNaN(a)) return false;
    return Math.abs(a - expected) <= REL_TOL * Math.max(1, Math.abs(expected));
  }
  if (typeof expected === 'boolean') return actual === expected;
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => valuesEqual(e, actual[i]));
  if (typeof expected === 'string') {
    if (typeof actual === 'number') return Number(expected) === actual;
    if (typeof actual !== 'string') return false;
    if (/^\d{4}-\d\d-\d\dT/.test(expected) && /^\d{4}-\d\d-\d\dT/.test(actual)) return Date.parse(expected) === Date.parse(actual) && micros(expected) === micros(actual);
    return expected === actual;
  }
  return JSON.stringify(expected) === JSON.stringify(actual);
}

function micros(iso: string): string {
  const m = /\.(\d+)/.exec(iso);
  return (m?.[1] ?? '').padEnd(6, '0');
}

const show = (v: unknown): string => (v === undefined ? 'absent' : JSON.stringify(v));

async function parseInput(plan: Parameters<typeof runParse>[0], input: string, work: string, label: string) {
  const file = join(work, 'input.log');
  await writeFile(file, input);
  const out = join(work, 'parsed');
  const stats = await runParse(plan, [{ part: 'test', file: 'input.log', path: label, localPath: file }], {}, out, { workDir: join(work, 'engine'), threads: 1 });
  return { stats, dataDir: join(out, 'data') };
}

function compareRow(t: TestFileDef, base: Array<string | number>, i: number, expected: Record<string, unknown>, actual: Row, what: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [k, v] of Object.entries(expected)) {
    if (!valuesEqual(v, actual[k]))
      out.push(diagnostic(t.file, t.locate([...base, 'expect', i, k]), TestCodes.mismatch, `${what}: ${k} is ${show(actual[k])}, expected ${show(v)}`));
  }
  return out;
}

async function runParseCase(config: RepoConfig, compiled: CompiledRepo, t: TestFileDef, c: ParseCase): Promise<Diagnostic[]> {
  const base = ['parse', c.position];
  const src = compiled.sources.get(c.source);
  if (!src) return [diagnostic(t.file, t.locate([...base, 'source']), TestCodes.notCompiled, `source '${c.source}' does not compile; see quiver validate`)];
  const work = await mkdtemp(join(tmpdir(), 'quiver-test-'));
  try {
    const { stats, dataDir } = await parseInput(src.plan, c.input, work, `${t.file}#${c.name}`);
    const rows = await readParquetRows(await parquetFiles([dataDir]), work, { orderBy: '_line' });
    const out: Diagnostic[] = [];
    const what = `case '${c.name}'`;
    if (c.rejected !== undefined && stats.rejected !== c.rejected)
      out.push(diagnostic(t.file, t.locate([...base, 'rejected']), TestCodes.rejected, `${what}: ${stats.rejected} record(s) rejected, expected ${c.rejected}`));
    if (c.filtered !== undefined && stats.filtered !== c.filtered)
      out.push(diagnostic(t.file, t.locate([...base, 'filtered']), TestCodes.filtered, `${what}: ${stats.filtered} record(s) filtered, expected ${c.filtered}`));
    if (c.expect) {
      if (rows.length !== c.expect.length)
        out.push(diagnostic(t.file, t.locate([...base, 'expect']), TestCodes.rowCount, `${what}: ${rows.length} record(s) parsed, expected ${c.expect.length}`));
      c.expect.forEach((e, i) => {
        const r = rows[i];
        if (r) out.push(...compareRow(t, base, i, e, r, `${what}, record ${i + 1}`));
      });
    }
    void config;
    return out;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function runFeatureCase(config: RepoConfig, compiled: CompiledRepo, t: TestFileDef, c: FeatureCase): Promise<Diagnostic[]> {
  const base = ['features', c.position];
  const fs = compiled.featureSets.get(c.featureSet);
  const def = config.featureSets.get(c.featureSet);
  const src = def ? compiled.sources.get(def.source) : undefined;
  if (!fs || !src) return [diagnostic(t.file, t.locate([...base, 'feature_set']), TestCodes.notCompiled, `feature set '${c.featureSet}' does not compile; see quiver validate`)];
  const work = await mkdtemp(join(tmpdir(), 'quiver-test-'));
  try {
    const { dataDir } = await parseInput(src.plan, c.input, work, `${t.file}#${c.name}`);
    const out = join(work, 'features');
    await runFeatures(fs.plan, await parquetFiles([dataDir]), out, { workDir: join(work, 'engine2'), threads: 1 });
    const order = fs.plan.grain === 'aggregate' ? '_entity, _window_start' : '_row_key';
    const rows = await readParquetRows(await parquetFiles([join(out, 'data')]), work, { orderBy: order });
    const what = `case '${c.name}'`;
    const diags: Diagnostic[] = [];
    if (fs.plan.grain === 'aggregate') {
      // Rows match on _entity (and _window_start when given), in any order.
      c.expect.forEach((e, i) => {
        const r = rows.find((x) => (e['_entity'] === undefined || valuesEqual(e['_entity'], x['_entity'])) && (e['_window_start'] === undefined || valuesEqual(e['_window_start'], x['_window_start'])));
        if (!r) {
          diags.push(diagnostic(t.file, t.locate([...base, 'expect', i]), TestCodes.missingRow, `${what}: no row for ${show(e['_entity'])}${e['_window_start'] ? ` at ${show(e['_window_start'])}` : ''} (rows: ${rows.map((x) => `${x['_entity']}@${x['_window_start']}`).join(', ') || 'none'})`));
          return;
        }
        diags.push(...compareRow(t, base, i, e, r, `${what}, ${r['_entity']} at ${r['_window_start']}`));
      });
    } else {
      if (rows.length !== c.expect.length) diags.push(diagnostic(t.file, t.locate([...base, 'expect']), TestCodes.rowCount, `${what}: ${rows.length} row(s), expected ${c.expect.length}`));
      c.expect.forEach((e, i) => {
        const r = rows[i];
        if (r) diags.push(...compareRow(t, base, i, e, r, `${what}, row ${i + 1}`));
      });
    }
    return diags;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function runConfigTests(config: RepoConfig, compiled: CompiledRepo, onResult?: (r: CaseResult) => void): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const t of [...config.tests].sort((a, b) => (a.file < b.file ? -1 : 1))) {
    const cases: Array<{ kind: 'parse' | 'features'; name: string; run: () => Promise<Diagnostic[]>; at: Array<string | number> }> = [
      ...t.parse.map((c) => ({ kind: 'parse' as const, name: c.name, run: () => runParseCase(config, compiled, t, c), at: ['parse', c.position] })),
      ...t.features.map((c) => ({ kind: 'features' as const, name: c.name, run: () => runFeatureCase(config, compiled, t, c), at: ['features', c.position] })),
    ];
    for (const c of cases) {
      const t0 = Date.now();
      let diagnostics: Diagnostic[];
      try {
        diagnostics = await c.run();
      } catch (e) {
        diagnostics = [diagnostic(t.file, t.locate(c.at), TestCodes.failed, `case '${c.name}' could not run: ${(e as Error).message.split('\n')[0]}`)];
      }
      const r: CaseResult = { file: t.file, kind: c.kind, name: c.name, passed: diagnostics.length === 0, diagnostics, seconds: (Date.now() - t0) / 1000 };
      results.push(r);
      onResult?.(r);
    }
  }
  return results;
}
