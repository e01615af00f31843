import { closeSync, createReadStream, createWriteStream, fstatSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Transform } from 'node:stream';

export interface RawFileInfo {
  /**
   * How DuckDB reads the file's lines as Spark does. 'crlf': some line ends in CR LF and none in a
   * lone CR (DuckDB's '\r\n' reader ends lines at CR LF and at a bare LF alike). 'lf': no line
   * ends in CR LF (its '\n' reader ends lines at LF and at a lone CR).
   */
  newline: 'lf' | 'crlf';
  gzip: boolean;
  /** Set when a rewritten copy was read instead: invalid UTF-8 repaired, or mixed line endings made LF. */
  repairedPath?: string;
  invalidUtf8: boolean;
  /** The file mixed CR LF with lone CR line endings, which neither reader splits as Spark does (its copy has LF only). */
  mixedNewlines: boolean;
  bytes: number;
}

/**
 * Finds the line endings that decide how DuckDB must read a file to end its lines where Hadoop's
 * line reader (Spark) does: at LF, CR LF or a lone CR. DuckDB's reader takes one convention per
 * file: with '\n' it ends a line at CR and again at LF (an extra empty line for every CR LF),
 * with '\r\n' it loses the text after a lone CR. Bare LFs are read right either way.
 */
class LineEndings {
  private crlf = false;
  private loneCr = false;
  private pendingCr = false;

  add(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.pendingCr) {
      if (chunk[0] === 10) this.crlf = true;
      else this.loneCr = true;
      this.pendingCr = false;
    }
    // The common case, a chunk without CR: one native search.
    for (let i = chunk.indexOf(13); i >= 0; i = chunk.indexOf(13, i + 1)) {
      if (i + 1 === chunk.length) this.pendingCr = true;
      else if (chunk[i + 1] === 10) this.crlf = true;
      else this.loneCr = true;
    }
  }

  finish(): void {
    if (this.pendingCr) this.loneCr = true;
    this.pendingCr = false;
  }

  /** Some line ends in CR LF and none in a lone CR: DuckDB's '\r\n' reader splits it as Spark does. */
  get crlfReadable(): boolean {
    return this.crlf && !this.loneCr;
  }

  /** CR LF together with lone CR: no DuckDB convention reads it; it is rewritten with LF. */
  get mixed(): boolean {
    return this.crlf && this.loneCr;
  }
}

/**
 * Checks UTF-8 chunk by chunk without copying chunks: only a character split between chunks (at
 * most 3 bytes held back, and the continuation bytes that finish it, which may come in more than
 * one chunk) is checked apart.
 */
export class Utf8Checker {
  valid = true;
  private carry: Buffer = Buffer.alloc(0);

  add(chunk: Buffer): void {
    if (!this.valid || chunk.length === 0) return;
    let start = 0;
    if (this.carry.length) {
      // The continuation bytes (10xxxxxx) the held-back character still needs, then the rest.
      const need = utf8Size(this.carry[0] as number) - this.carry.length;
      while (start < need && start < chunk.length && ((chunk[start] as number) & 0xc0) === 0x80) start++;
      const head = Buffer.concat([this.carry, chunk.subarray(0, start)]);
      if (start < need && start === chunk.length) {
        this.carry = head; // a chunk shorter than the rest of the character: wait for the next
        return;
      }
      if (!isUtf8(head)) return this.fail();
      this.carry = Buffer.alloc(0);
    }
    const tail = incompleteTail(chunk, start);
    if (!isUtf8(chunk.subarray(start, chunk.length - tail))) return this.fail();
    if (tail) this.carry = Buffer.from(chunk.subarray(chunk.length - tail));
  }

  finish(): void {
    if (this.valid && this.carry.length) this.fail();
  }

  private fail(): void {
    this.valid = false;
    this.carry = Buffer.alloc(0);
  }
}

/** How many bytes at the end of `b` (after `from`) begin a UTF-8 character that `b` does not finish. */
function incompleteTail(b: Buffer, from: number): number {
  for (let k = 1; k <= 3 && b.length - k >= from; k++) {
    const c = b[b.length - k] as number;
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: its lead byte is further back
    return utf8Size(c) > k ? k : 0;
  }
  return 0; // complete, or invalid in a way isUtf8 reports
}

/** The length of the UTF-8 character a lead byte starts (1 for ASCII and for bytes isUtf8 rejects). */
function utf8Size(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}

const isGzipName = (p: string): boolean => p.endsWith('.gz');

/**
 * What inspectRawFile most likely finds, from the line endings in 16 windows spread over the
 * file (valid UTF-8 assumed, as nearly every log is): the guess to read by while it runs.
 * Undefined when a window already shows CR LF and lone CR endings: the file will be rewritten,
 * and reading it on a guess would only take CPU from that.
 */
export function assumedRawFile(path: string): RawFileInfo | undefined {
  const gzip = isGzipName(path);
  const guess = (newline: RawFileInfo['newline']): RawFileInfo => ({ newline, gzip, invalidUtf8: false, mixedNewlines: false, bytes: 0 });
  if (gzip) return guess('lf');
  let crlf = 0;
  let loneCr = 0;
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const win = Buffer.alloc(65536);
      const windows = 16;
      for (let k = 0; k < windows; k++) {
        const at = Math.floor(((size - win.length) * k) / (windows - 1));
        const n = readSync(fd, win, 0, win.length, Math.max(0, at));
        // A CR as a window's last byte is left for the inspection to classify.
        for (let i = win.indexOf(13); i >= 0 && i + 1 < n; i = win.indexOf(13, i + 1)) {
          if (win[i + 1] === 10) crlf++;
          else loneCr++;
        }
        if (crlf > 0 && loneCr > 0) return undefined;
        if (size <= win.length) break;
      }
    } finally {
      closeSync(fd);
    }
  } catch {
    // unreadable: the inspection reports it
  }
  return guess(crlf > 0 ? 'crlf' : 'lf');
}

/** Whether lines read by `assumed` are the lines of a file inspectRawFile described as `actual`. */
export function sameReading(assumed: RawFileInfo, actual: RawFileInfo): boolean {
  return actual.repairedPath === undefined && actual.newline === assumed.newline && actual.gzip === assumed.gzip;
}

/**
 * One streaming pass over a raw input: classifies its line endings and checks UTF-8.
 * DuckDB's CSV reader stops (or silently drops the line, shifting every line
 * number after it) on invalid UTF-8, so a file with bad bytes is rewritten
 * with U+FFFD in their place — the same replacement Spark's text reader
 * makes — and line numbers stay exact. A file that mixes CR LF with LF or lone
 * CR is rewritten with LF endings, so that its lines (and their numbers) are
 * the ones Spark's reader sees.
 */
export async function inspectRawFile(path: string, repairTo: string): Promise<RawFileInfo> {
  const gzip = isGzipName(path);
  const newlines = new LineEndings();
  const utf8 = new Utf8Checker();
  let bytes = 0;
  const source = gzip ? createReadStream(path).pipe(createGunzip()) : createReadStream(path, { highWaterMark: 1 << 20 });
  for await (const chunk of source as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    newlines.add(chunk);
    utf8.add(chunk);
  }
  newlines.finish();
  utf8.finish();
  const valid = utf8.valid;
  const mixed = newlines.mixed;
  const info: RawFileInfo = { newline: newlines.crlfReadable ? 'crlf' : 'lf', gzip, invalidUtf8: !valid, mixedNewlines: mixed, bytes };
  if (!valid || mixed) {
    // The copy is read with '\n': its CR LFs become LF too.
    await rewrite(path, gzip, repairTo, { repairUtf8: !valid, toLf: mixed || info.newline === 'crlf' });
    info.repairedPath = repairTo;
    info.gzip = false;
    info.newline = 'lf';
  }
  return info;
}

async function rewrite(path: string, gzip: boolean, out: string, how: { repairUtf8: boolean; toLf: boolean }): Promise<void> {
  const steps: Transform[] = [];
  if (how.repairUtf8) {
    const decoder = new TextDecoder('utf-8', { fatal: false });
    steps.push(
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
        },
        flush(done) {
          done(null, Buffer.from(decoder.decode(), 'utf8'));
        },
      }),
    );
  }
  if (how.toLf) {
    // CR LF and lone CR become LF; a CR at the end of a chunk waits for the next byte.
    // On bytes (CR and LF are never inside a UTF-8 sequence): copies between CRs, no string round trip.
    let pendingCr = false;
    steps.push(
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          let buf = pendingCr ? Buffer.concat([Buffer.from([13]), chunk]) : chunk;
          pendingCr = buf.length > 0 && buf[buf.length - 1] === 13;
          if (pendingCr) buf = buf.subarray(0, buf.length - 1);
          const out = Buffer.allocUnsafe(buf.length);
          let o = 0;
          let from = 0;
          for (let i = buf.indexOf(13); i >= 0; i = buf.indexOf(13, from)) {
            o += buf.copy(out, o, from, i);
            out[o++] = 10;
            from = buf[i + 1] === 10 ? i + 2 : i + 1;
          }
          o += buf.copy(out, o, from);
          done(null, out.subarray(0, o));
        },
        flush(done) {
          done(null, pendingCr ? Buffer.from('\n') : null);
        },
      }),
    );
  }
  const input = gzip ? createReadStream(path).pipe(createGunzip()) : createReadStream(path, { highWaterMark: 1 << 20 });
  await pipeline([input, ...steps, createWriteStream(out, { highWaterMark: 1 << 20 })]);
}
