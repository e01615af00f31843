/**
 * What `quiver run` releases (issue 6 items 2 and 4): the bundle's contents
 * and lineage, its signature as an environment checks it, and the skew test —
 * scoring the dataset's raw files with nothing but the bundle (`quiver score`)
 * gives, for every validation row, the probability scikit-learn computed in
 * training.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundle } from '../../controller/src/release/index.js';
import { COMPILER_VERSION, TRAINER_VERSION } from '../../controller/src/version.js';
import { templateCopy } from '../helpers/config-repo.js';
import { expectCode, git, gitInit, listFiles, localStore, query, quiver, readIndex, sqlString } from './helpers.js';

const MODELS: Array<{ model: string; dataset: string; featureSets: string[] }> = [
  { model: 'ssh-bruteforce', dataset: 'ssh-auth', featureSets: ['ssh_auth_hourly'] },
  { model: 'ssh-event', dataset: 'ssh-auth', featureSets: ['ssh_auth_event'] },
  { model: 'web-attack', dataset: 'web-http', featureSets: ['web_request'] },
  { model: 'zeek-conn', dataset: 'zeek-conn', featureSets: ['zeek_conn_event'] },
  { model: 'zeek-scanner', dataset: 'zeek-conn', featureSets: ['zeek_src_hourly'] },
];

interface Manifest {
  stage: string;
  key: string;
  keyInput: { dataset?: { parts: Record<string, { inputs: Record<string, string> }> } };
}

let repo: { dir: string; cleanup: () => void };
let head: string;
let scratch: string;
const stageKey = new Map<string, string>();
const stageManifest = new Map<string, Manifest>();

beforeAll(async () => {
  repo = templateCopy();
  head = gitInit(repo.dir);
  scratch = mkdtempSync(join(tmpdir(), 'quiver-bundles-'));
  expectCode(await quiver(['run', '--repo', repo.dir, '--jobs', '2'], { cwd: repo.dir }), 0, 'quiver run');
  expect(git(repo.dir, 'status', '--porcelain'), 'the run changed no tracked file').toBe('');
  const store = localStore(repo.dir);
  for (const f of listFiles(store).filter((x) => /^(datasets|features|models)\/.+\/manifest\.json$/.test(x))) {
    const m = JSON.parse(readFileSync(join(store, f), 'utf8')) as Manifest;
    stageKey.set(m.stage, m.key);
    stageManifest.set(m.stage, m);
  }
  expect(stageKey.size).toBe(13);
});
afterAll(() => {
  repo?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const bundlePathOf = (model: string): string => join(localStore(repo.dir), readIndex(localStore(repo.dir), model).releases[0]?.bundle ?? 'missing');

describe('release bundles', () => {
  it.each(MODELS)('$model: the bundle holds the model, the compiled plans, schema, metrics and lineage', async ({ model, dataset, featureSets }) => {
    const idx = readIndex(localStore(repo.dir), model);
    const rel = idx.releases[0];
    const path = bundlePathOf(model);
    const bytes = readFileSync(path);
    expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(rel?.digest);
    expect(bytes.length).toBe(rel?.size);

    const b = await readBundle(path);
    expect([...b.files.keys()].sort()).toEqual(['metrics.json', 'model.onnx', 'plan/parse.json', ...featureSets.map((f) => `plan/features/${f}.json`), 'schema.json'].sort());
    expect(b.files.get('model.onnx')?.length).toBeGreaterThan(100);
    const parsePlan = JSON.parse(b.files.get('plan/parse.json')?.toString('utf8') ?? '{}') as { source?: string; labelTables?: unknown[] };
    expect(parsePlan.labelTables, 'scoring never joins labels').toEqual([]);
    for (const fs of featureSets) expect(JSON.parse(b.files.get(`plan/features/${fs}.json`)?.toString('utf8') ?? '{}')).toMatchObject({ featureSet: fs });
    const metrics = JSON.parse(b.files.get('metrics.json')?.toString('utf8') ?? '{}') as { roc_auc: number; threshold: number; model: string };
    expect(metrics.model).toBe(model);
    expect(b.manifest.threshold).toBe(metrics.threshold);
    expect(rel?.metrics['roc_auc']).toBe(metrics.roc_auc);
    const schema = JSON.parse(b.files.get('schema.json')?.toString('utf8') ?? '{}') as { input: { features: Array<{ name: string }> } };
    expect((b.manifest.inputSchema as { features: string[] }).features).toEqual(schema.input.features.map((f) => f.name));

    // Lineage: the keys of the stages it was built from, the tool versions, the config commit.
    const trainId = `train(${model})`;
    const expectedKeys: Record<string, string> = { [`parse(${dataset})`]: stageKey.get(`parse(${dataset})`) ?? '?', [trainId]: stageKey.get(trainId) ?? '?' };
    for (const fs of featureSets) expectedKeys[`features(${dataset}, ${fs})`] = stageKey.get(`features(${dataset}, ${fs})`) ?? '?';
    expect(b.manifest.lineage).toEqual({ configCommit: head, stageKeys: expectedKeys, trainerVersion: TRAINER_VERSION, compilerVersion: COMPILER_VERSION });
    expect(rel?.lineage['configCommit']).toBe(head);
    expect(rel?.trainKey).toBe(stageKey.get(trainId));
    expect(rel?.bundle).toBe(`models/${model}/${stageKey.get(trainId)}/bundle.tar.gz`);
  });

  it('quiver bundle verify passes with the release signature and the dev public key, and fails once the bundle is altered', async () => {
    const pub = join(repo.dir, '.quiver', 'keys', 'release.pub');
    for (const { model } of MODELS) {
      const sig = readIndex(localStore(repo.dir), model).releases[0]?.signature;
      const copy = join(scratch, `${model}.tar.gz`);
      copyFileSync(bundlePathOf(model), copy);
      writeFileSync(`${copy}.sig`, JSON.stringify(sig, null, 2) + '\n');
      const ok = await quiver(['bundle', 'verify', copy, '--public-key', pub, '--output', 'json'], { cwd: scratch });
      expect(ok.code, `${model}: ${ok.err}${ok.out}`).toBe(0);
      expect(JSON.parse(ok.out)).toMatchObject({ valid: true, model, digest: readIndex(localStore(repo.dir), model).releases[0]?.digest });

      const tampered = join(scratch, `${model}-tampered.tar.gz`);
      const bytes = readFileSync(copy);
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
      writeFileSync(tampered, bytes);
      writeFileSync(`${tampered}.sig`, JSON.stringify(sig, null, 2) + '\n');
      const bad = await quiver(['bundle', 'verify', tampered, '--public-key', pub], { cwd: scratch });
      expect(bad.code, `${model}: ${bad.err}${bad.out}`).toBe(1);
      expect(`${bad.out}${bad.err}`).toMatch(/digest|sha256/i);
    }
    // And an environment scoring with --public-key refuses the altered bundle before scoring anything.
    const refused = await quiver(['score', '--bundle', join(scratch, 'web-attack-tampered.tar.gz'), '--public-key', pub, '--all', 'data/web/normal.txt'], { cwd: repo.dir });
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.err).toContain('nothing was scored');
    const accepted = await quiver(['score', '--bundle', join(scratch, 'web-attack.tar.gz'), '--public-key', pub, 'data/web/normal.txt'], { cwd: repo.dir });
    expect(accepted.code, accepted.err).toBe(0);
  });
});

describe('the skew test: quiver score with only the bundle reproduces training', () => {
  const maxDiffs = new Map<string, number>();
  afterAll(() => {
    if (maxDiffs.size) console.log(`skew test, max |score - predict_proba| per model: ${[...maxDiffs].map(([m, d]) => `${m} ${d.toExponential(2)}`).join(', ')}`);
  });

  it.each(MODELS)('$model: every validation row is scored and matches within 1e-5', async ({ model, dataset }) => {
    // The raw files the parse stage read, as repo-relative paths (so row keys match).
    const parse = stageManifest.get(`parse(${dataset})`);
    const files = Object.values(parse?.keyInput.dataset?.parts ?? {}).flatMap((p) => Object.keys(p.inputs)).sort();
    expect(files.length).toBeGreaterThan(0);
    const r = await quiver(['score', '--bundle', bundlePathOf(model), '--all', ...files], { cwd: repo.dir });
    expect(r.code, r.err).toBe(0);
    const scored = new Map<string, number>();
    for (const line of r.out.split('\n').filter(Boolean)) {
      const row = JSON.parse(line) as { model: string; row_key: string; score: number; alert: boolean; threshold: number };
      expect(row.model).toBe(model);
      expect(row.alert).toBe(row.score >= row.threshold);
      expect(scored.has(row.row_key), `row key ${row.row_key} scored twice`).toBe(false);
      scored.set(row.row_key, row.score);
    }
    const trainKey = stageKey.get(`train(${model})`) ?? '';
    const validation = await query(`SELECT _row_key, probability FROM read_parquet(${sqlString(join(localStore(repo.dir), 'models', model, trainKey, 'validation.parquet'))}) ORDER BY _row_key`);
    expect(validation.length).toBeGreaterThan(50);
    const missing: string[] = [];
    let maxDiff = 0;
    for (const v of validation) {
      const s = scored.get(String(v['_row_key']));
      if (s === undefined) missing.push(String(v['_row_key']));
      else maxDiff = Math.max(maxDiff, Math.abs(s - Number(v['probability'])));
    }
    expect(missing.slice(0, 5), `${missing.length} of ${validation.length} validation rows were not scored`).toEqual([]);
    maxDiffs.set(model, maxDiff);
    expect(maxDiff).toBeLessThan(1e-5);
  });
});
