import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
}

/** Folders never part of the config (VCS data, local outputs, dependencies). */
const IGNORED_DIRS = new Set(['.git', 'node_modules', '.quiver', '.venv', '__pycache__']);

export class WorkingTreeFiles implements RepoFiles {
  readonly label: string;
  private listing?: Promise<string[]>;
  constructor(readonly root: string) {
    this.label = root;
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
