import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCast } from '../types/index.js';
import type { SourceDef } from '../../config/index.js';
import { compileParsePlan, rawCast } from './parse-plan.js';

/** Every string over `alphabet` up to `maxLen` characters. */
function strings(alphabet: string[], maxLen: number): string[] {
  const out = [''];
  let layer = [''];
  for (let l = 1; l <= maxLen; l++) {
    const next: string[] = [];
    for (const p of layer) for (const a of alphabet) next.push(p + a);
    for (const x of next) out.push(x);
    layer = next;
  }
  return out;
}

// Texts a lenient number parser might take: overflow, other notations, other blanks.
const EDGES = [
  '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '2147483647', '2147483648',
  '-2147483648', '-2147483649', ' +00012 ', '1e400', '-1e400', '1e-400', '.e1', '1.e5', '00.5e+3', '  -.5E-2  ', '1_000', '0x10',
  '0b1', '1.5', '\t1', '1\t', '1\n', '\n1', 'inf', '-inf', 'nan', 'Infinity', '1e', '1e+', 'e', 'E5', '+.', '-.e1', '+-1', '+ ',
  '12345678901234567890123', '1d', '1f', '1L', '1.0e10', '١٢', '\u00a01',
];

describe('rawCast (DuckDB number casts of raw fields)', () => {
  let instance: DuckDBInstance;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
  });
  afterAll(() => instance.closeSync());

  // The full-match gate must give exactly renderCast's values (NULL where it gives NULL).
  const cases = [
    { to: 'INT', texts: [...strings([' ', '+', '-', '0', '1', '.', 'e'], 6), ...EDGES] },
    { to: 'LONG', texts: [...strings([' ', '+', '-', '0', '1', '.', 'e'], 6), ...EDGES] },
    { to: 'DOUBLE', texts: [...strings([' ', '+', '-', '1', '.', 'e', 'E'], 6), ...EDGES] },
  ] as const;
  for (const c of cases) {
    it(`STRING -> ${c.to} equals renderCast on ${c.texts.length} texts`, async () => {
      const conn = await instance.connect();
      try {
        const list = c.texts.map((t) => `'${t.replace(/'/g, "''")}'`).join(', ');
        await conn.run(`CREATE OR REPLACE TEMP TABLE t AS SELECT unnest([${list}, NULL]) AS s`);
        const old = renderCast('s', 'STRING', c.to, 'duckdb');
        const neu = rawCast('s', c.to, 'duckdb');
        expect(neu).not.toBe(old);
        const r = await conn.runAndReadAll(`SELECT count(*) AS n, count(${old}) AS parsed, coalesce(list(s) FILTER (WHERE (${old}) IS DISTINCT FROM (${neu})), []) AS diff FROM t`);
        const row = r.getRowObjectsJson()[0] ?? {};
        expect(Number(row['n'])).toBe(c.texts.length + 1);
        expect(Number(row['parsed'])).toBeGreaterThan(100);
        expect(row['diff']).toEqual([]);
      } finally {
        conn.closeSync();
      }
    });
  }

  it('leaves Spark and other types to renderCast', () => {
    expect(rawCast('s', 'LONG', 'spark')).toBe(renderCast('s', 'STRING', 'LONG', 'spark'));
    expect(rawCast('s', 'BOOLEAN', 'duckdb')).toBe(renderCast('s', 'STRING', 'BOOLEAN', 'duckdb'));
    expect(rawCast('s', 'TIMESTAMP', 'duckdb')).toBe(renderCast('s', 'STRING', 'TIMESTAMP', 'duckdb'));
    expect(rawCast('s', 'STRING', 'duckdb')).toBe('s');
  });
});

describe('regex sources on DuckDB: groups extracted in batches', () => {
  // Nine groups, one named, one nested, one optional, parentheses in classes: three batches.
  const pattern = String.raw`^([A-Z][a-z]{2}) +([0-9]{1,2}) (([0-9]{2}):[0-9]{2}):([0-9]{2}) (?P<host>\S+) ([^\[:(]+)(?:\[([0-9]+)\])?: (.*)$`;
  const lines = [
    'Jan  5 10:11:12 web-1 sshd[42]: Failed password for root from 10.0.0.1 port 22 ssh2',
    'Feb 15 23:59:01 db cron: (root) CMD (run-parts)',
    'Mar  1 00:00:00 h sudo[7]: ',
    'not a syslog line',
    '',
    'Apr 30 12:34:56 host-[2] kernel: [1.0] (paren) message: with: colons',
  ];
  const source = (pattern: string, groups: number): SourceDef =>
    ({
      kind: 'source',
      name: 'many_groups',
      description: '',
      format: { kind: 'regex', pattern, groups },
      fields: Array.from({ length: groups }, (_, i) => ({
        name: `f${i + 1}`, displayName: '', description: '', dataType: 'STRING', index: [i + 1], path: [], nullValues: [], position: i,
      })),
    }) as unknown as SourceDef; // the compiler reads only these members of a loaded source

  /** Compiles the source, checks its batch sizes, and compares its rows with one extraction of every group. */
  async function check(pattern: string, groups: number, batches: number[], ok: number): Promise<Array<Record<string, unknown>>> {
    const r = compileParsePlan(source(pattern, groups));
    expect(r.diagnostics).toEqual([]);
    const sql = r.plan?.sql.duckdb ?? '';
    const lists = [...sql.matchAll(/regexp_extract\(_text, '(?:[^']|'')*', \[([^\]]*)\]\)/g)].map((m) => (m[1] ?? '').split(', ').length);
    expect(lists).toEqual(batches);
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      const values = lines.map((l, i) => `(0, ${i + 1}, '${l.replace(/'/g, "''")}')`).join(', ');
      await conn.run(`CREATE TEMP TABLE quiver_lines AS SELECT CAST(f AS INTEGER) AS _fid, CAST(n AS BIGINT) AS _line, t AS line FROM (VALUES ${values}) v(f, n, t)`);
      await conn.run(`CREATE TEMP TABLE quiver_inputs AS SELECT 0 AS _fid, 'p' AS _part, 'f.log' AS _file, 'f.log' AS _path, CAST(NULL AS VARCHAR) AS _label`);
      const names = Array.from({ length: groups }, (_, i) => `'g${i + 1}'`).join(', ');
      const fields = Array.from({ length: groups }, (_, i) => `f${i + 1}`);
      const got = await conn.runAndReadAll(`SELECT _line, _status, ${fields.join(', ')} FROM (${sql}) ORDER BY _line`);
      const want = await conn.runAndReadAll(
        `SELECT _line, CASE WHEN regexp_full_match(line, '${pattern.replace(/'/g, "''")}') THEN 'ok' ELSE 'rejected' END AS _status, ${fields.map((f, i) => `x.g${i + 1} AS ${f}`).join(', ')}
         FROM (SELECT _line, line, regexp_extract(line, '^(?:${pattern.replace(/'/g, "''")})$', [${names}]) AS x FROM quiver_lines) ORDER BY _line`,
      );
      const rows = got.getRowObjectsJson();
      expect(rows.filter((o) => o['_status'] === 'ok')).toHaveLength(ok);
      expect(rows).toEqual(want.getRowObjectsJson());
      return rows;
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  }

  it('yields the values one extraction of every group yields', async () => {
    // Batches of at most four captures: the wrapper and 3 groups, then 4, then 2.
    const rows = await check(pattern, 9, [4, 4, 2], 4);
    expect(rows.find((o) => o['_line'] === '2')?.['f6']).toBe('db');
  });

  it('extracts a pattern with a lazy quantifier in one batch (no one-pass engine to gain)', async () => {
    const lazy = String.raw`^([A-Z][a-z]{2}) +([0-9]{1,2}) ([0-9:]+) (\S+) ([^\[:(]+?)(?:\[([0-9]+)\])?: (.*?)(?: (ssh2))?$`;
    const rows = await check(lazy, 8, [9], 4);
    expect(rows.find((o) => o['_line'] === '1')?.['f8']).toBe('ssh2');
  });
});
