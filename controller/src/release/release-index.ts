/**
 * releases/<model>/index.json: a model's release history in the object store,
 * which environments (and the agent's store fallback) read. Versions only
 * increase: a new version first claims releases/<model>/v<N>.json with a
 * create-only write, so two writers can never both publish version N.
 */
import type { ObjectStore } from '../store/index.js';
import { PreconditionFailedError } from '../store/index.js';
import type { BundleSignature } from './sign.js';
import type { GateResult } from './gates.js';

export interface ReleaseRecord {
  version: number;
  digest: string;
  size: number;
  /** Store key of the bundle. */
  bundle: string;
  signature: BundleSignature;
  metrics: Record<string, unknown>;
  lineage: Record<string, unknown>;
  trainKey: string;
  releaseKey: string;
  releasedAt: string;
}

export interface ReleaseAttempt {
  trainKey: string;
  releaseKey: string;
  at: string;
  outcome: 'released' | 'gate_failed';
  version?: number;
  gates: GateResult[];
  metrics: Record<string, unknown>;
}

export interface ReleaseIndex {
  apiVersion: 'quiver.dev/v1alpha1';
  kind: 'ReleaseIndex';
  model: string;
  current: number | null;
  releases: ReleaseRecord[];
  /** The latest attempts, newest last (bounded). */
  attempts: ReleaseAttempt[];
}

const MAX_ATTEMPTS = 50;

export const indexKey = (model: string): string => `releases/${model}/index.json`;

export async function readReleaseIndex(store: ObjectStore, model: string): Promise<ReleaseIndex> {
  const bytes = await store.getBytes(indexKey(model));
  if (!bytes) return { apiVersion: 'quiver.dev/v1alpha1', kind: 'ReleaseIndex', model, current: null, releases: [], attempts: [] };
  const v = JSON.parse(bytes.toString('utf8')) as ReleaseIndex;
  if (v.kind !== 'ReleaseIndex' || v.model !== model) throw new Error(`${indexKey(model)} is not a release index of ${model}`);
  return v;
}

export function currentRelease(idx: ReleaseIndex): ReleaseRecord | undefined {
  return idx.current === null ? undefined : idx.releases.find((r) => r.version === idx.current);
}

/** Records a gate failure: the current release stays. */
export async function recordAttempt(store: ObjectStore, model: string, attempt: ReleaseAttempt): Promise<ReleaseIndex> {
  const idx = await readReleaseIndex(store, model);
  idx.attempts = [...idx.attempts, attempt].slice(-MAX_ATTEMPTS);
  await store.put(indexKey(model), JSON.stringify(idx, null, 2) + '\n', { contentType: 'application/json' });
  return idx;
}

/** Publishes the next version. Returns the index with the new release current. */
export async function appendRelease(store: ObjectStore, model: string, rec: Omit<ReleaseRecord, 'version'>, attempt: Omit<ReleaseAttempt, 'version' | 'outcome'>): Promise<{ index: ReleaseIndex; version: number }> {
  // A claim (v<N>.json) without its index entry is what a writer killed between
  // the two writes leaves behind: the next version must go past it, or, when it
  // is this very release decision, the claim is adopted (a resumed run).
  let floor = 0;
  for (let tries = 0; tries < 5; tries++) {
    let idx = await readReleaseIndex(store, model);
    const version = Math.max(floor, ...idx.releases.map((r) => r.version)) + 1;
    let record: ReleaseRecord = { ...rec, version };
    try {
      await store.put(`releases/${model}/v${version}.json`, JSON.stringify(record, null, 2) + '\n', { ifNoneMatch: '*', contentType: 'application/json' });
    } catch (e) {
      if (!(e instanceof PreconditionFailedError)) throw e;
      const claimed = await store.getBytes(`releases/${model}/v${version}.json`);
      const other = claimed ? (JSON.parse(claimed.toString('utf8')) as ReleaseRecord) : undefined;
      const same = other !== undefined && other.releaseKey === rec.releaseKey && other.digest === rec.digest;
      const now = await readReleaseIndex(store, model);
      if (same && now.releases.some((r) => r.version === version)) return { index: now, version }; // already published
      if (!same) {
        floor = version; // another writer took this version: go past it
        continue;
      }
      record = other;
      idx = now;
    }
    idx.releases.push(record);
    idx.current = version;
    idx.attempts = [...idx.attempts, { ...attempt, outcome: 'released' as const, version }].slice(-MAX_ATTEMPTS);
    await store.put(indexKey(model), JSON.stringify(idx, null, 2) + '\n', { contentType: 'application/json' });
    return { index: idx, version };
  }
  throw new Error(`could not claim a new version of ${model} after 5 attempts`);
}
