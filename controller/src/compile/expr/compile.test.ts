import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { DataType } from '../../config/data-type.js';
import { syntheticExpr, type ExprSource } from '../../config/text-origin.js';
import { columnEntry, compileExpression, makeScope, type CompileOptions } from './index.js';

const scope = makeScope([
  columnEntry('message', 'STRING'),
  columnEntry('src_ip', 'STRING'),
  columnEntry('ts', 'TIMESTAMP'),
  columnEntry('port', 'INT'),
  columnEntry('bytes', 'LONG'),
  columnEntry('score', 'DOUBLE'),
  columnEntry('$1', 'STRING', 'raw_1'),
]);

const compile = (text: string, opts: Partial<CompileOptions> = {}) =>
  compileExpression(syntheticExpr(text, 'sources/x.pbtxt'), scope, { mode: 'scalar', what: "field 'f' definition", ...opts });

/** A definition as it sits in a pbtxt file: on line 7 from column 20, with one two-character escape (\\) after decoded offset 10. */
function inFile(text: string): ExprSource {
  return {
    text,
    origin: { file: 'sources/ssh.pbtxt', positionAt: (o) => ({ line: 7, column: 20 + o + (o > 10 ? 1 : 0) }) },
  };
}

describe('diagnostics', () => {
  it('map offsets through the origin, start and end', () => {
    const r = compileExpression(inFile('concat(a, lower(srcip))'), scope, { mode: 'scalar', what: "field 'f' definition" });
    expect(r.expr).toBeUndefined();
    expect(r.diagnostics).toHaveLength(2);
    expect(r.diagnostics[0]).toMatchObject({ file: 'sources/ssh.pbtxt', line: 7, column: 27, endLine: 7, endColumn: 28, code: 'QV4022' });
    expect(r.diagnostics[1]).toMatchObject({ line: 7, column: 37, endColumn: 42, code: 'QV4022', hint: "did you mean 'src_ip'?" });
    expect(r.diagnostics[1]?.message).toBe("field 'f' definition: unknown name 'srcip'");
  });

  it('point inside string literals (regex errors at the offending construct)', () => {
    const r = compile("message RLIKE 'ab(?=c)'");
    expect(r.diagnostics[0]).toMatchObject({ code: 'QV4026', column: 18, endColumn: 22 });
    expect(r.diagnostics[0]?.message).toContain('lookahead');
    const t = compile("to_timestamp(message, 'yyyy-MM-dd HH:mm:ss z')");
    expect(t.diagnostics[0]).toMatchObject({ code: 'QV4027', column: 44, endColumn: 45 });
  });

  it('say what was expected', () => {
    const a = compile('substr(message)');
    expect(a.diagnostics[0]).toMatchObject({ code: 'QV4023', expected: 'substr(str, pos, [len])' });
    expect(a.diagnostics[0]?.message).toContain('takes 2 to 3 arguments, but was given 1');
    const b = compile("substr(message, '1')");
    expect(b.diagnostics[0]).toMatchObject({ code: 'QV4024', expected: 'INT', hint: 'wrap it in CAST(... AS INT)', column: 17, endColumn: 20 });
    const c = compile('message + 1');
    expect(c.diagnostics[0]).toMatchObject({ code: 'QV4030', column: 1, endColumn: 8 });
    expect(c.diagnostics[0]?.message).toContain("'+' cannot take a STRING left operand");
    const d = compile('message RLIKE src_ip');
    expect(d.diagnostics[0]).toMatchObject({ code: 'QV4025', column: 15 });
    const e = compile("message LIKE 'a\\\\b'");
    expect(e.diagnostics[0]).toMatchObject({ code: 'QV4028', column: 16, endColumn: 19 });
  });

  it('collect independent errors in one pass', () => {
    const r = compile('foo(port) + bar(port) + nope');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['QV4020', 'QV4020', 'QV4022']);
  });

  it('suggest functions and names', () => {
    expect(compile('lowr(message)').diagnostics[0]?.hint).toBe("did you mean 'lower'?");
    expect(compile('lower').diagnostics[0]?.hint).toBe('lower is a function: call it as lower(...)');
    expect(compile('$2').diagnostics[0]?.hint).toBe("did you mean '$1'?");
  });
});

describe('types', () => {
  it('widen to the declared type implicitly', () => {
    const r = compile('length(message)', { expected: 'LONG' });
    expect(r.expr).toMatchObject({ type: 'LONG' });
    expect(r.expr?.duckdb).toBe('CAST(CAST(length("message") AS INTEGER) AS BIGINT)');
    expect(r.expr?.spark).toBe('CAST(length(`message`) AS BIGINT)');
    expect(compile('NULL', { expected: 'TIMESTAMP' }).expr).toMatchObject({ type: 'TIMESTAMP', duckdb: 'CAST(NULL AS TIMESTAMP)' });
    expect(compile("DATE '2024-01-01'", { expected: 'TIMESTAMP' }).expr?.type).toBe('TIMESTAMP');
    expect(compile('NULL').expr?.type).toBe('NULL');
  });

  it('refuse other conversions with a hint', () => {
    const r = compile('message', { expected: 'LONG' });
    expect(r.diagnostics[0]).toMatchObject({
      code: 'QV4031',
      message: "field 'f' definition: the expression is STRING but the declared data_type is LONG",
      expected: 'a LONG expression (INT converts implicitly)',
      hint: 'wrap it in CAST(... AS BIGINT) to convert (NULL where the conversion fails)',
    });
    expect(compile('bytes', { expected: 'INT' }).diagnostics[0]?.hint).toContain('CAST(... AS INT)');
    expect(compile("split(message, ',')", { expected: 'STRING' }).diagnostics[0]?.hint).toContain("concat_ws(',', arr)");
    expect(compile('CAST(score AS STRING)').diagnostics[0]).toMatchObject({ code: 'QV4032' });
    expect(compile('CAST(ts AS BIGINT)').diagnostics[0]?.hint).toContain('unix_timestamp');
  });

  it('unify CASE branches, and point at the one that does not fit', () => {
    expect(compile('CASE WHEN port > 1 THEN port ELSE score END').expr?.type).toBe('DOUBLE');
    const r = compile("CASE WHEN port > 1 THEN port ELSE 'x' END");
    expect(r.diagnostics[0]).toMatchObject({ code: 'QV4030', column: 35, endColumn: 38 });
    expect(compile('CASE WHEN port THEN 1 END').diagnostics[0]).toMatchObject({ code: 'QV4030' });
  });

  it('reject invalid typed literals', () => {
    expect(compile("TIMESTAMP '2024-02-30 00:00:00'").diagnostics[0]).toMatchObject({ code: 'QV4028' });
    expect(compile("DATE '2024-01-01 10:00:00'").diagnostics[0]).toMatchObject({ code: 'QV4028' });
  });
});

describe('aggregate and scalar modes', () => {
  const agg = (text: string) => compile(text, { mode: 'aggregate' });
  it('accepts aggregate expressions and constants', () => {
    expect(agg("count_if(message LIKE 'Failed%')").expr).toMatchObject({ isAggregate: true, type: 'LONG', references: ['message'] });
    expect(agg('count(DISTINCT src_ip)').expr?.duckdb).toBe('count(DISTINCT "src_ip")');
    expect(agg('max(port) - min(port) + 1').expr?.type).toBe('INT');
    expect(agg('1').expr).toMatchObject({ isAggregate: false, type: 'INT' });
  });
  it('rejects fields outside aggregates, nested aggregates, and aggregates in scalar mode', () => {
    expect(agg('port').diagnostics[0]).toMatchObject({ code: 'QV4042', hint: 'for example max(port) or count(DISTINCT port)' });
    expect(agg('sum(max(port))').diagnostics[0]).toMatchObject({ code: 'QV4041', column: 5 });
    expect(compile('max(port)').diagnostics[0]).toMatchObject({ code: 'QV4040', column: 1, endColumn: 4 });
    expect(agg('sum(DISTINCT port)').diagnostics[0]).toMatchObject({ code: 'QV4029' });
  });
});

describe('names', () => {
  it('resolve only through the scope, case-insensitively, recording references in order', () => {
    const r = compile('concat(MESSAGE, src_ip, message, $1)');
    expect(r.expr?.references).toEqual(['message', 'src_ip', '$1']);
    expect(r.expr?.duckdb).toBe('("message" || "src_ip" || "message" || "raw_1")');
    expect(compile('`src_ip`').expr?.references).toEqual(['src_ip']);
  });
  it('resolve functions case-insensitively, and only from the catalog', () => {
    expect(compile('LOWER(message)').expr?.spark).toBe('lower(`message`)');
    expect(compile('Substring(message, 2)').expr?.duckdb).toBe('substring("message", 2)');
  });
});

describe('limits', () => {
  it('rejects what would render too large', () => {
    const r = compile('shannon_entropy(message)', { limits: { maxRenderedLength: 100 } });
    expect(r.diagnostics[0]).toMatchObject({ code: 'QV4043' });
  });
  it('rejects overlong definitions before parsing them', () => {
    const r = compile('a'.repeat(10_001));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'QV4001', column: 1 });
    expect(r.diagnostics[0]?.message).toContain('10,001 characters long; the limit is 10,000');
  });
});

describe('compositions run on DuckDB', () => {
  // Renderers that bind values in lambdas must compose; these run on one row.
  const row = { message: 'Failed password for root from 10.0.0.5 port 22', src_ip: '10.0.0.5', ts: '2024-01-07 10:59:59', port: 3, bytes: 12, score: 2.675 };
  const cases: Array<[string, 'scalar' | 'aggregate', unknown]> = [
    ['substr(substr(message, port, port + 10), -port, port - 1)', 'scalar', 'or'],
    ['shannon_entropy(substr(concat(message, message), port))', 'scalar', null],
    ['round(avg(score), 2)', 'aggregate', 2.68],
    ['floor(avg(score) * 10) + count(*)', 'aggregate', 27n],
    ["split(regexp_extract(message, 'from ([0-9.]+)', 1), '\\\\.')[port]", 'scalar', '5'],
    ["is_private_ip(regexp_extract(message, 'from ([0-9.]+)', 1)) AND NOT src_ip IS NULL", 'scalar', true],
    ["window_start(to_timestamp(concat('2024-01-07 ', '10:59:59'), 'yyyy-MM-dd HH:mm:ss'), '1h') = window_start(ts, '1h')", 'scalar', true],
    ['CAST(CAST(CAST(port AS STRING) AS DOUBLE) AS BIGINT) + bytes', 'scalar', 15n],
  ];
  for (const [text, mode, expected] of cases) {
    it(text, async () => {
      const r = compile(text, { mode });
      expect(r.diagnostics).toEqual([]);
      const db = await DuckDBInstance.create(':memory:');
      const con = await db.connect();
      const cols = Object.entries(row);
      const types: Record<string, DataType> = { message: 'STRING', src_ip: 'STRING', ts: 'TIMESTAMP', port: 'INT', bytes: 'LONG', score: 'DOUBLE' };
      const values = cols.map(([k, v]) => `CAST('${String(v)}' AS ${{ STRING: 'VARCHAR', TIMESTAMP: 'TIMESTAMP', INT: 'INTEGER', LONG: 'BIGINT', DOUBLE: 'DOUBLE' }[types[k] as string]})`);
      const sql = `SELECT ${r.expr?.duckdb} FROM (VALUES (${values.join(', ')}, 'raw')) t(${cols.map(([k]) => `"${k}"`).join(', ')}, raw_1)`;
      const rows = (await con.runAndReadAll(sql)).getRowsJS();
      con.closeSync();
      if (typeof expected === 'number') expect(rows[0]?.[0] as number).toBeCloseTo(expected, 9);
      else if (expected === null) expect(typeof rows[0]?.[0]).toBe('number');
      else expect(rows[0]?.[0]).toEqual(expected);
    });
  }
});
