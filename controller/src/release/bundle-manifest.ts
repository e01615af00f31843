/**
 * bundle.json: what a ModelBundle says about itself (DESIGN §5). The reader
 * checks the shape field by field so a bad bundle is refused with the field
 * that is wrong, and keeps fields it does not know (newer writers may add them).
 */

export const BUNDLE_API_VERSION = 'quiver.dev/v1alpha1';
export const BUNDLE_KIND = 'ModelBundle';
export const BUNDLE_MANIFEST_NAME = 'bundle.json';

export interface BundleFileEntry {
  sha256: string;
  size: number;
}

export interface BundleLineage {
  configCommit?: string;
  /** Stage id → stage key, for every stage the model was built from. */
  stageKeys: Record<string, string>;
  trainerVersion: string;
  compilerVersion: string;
}

export interface BundleManifest {
  apiVersion: typeof BUNDLE_API_VERSION;
  kind: typeof BUNDLE_KIND;
  model: string;
  version?: number;
  createdAt?: string;
  /** Alert threshold chosen for the target false-positive rate. */
  threshold: number;
  inputSchema: unknown;
  outputSchema: unknown;
  metrics: unknown;
  lineage: BundleLineage;
  /** Name → digest and size of every other file in the archive; filled in by writeBundle. */
  files?: Record<string, BundleFileEntry>;
}

/** The bundle is malformed, altered or unsafe: a finding about the bundle, not an I/O failure. */
export class BundleInvalidError extends Error {
  override readonly name = 'BundleInvalidError';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Checks a parsed bundle.json; throws BundleInvalidError naming the first wrong field. */
export function parseBundleManifest(value: unknown): BundleManifest {
  const m = asObject(value, '');
  expectEqual(m, 'apiVersion', BUNDLE_API_VERSION);
  expectEqual(m, 'kind', BUNDLE_KIND);
  const model = m['model'];
  if (typeof model !== 'string' || model === '') fail('model', 'must be a non-empty string');
  if (m['version'] !== undefined && !(Number.isSafeInteger(m['version']) && (m['version'] as number) >= 0)) fail('version', 'must be a non-negative integer');
  if (m['createdAt'] !== undefined && (typeof m['createdAt'] !== 'string' || Number.isNaN(Date.parse(m['createdAt'])))) {
    fail('createdAt', 'must be an ISO 8601 timestamp');
  }
  if (typeof m['threshold'] !== 'number' || !Number.isFinite(m['threshold'])) fail('threshold', 'must be a finite number');
  for (const f of ['inputSchema', 'outputSchema', 'metrics']) if (m[f] === undefined) fail(f, 'is missing');

  const lineage = asObject(m['lineage'], 'lineage');
  if (lineage['configCommit'] !== undefined && typeof lineage['configCommit'] !== 'string') fail('lineage.configCommit', 'must be a string');
  const stageKeys = asObject(lineage['stageKeys'], 'lineage.stageKeys');
  for (const [k, v] of Object.entries(stageKeys)) if (typeof v !== 'string') fail(`lineage.stageKeys.${k}`, 'must be a string');
  for (const f of ['trainerVersion', 'compilerVersion']) if (typeof lineage[f] !== 'string') fail(`lineage.${f}`, 'must be a string');

  if (m['files'] !== undefined) {
    const files = asObject(m['files'], 'files');
    for (const [name, entry] of Object.entries(files)) {
      const e = asObject(entry, `files.${name}`);
      if (typeof e['sha256'] !== 'string' || !SHA256_HEX.test(e['sha256'])) fail(`files.${name}.sha256`, 'must be 64 lowercase hex digits');
      if (!Number.isSafeInteger(e['size']) || (e['size'] as number) < 0) fail(`files.${name}.size`, 'must be a non-negative integer');
    }
  }
  return m as unknown as BundleManifest;
}

function asObject(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
  return v as Record<string, unknown>;
}

function expectEqual(m: Record<string, unknown>, field: string, want: string): void {
  if (m[field] !== want) fail(field, `must be ${JSON.stringify(want)}, got ${JSON.stringify(m[field]) ?? 'nothing'}`);
}

function fail(path: string, what: string): never {
  throw new BundleInvalidError(`${BUNDLE_MANIFEST_NAME}: ${path === '' ? 'the manifest' : path} ${what}`);
}

/** JSON with object keys sorted at every level: the same manifest always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const child = (v as Record<string, unknown>)[k];
      if (child !== undefined) out[k] = sortKeys(child);
    }
    return out;
  }
  return v;
}
