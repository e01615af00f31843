import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { TEMP_PREFIX } from './keys.js';

export type Body = Buffer | string | Readable | AsyncIterable<Uint8Array>;

/** A temp name in the same directory, so the final rename is atomic (same file system). */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `${TEMP_PREFIX}${basename(path)}-${randomBytes(6).toString('hex')}`);
}

/**
 * Writes body to a temp file beside `path`, fsyncs it, renames it over `path`
 * and fsyncs the directory. A failure at any point removes the temp file and
 * leaves whatever was at `path` before untouched.
 */
export async function writeFileAtomic(
  path: string,
  body: Body,
  opts: { mode?: number; expectedSize?: number; exclusive?: boolean } = {},
): Promise<{ size: number }> {
  const tmp = tempPathBeside(path);
  const fh = await openCreatingDir(tmp, opts.mode ?? 0o644);
  let size = 0;
  let closed = false;
  try {
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      await fh.writeFile(buf);
      size = buf.length;
    } else {
      for await (const chunk of body) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        await writeAll(fh, buf);
        size += buf.length;
      }
    }
    if (opts.expectedSize !== undefined && size !== opts.expectedSize) {
      throw new Error(`short write: got ${size} bytes, expected ${opts.expectedSize}`);
    }
    await fh.sync();
    await fh.close();
    closed = true;
    if (opts.exclusive) {
      // link() fails with EEXIST if path exists: an atomic create-only publish.
      await link(tmp, path);
      await unlink(tmp);
    } else {
      await rename(tmp, path);
    }
  } catch (err) {
    if (!closed) await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(path));
  return { size };
}

/**
 * mkdir -p, then create the file. Retries when a concurrent delete pruned the
 * freshly made (still empty) directory between the two steps.
 */
async function openCreatingDir(tmp: string, mode: number): Promise<FileHandle> {
  for (let attempt = 0; ; attempt++) {
    await mkdir(dirname(tmp), { recursive: true });
    try {
      return await open(tmp, 'wx', mode);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 4) throw err;
    }
  }
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    off += bytesWritten;
  }
}

/** Makes a rename durable. Best effort: some platforms cannot fsync a directory. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // ignored on purpose: durability hint only
  }
}

/** sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Opens a local file for streaming. Opening first makes a missing file a
 * rejected promise here, not an unhandled 'error' event on a stream nobody
 * reads yet.
 */
export async function openLocalStream(path: string, highWaterMark = 1024 * 1024): Promise<Readable> {
  const fh = await open(path, 'r');
  return fh.createReadStream({ highWaterMark });
}
