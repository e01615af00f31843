/**
 * A content-addressed cache for the work that depends only on a file's bytes:
 * parsing and normalizing one config file, compiling one source or feature
 * set. `quiver plan` reads two revisions that share almost every file, and
 * `quiver validate` in CI or `quiver dev` re-reads a repository where one
 * file changed, so most of that work is the same as last time.
 *
 * A key names the kind of result and everything it depends on: a file's
 * path and git blob id; for a compile, the keys of its inputs. Each cache
 * file carries a salt naming Quiver's version, the compiler version, this
 * format, and a stamp of the code and schemas that produce cached values, so
 * an upgraded or edited Quiver never reads values the old one wrote. Values
 * are plain JSON data; callers re-attach whatever is not (position lookups)
 * themselves. See docs/adr/0002-definition-cache.md.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../paths.js';
import { COMPILER_VERSION, QUIVER_VERSION } from '../version.js';

export interface ContentCache {
  /** The address of a result that depends on exactly these parts (order matters). */
  key(kind: string, ...parts: ReadonlyArray<string | Uint8Array>): string;
  get<T>(key: string): T | undefined;
  /** `value` must be JSON data and must not be mutated afterwards (hits share it). */
  set(key: string, value: unknown): void;
}

/** Bump when the shape of cached values changes. */
const CACHE_FORMAT = 1;

/**
 * Values fall into sections, stored apart: `defs` (parsed files, compile
 * diagnostics, fingerprints), `canonical` (the canonical forms stage keys
 * hash), `plans` (compiled SQL, most of the bytes) and `revisions` (whole
 * stage graphs of commits). A kind starting with `canonical:`, `plans:` or
 * `revisions:` goes to that section, any other to `defs`.
 */
export type CacheSection = 'defs' | 'canonical' | 'plans' | 'revisions';
const SECTIONS: readonly CacheSection[] = ['defs', 'canonical', 'plans', 'revisions'];
const SECTION_FILES: Record<CacheSection, string> = { defs: 'definitions.json', canonical: 'canonical.json', plans: 'plans.json', revisions: 'revisions.json' };
const sectionOfKind = (kind: string): CacheSection => SECTIONS.find((s) => s !== 'defs' && kind.startsWith(`${s}:`)) ?? 'defs';
const sectionOfKey = (key: string): CacheSection => key.slice(0, key.indexOf('/')) as CacheSection;

/** In one process: plan's two revisions, dev's successive saves. */
export class MemoryContentCache implements ContentCache {
  protected readonly entries = new Map<string, unknown>();
  protected readonly used = new Set<string>();
  hits = 0;
  misses = 0;

  constructor(protected readonly salt: string = cacheSalt()) {}

  /**
   * Plain text, not a hash: parts are paths, blob ids and other keys, and
   * hashing ~10,000 keys was a tenth of a cached plan.
   * Length prefixes keep ('ab','c') and ('a','bc') apart; bytes are hashed.
   * The salt is checked once per cache file, so it is not repeated here.
   */
  key(kind: string, ...parts: ReadonlyArray<string | Uint8Array>): string {
    let k = `${sectionOfKind(kind)}/${kind}`;
    for (const p of parts) {
      const text = typeof p === 'string' ? p : createHash('sha256').update(p).digest('hex');
      k += `|${text.length}:${text}`;
    }
    return k;
  }

  get<T>(key: string): T | undefined {
    this.touch(sectionOfKey(key));
    const v = this.entries.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.used.add(key);
    return v as T;
  }

  set(key: string, value: unknown): void {
    const section = sectionOfKey(key);
    this.touch(section);
    if (!this.entries.has(key)) this.changed(section);
    this.entries.set(key, value);
    this.used.add(key);
  }

  /** Called before a section is read or written (the file cache loads it then). */
  protected touch(_section: CacheSection): void {}
  protected changed(_section: CacheSection): void {}
}

interface CacheFile {
  salt: string;
  entries: Record<string, unknown>;
}

/**
 * The memory cache, backed by one JSON file per section in a folder (by
 * default `<repo>/.quiver/cache/`). One file per section rather than one per
 * entry: thousands of definitions load in one read, and a section loads only
 * when first asked for, so `quiver validate` never reads the plans. Saving
 * keeps only the entries this process used, so the files track the
 * revisions last looked at instead of growing forever.
 */
export class FileContentCache extends MemoryContentCache {
  private readonly loaded = new Map<CacheSection, number>();
  private readonly dirty = new Set<CacheSection>();

  private constructor(readonly dir: string) {
    super(cacheSalt());
  }

  /** Opening reads nothing yet. A missing, corrupt or foreign-version file is an empty section, never an error. */
  static open(dir: string): FileContentCache {
    return new FileContentCache(dir);
  }

  fileOf(section: CacheSection): string {
    return join(this.dir, SECTION_FILES[section]);
  }

  protected override touch(section: CacheSection): void {
    if (this.loaded.has(section)) return;
    let data: CacheFile | undefined;
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.fileOf(section), 'utf8'));
      if (isCacheFile(parsed) && parsed.salt === this.salt) data = parsed;
    } catch {
      data = undefined;
    }
    const entries = data ? Object.entries(data.entries) : [];
    for (const [k, v] of entries) this.entries.set(k, v);
    this.loaded.set(section, entries.length);
  }

  protected override changed(section: CacheSection): void {
    this.dirty.add(section);
  }

  /**
   * Writes each section that gained entries or was only partly used,
   * atomically (temporary file, then rename). Best effort: a read-only
   * checkout still validates.
   */
  async save(): Promise<void> {
    for (const [section, count] of this.loaded) {
      const keys = [...this.used].filter((k) => sectionOfKey(k) === section);
      if (!this.dirty.has(section) && keys.length === count) continue;
      const entries: Record<string, unknown> = {};
      for (const k of keys) entries[k] = this.entries.get(k);
      const file = this.fileOf(section);
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        await mkdir(this.dir, { recursive: true });
        await writeFile(tmp, JSON.stringify({ salt: this.salt, entries } satisfies CacheFile));
        await rename(tmp, file);
        this.dirty.delete(section);
        this.loaded.set(section, keys.length);
      } catch {
        // Not writable (read-only checkout, full disk): the next run recomputes.
      }
    }
  }
}

function isCacheFile(v: unknown): v is CacheFile {
  return typeof v === 'object' && v !== null && typeof (v as CacheFile).salt === 'string' && typeof (v as CacheFile).entries === 'object' && (v as CacheFile).entries !== null;
}

/** Where a repository's cache lives: QUIVER_CACHE_DIR, else `<repo>/.quiver/cache` (already ignored by loaders and git). */
export function cacheDirFor(repo: string, env: Record<string, string | undefined> = process.env): string {
  return env['QUIVER_CACHE_DIR'] || join(repo, '.quiver', 'cache');
}

let salt: string | undefined;

/**
 * Versions plus a stamp of the code that makes cached values (config,
 * compile and diag modules, JSON schemas, protos): the newest mtime and the
 * file count. A development build edited without a version bump must not
 * reuse old results; stat-ing ~200 files costs a few milliseconds.
 */
export function cacheSalt(): string {
  if (salt) return salt;
  const here = dirname(fileURLToPath(import.meta.url)); // <src>/cache
  const src = dirname(here);
  const root = packageRoot();
  let newest = 0;
  let count = 0;
  for (const dir of [join(src, 'config'), join(src, 'compile'), join(src, 'diag'), here, join(root, 'controller', 'src', 'config', 'schemas'), join(root, 'proto')]) {
    let names: string[];
    try {
      names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
    } catch {
      continue;
    }
    for (const n of names) {
      try {
        const st = statSync(join(dir, n));
        if (!st.isFile()) continue;
        newest = Math.max(newest, st.mtimeMs);
        count++;
      } catch {
        // Raced with a delete: the stamp just differs next time.
      }
    }
  }
  salt = `quiver ${QUIVER_VERSION} compiler ${COMPILER_VERSION} cache ${CACHE_FORMAT} code ${newest}/${count}`;
  return salt;
}
