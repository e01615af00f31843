// The fused runner (exec/embedded/run-fused.ts, what `quiver score` runs for line-based sources)
// must give exactly what the two stages give: for every dataset of config-repo-template, its
// data files plus a file of lines no source accepts, run as runParse + runFeatures (the pipeline)
// and as runParseFeatures with all of the source's feature sets (each over its own fused relation:
// the filter's terms placed among the fields, fusedParseSql). Compared: the outcome counts,
// the rejects sample, and every feature set's rows (a multiset: EXCEPT ALL both ways) and row
// count. Multi-line web_http is fused too, though score does not fuse it (fusesWell): its rows
// must still agree.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fusedParseSql, type FeaturePlan, type ParsePlan } from '../../controller/src/compile/index.js';
import { WorkingTreeFiles } from '../../controller/src/config/index.js';
import { fusesWell, runParseFeatures, type FusedResult } from '../../controller/src/exec/embedded/run-fused.js';
import { runFeatures } from '../../controller/src/exec/embedded/run-features.js';
import { runParse, type ParseInputFile, type ParseStats } from '../../controller/src/exec/embedded/run-parse.js';
import { loadRevision } from '../../controller/src/plan/index.js';
import { templateCopy } from '../helpers/config-repo.js';
import { localDatasetInputs } from '../helpers/dataset-inputs.js';

interface Case {
  dataset: string;
  parse: ParsePlan;
  features: FeaturePlan[];
  staged: ParseStats;
  stagedRejects: string;
  fused: FusedResult;
}

let repo: { dir: string; cleanup: () => void } | undefined;
let work = '';
const cases: Case[] = [];

const parquetIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.parquet'))
    .sort()
    .map((f) => join(dir, f));

beforeAll(async () => {
  repo = templateCopy();
  work = mkdtempSync(join(tmpdir(), 'quiver-fused-'));
  const revision = await loadRevision(new WorkingTreeFiles(repo.dir), repo.dir);
  expect(revision.valid, JSON.stringify(revision.diagnostics)).toBe(true);
  for (const ds of revision.config.datasets.values()) {
    const { plan: parse, inputs, labelFiles } = localDatasetInputs(revision, ds.name, repo.dir);
    // Rejects and skipped lines for every format, between real records of the first file.
    const first = inputs[0] as ParseInputFile;
    const real = readFileSync(first.localPath, 'utf8').split('\n');
    const noise = join(repo.dir, 'data', `noise-${ds.name}.log`);
    writeFileSync(noise, ['text before anything', ...real.slice(0, 30), 'GET /truncated', 'only\ttwo', '', '#comment', 'x'.repeat(300), ...real.slice(30, 50)].join('\n'));
    inputs.push({ part: first.part, file: basename(noise), path: `data/noise-${ds.name}.log`, localPath: noise, ...(first.label ? { label: first.label } : {}) });
    const features = [...revision.compiled.featureSets.values()].map((f) => f.plan).filter((p) => p.source === parse.source);
    expect(features.length, `feature sets of ${parse.source}`).toBeGreaterThan(0);

    const dir = (...p: string[]): string => join(work, ds.name, ...p);
    const staged = await runParse(parse, inputs, labelFiles, dir('staged', 'parse'), { workDir: dir('work', 'parse') });
    for (const f of features) await runFeatures(f, parquetIn(dir('staged', 'parse', 'data')), dir('staged', f.featureSet), { workDir: dir('work', f.featureSet) });
    mkdirSync(dir('fused'), { recursive: true });
    const fused = await runParseFeatures(
      parse,
      features.map((plan) => ({ plan, outDir: dir('fused', plan.featureSet) })),
      inputs,
      labelFiles,
      { workDir: dir('work', 'fused') },
    );
    cases.push({ dataset: ds.name, parse, features, staged, stagedRejects: readFileSync(dir('staged', 'parse', 'rejects.jsonl'), 'utf8'), fused });
  }
}, 300_000);

afterAll(() => {
  repo?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Rows of `a` not in `b` and of `b` not in `a`, as multisets, and both row counts. */
async function difference(a: string, b: string): Promise<{ onlyA: number; onlyB: number; rowsA: number; rowsB: number }> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const q = async (sql: string): Promise<number> => Number((await conn.runAndReadAll(sql)).getRows()[0]?.[0] ?? -1);
    // Doubles to 12 significant digits: an aggregate sums in whatever order its threads meet the rows.
    const desc = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${a}/data/*.parquet')`)).getRowObjectsJson();
    const cols = desc.map((r) => {
      const c = `"${String(r['column_name']).replace(/"/g, '""')}"`;
      return r['column_type'] === 'DOUBLE' ? `printf('%.12g', ${c}) AS ${c}` : c;
    });
    const A = `(SELECT ${cols.join(', ')} FROM read_parquet('${a}/data/*.parquet'))`;
    const B = `(SELECT ${cols.join(', ')} FROM read_parquet('${b}/data/*.parquet'))`;
    return {
      onlyA: await q(`SELECT count(*) FROM (SELECT * FROM ${A} EXCEPT ALL SELECT * FROM ${B})`),
      onlyB: await q(`SELECT count(*) FROM (SELECT * FROM ${B} EXCEPT ALL SELECT * FROM ${A})`),
      rowsA: await q(`SELECT count(*) FROM ${A}`),
      rowsB: await q(`SELECT count(*) FROM ${B}`),
    };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('fused parse + features give what the two stages give', () => {
  it('covers every dataset of the template, line-based and multi-line', () => {
    expect(cases.map((c) => c.dataset).sort()).toEqual(['ssh-auth', 'web-http', 'zeek-conn']);
    expect(cases.map((c) => [c.dataset, fusesWell(c.parse)])).toEqual(
      expect.arrayContaining([
        ['ssh-auth', true],
        ['zeek-conn', true],
        ['web-http', false],
      ]),
    );
    // Each feature set read its own fused relation (fusedParseSql), its filter terms among the fields.
    for (const c of cases) for (const f of c.features) expect(fusedParseSql(c.parse, f), `${c.dataset} ${f.featureSet}`).toBeDefined();
    const terms = cases.flatMap((c) => c.features.map((f) => [f.featureSet, f.filterTerms?.length]));
    expect(terms).toEqual(expect.arrayContaining([['ssh_auth_hourly', 2]]));
  });

  it('counts the same records, rejects and skipped lines, with the same rejects sample', () => {
    for (const c of cases) {
      const pick = (s: ParseStats) => ({ files: s.files, records: s.records, written: s.written, rejected: s.rejected, filtered: s.filtered, skipped: s.skipped, repairedFiles: s.repairedFiles, bytes: s.bytes });
      expect(pick(c.fused.parse), c.dataset).toEqual(pick(c.staged));
      // The noise file's lines are rejected by every source (or skipped), so the comparison is not vacuous.
      expect(c.staged.rejected, c.dataset).toBeGreaterThan(0);
      expect(c.fused.rejectsJsonl, c.dataset).toBe(c.stagedRejects);
    }
  });

  it('writes the same feature rows for every feature set', async () => {
    for (const c of cases) {
      for (const [i, f] of c.features.entries()) {
        const d = await difference(join(work, c.dataset, 'staged', f.featureSet), join(work, c.dataset, 'fused', f.featureSet));
        expect(d, `${c.dataset} ${f.featureSet}`).toEqual({ onlyA: 0, onlyB: 0, rowsA: d.rowsB, rowsB: d.rowsA });
        expect(d.rowsA, `${c.dataset} ${f.featureSet}`).toBeGreaterThan(0);
        expect(c.fused.features[i]?.written, `${c.dataset} ${f.featureSet}`).toBe(d.rowsA);
        expect(c.fused.features[i]?.read, `${c.dataset} ${f.featureSet}`).toBe(c.staged.written);
      }
    }
  });
});
