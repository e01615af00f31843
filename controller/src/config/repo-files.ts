import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ContentCache } from '../cache/content-cache.js';

/**
 * A read-only view of one revision of a config repository: the working tree,
 * or a git commit (see plan/git-revision.ts). Paths are repo-relative POSIX.
 */
export interface RepoFiles {
  /** A label for messages: a folder path or "<ref> (<sha>)". */
  readonly label: string;
  /** Every file (not folder), sorted. */
  list(): Promise<string[]>;
  read(path: string): Promise<Buffer>;
  /** The commit this view reads, if it is one. */
  readonly commit?: string;
  /** 'sha256:<hex>' of a file's content, when the view can do it more cheaply than read(). */
  fingerprint?(path: string): Promise<string>;
  /** A content address of every file of the revision (paths and contents), when the view has one for free (a commit's tree). */
  readonly treeId?: string;
  /** The git blob id of a file's content, when the view knows it without reading (a commit's tree, a stat cache). */
  blobId?(path: string): string | undefined;
  /** Tells the view a file's blob id after it was read, so it can know it next time without reading. */
  sawBlobId?(path: string, id: string): void;
  /** At most the first `bytes` bytes of a file (a CSV header), when the view can avoid reading it all. */
  readHead?(path: string, bytes: number): Promise<Buffer>;
  /** A file's bytes, synchronously: re-parsing a cached file to report a position (rare, so it may be slow). */
  readSync?(path: string): Buffer;
  /**
   * A cheap stand-in for a file's content (size, mtime, ctime, inode), under
   * which its fingerprint can be remembered between runs; undefined when the
   * file changed too recently for its mtime to be trusted (racy, as git says).
   */
  statKey?(path: string): string | undefined;
}

/**
 * The git blob id of some bytes (sha1 of "blob <size>\0" and the bytes): the
 * content address the working tree and a commit's tree share, so a file
 * cached from one is a hit in the other without reading it.
 */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

/** Files modified within this window of the clock are not stat-cached: a write in the same mtime tick could go unseen. */
const RACY_MS = 2000;

/** Folders never part of the config (VCS data, local outputs, dependencies). */
const IGNORED_DIRS = new Set(['.git', 'node_modules', '.quiver', '.venv', '__pycache__']);

export class WorkingTreeFiles implements RepoFiles {
  readonly label: string;
  private listing?: Promise<string[]>;
  /** With a cache, blob ids of files unchanged since the last run are known from their stat, without reading them. */
  constructor(
    readonly root: string,
    private readonly cache?: ContentCache,
  ) {
    this.label = root;
  }

  blobId(path: string): string | undefined {
    const sk = this.cache ? this.statKey(path) : undefined;
    return sk === undefined ? undefined : this.cache?.get<string>(this.cache.key('blobid:stat', path, sk));
  }

  sawBlobId(path: string, id: string): void {
    const sk = this.cache ? this.statKey(path) : undefined;
    if (sk !== undefined) this.cache?.set(this.cache.key('blobid:stat', path, sk), id);
  }

  list(): Promise<string[]> {
    this.listing ??= this.walk();
    return this.listing;
  }

  /**
   * Synchronous on purpose: a config repository is thousands of small files,
   * and the promise API costs four thread-pool round trips per file (open,
   * stat, read, close), which made reading the slowest part of a cached
   * validate. Nothing else runs while a command loads its config.
   */
  private async walk(): Promise<string[]> {
    const out: string[] = [];
    const visit = (dir: string, prefix: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const rel = prefix + e.name;
        if (e.isDirectory()) {
          if (!IGNORED_DIRS.has(e.name)) visit(join(dir, e.name), `${rel}/`);
        } else if (e.isFile() || (e.isSymbolicLink() && isFileTarget(join(dir, e.name)))) {
          out.push(rel);
        }
      }
    };
    visit(this.root, '');
    return out.sort();
  }

  async read(path: string): Promise<Buffer> {
    return readFileSync(join(this.root, ...path.split('/')));
  }

  readSync(path: string): Buffer {
    return readFileSync(join(this.root, ...path.split('/')));
  }

  async readHead(path: string, bytes: number): Promise<Buffer> {
    const fd = openSync(join(this.root, ...path.split('/')), 'r');
    try {
      const buf = Buffer.alloc(bytes);
      return buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
    } finally {
      closeSync(fd);
    }
  }

  statKey(path: string): string | undefined {
    try {
      const st = statSync(join(this.root, ...path.split('/')), { bigint: true });
      if (Date.now() - Number(st.mtimeMs) < RACY_MS || Date.now() - Number(st.ctimeMs) < RACY_MS) return undefined;
      return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}:${st.dev}`;
    } catch {
      return undefined;
    }
  }

  /** Streams the file through sha256 (data files can be large). */
  async fingerprint(path: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(join(this.root, ...path.split('/')))) hash.update(chunk as Buffer);
    return `sha256:${hash.digest('hex')}`;
  }
}

function isFileTarget(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
