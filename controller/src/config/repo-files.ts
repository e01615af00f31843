import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

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

  private async walk(): Promise<string[]> {
    const out: string[] = [];
    const visit = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true });
      await Promise.all(
        entries.map(async (e) => {
          if (e.isDirectory()) {
            if (!IGNORED_DIRS.has(e.name)) await visit(join(dir, e.name));
          } else if (e.isFile() || (e.isSymbolicLink() && (await stat(join(dir, e.name)).catch(() => undefined))?.isFile())) {
            out.push(relative(this.root, join(dir, e.name)).split(sep).join('/'));
          }
        }),
      );
    };
    await visit(this.root);
    return out.sort();
  }

  read(path: string): Promise<Buffer> {
    return readFile(join(this.root, ...path.split('/')));
  }

  /** Streams the file through sha256 (data files can be large). */
  async fingerprint(path: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(join(this.root, ...path.split('/')))) hash.update(chunk as Buffer);
    return `sha256:${hash.digest('hex')}`;
  }
}
