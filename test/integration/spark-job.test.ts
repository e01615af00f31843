// The TypeScript runner of the generic Spark job (controller/src/exec/spark) against real Spark:
// spark-submit local[2] (test/helpers/tools.ts sparkEnv()) on a source of config-repo-template.
// Four submissions: a parse, two feature specs in one JVM of which the second fails (exit 3),
// a spec the job refuses before Spark starts (exit 1), and JSON lines against DuckDB's parse.
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeaturePlan, ParsePlan } from '../../controller/src/compile/index.js';
import { compileRepo } from '../../controller/src/compile/index.js';
import { loadRepo, WorkingTreeFiles } from '../../controller/src/config/index.js';
import { runParse, type ParseInputFile } from '../../controller/src/exec/embedded/run-parse.js';
import { runSparkJobs, runSparkParse, SPARK_JOB_EXIT, SparkJobError, type SparkSubmitOptions } from '../../controller/src/exec/spark/index.js';
import { loadRevision, type Revision } from '../../controller/src/plan/index.js';
import { templateCopy } from '../helpers/config-repo.js';
import { sparkEnv } from '../helpers/tools.js';

// One spark-submit takes 15-30 s on an idle 2-core machine and minutes on a loaded one.
const SUBMIT_TIMEOUT = 330_000;
const TEST_TIMEOUT = 360_000;

let repo: { dir: string; cleanup: () => void };
let revision: Revision;
let work: string;

beforeAll(async () => {
  repo = templateCopy();
  revision = await loadRevision(new WorkingTreeFiles(repo.dir), repo.dir);
  expect(revision.valid, JSON.stringify(revision.diagnostics)).toBe(true);
  work = mkdtempSync(join(tmpdir(), 'quiver-spark-job-test-'));
});

afterAll(() => {
  repo?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A dataset's parse plan, input files and label files, as exec/pipeline.ts builds them. */
function datasetInputs(dataset: string): { plan: ParsePlan; inputs: ParseInputFile[]; labelFiles: Record<string, string> } {
  const ds = revision.config.datasets.get(dataset);
  const plan = revision.compiled.datasets.get(dataset);
  if (!ds || !plan) throw new Error(`no dataset ${dataset}`);
  const files = revision.inputFiles.get(dataset) ?? new Map();
  const inputs: ParseInputFile[] = [];
  for (const part of ds.parts) {
    for (const f of files.get(part.name) ?? []) {
      inputs.push({ part: part.name, file: basename(f.ref), path: f.ref, localPath: join(repo.dir, ...f.ref.split('/')), ...(part.label ? { label: part.label } : {}) });
    }
  }
  const labelFiles: Record<string, string> = {};
  for (const t of plan.labelTables) labelFiles[t.table] = join(repo.dir, ...t.file.split('/'));
  return { plan, inputs, labelFiles };
}

function submitOptions(): SparkSubmitOptions {
  const spark = sparkEnv();
  return { sparkSubmit: spark.sparkSubmit, env: spark.env, args: spark.args, timeoutMs: SUBMIT_TIMEOUT };
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

const parsedDir = (): string => join(work, 'parsed');

describe('runSparkParse / runSparkJobs (jobs/spark through spark-submit)', () => {
  it('parses the ssh-auth dataset (labels by part and by label file): stats, layout, rows, rejects', async () => {
    const opts = submitOptions();
    const { plan, inputs, labelFiles } = datasetInputs('ssh-auth');
    expect(inputs.length).toBe(4);
    expect(Object.keys(labelFiles)).toHaveLength(1);
    const stats = await runSparkParse(plan, inputs, labelFiles, parsedDir(), opts);
    expect(stats.files).toBe(4);
    expect(stats.written).toBeGreaterThan(1000);
    expect(stats.records).toBe(stats.written + stats.rejected + stats.filtered);
    expect(stats.seconds).toBeGreaterThan(0);

    expect(readdirSync(parsedDir()).sort()).toEqual(['data', 'rejects.jsonl']);
    const parts = readdirSync(join(parsedDir(), 'data')).sort();
    expect(parts.length).toBeGreaterThan(0);
    expect(parts).toEqual(parts.map((_p, i) => `part-${String(i).padStart(5, '0')}.parquet`));
    // Nothing beside the output: the job's build folder was renamed into place.
    expect(readdirSync(work)).toEqual(['parsed']);

    const glob = `'${join(parsedDir(), 'data', '*.parquet').replace(/'/g, "''")}'`;
    const [count] = await query(`SELECT count(*)::DOUBLE AS n, count(DISTINCT _path)::DOUBLE AS paths, count(DISTINCT (_path, _line))::DOUBLE AS keys FROM read_parquet(${glob})`);
    expect(count).toEqual({ n: stats.written, paths: 4, keys: stats.written });
    const labels = await query(`SELECT _part, _label, count(*)::DOUBLE AS n FROM read_parquet(${glob}) GROUP BY ALL ORDER BY ALL`);
    const byPart = new Map<string, string[]>();
    for (const r of labels) byPart.set(String(r['_part']), [...(byPart.get(String(r['_part'])) ?? []), String(r['_label'])]);
    expect(byPart.get('bruteforce')).toEqual(['attack']);
    expect(byPart.get('benign')).toEqual(['benign']);
    // mixed.log is labelled line by line from mixed-labels.csv
    expect(byPart.get('mixed')).toEqual(expect.arrayContaining(['attack', 'benign']));

    const rejects = readFileSync(join(parsedDir(), 'rejects.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rejects).toHaveLength(Math.min(stats.rejected, 1000));
    for (const r of rejects) expect(Object.keys(r)).toEqual(['path', 'line', 'reason', 'text']);
  }, TEST_TIMEOUT);

  it('runs two feature specs in one JVM; the failing second one gives exit 3, its one-line error, and no output', async () => {
    // ANSI off on the command line: the job pins it on, so the bad cast below still fails.
    const base = submitOptions();
    const opts = { ...base, args: [...(base.args ?? []), '--conf', 'spark.sql.ansi.enabled=false'] };
    const fs = revision.compiled.featureSets.get('ssh_auth_hourly');
    expect(fs).toBeDefined();
    const parsed = readdirSync(join(parsedDir(), 'data')).map((f) => join(parsedDir(), 'data', f));
    expect(parsed.length).toBeGreaterThan(0);
    const plan = fs!.plan;
    // ANSI mode: a cast that cannot be done is an error, not a NULL.
    const broken: FeaturePlan = { ...plan, featureSet: 'broken', sql: { ...plan.sql, spark: 'SELECT CAST(program AS INT) AS x FROM quiver_parsed' } };
    const good = join(work, 'hourly');
    const bad = join(work, 'broken');
    let error: unknown;
    try {
      await runSparkJobs(
        [
          { plan, parsedFiles: parsed, output: good },
          { plan: broken, parsedFiles: parsed, output: bad },
        ],
        opts,
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SparkJobError);
    const err = error as SparkJobError;
    expect(err.exitCode).toBe(SPARK_JOB_EXIT.spark);
    expect(err.jobError).toMatch(/^feature set broken: Spark failed: .*\[CAST_INVALID_INPUT\]/);
    expect(err.jobError).not.toContain('\n');
    expect(err.message).toContain('Spark job for feature set broken (spec 2 of 2) exited with code 3: feature set broken: Spark failed:');
    // the first spec ran and published; the failed one left nothing
    expect(err.completed).toHaveLength(1);
    expect(err.completed[0]?.['written']).toBeGreaterThan(0);
    expect(existsSync(join(good, 'data', 'part-00000.parquet'))).toBe(true);
    expect(existsSync(bad)).toBe(false);
    expect(readdirSync(work).sort()).toEqual(['hourly', 'parsed']);
  }, TEST_TIMEOUT);

  it('refuses an output that already exists with exit 1, before Spark starts', async () => {
    const opts = submitOptions();
    const { plan, inputs, labelFiles } = datasetInputs('web-http');
    const out = join(work, 'exists');
    mkdirSync(out);
    writeFileSync(join(out, 'keep'), 'x');
    const err = await runSparkParse(plan, inputs, labelFiles, out, opts).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SparkJobError);
    expect((err as SparkJobError).exitCode).toBe(SPARK_JOB_EXIT.spec);
    expect((err as SparkJobError).jobError).toBe(`spec.output already exists: ${out}`);
    expect((err as SparkJobError).message).toBe(`Spark job for source web_http exited with code 1: spec.output already exists: ${out}`);
    expect(readFileSync(join(out, 'keep'), 'utf8')).toBe('x');
  }, TEST_TIMEOUT);

  it('parses JSON lines with a malformed one as DuckDB does: the same counts, rejects and rows', async () => {
    // DuckDB's JSON functions raise an error on text that is not JSON, Spark's give NULL: the
    // compiled DuckDB parse reads only what json_valid accepts, so both reject the line.
    const dir = mkdtempSync(join(tmpdir(), 'quiver-spark-json-'));
    try {
      mkdirSync(join(dir, 'sources'));
      writeFileSync(join(dir, 'quiver.yaml'), 'apiVersion: quiver.dev/v1alpha1\n');
      writeFileSync(
        join(dir, 'sources', 'j.pbtxt'),
        [
          'name: "j"',
          'description: "JSON lines"',
          'format { json_lines {} }',
          'fields { name: "user" display_name: "User" data_type: STRING path: "$.user" }',
          'fields { name: "n" display_name: "N" data_type: LONG path: "$.n" }',
          'fields { name: "deep" display_name: "Deep" data_type: STRING path: "$.a.b" }',
        ].join('\n'),
      );
      const { config, diagnostics } = await loadRepo(new WorkingTreeFiles(dir), dir);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const plan = (await compileRepo(config)).sources.get('j')?.plan;
      if (!plan) throw new Error('source j did not compile');
      const log = join(dir, 'events.jsonl');
      writeFileSync(log, ['{"user": "ann", "n": 2, "a": {"b": "x"}}', 'not json', '', '{"user": "bob", "n": "7"}', '[1, 2]', '{"n": 9', '{"user": "cy"}'].join('\n'));
      const inputs: ParseInputFile[] = [{ part: 'p', file: 'events.jsonl', path: 'data/events.jsonl', localPath: log }];
      const duck = await runParse(plan, inputs, {}, join(dir, 'duck'), { workDir: join(dir, 'work') });
      const spark = await runSparkParse(plan, inputs, {}, join(dir, 'spark'), submitOptions());
      const counts = (s: { records: number; written: number; rejected: number; skipped: number }) => ({ records: s.records, written: s.written, rejected: s.rejected, skipped: s.skipped });
      expect(counts(duck)).toEqual({ records: 6, written: 3, rejected: 3, skipped: 1 });
      expect(counts(spark)).toEqual(counts(duck));
      expect(readFileSync(join(dir, 'spark', 'rejects.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'duck', 'rejects.jsonl'), 'utf8'));
      const rows = (out: string) => query(`SELECT _line, "user", n, deep FROM read_parquet('${join(dir, out, 'data', '*.parquet')}') ORDER BY _line`);
      expect(await rows('spark')).toEqual(await rows('duck'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, TEST_TIMEOUT);
});
