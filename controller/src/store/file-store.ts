import { open, readdir, readFile, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { ObjectNotFoundError, PreconditionFailedError, wrapError } from './errors.js';
import { checkKey, checkPrefix, compareKeys, joinKey, TEMP_PREFIX } from './keys.js';
import { openLocalStream, sha256File, writeFileAtomic } from './local-file.js';
import { isFolderComplete, publishFolder, readFolderManifest } from './publish.js';
import type { ObjectInfo, ObjectStore, PublishFile, PublishOptions, PutOptions } from './types.js';

/**
 * file:// backend: the embedded default. Every object is written to a temp
 * file in its own directory and renamed into place, so a reader sees the old
 * object or the new one, never half of one. Empty directories are pruned on
 * delete, so folders behave like S3 prefixes (they exist only while they hold
 * objects). Symbolic links inside the root are not followed by list().
 */
export class FileStore implements ObjectStore {
  readonly uri: string;

  constructor(readonly root: string) {
    if (!isAbsolute(root)) throw new Error(`FileStore root must be absolute: ${root}`);
    this.uri = pathToFileURL(root).href.replace(/\/+$/, '');
  }

  private pathOf(key: string): string {
    return join(this.root, ...checkKey(this.uri, key).split('/'));
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    const path = this.pathOf(key);
    try {
      const st = await stat(path, { bigint: true });
      if (!st.isFile()) return undefined;
      return { key, size: Number(st.size), etag: `${st.size.toString(16)}-${st.mtimeNs.toString(16)}`, lastModified: new Date(Number(st.mtimeMs)) };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw wrapError(err, 'stat', this.uri, key);
    }
  }

  async getBytes(key: string): Promise<Buffer | undefined> {
    const path = this.pathOf(key);
    try {
      return await readFile(path);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw wrapError(err, 'read', this.uri, key);
    }
  }

  async getStream(key: string): Promise<Readable | undefined> {
    const path = this.pathOf(key);
    try {
      // Open first so a missing object is undefined here, not a stream error later.
      const fh = await open(path, 'r');
      if (!(await fh.stat()).isFile()) {
        await fh.close();
        return undefined;
      }
      return fh.createReadStream();
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw wrapError(err, 'read', this.uri, key);
    }
  }

  async put(key: string, body: Buffer | string | Readable, opts: PutOptions = {}): Promise<ObjectInfo> {
    const path = this.pathOf(key);
    try {
      await writeFileAtomic(path, body, { exclusive: opts.ifNoneMatch === '*' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && opts.ifNoneMatch === '*') throw new PreconditionFailedError(this.uri, key, err);
      throw wrapError(err, 'write', this.uri, key);
    }
    return this.statWritten(key);
  }

  async putFile(localPath: string, key: string): Promise<ObjectInfo> {
    const path = this.pathOf(key);
    try {
      await writeFileAtomic(path, await openLocalStream(localPath));
    } catch (err) {
      throw wrapError(err, `upload ${localPath} to`, this.uri, key);
    }
    return this.statWritten(key);
  }

  async downloadFile(key: string, localPath: string): Promise<ObjectInfo> {
    const path = this.pathOf(key);
    let fh;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if (isMissing(err)) throw new ObjectNotFoundError(this.uri, key, err);
      throw wrapError(err, 'read', this.uri, key);
    }
    try {
      const st = await fh.stat({ bigint: true });
      if (!st.isFile()) throw new ObjectNotFoundError(this.uri, key);
      const info: ObjectInfo = { key, size: Number(st.size), etag: `${st.size.toString(16)}-${st.mtimeNs.toString(16)}`, lastModified: new Date(Number(st.mtimeMs)) };
      // The size is checked, so an object truncated while we copy fails instead of installing half.
      await writeFileAtomic(localPath, fh.createReadStream({ autoClose: false, start: 0 }), { expectedSize: info.size });
      return info;
    } catch (err) {
      throw wrapError(err, `download to ${localPath} from`, this.uri, key);
    } finally {
      await fh.close();
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const folder = checkPrefix(this.uri, prefix);
    const dir = folder === '' ? this.root : join(this.root, ...folder.split('/'));
    yield* this.walk(dir, folder);
  }

  /**
   * Depth-first in S3 order: a directory sorts as its name plus '/', so
   * 'a-b' (0x2d) comes before everything under 'a/' (0x2f), as on S3.
   */
  private async *walk(dir: string, keyPrefix: string): AsyncIterable<ObjectInfo> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw wrapError(err, 'list', this.uri, keyPrefix);
    }
    const items = entries
      .filter((e) => !e.name.startsWith(TEMP_PREFIX) && (e.isFile() || e.isDirectory()))
      .map((e) => ({ name: e.name, dir: e.isDirectory(), sortKey: e.isDirectory() ? `${e.name}/` : e.name }))
      .sort((a, b) => compareKeys(a.sortKey, b.sortKey));
    for (const item of items) {
      const key = joinKey(keyPrefix, item.name);
      if (item.dir) {
        yield* this.walk(join(dir, item.name), key);
      } else {
        const info = await this.stat(key).catch((err: unknown) => {
          if (err instanceof Error && 'code' in err && err.code === 'InvalidKey') return undefined; // a stray file we could never address
          throw err;
        });
        if (info) yield info; // else deleted since readdir
      }
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (err) {
      if (isMissing(err)) return;
      throw wrapError(err, 'delete', this.uri, key);
    }
    await this.pruneEmptyParents(path);
  }

  async deletePrefix(prefix: string): Promise<void> {
    const folder = checkPrefix(this.uri, prefix);
    try {
      if (folder === '') {
        for (const name of await readdir(this.root).catch((err: unknown) => (isMissing(err) ? [] : Promise.reject(err)))) {
          await rm(join(this.root, name), { recursive: true, force: true });
        }
        return;
      }
      const dir = join(this.root, ...folder.split('/'));
      const st = await stat(dir).catch((err: unknown) => (isMissing(err) ? undefined : Promise.reject(err)));
      if (!st?.isDirectory()) return; // folder semantics: a file named like the prefix is not under it
      await rm(dir, { recursive: true, force: true });
      await this.pruneEmptyParents(dir);
    } catch (err) {
      throw wrapError(err, 'delete prefix', this.uri, folder);
    }
  }

  async fingerprint(key: string): Promise<string | undefined> {
    const path = this.pathOf(key);
    try {
      if (!(await stat(path)).isFile()) return undefined;
      return `sha256:${await sha256File(path)}`;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw wrapError(err, 'fingerprint', this.uri, key);
    }
  }

  publish(prefix: string, files: PublishFile[], manifest: object, opts?: PublishOptions): Promise<void> {
    return publishFolder(this, prefix, files, manifest, opts);
  }

  isComplete(prefix: string): Promise<boolean> {
    return isFolderComplete(this, prefix);
  }

  readManifest(prefix: string): Promise<unknown | undefined> {
    return readFolderManifest(this, prefix);
  }

  private async statWritten(key: string): Promise<ObjectInfo> {
    const info = await this.stat(key);
    if (!info) throw new ObjectNotFoundError(this.uri, key); // removed by someone else right after our write
    return info;
  }

  /** Removes now-empty directories between `path` and the root (never the root). */
  private async pruneEmptyParents(path: string): Promise<void> {
    for (let dir = dirname(path); isInside(this.root, dir); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or gone): stop
      }
    }
  }
}

function isInside(root: string, dir: string): boolean {
  const rel = relative(root, dir);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
