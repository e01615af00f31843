/**
 * Every hostile definition is rejected with its expected code and a clear, positioned
 * message, and produces no SQL at all (so nothing can run). Each must also be rejected
 * quickly: parsing is linear and bounded.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { syntheticExpr } from '../../controller/src/config/text-origin.js';
import { columnEntry, compileExpression, makeScope } from '../../controller/src/compile/expr/index.js';
import { HOSTILE, HOSTILE_SCOPE } from './corpus.js';

const scope = makeScope(HOSTILE_SCOPE.map((f) => columnEntry(f.name, f.type)));

describe('hostile definitions', () => {
  it('has a corpus of at least 50 cases with distinct names', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(50);
    expect(new Set(HOSTILE.map((h) => h.name)).size).toBe(HOSTILE.length);
  });

  for (const h of HOSTILE) {
    it(`rejects: ${h.name}`, () => {
      const started = performance.now();
      const r = compileExpression(syntheticExpr(h.text, 'features/x.pbtxt'), scope, { mode: h.mode ?? 'scalar', what: "feature 'x' definition" });
      const ms = performance.now() - started;
      // No SQL is produced for any engine.
      expect(r.expr).toBeUndefined();
      expect(r.diagnostics.length).toBeGreaterThan(0);
      const codes = r.diagnostics.map((d) => d.code);
      expect(codes, r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')).toContain(h.code);
      for (const d of r.diagnostics) {
        expect(d.code).toMatch(/^QV4\d{3}$/);
        expect(d.severity).toBe('error');
        expect(d.file).toBe('features/x.pbtxt');
        expect(d.message.startsWith("feature 'x' definition: ")).toBe(true);
        expect(d.message.length).toBeGreaterThan("feature 'x' definition: ".length + 10);
        expect(d.line).toBe(1);
        expect(d.column).toBeGreaterThanOrEqual(1);
        expect(d.endColumn ?? d.column).toBeGreaterThanOrEqual(d.column);
        expect(d.column).toBeLessThanOrEqual(h.text.length + 1);
      }
      expect(ms).toBeLessThan(1000);
    });
  }

  it('names the code point of a confusable', () => {
    const r = compileExpression(syntheticExpr('l\u043ewer(message)'), scope, { mode: 'scalar', what: 'd' });
    expect(r.diagnostics[0]?.message).toContain('U+043E CYRILLIC SMALL LETTER O');
    expect(r.diagnostics[0]?.message).toContain("looks like 'o'");
    expect(r.diagnostics[0]).toMatchObject({ column: 2, endColumn: 3 });
    const bidi = compileExpression(syntheticExpr("message = 'user\u202e' OR TRUE"), scope, { mode: 'scalar', what: 'd' });
    expect(bidi.diagnostics[0]?.message).toContain('U+202E RIGHT-TO-LEFT OVERRIDE');
    const paren = compileExpression(syntheticExpr('lower\uff08message\uff09'), scope, { mode: 'scalar', what: 'd' });
    expect(paren.diagnostics[0]?.message).toContain("U+FF08 FULLWIDTH LEFT PARENTHESIS, which looks like '('");
  });

  it('says why a denied function is denied', () => {
    const r = compileExpression(syntheticExpr("read_csv('/etc/passwd')"), scope, { mode: 'scalar', what: 'd' });
    expect(r.diagnostics[0]?.message).toBe("d: function 'read_csv' is not allowed in definitions: it reads files");
    const j = compileExpression(syntheticExpr("java_method('a', 'b')"), scope, { mode: 'scalar', what: 'd' });
    expect(j.diagnostics[0]?.message).toContain('calls into the JVM');
  });
});

describe('tricky but harmless literals render inertly', () => {
  // These compile: the text is data, and reaches each engine as one escaped string constant.
  const cases: Array<[string, string]> = [
    ["'--'", '--'],
    ["'/*'", '/*'],
    ["'*/ ; DROP TABLE t'", '*/ ; DROP TABLE t'],
    ["'it\\'s'", "it's"],
    ["'a\\\\'", 'a\\'],
    ['"double"', 'double'],
    ["'$1'", '$1'],
    ["'\\u0024{env:HOME}'", '${env:HOME}'],
    ["'`read_csv`'", '`read_csv`'],
    ["'\\'' ", "'"],
  ];
  for (const [text, value] of cases) {
    it(`renders ${text} as one string constant, and DuckDB reads it back exactly`, async () => {
      const r = compileExpression(syntheticExpr(text), scope, { mode: 'scalar', what: 'd' });
      expect(r.diagnostics).toEqual([]);
      const e = r.expr;
      if (!e) return;
      expect(e.spark).not.toContain('${');
      const db = await DuckDBInstance.create(':memory:');
      const con = await db.connect();
      const rows = (await con.runAndReadAll(`SELECT ${e.duckdb}`)).getRows();
      con.closeSync();
      expect(rows).toEqual([[value]]);
    });
  }
});
