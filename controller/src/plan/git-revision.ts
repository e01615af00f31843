/**
 * A RepoFiles view of one git commit, read with simple-git: `ls-tree` for the
 * listing and one long-lived `cat-file --batch` for contents, so reading a
 * thousand config files costs one process, not a thousand.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { simpleGit } from 'simple-git';
import type { RepoFiles } from '../config/index.js';

export class GitRevisionFiles implements RepoFiles {
  readonly label: string;
  private blobs?: Map<string, string>;
  /** A content address of the whole tree under the config folder (every path, mode and blob id). */
  treeId?: string;
  private batch?: ChildProcessWithoutNullStreams;
  private pending: Array<{ resolve: (b: Buffer) => void; reject: (e: Error) => void }> = [];
  private buffer: Buffer = Buffer.alloc(0);
  private readonly shaCache = new Map<string, Promise<string>>();

  private constructor(
    readonly root: string,
    readonly commit: string,
    readonly ref: string,
  ) {
    this.label = `${ref} (${commit.slice(0, 12)})`;
  }

  /** Resolves `ref` (a branch, tag, HEAD~1, a sha) in the repository at or above `dir`. */
  static async open(dir: string, ref: string): Promise<{ files: GitRevisionFiles; prefix: string }> {
    // One rev-parse for all three answers: each git process costs tens of milliseconds.
    const [top, prefix, commit] = (await simpleGit(dir).revparse(['--show-toplevel', '--show-prefix', '--verify', `${ref}^{commit}`])).split('\n').map((l) => l.trim());
    if (top === undefined || prefix === undefined || !commit) throw new Error(`cannot resolve ${ref} in ${dir}`);
    const files = new GitRevisionFiles(top, commit, ref);
    await files.loadTree(prefix);
    return { files, prefix };
  }

  private prefix = '';

  private async loadTree(prefix: string): Promise<void> {
    this.prefix = prefix;
    const git = simpleGit(this.root);
    const out = await git.raw(['ls-tree', '-r', '-z', '--full-tree', this.commit, ...(prefix ? ['--', prefix] : [])]);
    const blobs = new Map<string, string>();
    this.treeId = createHash('sha256').update(prefix).update('\0').update(out).digest('hex');
    for (const entry of out.split('\0')) {
      if (!entry) continue;
      // "<mode> <type> <sha>\t<path>"
      const tab = entry.indexOf('\t');
      const [, type, sha] = entry.slice(0, tab).split(' ');
      const path = entry.slice(tab + 1);
      if (type !== 'blob' || !sha || !path.startsWith(prefix)) continue;
      blobs.set(path.slice(prefix.length), sha);
    }
    this.blobs = blobs;
  }

  async list(): Promise<string[]> {
    return [...(this.blobs?.keys() ?? [])].sort();
  }

  read(path: string): Promise<Buffer> {
    const sha = this.blobs?.get(path);
    if (!sha) return Promise.reject(Object.assign(new Error(`${path} does not exist at ${this.label}`), { code: 'ENOENT', syscall: 'open' }));
    return this.catFile(sha);
  }

  blobId(path: string): string | undefined {
    return this.blobs?.get(path);
  }

  /** Synchronous, one process per call: only for re-parsing a cached file to report a position. */
  readSync(path: string): Buffer {
    const sha = this.blobs?.get(path);
    if (!sha) throw Object.assign(new Error(`${path} does not exist at ${this.label}`), { code: 'ENOENT', syscall: 'open' });
    return execFileSync('git', ['cat-file', 'blob', sha], { cwd: this.root, maxBuffer: 1 << 30 });
  }

  /** Content-addressed: the same blob is hashed once, whichever revision or path it appears at. */
  fingerprint(path: string): Promise<string> {
    const sha = this.blobs?.get(path);
    if (!sha) return Promise.reject(new Error(`${path} does not exist at ${this.label}`));
    let p = this.shaCache.get(sha);
    if (!p) {
      p = this.catFile(sha).then((b) => `sha256:${createHash('sha256').update(b).digest('hex')}`);
      this.shaCache.set(sha, p);
    }
    return p;
  }

  private catFile(sha: string): Promise<Buffer> {
    if (!this.batch) {
      this.batch = spawn('git', ['cat-file', '--batch'], { cwd: this.root });
      this.batch.stdout.on('data', (d: Buffer) => this.onData(d));
      this.batch.on('error', (e) => this.failAll(e));
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.batch?.stdin.write(`${sha}\n`);
    });
  }

  private onData(d: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
    for (;;) {
      const nl = this.buffer.indexOf(10);
      if (nl < 0) return;
      const header = this.buffer.subarray(0, nl).toString('utf8');
      const waiter = this.pending[0];
      if (/ missing$/.test(header)) {
        this.buffer = this.buffer.subarray(nl + 1);
        this.pending.shift();
        waiter?.reject(new Error(`git object missing: ${header}`));
        continue;
      }
      const size = Number(header.split(' ')[2]);
      if (this.buffer.length < nl + 1 + size + 1) return;
      const body = Buffer.from(this.buffer.subarray(nl + 1, nl + 1 + size));
      this.buffer = this.buffer.subarray(nl + 1 + size + 1);
      this.pending.shift();
      waiter?.resolve(body);
    }
  }

  private failAll(e: Error): void {
    for (const w of this.pending.splice(0)) w.reject(e);
  }

  close(): void {
    this.batch?.stdin.end();
    this.batch = undefined;
  }
}

/** Folders of a config repo that are never config (as WorkingTreeFiles skips them). */
const NOT_CONFIG = new Set(['.git', 'node_modules', '.quiver', '.venv', '__pycache__']);

/**
 * HEAD's commit when the config repository at `dir` (the repository or a
 * folder in it) has no uncommitted change — modified, staged or untracked —
 * outside the folders that are never config; otherwise (or outside git)
 * undefined. A run records it as its config commit only when it is exactly
 * what ran.
 */
export async function cleanHeadCommit(dir: string): Promise<string | undefined> {
  try {
    const git = simpleGit(dir);
    if (!(await git.checkIsRepo())) return undefined;
    const head = (await git.revparse(['--verify', 'HEAD^{commit}'])).trim();
    const prefix = (await git.revparse(['--show-prefix'])).trim();
    const status = await git.raw(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.']);
    const dirty = status
      .split('\0')
      .filter(Boolean)
      .map((entry) => (/^[ MTADRCU?!]{2} /.test(entry) ? entry.slice(3) : entry))
      .map((path) => (path.startsWith(prefix) ? path.slice(prefix.length) : path))
      .some((path) => !path.split('/').some((segment) => NOT_CONFIG.has(segment)));
    return dirty ? undefined : head;
  } catch {
    return undefined; // no commit yet, or git is unavailable: nothing to record
  }
}
