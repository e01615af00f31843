import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openSession } from './duckdb-session.js';
import { inspectRawFile, Utf8Checker } from './raw-inputs.js';
import type { FeaturePlan, ParsePlan } from '../../compile/index.js';
import { readParquetRows } from './read-rows.js';
import { runParseFeatures } from './run-fused.js';
import { loadLines } from './load-lines.js';
import { runParse, type ParseInputFile } from './run-parse.js';

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
    await loadLines(conn, [{ localPath: path, info }]);
    const reader = await conn.runAndReadAll(`SELECT line FROM quiver_lines ORDER BY _line`);
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
    ['CR LF then LF', 'a\r\nb\nc\r\nd\n', { newline: 'crlf', mixed: false }],
    ['LF then CR LF', 'a\nb\r\nc\r\n', { newline: 'crlf', mixed: false }],
    ['CR LF with a lone CR', 'x\r\ny\rz\r\nw\r\n', { newline: 'lf', mixed: true }],
    ['lone CR only', 'a\rb\rc\r', { newline: 'lf', mixed: false }],
    ['a CR LF across the read-chunk boundary', `a\r\n${big}\r\nb\nc\r\n`, { newline: 'crlf', mixed: false }],
    ['empty lines between CR LF and LF', '\r\n\n\r\na\r\n\nb\n\r\n', { newline: 'crlf', mixed: false }],
    ['LF and lone CR', 'a\nb\rc\n\r\rd', { newline: 'lf', mixed: false }],
    ['a lone CR at the end', 'a\r\nb\r', { newline: 'lf', mixed: true }],
    ['a lone CR as the last byte of a read chunk', `a\r\n${'y'.repeat((1 << 20) - 4)}\rb\r\nc\n`, { newline: 'lf', mixed: true }],
  ])('%s', async (_what, text, expected) => {
    for (const gz of [false, true]) {
      const got = await linesThroughEngine(Buffer.from(text, 'utf8'), gz);
      expect(got.lines, gz ? 'gzipped' : 'plain').toEqual(hadoopLines(text));
      expect({ newline: got.newline, mixed: got.mixed }).toEqual(expected);
      expect(got.rewritten).toBe(expected.mixed);
    }
  });

  it('reads a large file of CR LF and LF lines without a copy, across the reader\'s parallel chunks', async () => {
    // ~12 MB: DuckDB scans a file in chunks on several threads, each finding its first line start.
    const parts: string[] = [];
    let seed = 7;
    for (let i = 0; i < 200_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const text = i % 997 === 0 ? '' : `line ${i} ${'x'.repeat(seed % 100)}`;
      parts.push(text, seed % 3 === 0 ? '\r\n' : '\n');
    }
    const text = parts.join('');
    const got = await linesThroughEngine(Buffer.from(text, 'utf8'), false);
    expect(got.rewritten).toBe(false);
    expect(got.newline).toBe('crlf');
    const want = hadoopLines(text);
    expect(got.lines.length).toBe(want.length);
    expect(got.lines).toEqual(want);
  });

  it('repairs invalid UTF-8 and mixed endings in one copy', async () => {
    const bytes = Buffer.concat([Buffer.from('ok\r\nbad '), Buffer.from([0xff, 0xfe]), Buffer.from(' byte\nlast\r\n')]);
    const got = await linesThroughEngine(bytes, false);
    expect(got.lines).toEqual(['ok', 'bad \uFFFD\uFFFD byte', 'last']);
    expect(got.rewritten).toBe(true);
  });

  it('repairs invalid UTF-8 in a CR LF file, keeping its lines', async () => {
    const bytes = Buffer.concat([Buffer.from('ok\r\nbad '), Buffer.from([0xc3]), Buffer.from('\r\n\r\nlast\r\n')]);
    const got = await linesThroughEngine(bytes, false);
    expect(got.lines).toEqual(['ok', 'bad \uFFFD', '', 'last']);
    expect(got.rewritten).toBe(true);
  });
});

describe('inspectRawFile: UTF-8 checked chunk by chunk, a character split between chunks checked whole', () => {
  const MiB = 1 << 20; // the read chunk of a plain file
  /** `bytes` placed so that the first `k` of them end the first chunk. */
  const across = (bytes: number[], k: number, end = '\nz\n'): Buffer => Buffer.concat([Buffer.alloc(MiB - k, 'a'), Buffer.from(bytes), Buffer.from(end)]);
  const inspect = async (content: Buffer): Promise<boolean> => {
    const path = join(dir, `u${n++}.log`);
    writeFileSync(path, content);
    return (await inspectRawFile(path, join(dir, `u-repaired-${n}.txt`))).invalidUtf8;
  };
  const chars: Array<[string, number[]]> = [
    ['2-byte é', [0xc3, 0xa9]],
    ['3-byte €', [0xe2, 0x82, 0xac]],
    ['4-byte 😀', [0xf0, 0x9f, 0x98, 0x80]],
  ];
  it.each(chars)('accepts a %s split after each of its bytes', async (_what, bytes) => {
    for (let k = 0; k <= bytes.length; k++) expect(await inspect(across(bytes, k)), `first ${k} bytes in chunk 1`).toBe(false);
  });
  it.each<[string, number[], number]>([
    ['a lead byte, then ASCII in the next chunk', [0xe2, 0x41], 1],
    ['a lead byte, then one of two continuation bytes', [0xe2, 0x82, 0x41], 1],
    ['a continuation byte opening a chunk', [0x80], 0],
    ['five continuation bytes after a lead byte', [0xe2, 0x82, 0x82, 0x82, 0x82], 1],
    ['an overlong encoding', [0xc0, 0x80], 1],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], 2],
  ])('rejects %s across the boundary', async (_what, bytes, k) => {
    expect(await inspect(across(bytes, k))).toBe(true);
  });
  it('waits for a character whose bytes come in more than two chunks (small gunzip chunks)', () => {
    const check = (chunks: number[][]): boolean => {
      const u = new Utf8Checker();
      for (const c of chunks) u.add(Buffer.from(c));
      u.finish();
      return u.valid;
    };
    expect(check([[0x61, 0xf0], [0x9f], [0x98], [0x80, 0x61]])).toBe(true);
    expect(check([[0xe2], [0x82], [0xac]])).toBe(true);
    expect(check([[0xf0], [0x9f], [0x61]])).toBe(false);
    expect(check([[0xf0], [0x9f], [0x98]])).toBe(false);
    expect(check([[0xc3], [0xa9, 0x80]])).toBe(false);
  });
  it('rejects a character cut off by the end of the file, in one chunk or across two', async () => {
    expect(await inspect(Buffer.from([0x61, 0xe2, 0x82]))).toBe(true);
    expect(await inspect(across([0xf0, 0x9f, 0x98], 2, ''))).toBe(true);
    expect(await inspect(across([0xf0, 0x9f, 0x98, 0x80], 2, ''))).toBe(false);
  });
});

// runParse reads the lines on a guess while it inspects the files, and again when the guess was wrong.
/** A hand-written parse plan over the raw lines: one STRING field, `line`. */
function linesPlan(duckdb: string): ParsePlan {
  return { kind: 'parse', source: 'lines', compilerVersion: 'test', labelTables: [], fields: [{ name: 'line', type: 'STRING' }], sql: { duckdb, spark: 'unused' } };
}

describe('runParse: the lines of every kind of raw file', () => {
  const plan = linesPlan(
    `SELECT i._path AS _path, l._line AS _line, l.line AS line, 'ok' AS _status, CAST(NULL AS VARCHAR) AS _reason, CAST(NULL AS VARCHAR) AS _raw FROM quiver_lines l JOIN quiver_inputs i ON l._fid = i._fid`,
  );
  const files: Array<[string, Buffer]> = [
    ['lf.log', Buffer.from('a\nb\n\nc\n')],
    ['crlf.log', Buffer.from('a\r\nb\r\n\r\nc\r\n')],
    ['crlf-then-lf.log', Buffer.from('a\r\nb\nc\r\n')],
    ['lf-then-crlf.log', Buffer.from('a\nb\r\nc\n')],
    ['crlf-and-lone-cr-then.log', Buffer.from('a\r\nb\rc\r\nd\n')],
    ['bad-utf8.log', Buffer.concat([Buffer.from('ok\nbad '), Buffer.from([0xff]), Buffer.from(' byte\nlast\n')])],
    ['empty.log', Buffer.alloc(0)],
    ['crlf.log.gz', gzipSync(Buffer.from('g\r\nh\r\n'))],
  ];
  // Without the CR LF + lone CR file every file is read on a guess first (and the bad UTF-8 one again).
  it.each([
    ['all files', files, 1],
    ['no CR LF with lone CR', files.filter(([name]) => !name.includes('lone-cr')), 1],
  ] as const)('gives each file the lines Spark reads: %s', async (what, group, repaired) => {
    const inputs = group.map(([name, bytes]) => {
      const localPath = join(dir, `run-parse-${name}`);
      writeFileSync(localPath, bytes);
      return { part: 'p', file: name, path: name, localPath };
    });
    const out = join(dir, `run-parse-out-${what.replace(/ /g, '-')}`);
    const stats = await runParse(plan, inputs, {}, out, { workDir: join(dir, `run-parse-work-${what.replace(/ /g, '-')}`) });
    const rows = await readParquetRows([join(out, 'data', 'part-00000.parquet')], join(dir, `run-parse-read-${what.replace(/ /g, '-')}`), { orderBy: '_path, _line' });
    const got = new Map<string, string[]>();
    const numbers = new Map<string, number[]>();
    for (const r of rows) {
      const path = String(r['_path']);
      got.set(path, [...(got.get(path) ?? []), String(r['line'])]);
      numbers.set(path, [...(numbers.get(path) ?? []), Number(r['_line'])]);
    }
    for (const [name, bytes] of group) {
      const text = (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      const want = hadoopLines(text);
      expect(got.get(name) ?? [], name).toEqual(want);
      // Numbered from 1 in every file, whatever came before it.
      expect(numbers.get(name) ?? [], name).toEqual(want.map((_, i) => i + 1));
    }
    expect(stats.repairedFiles).toBe(repaired);
  });
});


describe('a raw input that cannot be read', () => {
  const plan = linesPlan(`SELECT l._line AS _line, l.line AS line, 'ok' AS _status, CAST(NULL AS VARCHAR) AS _reason, CAST(NULL AS VARCHAR) AS _raw FROM quiver_lines l`);
  const features: FeaturePlan = {
    kind: 'features',
    featureSet: 'lengths',
    source: 'lines',
    compilerVersion: 'test',
    grain: 'event',
    features: [{ name: 'n', type: 'LONG' }],
    sql: { duckdb: `SELECT CAST(_line AS VARCHAR) AS _row_key, length(line) AS n FROM quiver_parsed`, spark: 'unused' },
  };
  const present = join(dir, 'readable.log');
  const inputs = (): ParseInputFile[] => {
    writeFileSync(present, 'a\nb\n');
    return [
      { part: 'p', file: 'readable.log', path: 'readable.log', localPath: present },
      { part: 'p', file: 'gone.log', path: 'gone.log', localPath: join(dir, 'gone.log') },
    ];
  };

  it('fails runParse with the file named, writing no output and leaving no repaired copy', async () => {
    const work = join(dir, 'gone-staged-work');
    const out = join(dir, 'gone-staged-out');
    await expect(runParse(plan, inputs(), {}, out, { workDir: work })).rejects.toThrow(/gone\.log/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(work, 'repaired'))).toBe(false);
  });

  it('fails runParseFeatures the same way, writing no feature output', async () => {
    const work = join(dir, 'gone-fused-work');
    const out = join(dir, 'gone-fused-out');
    await expect(runParseFeatures(plan, [{ plan: features, outDir: out }], inputs(), {}, { workDir: work })).rejects.toThrow(/gone\.log/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(work, 'repaired'))).toBe(false);
  });

  it('runs both ways to the same lines when every file is there', async () => {
    const [readable] = inputs();
    const staged = await runParse(plan, [readable as ParseInputFile], {}, join(dir, 'both-staged'), { workDir: join(dir, 'both-staged-work') });
    const fused = await runParseFeatures(plan, [{ plan: features, outDir: join(dir, 'both-fused') }], [readable as ParseInputFile], {}, { workDir: join(dir, 'both-fused-work') });
    expect(fused.parse.written).toBe(staged.written);
    expect(fused.features[0]?.written).toBe(2);
    const rows = await readParquetRows([join(dir, 'both-fused', 'data', 'part-00000.parquet')], join(dir, 'both-read'), { orderBy: '_row_key' });
    expect(rows.map((r) => [r['_row_key'], Number(r['n'])])).toEqual([
      ['1', 1],
      ['2', 1],
    ]);
  });
});
