/**
 * Release bundles: one deterministic tar.gz holding bundle.json and the files
 * an environment needs to score (DESIGN §5). Same inputs give the same bytes,
 * so a bundle's sha256 is its address and the thing that is signed.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gzipSync } from 'node:zlib';
import { extract as tarExtract, pack as tarPack, type Header } from 'tar-stream';
import { writeFileAtomic } from '../store/index.js';
import {
  BUNDLE_MANIFEST_NAME,
  BundleInvalidError,
  canonicalJson,
  parseBundleManifest,
  type BundleFileEntry,
  type BundleManifest,
} from './bundle-manifest.js';

/** Default cap on the decompressed size of a bundle (and on the archive itself). */
export const DEFAULT_MAX_BUNDLE_BYTES = 1024 * 1024 * 1024;
const MAX_ENTRIES = 10_000;
/** A fixed mtime: wall-clock time in the archive would change its digest. */
const FIXED_MTIME = new Date(0);
/** gzip header OS byte: 255 = unknown, so the platform that wrote it does not show in the bytes. */
const GZIP_OS_UNKNOWN = 255;

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

export interface WrittenBundle {
  path: string;
  /** sha256 of the archive bytes, lowercase hex. */
  sha256: string;
  size: number;
}

export interface ReadBundle {
  manifest: BundleManifest;
  /** Every file but bundle.json, verified against the manifest. */
  files: Map<string, Buffer>;
}

/**
 * Writes the bundle atomically (temp file + rename). bundle.json comes first,
 * then the files sorted by name; every entry is a plain file, mode 0644, uid
 * and gid 0, mtime 0, so nothing of the machine or the moment gets in.
 */
export async function writeBundle(outPath: string, files: Record<string, Buffer | string>, manifest: BundleManifest): Promise<WrittenBundle> {
  const bytes = await encodeBundle(files, manifest);
  await writeFileAtomic(outPath, bytes);
  return { path: outPath, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}

/** The archive bytes writeBundle would write. */
export async function encodeBundle(files: Record<string, Buffer | string>, manifest: BundleManifest): Promise<Buffer> {
  const names = Object.keys(files).sort();
  const bodies = new Map<string, Buffer>();
  const entries: Record<string, BundleFileEntry> = {};
  for (const name of names) {
    const problem = nameProblem(name);
    if (problem) throw new BundleInvalidError(`cannot bundle ${JSON.stringify(name)}: ${problem}`);
    if (name === BUNDLE_MANIFEST_NAME) throw new BundleInvalidError(`cannot bundle a file named ${BUNDLE_MANIFEST_NAME}: the manifest is written from the manifest argument`);
    const raw = files[name] as Buffer | string;
    const body = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    bodies.set(name, body);
    entries[name] = { sha256: createHash('sha256').update(body).digest('hex'), size: body.length };
  }
  const full: BundleManifest = { ...manifest, files: entries };
  parseBundleManifest(JSON.parse(JSON.stringify(full)) as unknown); // never write what readBundle would refuse
  const manifestBytes = Buffer.from(canonicalJson(full) + '\n', 'utf8');

  const tar = await packEntries([[BUNDLE_MANIFEST_NAME, manifestBytes], ...names.map((n): [string, Buffer] => [n, bodies.get(n) as Buffer])]);
  const gz = gzipSync(tar, { level: 9 });
  gz[9] = GZIP_OS_UNKNOWN;
  return gz;
}

async function packEntries(entries: Array<[string, Buffer]>): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  })();
  for (const [name, body] of entries) {
    await new Promise<void>((resolve, reject) => {
      pack.entry(
        { name, size: body.length, mode: 0o644, mtime: FIXED_MTIME, uid: 0, gid: 0, uname: '', gname: '', type: 'file' },
        body,
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

/**
 * Reads and checks a bundle: every entry a plain file with a safe relative
 * name, no duplicates, bundle.json valid, every file listed in it with the
 * right size and sha256 and nothing unlisted; the archive and its
 * decompressed content at most maxBytes (a decompression bomb is refused).
 * A bad bundle throws BundleInvalidError; I/O problems throw their fs error.
 */
export async function readBundle(path: string, opts: { maxBytes?: number } = {}): Promise<ReadBundle> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  const size = (await stat(path)).size;
  if (size > maxBytes) throw new BundleInvalidError(`archive is ${size} bytes, over the ${maxBytes}-byte limit`);
  return decodeBundle(await readFile(path), maxBytes);
}

export async function decodeBundle(archive: Buffer, maxBytes: number = DEFAULT_MAX_BUNDLE_BYTES): Promise<ReadBundle> {
  let tar: Buffer;
  try {
    tar = await promisify(gunzip)(archive, { maxOutputLength: maxBytes });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new BundleInvalidError(`decompressed content is over the ${maxBytes}-byte limit (decompression bomb?)`, { cause: err });
    }
    throw new BundleInvalidError(`not a gzip archive: ${e.message}`, { cause: err });
  }
  const entries = await extractEntries(tar);

  const manifestBytes = entries.get(BUNDLE_MANIFEST_NAME);
  if (!manifestBytes) throw new BundleInvalidError(`${BUNDLE_MANIFEST_NAME} is missing`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifestBytes.toString('utf8'));
  } catch (err) {
    throw new BundleInvalidError(`${BUNDLE_MANIFEST_NAME} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const manifest = parseBundleManifest(parsed);
  const listed = manifest.files ?? {};

  const files = new Map<string, Buffer>();
  for (const [name, body] of entries) {
    if (name === BUNDLE_MANIFEST_NAME) continue;
    const want = Object.hasOwn(listed, name) ? listed[name] : undefined;
    if (!want) throw new BundleInvalidError(`${name} is in the archive but not listed in ${BUNDLE_MANIFEST_NAME}`);
    if (body.length !== want.size) throw new BundleInvalidError(`${name} is ${body.length} bytes, ${BUNDLE_MANIFEST_NAME} says ${want.size}`);
    const got = createHash('sha256').update(body).digest('hex');
    if (got !== want.sha256) throw new BundleInvalidError(`${name} has sha256 ${got}, ${BUNDLE_MANIFEST_NAME} says ${want.sha256} (altered file)`);
    files.set(name, body);
  }
  for (const name of Object.keys(listed)) {
    if (!files.has(name)) throw new BundleInvalidError(`${name} is listed in ${BUNDLE_MANIFEST_NAME} but missing from the archive`);
  }
  return { manifest, files };
}

async function extractEntries(tar: Buffer): Promise<Map<string, Buffer>> {
  const ex = tarExtract();
  const out = new Map<string, Buffer>();
  ex.end(tar);
  try {
    for await (const entry of ex) {
      const h: Header = entry.header;
      const problem = h.type !== 'file' ? `is a ${h.type ?? 'unknown'} entry; only plain files are allowed` : nameProblem(h.name);
      if (problem) {
        entry.resume();
        throw new BundleInvalidError(`entry ${JSON.stringify(h.name)} ${problem}`);
      }
      if (out.has(h.name)) throw new BundleInvalidError(`entry ${JSON.stringify(h.name)} appears twice`);
      if (out.size >= MAX_ENTRIES) throw new BundleInvalidError(`more than ${MAX_ENTRIES} entries`);
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(Buffer.from(c as Uint8Array));
      out.set(h.name, Buffer.concat(chunks));
    }
  } catch (err) {
    ex.destroy();
    if (err instanceof BundleInvalidError) throw err;
    throw new BundleInvalidError(`not a valid tar archive: ${(err as Error).message}`, { cause: err });
  }
  return out;
}

function nameProblem(name: string): string | undefined {
  if (name === '') return 'has an empty name';
  if (name.startsWith('/')) return 'has an absolute path';
  if (name.split('/').includes('..')) return "has a '..' segment (path traversal)";
  if (name.length > 255 || !SAFE_NAME.test(name)) return 'has an unsafe name (letters, digits, . _ - and / only; no empty, hidden or dot segments)';
  return undefined;
}
