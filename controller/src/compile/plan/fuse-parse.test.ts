import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRepo, WorkingTreeFiles } from '../../config/index.js';
import { compileRepo, type CompiledRepo } from './compile-repo.js';
import { fusedParseSql } from './fuse-parse.js';
import type { FeaturePlan, ParsePlan } from './types.js';

// A source with a filter of its own and fields that read fields, and feature sets whose filters
// read raw and derived fields, with NULLs on the way: the fused relation must hold exactly the ok
// records the feature set's filter keeps, and place each term before the fields only later terms need.
const SOURCE = `name: "t"
description: "fusion test"
format { delimited { delimiter: "," } }
fields { name: "name" display_name: "Name" data_type: STRING index: 1 }
fields { name: "n" display_name: "N" data_type: LONG index: 2 null_values: "-" }
fields { name: "up" display_name: "Upper name" data_type: STRING definition: "upper(name)" }
fields { name: "tag" display_name: "Tag" data_type: STRING definition: "concat(up, '-', CAST(n AS STRING))" }
fields { name: "big" display_name: "Big" data_type: BOOLEAN definition: "n > 5" }
filter: "n >= 0 OR name = 'keep'"
`;
const FEATURE_SETS: Record<string, string> = {
  t_terms: `filter: "up LIKE 'A%' AND (big OR name = 'ab') AND tag IS NOT NULL"`,
  t_or: `filter: "big OR up = 'KEEP'"`,
  t_all: ``,
};
// JSON lines: raw fields by path, a rejected and a skipped line.
const JSON_SOURCE = `name: "j"
description: "fusion test, JSON lines"
format { json_lines {} }
fields { name: "user" display_name: "User" data_type: STRING path: "$.user" }
fields { name: "n" display_name: "N" data_type: LONG path: "$.n" }
fields { name: "up" display_name: "Upper user" data_type: STRING definition: "upper(user)" }
`;
const JSON_LINES = ['{"user": "ann", "n": 2}', '{"user": "bob", "n": 5}', 'not json', '', '{"user": "al", "n": 1}', '{"n": 9}', '{"user": "Abe", "n": "7"}'];
const LINES = ['abc,1', 'ab,-1', 'Axe,7', 'ab,-', 'a', '', 'zz,9', 'ab,2', 'keep,-', 'Aq,6', 'A,12', 'abd,0', 'Ab,-'];

let dir = '';
let compiled: CompiledRepo;
let instance: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quiver-fuse-'));
  mkdirSync(join(dir, 'sources'));
  mkdirSync(join(dir, 'features'));
  writeFileSync(join(dir, 'quiver.yaml'), 'apiVersion: quiver.dev/v1alpha1\n');
  writeFileSync(join(dir, 'sources', 't.pbtxt'), SOURCE);
  writeFileSync(join(dir, 'sources', 'j.pbtxt'), JSON_SOURCE);
  writeFileSync(
    join(dir, 'features', 'j_terms.pbtxt'),
    `name: "j_terms"\ndescription: "fusion test"\nsource: "j"\nfilter: "up LIKE 'A%' AND n > 1"\nfeatures { name: "n" display_name: "N" data_type: LONG definition: "n" }\n`,
  );
  for (const [name, filter] of Object.entries(FEATURE_SETS)) {
    writeFileSync(
      join(dir, 'features', `${name}.pbtxt`),
      `name: "${name}"\ndescription: "fusion test"\nsource: "t"\n${filter}\nfeatures { name: "tag" display_name: "Tag" data_type: STRING definition: "tag" }\nfeatures { name: "n" display_name: "N" data_type: LONG definition: "n" }\n`,
    );
  }
  const { config, diagnostics } = await loadRepo(new WorkingTreeFiles(dir), dir);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  compiled = await compileRepo(config);
  expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  // As run-fused.ts runs it: filters stay where the SQL puts them.
  await conn.run(`SET disabled_optimizers = 'filter_pushdown,filter_pullup'`);
  const values = LINES.map((l, i) => `(${i + 1}, '${l}')`).join(', ');
  await conn.run(`CREATE TEMP TABLE quiver_lines AS SELECT CAST(0 AS INTEGER) AS _fid, CAST(n AS BIGINT) AS _line, t AS line FROM (VALUES ${values}) v(n, t)`);
  await conn.run(`CREATE TEMP TABLE quiver_inputs AS SELECT CAST(0 AS INTEGER) AS _fid, 'p' AS _part, 't.csv' AS _file, 'data/t.csv' AS _path, 'lbl' AS _label`);
});

afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const plans = (featureSet: string): { parse: ParsePlan; feature: FeaturePlan } => {
  const parse = compiled.sources.get('t')?.plan;
  const feature = compiled.featureSets.get(featureSet)?.plan;
  if (!parse || !feature) throw new Error(`not compiled: ${featureSet}`);
  return { parse, feature };
};

async function rows(sql: string): Promise<Array<Record<string, unknown>>> {
  return (await conn.runAndReadAll(`SELECT * FROM (${sql}) ORDER BY _line`)).getRowObjectsJson();
}

describe('fusedParseSql', () => {
  for (const featureSet of Object.keys(FEATURE_SETS)) {
    it(`${featureSet}: holds the ok records the feature filter keeps, with every column, and the same feature rows`, async () => {
      const { parse, feature } = plans(featureSet);
      const fused = fusedParseSql(parse, feature);
      expect(fused).toBeDefined();
      const staged = `SELECT * EXCLUDE (_status, _reason, _raw) FROM (${parse.sql.duckdb}) WHERE _status = 'ok'`;
      const filter = /WHERE (coalesce\(.*\))$/m.exec(feature.sql.duckdb)?.[1];
      const want = await rows(filter ? `SELECT * FROM (${staged}) WHERE ${filter}` : staged);
      const got = await rows(fused ?? '');
      expect(got).toEqual(want);
      expect(got.length).toBeGreaterThan(0);
      // The feature plan over either relation: the same rows.
      await conn.run(`CREATE OR REPLACE TEMP VIEW quiver_parsed AS ${staged}`);
      const byStages = await rows(feature.sql.duckdb.replace(/^SELECT concat\(_path, ':', CAST\(_line AS VARCHAR\)\) AS _row_key,/, `SELECT _line, concat(_path, ':', CAST(_line AS VARCHAR)) AS _row_key,`));
      await conn.run(`CREATE OR REPLACE TEMP VIEW quiver_parsed AS ${fused ?? ''}`);
      const byFused = await rows(feature.sql.duckdb.replace(/^SELECT concat\(_path, ':', CAST\(_line AS VARCHAR\)\) AS _row_key,/, `SELECT _line, concat(_path, ':', CAST(_line AS VARCHAR)) AS _row_key,`));
      expect(byFused).toEqual(byStages);
    });
  }

  it('keeps the records the source filter keeps (a NULL n passes through its OR), and none it filters', async () => {
    const { parse, feature } = plans('t_all');
    const got = await rows(fusedParseSql(parse, feature) ?? '');
    // 'ab,-1' fails the source filter; 'a' is rejected; '' skipped; 'ab,-' and 'Ab,-' have a NULL n and another name.
    expect(got.map((r) => r['name'])).toEqual(['abc', 'Axe', 'zz', 'ab', 'keep', 'Aq', 'A', 'abd']);
  });

  it('splits a filter into its AND terms and applies each before the fields only later terms read', () => {
    const { parse, feature } = plans('t_terms');
    expect(feature.filterTerms?.map((t) => t.reads)).toEqual([['up'], ['big', 'name'], ['tag']]);
    const sql = fusedParseSql(parse, feature) ?? '';
    const at = (s: string): number => {
      const i = sql.indexOf(s);
      expect(i, s).toBeGreaterThanOrEqual(0);
      return i;
    };
    // ok records, then the source filter, then up, its term, big, its term, tag, its term.
    expect(at(`WHERE _status = 'ok'`)).toBeLessThan(at('AS "up"'));
    expect(at('AS "up"')).toBeLessThan(at(`WHERE ("up" LIKE 'A%')`));
    expect(at(`WHERE ("up" LIKE 'A%')`)).toBeLessThan(at('AS "big"'));
    expect(at('AS "big"')).toBeLessThan(at('AS "tag"'));
    expect(at('AS "tag"')).toBeLessThan(at(`WHERE ("tag" IS NOT NULL)`));
    expect(sql.match(/ AS "tag"/g)).toHaveLength(1);
  });

  it('keeps an OR filter whole and plans without a filter unfiltered', () => {
    expect(plans('t_or').feature.filterTerms).toHaveLength(1);
    expect(plans('t_all').feature.filterTerms).toEqual([]);
  });

  it('fuses a JSON-lines source the same way, a malformed line rejected', async () => {
    const parse = compiled.sources.get('j')?.plan;
    const feature = compiled.featureSets.get('j_terms')?.plan;
    if (!parse || !feature) throw new Error('j / j_terms not compiled');
    const values = JSON_LINES.map((l, i) => `(${i + 1}, '${l}')`).join(', ');
    await conn.run(`CREATE OR REPLACE TEMP TABLE quiver_lines AS SELECT CAST(0 AS INTEGER) AS _fid, CAST(n AS BIGINT) AS _line, t AS line FROM (VALUES ${values}) v(n, t)`);
    const staged = `SELECT * EXCLUDE (_status, _reason, _raw) FROM (${parse.sql.duckdb}) WHERE _status = 'ok'`;
    const want = await rows(`SELECT * FROM (${staged}) WHERE coalesce(("up" LIKE 'A%') AND ("n" > 1), FALSE)`);
    const got = await rows(fusedParseSql(parse, feature) ?? '');
    expect(got).toEqual(want);
    expect(got.map((r) => r['user'])).toEqual(['ann', 'Abe']);
    // The malformed line is a rejected record (DuckDB's JSON functions raise an error on it), the empty one skipped.
    const statuses = (await conn.runAndReadAll(`SELECT _line, _status, _reason FROM (${parse.sql.duckdb}) WHERE _status <> 'ok' ORDER BY _line`)).getRowObjectsJson();
    expect(statuses).toEqual([
      { _line: '3', _status: 'rejected', _reason: 'not a JSON object' },
      { _line: '4', _status: 'skipped', _reason: null },
    ]);
  });

  it('is undefined for plans compiled before plans carried their parts (the runner falls back)', () => {
    const { parse, feature } = plans('t_terms');
    const { parts: _p, ...oldParse } = parse;
    const { filterTerms: _t, ...oldFeature } = feature;
    expect(fusedParseSql(oldParse, feature)).toBeUndefined();
    expect(fusedParseSql(parse, oldFeature)).toBeUndefined();
  });
});
