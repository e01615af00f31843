/**
 * Release gates and releases/<model>/index.json over a sequence of real runs
 * of one repository (the template with two models, to keep it quick): a
 * failed gate keeps the previous release, exits 1, says why and is recorded;
 * versions only increase; max_regression compares with the release it would
 * replace; the target-FPR gate fails when no threshold meets it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseIndex } from '../../controller/src/release/release-index.js';
import { applyEdits, replaceOnce, templateCopy } from '../helpers/config-repo.js';
import { expectCode, localStore, quiver, readIndex, type CliResult } from './helpers.js';

let repo: { dir: string; cleanup: () => void };
const MODEL = 'models/web-attack.yaml';

interface RunJson {
  stages: Record<string, { status: string; summary?: string }>;
  models: Array<{ model: string; status: string; version: number | null; message: string; metrics?: { roc_auc: number } }>;
}

async function run(output: 'text' | 'json' = 'json'): Promise<CliResult> {
  return quiver(['run', '--repo', repo.dir, '--jobs', '2', '--output', output], { cwd: repo.dir });
}
const json = (r: CliResult): RunJson => JSON.parse(r.out) as RunJson;
const summary = (r: CliResult, model: string): RunJson['models'][number] | undefined => json(r).models.find((m) => m.model === model);
const index = (model = 'web-attack'): ReleaseIndex => readIndex(localStore(repo.dir), model);
const ranStages = (r: CliResult): string[] => [...r.err.matchAll(/^\[\d+\/\d+\] (.+?) done in /gm)].map((m) => m[1] as string).sort();
const f4 = (x: number): string => x.toFixed(4);

beforeAll(async () => {
  repo = templateCopy({
    'models/ssh-bruteforce.yaml': null,
    'models/zeek-conn.yaml': null,
    'models/zeek-scanner.yaml': null,
    'environments/acme-prod.yaml': replaceOnce('models: [ssh-bruteforce, ssh-event, web-attack, zeek-conn, zeek-scanner]', 'models: [ssh-event, web-attack]'),
    'environments/globex-staging.yaml': replaceOnce('models: [ssh-bruteforce, web-attack]', 'models: [web-attack]'),
  });
});
afterAll(() => repo?.cleanup());

describe('release gates and the release index, run after run', () => {
  it('v1: the first run releases both models', async () => {
    const r = expectCode(await run(), 0, 'first run');
    expect(summary(r, 'web-attack')).toMatchObject({ status: 'released', version: 1, message: 'first release' });
    expect(summary(r, 'ssh-event')).toMatchObject({ status: 'released', version: 1 });
    const idx = index();
    expect(idx.current).toBe(1);
    expect(idx.attempts.map((a) => [a.outcome, a.version])).toEqual([['released', 1]]);
    expect(idx.attempts[0]?.gates.map((g) => [g.gate, g.passed])).toEqual([
      ['min_roc_auc', true],
      ['target_fpr', true],
    ]); // no max_regression without a release to compare with
  });

  it('v2: a parameter change retrains and releases the next version', async () => {
    applyEdits(repo.dir, { [MODEL]: replaceOnce('n_estimators: 100', 'n_estimators: 60') });
    const r = expectCode(await run(), 0, 'run after a parameter change');
    expect(ranStages(r)).toEqual(['release(web-attack)', 'train(web-attack)']);
    expect(summary(r, 'web-attack')).toMatchObject({ status: 'released', version: 2, message: 'replaces v1' });
    const idx = index();
    expect(idx.current).toBe(2);
    expect(idx.releases.map((x) => x.version)).toEqual([1, 2]);
    const v1 = idx.releases[0];
    const v2 = idx.releases[1];
    expect(v2?.trainKey).not.toBe(v1?.trainKey);
    expect(v2?.digest).not.toBe(v1?.digest);
    const regression = idx.attempts.at(-1)?.gates.find((g) => g.gate === 'max_regression');
    expect(regression?.message).toContain(`vs ${f4(Number(v1?.metrics['roc_auc']))} in v1`);
  });

  it('a failed min_roc_auc gate keeps v2, exits 1, says why, and is recorded', async () => {
    applyEdits(repo.dir, { [MODEL]: (s) => replaceOnce('min_roc_auc: 0.85', 'min_roc_auc: 0.999')(replaceOnce('n_estimators: 60', 'n_estimators: 40')(s)) });
    const r = await run('text');
    expect(r.code, r.err).toBe(1);
    const idx = index();
    const attempt = idx.attempts.at(-1);
    expect(attempt?.outcome).toBe('gate_failed');
    const auc = Number(attempt?.metrics['roc_auc']);
    expect(auc).toBeLessThan(0.999);
    expect(attempt?.gates.find((g) => g.gate === 'min_roc_auc')).toEqual({ gate: 'min_roc_auc', passed: false, message: `ROC AUC ${f4(auc)} < minimum 0.9990` });
    expect(attempt?.version).toBeUndefined();
    // The summary row says why and that v2 stays.
    expect(r.out).toMatch(new RegExp(`^web-attack +v2 +${auc.toFixed(3)} .* gate failed +min_roc_auc: ROC AUC ${f4(auc)} < minimum 0\\.9990; v2 stays current$`, 'm'));
    expect(r.out).toMatch(/^ssh-event +v1 .* up to date/m);
    // Nothing was released: the index still points at v2, and no v3 was claimed.
    expect(idx.current).toBe(2);
    expect(idx.releases.map((x) => x.version)).toEqual([1, 2]);
    expect(existsSync(join(localStore(repo.dir), 'releases', 'web-attack', 'v3.json'))).toBe(false);
    // The training that failed is in the store (for inspection), under its own key.
    expect(existsSync(join(localStore(repo.dir), 'models', 'web-attack', attempt?.trainKey ?? '-', '_SUCCESS'))).toBe(true);
  });

  it('run again unchanged: nothing runs, and the gate failure is still reported (exit 1)', async () => {
    const r = await run();
    expect(r.code, r.err).toBe(1);
    expect(r.err).toContain('stages: 0 to run');
    const s = summary(r, 'web-attack');
    expect(s).toMatchObject({ status: 'gate failed', version: 2 });
    expect(s?.message).toMatch(/^min_roc_auc: ROC AUC \d\.\d{4} < minimum 0\.9990 \(unchanged since the last run\)$/);
    expect(index().attempts.filter((a) => a.outcome === 'gate_failed')).toHaveLength(1);
  });

  it('v3: fixing the gate releases the same training (reused, not retrained) as the next version', async () => {
    const failedTrainKey = index().attempts.at(-1)?.trainKey;
    applyEdits(repo.dir, { [MODEL]: replaceOnce('min_roc_auc: 0.999', 'min_roc_auc: 0.85') });
    const r = expectCode(await run(), 0, 'run after fixing the gate');
    expect(ranStages(r)).toEqual(['release(web-attack)']);
    expect(summary(r, 'web-attack')).toMatchObject({ status: 'released', version: 3, message: 'replaces v2' });
    const idx = index();
    expect(idx.current).toBe(3);
    expect(idx.releases.map((x) => x.version)).toEqual([1, 2, 3]);
    expect(idx.releases[2]?.trainKey).toBe(failedTrainKey);
    expect(idx.attempts.map((a) => a.outcome)).toEqual(['released', 'released', 'gate_failed', 'released']);
    expect(idx.attempts.at(-1)?.version).toBe(3);
  });

  it('max_regression compares with the release it would replace (v3)', async () => {
    // A one-split stump: much weaker than v3.
    applyEdits(repo.dir, {
      [MODEL]: (s) => replaceOnce('min_roc_auc: 0.85', 'min_roc_auc: 0.5')(replaceOnce('n_estimators: 40, max_depth: 3', 'n_estimators: 1, max_depth: 1')(s)),
    });
    const r = await run('text');
    expect(r.code, r.err).toBe(1);
    const idx = index();
    const v3auc = Number(idx.releases.find((x) => x.version === 3)?.metrics['roc_auc']);
    const attempt = idx.attempts.at(-1);
    const auc = Number(attempt?.metrics['roc_auc']);
    expect(v3auc - auc, 'the stump is weaker than v3 by more than max_regression').toBeGreaterThan(0.02);
    expect(attempt?.outcome).toBe('gate_failed');
    expect(attempt?.gates).toEqual([
      { gate: 'min_roc_auc', passed: true, message: `ROC AUC ${f4(auc)} >= minimum 0.5000` },
      { gate: 'max_regression', passed: false, message: `ROC AUC ${f4(auc)} vs ${f4(v3auc)} in v3: a drop of ${f4(v3auc - auc)}, more than the allowed 0.0200` },
      expect.objectContaining({ gate: 'target_fpr', passed: true }),
    ]);
    expect(r.out).toMatch(/^web-attack +v3 .* gate failed +max_regression: .* in v3: .*; v3 stays current$/m);
    expect(idx.current).toBe(3);
  });

  it('the target-FPR gate fails when no threshold meets the target', async () => {
    // The stump gives two scores; its upper one already holds more than 1% of the negatives.
    applyEdits(repo.dir, { [MODEL]: (s) => replaceOnce('target_fpr: 0.05', 'target_fpr: 0.01')(replaceOnce('  max_regression: 0.02\n', '')(s)) });
    const r = await run();
    expect(r.code, r.err).toBe(1);
    expect(ranStages(r)).toEqual(['release(web-attack)', 'train(web-attack)']); // the target FPR is a training input (it sets the threshold)
    const idx = index();
    const attempt = idx.attempts.at(-1);
    expect(attempt?.metrics['target_fpr_met']).toBe(false);
    expect(attempt?.gates).toEqual([
      expect.objectContaining({ gate: 'min_roc_auc', passed: true }),
      { gate: 'target_fpr', passed: false, message: 'no threshold meets the target FPR 0.0100 on the validation split' },
    ]);
    expect(summary(r, 'web-attack')).toMatchObject({ status: 'gate failed', version: 3, message: 'target_fpr: no threshold meets the target FPR 0.0100 on the validation split; v3 stays current' });
    expect(idx.current).toBe(3);
    expect(idx.releases.map((x) => x.version)).toEqual([1, 2, 3]);
    // The other model was never touched.
    expect(index('ssh-event').releases.map((x) => x.version)).toEqual([1]);
    expect(index('ssh-event').attempts).toHaveLength(1);
    // Versions only increase: every claim file is in the index.
    const claims = ['v1.json', 'v2.json', 'v3.json', 'v4.json'].filter((f) => existsSync(join(localStore(repo.dir), 'releases', 'web-attack', f)));
    expect(claims).toEqual(['v1.json', 'v2.json', 'v3.json']);
    expect(JSON.parse(readFileSync(join(localStore(repo.dir), 'releases', 'web-attack', 'v3.json'), 'utf8'))).toEqual(idx.releases[2]);
  });
});
