// Differential test (DESIGN §3): config-repo-template's sources and feature sets run on DuckDB
// (exec/embedded) and on PySpark local[2] (jobs/spark through exec/spark) over the same files,
// and the rows must agree.
//
//   parse     every dataset of the template (one per source) on both engines from the template's
//             data files (plus two noise files each, for rejects: see noiseFiles): the ok rows
//             (every column, keyed by _path/_line), the counts and rejects.jsonl.
//   features  every feature set on both engines from the SAME parsed input (DuckDB's parse
//             output), keyed by _row_key.
//
// Values: doubles within relative 1e-9 (absolute 1e-12 near 0), timestamps as UTC instants
// (DuckDB writes TIMESTAMP not adjusted to UTC, Spark adjusted: both are compared as epoch
// microseconds), everything else (strings, integers, booleans, arrays) exactly, NULLs exactly.
// Both engines' Parquet is read with @duckdb/node-api. All eight Spark specs run in one
// spark-submit (one JVM), which is also given spark.sql.ansi.enabled=false and a New York
// session time zone: the job pins ANSI mode and UTC itself (window starts and _row_keys would
// shift otherwise).
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeaturePlan, ParsePlan } from '../../controller/src/compile/index.js';
import { WorkingTreeFiles } from '../../controller/src/config/index.js';
import { runFeatures } from '../../controller/src/exec/embedded/run-features.js';
import { runParse, type ParseInputFile, type ParseStats } from '../../controller/src/exec/embedded/run-parse.js';
import { runSparkJobs, type SparkJobSpec } from '../../controller/src/exec/spark/index.js';
import { loadRevision, type Revision } from '../../controller/src/plan/index.js';
import { templateCopy } from '../helpers/config-repo.js';
import { localDatasetInputs } from '../helpers/dataset-inputs.js';
import { sparkEnv } from '../helpers/tools.js';

const REL = 1e-9;
const ABS = 1e-12;
const MAX_REPORTED = 20;

interface Source {
  dataset: string;
  plan: ParsePlan;
  inputs: ParseInputFile[];
  labelFiles: Record<string, string>;
}

let repo: { dir: string; cleanup: () => void } | undefined;
let work: string | undefined;
let revision: Revision;
const sources: Source[] = [];
const featureSets: Array<{ plan: FeaturePlan; dataset: string }> = [];
const duckParse = new Map<string, ParseStats>();
const sparkStats = new Map<string, Record<string, number>>();
let sparkSeconds = 0;

const dir = (...p: string[]): string => join(work as string, ...p);
const dataFiles = (out: string): string[] =>
  readdirSync(join(out, 'data'))
    .filter((f) => f.endsWith('.parquet'))
    .sort()
    .map((f) => join(out, 'data', f));

/**
 * The template's data has no rejects; two extra inputs per dataset give the engines some: real
 * records of the dataset's first file around lines no source accepts (text before the first
 * record, a truncated request line, tabs, quotes and non-ASCII text, a line longer than _raw
 * keeps, blank lines), once with LF, once with CRLF, gzipped, and once with mixed endings.
 */
function noiseFiles(root: string, dataset: string, first: ParseInputFile): ParseInputFile[] {
  const bytes = readFileSync(first.localPath);
  const real = (first.localPath.endsWith('.gz') ? gunzipSync(bytes) : bytes)
    .toString('utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));
  const lines = [
    'text before anything',
    ...real.slice(0, 40),
    'GET /truncated',
    'not a log line: ünïcödé ✓ "quoted"\tand\ttabs',
    'x'.repeat(5000),
    '',
    '   ',
    'only\ttwo',
    ...real.slice(40, 60),
  ];
  const out: ParseInputFile[] = [];
  mkdirSync(join(root, 'data', 'noise'), { recursive: true });
  for (const [file, content] of [
    [`${dataset}.log`, Buffer.from(`${lines.join('\n')}\n`)],
    [`${dataset}-crlf.log.gz`, gzipSync(Buffer.from(`${lines.join('\r\n')}\r\n`))],
    // Mixed endings (CR LF, LF and a lone CR): Hadoop ends a line at any of them, and so must
    // the embedded engine (it rewrites such a file with LF endings before reading it).
    [`${dataset}-mixed.log`, Buffer.from(lines.map((l, i) => l + (i % 3 === 0 ? '\r\n' : i % 3 === 1 ? '\n' : i === 5 ? '\r' : '\r\n')).join(''))],
  ] as const) {
    const localPath = join(root, 'data', 'noise', file);
    writeFileSync(localPath, content);
    out.push({ part: first.part, file, path: `data/noise/${file}`, localPath, ...(first.label ? { label: first.label } : {}) });
  }
  return out;
}

beforeAll(async () => {
  const spark = sparkEnv();
  repo = templateCopy();
  work = mkdtempSync(join(tmpdir(), 'quiver-differential-'));
  revision = await loadRevision(new WorkingTreeFiles(repo.dir), repo.dir);
  expect(revision.valid, JSON.stringify(revision.diagnostics)).toBe(true);
  const root = repo.dir;

  for (const ds of revision.config.datasets.values()) {
    const { plan, inputs, labelFiles } = localDatasetInputs(revision, ds.name, root);
    inputs.push(...noiseFiles(root, ds.name, inputs[0] as ParseInputFile));
    sources.push({ dataset: ds.name, plan, inputs, labelFiles });
  }
  for (const { plan } of revision.compiled.featureSets.values()) {
    const ds = sources.filter((s) => s.plan.source === plan.source);
    if (ds.length !== 1) throw new Error(`feature set ${plan.featureSet}: expected one dataset of source ${plan.source}, found ${ds.length}`);
    featureSets.push({ plan, dataset: (ds[0] as Source).dataset });
  }

  // DuckDB: parse, then features from its own parse output.
  for (const s of sources) {
    duckParse.set(s.dataset, await runParse(s.plan, s.inputs, s.labelFiles, dir('duckdb', 'parse', s.dataset), { workDir: dir('duckdb-work', 'parse', s.dataset) }));
  }
  for (const f of featureSets) {
    await runFeatures(f.plan, dataFiles(dir('duckdb', 'parse', f.dataset)), dir('duckdb', 'features', f.plan.featureSet), { workDir: dir('duckdb-work', 'features', f.plan.featureSet) });
  }

  // Spark: the same parses, and the feature sets over DuckDB's parsed files, in one submission.
  const specs: SparkJobSpec[] = [
    ...sources.map((s) => ({ plan: s.plan, inputs: s.inputs, labelFiles: s.labelFiles, output: dir('spark', 'parse', s.dataset) })),
    ...featureSets.map((f) => ({ plan: f.plan, parsedFiles: dataFiles(dir('duckdb', 'parse', f.dataset)), output: dir('spark', 'features', f.plan.featureSet) })),
  ];
  const t0 = Date.now();
  const stats = await runSparkJobs(specs, {
    sparkSubmit: spark.sparkSubmit,
    env: spark.env,
    // The job pins ANSI mode and the UTC session time zone whatever spark-submit says.
    args: [...spark.args, '--conf', 'spark.sql.ansi.enabled=false', '--conf', 'spark.sql.session.timeZone=America/New_York'],
    timeoutMs: 560_000,
  });
  sparkSeconds = (Date.now() - t0) / 1000;
  for (const [i, s] of specs.entries()) sparkStats.set(s.output, stats[i] as Record<string, number>);
}, 600_000);

afterAll(() => {
  if (sparkSeconds) console.log(`differential: one spark-submit for ${sparkStats.size} specs took ${sparkSeconds.toFixed(1)}s`);
  repo?.cleanup();
  // QUIVER_KEEP_DIFFERENTIAL=1 keeps both engines' outputs for a look at a difference.
  if (work && process.env.QUIVER_KEEP_DIFFERENTIAL === '1') console.log(`differential: outputs kept in ${work}`);
  else if (work) rmSync(work, { recursive: true, force: true });
});

// ------------------------------------------------------------------ reading

type Kind = 'double' | 'timestamp' | 'exact';
interface Table {
  columns: Array<{ name: string; type: string; kind: Kind }>;
  rows: Array<Record<string, unknown>>;
}

/** Parquet files as comparable rows: timestamps as epoch micros (text), integers as text, lists as JSON. */
async function readTable(files: string[], orderBy: string): Promise<Table> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const src = `read_parquet([${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}])`;
    const desc = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjectsJson();
    const columns = desc.map((r) => {
      const name = String(r['column_name']);
      const raw = String(r['column_type']);
      const kind: Kind = raw === 'DOUBLE' || raw === 'FLOAT' ? 'double' : raw.startsWith('TIMESTAMP') ? 'timestamp' : 'exact';
      // TIMESTAMP (DuckDB) and TIMESTAMP WITH TIME ZONE (Spark, adjusted to UTC) are the same Quiver type.
      return { name, type: kind === 'timestamp' ? 'TIMESTAMP' : raw, kind };
    });
    const select = columns
      .map(({ name, type, kind }) => {
        const q = `"${name.replace(/"/g, '""')}"`;
        if (kind === 'timestamp') return `CAST(epoch_us(${q}) AS VARCHAR) AS ${q}`;
        if (kind === 'double') return q;
        if (type.endsWith('[]') || type.startsWith('STRUCT') || type.startsWith('MAP')) return `CAST(to_json(${q}) AS VARCHAR) AS ${q}`;
        if (/INT/.test(type)) return `CAST(${q} AS VARCHAR) AS ${q}`;
        return q;
      })
      .join(', ');
    const rows = (await conn.runAndReadAll(`SELECT ${select} FROM ${src} ORDER BY ${orderBy}`)).getRowObjectsJson() as Array<Record<string, unknown>>;
    return { columns, rows };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

function asNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity' || v === 'inf') return Infinity;
  if (v === '-Infinity' || v === '-inf') return -Infinity;
  return Number(v);
}

function sameValue(kind: Kind, a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  if (kind !== 'double') return JSON.stringify(a) === JSON.stringify(b);
  const x = asNumber(a);
  const y = asNumber(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  return Math.abs(x - y) <= Math.max(REL * Math.max(Math.abs(x), Math.abs(y)), ABS);
}

/** Differences between the two engines' tables (empty when they agree). */
function differences(duck: Table, spark: Table, key: (r: Record<string, unknown>) => string): string[] {
  const out: string[] = [];
  const schema = (t: Table): string[] => t.columns.map((c) => `${c.name} ${c.type}`);
  if (JSON.stringify(schema(duck)) !== JSON.stringify(schema(spark))) out.push(`schemas differ:\n  duckdb ${schema(duck).join(', ')}\n  spark  ${schema(spark).join(', ')}`);
  const index = (t: Table, engine: string): Map<string, Record<string, unknown>> => {
    const m = new Map<string, Record<string, unknown>>();
    for (const r of t.rows) {
      const k = key(r);
      if (m.has(k)) out.push(`${engine}: key ${k} appears twice`);
      m.set(k, r);
    }
    return m;
  };
  const d = index(duck, 'duckdb');
  const s = index(spark, 'spark');
  for (const k of d.keys()) if (!s.has(k)) out.push(`only on duckdb: ${k}`);
  for (const k of s.keys()) if (!d.has(k)) out.push(`only on spark: ${k}`);
  const sparkCols = new Map(spark.columns.map((c) => [c.name, c]));
  for (const [k, dr] of d) {
    const sr = s.get(k);
    if (!sr) continue;
    for (const c of duck.columns) {
      const sc = sparkCols.get(c.name);
      if (!sc) continue;
      const kind: Kind = c.kind === 'double' || sc.kind === 'double' ? 'double' : c.kind;
      if (!sameValue(kind, dr[c.name], sr[c.name])) out.push(`${k} ${c.name}: duckdb ${JSON.stringify(dr[c.name])} spark ${JSON.stringify(sr[c.name])}`);
    }
  }
  return out;
}

function report(what: string, diffs: string[]): string {
  return `${what}: ${diffs.length} difference(s) between DuckDB and Spark:\n${diffs.slice(0, MAX_REPORTED).join('\n')}${diffs.length > MAX_REPORTED ? `\n... and ${diffs.length - MAX_REPORTED} more` : ''}`;
}

function rejects(out: string): unknown[] {
  return readFileSync(join(out, 'rejects.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as unknown);
}

// ------------------------------------------------------------------ tests

describe('differential: config-repo-template on DuckDB and on Spark', () => {
  it('covers every source and feature set of the template', () => {
    expect(sources.map((s) => s.plan.source).sort()).toEqual([...revision.compiled.sources.keys()].sort());
    expect(sources).toHaveLength(3);
    expect(featureSets).toHaveLength(5);
  });

  it.each(['ssh-auth', 'web-http', 'zeek-conn'])('parse %s: ok rows, counts and rejects agree', async (dataset) => {
    const s = sources.find((x) => x.dataset === dataset);
    expect(s, `the template has no dataset ${dataset}`).toBeDefined();
    const duckOut = dir('duckdb', 'parse', dataset);
    const sparkOut = dir('spark', 'parse', dataset);
    const d = duckParse.get(dataset) as ParseStats;
    const sp = sparkStats.get(sparkOut) as Record<string, number>;
    expect(d.written).toBeGreaterThan(0);
    expect(d.rejected, 'the noise files give every source rejects').toBeGreaterThan(0);
    const counts = (x: Record<string, number> | ParseStats): Record<string, number> => ({
      files: x.files as number,
      records: x.records as number,
      written: x.written as number,
      rejected: x.rejected as number,
      filtered: x.filtered as number,
      skipped: x.skipped as number,
    });
    expect(counts(sp), 'counts').toEqual(counts(d));
    expect(rejects(sparkOut), 'rejects.jsonl').toEqual(rejects(duckOut));

    const duck = await readTable(dataFiles(duckOut), '_path, _line');
    const spark = await readTable(dataFiles(sparkOut), '_path, _line');
    expect(duck.rows.length).toBe(d.written);
    expect(spark.rows.length).toBe(d.written);
    const diffs = differences(duck, spark, (r) => `${String(r['_path'])}:${String(r['_line'])}`);
    expect(diffs, report(`parse ${dataset}`, diffs)).toEqual([]);
  });

  it.each(['ssh_auth_event', 'ssh_auth_hourly', 'web_request', 'zeek_conn_event', 'zeek_src_hourly'])('features %s: rows agree by _row_key', async (featureSet) => {
    const f = featureSets.find((x) => x.plan.featureSet === featureSet);
    expect(f, `the template has no feature set ${featureSet}`).toBeDefined();
    const duck = await readTable(dataFiles(dir('duckdb', 'features', featureSet)), '_row_key');
    const spark = await readTable(dataFiles(dir('spark', 'features', featureSet)), '_row_key');
    const sp = sparkStats.get(dir('spark', 'features', featureSet)) as Record<string, number>;
    expect(duck.rows.length).toBeGreaterThan(0);
    expect(sp['written']).toBe(spark.rows.length);
    expect(spark.rows.length).toBe(duck.rows.length);
    const diffs = differences(duck, spark, (r) => String(r['_row_key']));
    expect(diffs, report(`features ${featureSet}`, diffs)).toEqual([]);
  });
});
