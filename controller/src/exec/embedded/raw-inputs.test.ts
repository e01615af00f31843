import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openSession } from './duckdb-session.js';
import { inspectRawFile } from './raw-inputs.js';
import { linesSql } from './run-parse.js';

const dir = mkdtempSync(join(tmpdir(), 'quiver-raw-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Hadoop's LineReader (Spark's text source): a line ends at LF, CR LF or a lone CR; no empty last line. */
function hadoopLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

let n = 0;
async function linesThroughEngine(content: Buffer, gz: boolean): Promise<{ lines: string[]; newline: string; mixed: boolean; rewritten: boolean }> {
  const path = join(dir, `f${n++}.log${gz ? '.gz' : ''}`);
  writeFileSync(path, gz ? gzipSync(content) : content);
  const info = await inspectRawFile(path, join(dir, `repaired-${n}.txt`));
  const { conn, close } = await openSession({ allowedDirectories: [dir], tempDirectory: join(dir, 'spill') });
  try {
    const reader = await conn.runAndReadAll(`SELECT line FROM (${linesSql(0, path, info)}) ORDER BY _line`);
    return { lines: reader.getRowObjectsJson().map((r) => String(r['line'])), newline: info.newline, mixed: info.mixedNewlines, rewritten: info.repairedPath !== undefined };
  } finally {
    close();
  }
}

describe('raw input lines: the embedded engine splits lines as Spark does', () => {
  const big = 'y'.repeat((1 << 20) - 2); // puts a CR LF across the 1 MiB read-chunk boundary
  it.each<[string, string, { newline: string; mixed: boolean }]>([
    ['LF only', 'a\nb\n\nc\n', { newline: 'lf', mixed: false }],
    ['CR LF only', 'a\r\nb\r\n\r\nc\r\n', { newline: 'crlf', mixed: false }],
    ['no final newline', 'a\r\nb', { newline: 'crlf', mixed: false }],
    ['CR LF then LF', 'a\r\nb\nc\r\nd\n', { newline: 'lf', mixed: true }],
    ['LF then CR LF', 'a\nb\r\nc\r\n', { newline: 'lf', mixed: true }],
    ['CR LF with a lone CR', 'x\r\ny\rz\r\nw\r\n', { newline: 'lf', mixed: true }],
    ['lone CR only', 'a\rb\rc\r', { newline: 'lf', mixed: false }],
    ['a CR LF across the read-chunk boundary', `a\r\n${big}\r\nb\nc\r\n`, { newline: 'lf', mixed: true }],
    ['a lone CR at the end', 'a\r\nb\r', { newline: 'lf', mixed: true }],
  ])('%s', async (_what, text, expected) => {
    for (const gz of [false, true]) {
      const got = await linesThroughEngine(Buffer.from(text, 'utf8'), gz);
      expect(got.lines, gz ? 'gzipped' : 'plain').toEqual(hadoopLines(text));
      expect({ newline: got.newline, mixed: got.mixed }).toEqual(expected);
      expect(got.rewritten).toBe(expected.mixed);
    }
  });

  it('repairs invalid UTF-8 and mixed endings in one copy', async () => {
    const bytes = Buffer.concat([Buffer.from('ok\r\nbad '), Buffer.from([0xff, 0xfe]), Buffer.from(' byte\nlast\r\n')]);
    const got = await linesThroughEngine(bytes, false);
    expect(got.lines).toEqual(['ok', 'bad \uFFFD\uFFFD byte', 'last']);
    expect(got.rewritten).toBe(true);
  });
});
