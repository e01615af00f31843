/**
 * `quiver run --store s3://...` against the test bed's real S3 server
 * (SeaweedFS), configured as a user would: the endpoint in
 * AWS_ENDPOINT_URL_S3 and credentials for the SDK's default chain. Then the
 * bucket has DESIGN §5's layout, and `quiver plan --store` finds nothing to do.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseIndex } from '../../controller/src/release/release-index.js';
import { templateCopy } from '../helpers/config-repo.js';
import { useTestBucket } from '../helpers/s3.js';
import { expectCode, quiver } from './helpers.js';

const { bucket, s3Config, client } = useTestBucket();
const MODELS = ['ssh-bruteforce', 'ssh-event', 'web-attack', 'zeek-conn', 'zeek-scanner'];
const FEATURES: Array<[string, string]> = [
  ['ssh-auth', 'ssh_auth_event'],
  ['ssh-auth', 'ssh_auth_hourly'],
  ['web-http', 'web_request'],
  ['zeek-conn', 'zeek_conn_event'],
  ['zeek-conn', 'zeek_src_hourly'],
];

let repo: { dir: string; cleanup: () => void };
let storeUri: string;
let env: Record<string, string | undefined>;
let firstRun: { code: number; out: string; err: string };

async function listBucket(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page: ListObjectsV2CommandOutput = await client().send(new ListObjectsV2Command({ Bucket: bucket(), Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

async function getJson<T>(key: string): Promise<T> {
  const r = await client().send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
  return JSON.parse(await (r.Body as { transformToString: () => Promise<string> }).transformToString()) as T;
}

beforeAll(async () => {
  const c = s3Config();
  // As a user configures it: the endpoint and credentials in the environment (SDK default chain).
  env = { AWS_ENDPOINT_URL_S3: c.endpoint, AWS_REGION: c.region, AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey };
  Object.assign(process.env, env);
  repo = templateCopy();
  storeUri = `s3://${bucket()}/quiver`;
  firstRun = await quiver(['run', '--repo', repo.dir, '--store', storeUri, '--jobs', '2'], { cwd: repo.dir });
});
afterAll(() => repo?.cleanup());

describe('quiver run with an s3:// store', () => {
  it('releases every model', () => {
    expectCode(firstRun, 0, 'quiver run --store s3://');
    expect(firstRun.err).toContain(`store ${storeUri}`);
    expect(firstRun.err).toContain('18 stages: 18 to run, 0 already in the store');
    for (const m of MODELS) expect(firstRun.out).toMatch(new RegExp(`^${m} +v1 .* released +first release$`, 'm'));
    // Nothing went to the local store.
    expect(existsSync(join(repo.dir, '.quiver', 'store'))).toBe(false);
  });

  it('lays the bucket out as DESIGN §5 says', async () => {
    expectCode(firstRun, 0, 'quiver run --store s3://');
    const keys = await listBucket('');
    expect(keys.every((k) => k.startsWith('quiver/')), 'everything is under the store prefix').toBe(true);
    const rel = keys.map((k) => k.slice('quiver/'.length));
    const K = '[0-9a-f]{64}';
    const patterns = [
      new RegExp(`^datasets/[^/]+/parsed/${K}/(data/[^/]+\\.parquet|rejects\\.jsonl|manifest\\.json|_SUCCESS)$`),
      new RegExp(`^features/[^/]+/[^/]+/${K}/(data/[^/]+\\.parquet|manifest\\.json|_SUCCESS)$`),
      new RegExp(`^models/[^/]+/${K}/(bundle\\.tar\\.gz|metrics\\.json|schema\\.json|validation\\.parquet|manifest\\.json|_SUCCESS)$`),
      /^releases\/[^/]+\/(index\.json|v\d+\.json)$/,
    ];
    expect(rel.filter((k) => !patterns.some((p) => p.test(k))), 'keys outside the layout').toEqual([]);

    const folders = (re: RegExp): string[] => [...new Set(rel.flatMap((k) => re.exec(k)?.[1] ?? []))].sort();
    const parsed = folders(new RegExp(`^(datasets/[^/]+/parsed/${K})/`));
    expect(parsed.map((f) => f.split('/')[1])).toEqual(['ssh-auth', 'web-http', 'zeek-conn']);
    const features = folders(new RegExp(`^(features/[^/]+/[^/]+/${K})/`));
    expect(features.map((f) => f.split('/').slice(1, 3))).toEqual(FEATURES);
    const models = folders(new RegExp(`^(models/[^/]+/${K})/`));
    expect(models.map((f) => f.split('/')[1])).toEqual(MODELS);
    for (const f of [...parsed, ...features, ...models]) {
      expect(rel, f).toContain(`${f}/_SUCCESS`);
      expect(rel, f).toContain(`${f}/manifest.json`);
      const manifest = await getJson<{ key: string; stage: string }>(`quiver/${f}/manifest.json`);
      expect(f.endsWith(`/${manifest.key}`), f).toBe(true);
    }
    for (const f of [...parsed, ...features]) expect(rel.some((k) => k.startsWith(`${f}/data/`) && k.endsWith('.parquet')), f).toBe(true);
    for (const f of models) expect(rel, f).toContain(`${f}/bundle.tar.gz`);

    for (const m of MODELS) {
      expect(rel).toContain(`releases/${m}/index.json`);
      expect(rel).toContain(`releases/${m}/v1.json`);
      const idx = await getJson<ReleaseIndex>(`quiver/releases/${m}/index.json`);
      expect(idx).toMatchObject({ kind: 'ReleaseIndex', model: m, current: 1 });
      const bundleKey = idx.releases[0]?.bundle ?? '';
      expect(bundleKey).toMatch(new RegExp(`^models/${m}/${K}/bundle\\.tar\\.gz$`));
      expect(rel).toContain(bundleKey);
    }
  });

  it('quiver plan --store shows 0 stages to run, and a second run runs none', async () => {
    expectCode(firstRun, 0, 'quiver run --store s3://');
    const plan = expectCode(await quiver(['plan', '--repo', repo.dir, '--store', storeUri, '--output', 'json'], { cwd: repo.dir }), 0, 'quiver plan --store');
    const p = JSON.parse(plan.out) as { stages: unknown[]; releases: string[]; unaffected: { stages: string[]; models: string[] } };
    expect(p.stages).toEqual([]);
    expect(p.releases).toEqual([]);
    expect(p.unaffected.stages).toHaveLength(18);
    expect(p.unaffected.models).toEqual(MODELS);
    const text = expectCode(await quiver(['plan', '--repo', repo.dir, '--store', storeUri], { cwd: repo.dir }), 0, 'quiver plan --store (text)');
    expect(text.out).toContain('Nothing to run');

    const again = expectCode(await quiver(['run', '--repo', repo.dir, '--store', storeUri], { cwd: repo.dir }), 0, 'second run');
    expect(again.err).toContain('18 stages: 0 to run, 18 already in the store');
    for (const m of MODELS) expect(again.out).toMatch(new RegExp(`^${m} +v1 .* up to date`, 'm'));
  });

  it('a local copy of a stage input missing files (a download cut short after _SUCCESS) is fetched again, not used', async () => {
    expectCode(firstRun, 0, 'quiver run --store s3://');
    // Stages on S3 read their inputs from a local copy in .quiver/cache. Keys list in byte order,
    // so _SUCCESS is the first file of a folder to arrive: leave only it, as a killed download would.
    const cache = join(repo.dir, '.quiver', 'cache', 'datasets', 'zeek-conn', 'parsed');
    const [key] = readdirSync(cache);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const folder = join(cache, key as string);
    for (const f of readdirSync(folder)) if (f !== '_SUCCESS') rmSync(join(folder, f), { recursive: true, force: true });
    expect(readdirSync(folder)).toEqual(['_SUCCESS']);

    const stage = 'features(zeek-conn, zeek_src_hourly)';
    const manifestKey = (await listBucket('quiver/features/zeek-conn/zeek_src_hourly/')).find((k) => k.endsWith('/manifest.json')) as string;
    const before = await getJson<{ stats: { read: number; written: number } }>(manifestKey);
    const r = expectCode(await quiver(['run', '--repo', repo.dir, '--store', storeUri, '--force', stage, '--output', 'json'], { cwd: repo.dir }), 0, `quiver run --force ${stage}`);
    const out = JSON.parse(r.out) as { stages: Record<string, { status: string; stats?: { read: number; written: number } }> };
    // The same rows as the first run computed from the complete parse output.
    expect(out.stages[stage]?.status).toBe('ran');
    expect(before.stats.read).toBeGreaterThan(0);
    expect(out.stages[stage]?.stats).toMatchObject({ read: before.stats.read, written: before.stats.written });
    expect((await getJson<{ stats: { read: number } }>(manifestKey)).stats.read).toBe(before.stats.read);
    expect(readdirSync(folder).filter((f) => f !== '_SUCCESS').length, 'the local copy was fetched again').toBeGreaterThan(0);
    expect(readdirSync(cache), 'no partial download left beside the cache').toEqual([key]);
  });
});
