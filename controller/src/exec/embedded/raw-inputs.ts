import { createReadStream, createWriteStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Transform } from 'node:stream';

export interface RawFileInfo {
  /** 'crlf' when the file's lines end in CR LF (sniffed from its start). */
  newline: 'lf' | 'crlf';
  gzip: boolean;
  /** Set when the file had invalid UTF-8 and a repaired copy was written. */
  repairedPath?: string;
  invalidUtf8: boolean;
  bytes: number;
}

const isGzipName = (p: string): boolean => p.endsWith('.gz');

/**
 * One streaming pass over a raw input: sniffs line endings and checks UTF-8.
 * DuckDB's CSV reader stops (or silently drops the line, shifting every line
 * number after it) on invalid UTF-8, so a file with bad bytes is rewritten
 * with U+FFFD in their place — the same replacement Spark's text reader
 * makes — and line numbers stay exact.
 */
export async function inspectRawFile(path: string, repairTo: string): Promise<RawFileInfo> {
  const gzip = isGzipName(path);
  let head = '';
  let valid = true;
  let carry = Buffer.alloc(0);
  let bytes = 0;
  const source = gzip ? createReadStream(path).pipe(createGunzip()) : createReadStream(path, { highWaterMark: 1 << 20 });
  for await (const chunk of source as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (head.length < 65536) head += chunk.subarray(0, 65536).toString('latin1');
    if (!valid) continue;
    // Check up to the last newline so a multi-byte character split across chunks is not flagged.
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const cut = buf.lastIndexOf(10);
    const upto = cut < 0 ? 0 : cut + 1;
    if (upto > 0 && !isUtf8(buf.subarray(0, upto))) valid = false;
    carry = Buffer.from(buf.subarray(upto));
    if (carry.length > 64 << 20) {
      // An enormous line: check it whole so memory stays bounded.
      if (!isUtf8(carry)) valid = false;
      carry = Buffer.alloc(0);
    }
  }
  if (valid && carry.length && !isUtf8(carry)) valid = false;
  const crlf = head.indexOf('\r\n');
  const lf = head.indexOf('\n');
  const info: RawFileInfo = { newline: crlf >= 0 && crlf + 1 === lf ? 'crlf' : 'lf', gzip, invalidUtf8: !valid, bytes };
  if (!valid) {
    await repairUtf8(path, gzip, repairTo);
    info.repairedPath = repairTo;
    info.gzip = false;
  }
  return info;
}

async function repairUtf8(path: string, gzip: boolean, out: string): Promise<void> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const transcode = new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
    },
    flush(done) {
      done(null, Buffer.from(decoder.decode(), 'utf8'));
    },
  });
  const input = gzip ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  await pipeline(input, transcode, createWriteStream(out));
}
