import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCast } from '../types/index.js';
import { rawCast } from './parse-plan.js';

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
