/**
 * bench/engine: how fast do Quiver's compiled plans parse and featurize real
 * logs? 1M and 10M lines in each format of ../shared/datasets (scaled up from
 * the real logs by bench/lib/scale-logs.ts, cached), three ways, one run:
 *
 *   (a) quiver  the template repo's plans on DuckDB in process: runParse (raw -> parsed
 *               Parquet) then runFeatures (-> features Parquet), as `quiver run` does
 *   (a') score  the same plans as `quiver score` runs them over raw logs: a line-based source
 *               parsed and featurized in one session, nothing written in between
 *               (runParseFeatures); a multi-line source as (a) (docs/adr/0003)
 *   (b) spark   the same compiled plans on PySpark local[2] (spark-submit of
 *               jobs/spark/quiver_spark_job.py through controller/src/exec/spark), two jobs
 *   (c) hand    one hand-written DuckDB query per format, raw log -> the same feature rows:
 *               the limit (bench/lib/engine-hand.ts)
 *
 * Pairs: openssh -> ssh_auth_hourly, zeek_conn -> zeek_conn_event, web_http -> web_request.
 * Rows per second are input lines per second of wall time (parse + features).
 * Targets: (a) within 1.25x of (c)'s time; (a) at least 10x (b)'s rows per second; (a')/(c)
 * is printed beside (a)/(c).
 * Every way's output is checked against (a)'s: row count and a checksum of the
 * normalized rows (bench/lib/engine-check.ts).
 *
 *   npx tsx bench/engine.ts [--lines 1e6,1e7] [--formats ssh,zeek,web] [--engines quiver,score,spark,hand]
 *                           [--runs 1] [--data-dir DIR] [--spark-memory 4g] [--profile] [--keep] [--output text|json]
 *
 * Each run is a fresh child process (`node --import tsx bench/engine.ts --child ...`), so each
 * way starts cold and its peak RSS (with /usr/bin/time: the JVM's for Spark) is its own.
 * --profile adds, for (a), the time of each piece of the parse stage run alone.
 * Scaled logs are kept in --data-dir (default ~/.cache/quiver-bench/engine-logs; 10M lines of
 * all three formats take about 3 GB).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checksumParquet, type Checksum } from './lib/engine-check.js';
import { runHand } from './lib/engine-hand.js';
import { compileTemplate, logRef, PAIRS, runQuiver, runScorePath } from './lib/engine-quiver.js';
import { fmtMB, fmtMs, fmtRate, load, machine, repoRoot, runChild } from './lib/measure.js';
import { ensureScaledLog, sharedDatasets, type LogFormat } from './lib/scale-logs.js';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1e6,1e7' },
    formats: { type: 'string', default: 'ssh,zeek,web' },
    engines: { type: 'string', default: 'quiver,score,spark,hand' },
    runs: { type: 'string', default: '1' },
    'data-dir': { type: 'string' },
    'spark-memory': { type: 'string', default: '4g' },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    output: { type: 'string', default: 'text' },
    // internal: one measured run in a child process
    child: { type: 'string' },
    format: { type: 'string' },
    log: { type: 'string' },
    work: { type: 'string' },
  },
});

type Engine = 'quiver' | 'score' | 'spark' | 'hand';
const ENGINES: Engine[] = ['quiver', 'score', 'spark', 'hand'];
const FORMATS: LogFormat[] = ['ssh', 'zeek', 'web'];
const TARGET_HAND_RATIO = 1.25;
const TARGET_SPARK_SPEEDUP = 10;
const RESULT = '__QUIVER_ENGINE_RESULT__';

interface ChildOut {
  ms: number;
  /** (a') only: parse and features ran fused, in one session. */
  fused?: boolean;
  parseMs?: number;
  featuresMs?: number;
  records?: number;
  parsed?: number;
  rejected?: number;
  rows: number;
  output: string[];
  pieces?: Record<string, number>;
}

function list<T extends string>(s: string, allowed: readonly T[], what: string): T[] {
  const out = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const x of out) if (!allowed.includes(x as T)) throw new Error(`--${what}: unknown ${x} (one of ${allowed.join(', ')})`);
  return out as T[];
}

function fmtLines(n: number): string {
  return n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n);
}

// ---------------------------------------------------------------- child: one run

async function child(engine: Engine, format: LogFormat, log: string, work: string): Promise<ChildOut> {
  const pairs = await compileTemplate();
  const pair = pairs[format];
  if (engine === 'hand') {
    const r = await runHand(format, log, logRef(log), work);
    return { ms: r.ms, rows: r.rows, output: r.output };
  }
  if (engine === 'spark') {
    const { runSpark } = await import('./lib/engine-spark.js');
    const r = await runSpark(pair, log, work, values['spark-memory']);
    return { ms: r.parseMs + r.featuresMs, parseMs: r.parseMs, featuresMs: r.featuresMs, records: r.records, parsed: r.parsed, rejected: r.rejected, rows: r.featureRows, output: r.output };
  }
  if (engine === 'score') {
    const r = await runScorePath(pair, log, work);
    const ms = r.parseMs + r.featuresMs;
    return r.fused
      ? { ms, fused: true, records: r.records, parsed: r.parsed, rejected: r.rejected, rows: r.featureRows, output: r.output }
      : { ms, fused: false, parseMs: r.parseMs, featuresMs: r.featuresMs, records: r.records, parsed: r.parsed, rejected: r.rejected, rows: r.featureRows, output: r.output };
  }
  const r = await runQuiver(pair, log, work);
  const out: ChildOut = { ms: r.parseMs + r.featuresMs, parseMs: r.parseMs, featuresMs: r.featuresMs, records: r.records, parsed: r.parsed, rejected: r.rejected, rows: r.featureRows, output: r.output };
  if (values.profile) {
    const { profileQuiverParse } = await import('./lib/engine-profile.js');
    out.pieces = await profileQuiverParse(pair, log, join(work, 'profile'));
  }
  return out;
}

if (values.child) {
  const out = await child(values.child as Engine, values.format as LogFormat, values.log ?? '', values.work ?? '');
  process.stdout.write(`${RESULT}${JSON.stringify(out)}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------- parent: the matrix

interface Measured extends ChildOut {
  maxRssKb?: number;
  checksum?: Checksum;
  error?: string;
}

interface Cell {
  lines: number;
  format: LogFormat;
  source: string;
  featureSet: string;
  logBytes: number;
  runs: Partial<Record<Engine, Measured[]>>;
}

const linesList = values.lines.split(',').map((s) => Math.round(Number(s)));
if (linesList.some((n) => !Number.isFinite(n) || n <= 0)) throw new Error(`--lines: positive numbers, got ${values.lines}`);
const formats = list(values.formats, FORMATS, 'formats');
const engines = list(values.engines, ENGINES, 'engines');
const runs = Math.max(1, Number(values.runs));
const json = values.output === 'json';
const say = (s = ''): void => {
  if (!json) console.log(s);
  else process.stderr.write(`${s}\n`);
};

const shared = sharedDatasets();
if (!shared) throw new Error('bench/engine needs ../shared/datasets (ssh-auth, zeek-conn-stratosphere, web-http-csic2010) beside the repository');
const dataDir = values['data-dir'] ?? join(homedir(), '.cache', 'quiver-bench', 'engine-logs');
mkdirSync(dataDir, { recursive: true });
const workRoot = mkdtempSync(join(tmpdir(), 'quiver-bench-engine-'));

say(`bench/engine: ${linesList.map(fmtLines).join(', ')} lines x ${formats.join(', ')} x ${engines.join(', ')}, ${runs} run(s) each`);
say(`machine: ${machine()}; load ${load()}`);
if (engines.includes('spark')) {
  const { sparkSetup } = await import('./lib/engine-spark.js');
  const s = sparkSetup();
  say(`spark: ${s.sparkSubmit.replace(homedir(), '~')} (local[2], driver ${values['spark-memory']}), JAVA_HOME ${s.javaHome}`);
}

async function measure(engine: Engine, format: LogFormat, log: string, work: string): Promise<Measured> {
  const args = ['--import', 'tsx', join(repoRoot, 'bench', 'engine.ts'), '--child', engine, '--format', format, '--log', log, '--work', work, '--spark-memory', values['spark-memory']];
  if (values.profile && engine === 'quiver') args.push('--profile');
  const r = await runChild(process.execPath, args);
  const line = r.stdout.split('\n').find((l) => l.startsWith(RESULT));
  if (r.code !== 0 || !line) return { ms: Number.NaN, rows: 0, output: [], error: `exit ${r.code}: ${r.stderr.trim().split('\n').slice(-12).join('\n')}` };
  const out = JSON.parse(line.slice(RESULT.length)) as ChildOut;
  return { ...out, ...(r.maxRssKb !== undefined ? { maxRssKb: r.maxRssKb } : {}) };
}

const cells: Cell[] = [];
for (const n of linesList) {
  for (const format of formats) {
    const t = performance.now();
    const g = await ensureScaledLog(shared, dataDir, format, n);
    const { statSync } = await import('node:fs');
    const bytes = statSync(g.path).size;
    say(`${format} ${fmtLines(n)}: ${g.generated ? `generated in ${fmtMs(performance.now() - t)}` : 'cached'} (${g.copies} copies of the real logs, ${fmtMB(bytes / 1024)})`);
    const cell: Cell = { lines: n, format, source: PAIRS[format].source, featureSet: PAIRS[format].featureSet, logBytes: bytes, runs: {} };
    cells.push(cell);
    for (let i = 0; i < runs; i++) {
      for (const engine of engines) {
        const work = join(workRoot, `${format}-${n}-${engine}-${i}`);
        const m = await measure(engine, format, g.path, work);
        if (i === 0 && !m.error) m.checksum = await checksumParquet(m.output);
        (cell.runs[engine] ??= []).push(m);
        const rate = m.error ? 'FAILED' : `${fmtMs(m.ms)}, ${fmtRate(n / (m.ms / 1000))}`;
        say(`  ${engine.padEnd(6)} ${rate}${m.maxRssKb ? `, peak RSS ${fmtMB(m.maxRssKb)}` : ''}${m.error ? `\n${m.error}` : ''}`);
        if (!values.keep) rmSync(work, { recursive: true, force: true });
      }
    }
  }
}
if (!values.keep) rmSync(workRoot, { recursive: true, force: true });

// ---------------------------------------------------------------- report

function best(ms: Measured[] | undefined): Measured | undefined {
  const ok = (ms ?? []).filter((m) => !m.error);
  if (!ok.length) return undefined;
  const sorted = [...ok].sort((a, b) => a.ms - b.ms);
  return sorted[Math.floor((sorted.length - 1) / 2)]; // the median run (lower middle)
}

interface Row {
  lines: number;
  format: LogFormat;
  pair: string;
  ways: Partial<Record<Engine, { ms: number; runsMs: number[]; linesPerSecond: number; fused?: boolean; parseMs?: number; featuresMs?: number; maxRssKb?: number; rows: number; records?: number; rejected?: number; checksum?: string; pieces?: Record<string, number> }>>;
  quiverOverHandTime?: number;
  scoreOverHandTime?: number;
  quiverOverSparkRate?: number;
  equal: boolean | undefined;
  equality: string;
  errors: string[];
}

const rows: Row[] = cells.map((c) => {
  const ways: Row['ways'] = {};
  const errors: string[] = [];
  for (const e of engines) {
    const b = best(c.runs[e]);
    const first = c.runs[e]?.[0];
    if (!b) {
      errors.push(`${e}: ${first?.error ?? 'no run'}`);
      continue;
    }
    ways[e] = {
      ms: b.ms,
      runsMs: (c.runs[e] ?? []).filter((m) => !m.error).map((m) => m.ms),
      linesPerSecond: c.lines / (b.ms / 1000),
      ...(b.fused !== undefined ? { fused: b.fused } : {}),
      ...(b.parseMs !== undefined ? { parseMs: b.parseMs } : {}),
      ...(b.featuresMs !== undefined ? { featuresMs: b.featuresMs } : {}),
      ...(b.maxRssKb !== undefined ? { maxRssKb: b.maxRssKb } : {}),
      rows: b.rows,
      ...(b.records !== undefined ? { records: b.records } : {}),
      ...(b.rejected !== undefined ? { rejected: b.rejected } : {}),
      ...(first?.checksum ? { checksum: first.checksum.sum } : {}),
      ...(b.pieces ? { pieces: b.pieces } : {}),
    };
  }
  const sums = engines.map((e) => c.runs[e]?.[0]?.checksum).filter((x): x is Checksum => !!x);
  const equal = sums.length >= 2 ? sums.every((s) => s.rows === sums[0]?.rows && s.sum === sums[0]?.sum) : undefined;
  const equality =
    sums.length === 0
      ? 'no output'
      : equal === false
        ? `DIFFER: ${engines.map((e) => `${e} ${c.runs[e]?.[0]?.checksum?.rows ?? '-'} rows ${c.runs[e]?.[0]?.checksum?.sum ?? '-'}`).join(', ')}`
        : `${sums[0]?.rows.toLocaleString('en-US')} rows, checksum ${sums[0]?.sum}${equal ? ` (same for ${sums.length} ways)` : ''}`;
  const q = ways.quiver;
  return {
    lines: c.lines,
    format: c.format,
    pair: `${c.source} -> ${c.featureSet}`,
    ways,
    ...(q && ways.hand ? { quiverOverHandTime: q.ms / ways.hand.ms } : {}),
    ...(ways.score && ways.hand ? { scoreOverHandTime: ways.score.ms / ways.hand.ms } : {}),
    ...(q && ways.spark ? { quiverOverSparkRate: q.linesPerSecond / ways.spark.linesPerSecond } : {}),
    equal,
    equality,
    errors,
  };
});

if (json) {
  console.log(JSON.stringify({ machine: machine(), load: load(), runs, targets: { quiverOverHandTimeMax: TARGET_HAND_RATIO, quiverOverSparkRateMin: TARGET_SPARK_SPEEDUP }, results: rows }, null, 2));
} else {
  const cellOf = (r: Row, e: Engine): string => {
    const w = r.ways[e];
    if (!w) return engines.includes(e) ? 'failed' : '-';
    return `${fmtRate(w.linesPerSecond)} (${fmtMs(w.ms)})`;
  };
  console.log('');
  console.log(`rows/s = input lines per second of wall time, parse + features${runs > 1 ? `; median of ${runs} runs` : ''}; load ${load()}`);
  const ratio = (x: number | undefined): string => (x !== undefined ? `${x.toFixed(2)}x ${x <= TARGET_HAND_RATIO ? 'ok' : 'MISS'}` : '-');
  const head = ['lines', 'format', 'pair', '(a) quiver', "(a') score", '(b) spark', '(c) hand', '(a)/(c) time', "(a')/(c) time", '(a)/(b) rows/s'];
  const table = rows.map((r) => [
    fmtLines(r.lines),
    r.format,
    r.pair,
    cellOf(r, 'quiver'),
    cellOf(r, 'score'),
    cellOf(r, 'spark'),
    cellOf(r, 'hand'),
    ratio(r.quiverOverHandTime),
    ratio(r.scoreOverHandTime),
    r.quiverOverSparkRate !== undefined ? `${r.quiverOverSparkRate.toFixed(1)}x ${r.quiverOverSparkRate >= TARGET_SPARK_SPEEDUP ? 'ok' : 'MISS'}` : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => (t[i] ?? '').length)));
  const fmtRow = (cols: string[]): string => cols.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(fmtRow(head));
  for (const t of table) console.log(fmtRow(t));
  console.log(`targets: (a)/(c) time <= ${TARGET_HAND_RATIO}x; (a)/(b) rows/s >= ${TARGET_SPARK_SPEEDUP}x`);
  console.log(`(a) is quiver run's two stages, the parse written; (a') is quiver score's path: line-based sources fused, nothing written between parse and features (docs/adr/0003)`);
  console.log('');
  console.log('details:');
  for (const r of rows) {
    console.log(`  ${fmtLines(r.lines)} ${r.format} (${r.pair}): output ${r.equality}`);
    for (const e of engines) {
      const w = r.ways[e];
      if (!w) continue;
      const parts = [w.parseMs !== undefined ? `parse ${fmtMs(w.parseMs)} + features ${fmtMs(w.featuresMs ?? 0)}` : w.fused ? `parse + features fused, one session ${fmtMs(w.ms)}` : `one query ${fmtMs(w.ms)}`];
      if (w.records !== undefined) parts.push(`${w.records.toLocaleString('en-US')} records, ${(w.rejected ?? 0).toLocaleString('en-US')} rejected`);
      if (w.maxRssKb !== undefined) parts.push(`peak RSS ${fmtMB(w.maxRssKb)}`);
      // The spread says how far one run's ratio can be trusted on this machine.
      if (w.runsMs.length > 1) parts.push(`${w.runsMs.length} runs ${fmtMs(Math.min(...w.runsMs))} to ${fmtMs(Math.max(...w.runsMs))}`);
      console.log(`    ${e.padEnd(6)} ${parts.join('; ')}`);
      if (w.pieces) for (const [k, v] of Object.entries(w.pieces)) console.log(`             ${k.padEnd(58)} ${fmtMs(v).padStart(8)}`);
    }
    for (const err of r.errors) console.log(`    FAILED ${err}`);
  }
}
const failed = rows.some((r) => r.errors.length > 0 || r.equal === false);
process.exitCode = failed ? 1 : 0;
