/**
 * Runs a compiled stage plan on Spark with Quiver's generic job
 * (jobs/spark/quiver_spark_job.py) through spark-submit: the Spark
 * counterpart of exec/embedded's runParse and runFeatures. It writes the job's
 * spec file, runs `spark-submit [args] quiver_spark_job.py --spec spec.json`
 * and returns the job's stats line. The caller says which spark-submit, with
 * which environment and flags (master, --conf ...): nothing is looked up here.
 *
 * The output folder must not exist; the job creates it whole on success and
 * leaves nothing there on failure (see jobs/spark/README.md).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { FeaturePlan, ParsePlan } from '../../compile/index.js';
import { packageRoot } from '../../paths.js';
import type { ParseInputFile } from '../embedded/run-parse.js';

/** The job's spec document (jobs/spark/README.md). */
export type SparkJobSpec =
  | { plan: ParsePlan; inputs: ParseInputFile[]; labelFiles: Record<string, string>; parsedFiles?: never[]; output: string }
  | { plan: FeaturePlan; parsedFiles: string[]; output: string };

export interface SparkSubmitOptions {
  /** The spark-submit to run. */
  sparkSubmit: string;
  /** Its environment (JAVA_HOME, PYSPARK_PYTHON, ...); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** spark-submit flags placed before the job (--master, --conf k=v, ...). */
  args?: string[];
  /** The job file; default jobs/spark/quiver_spark_job.py of this package. */
  jobPath?: string;
  /** Where the spec file is written (created if missing, kept). Default: a temp folder, removed afterwards. */
  workDir?: string;
  /** Kill spark-submit (its whole process group) after this long. Default: no limit. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Every stderr line of spark-submit (Spark's log), as it comes. */
  onLog?: (line: string) => void;
}

/** The job's stats line for a parse plan, plus the wall time of the spark-submit. */
export interface SparkParseStats {
  files: number;
  records: number;
  written: number;
  rejected: number;
  filtered: number;
  skipped: number;
  seconds: number;
}

export interface SparkFeatureStats {
  read: number;
  written: number;
  seconds: number;
}

/** Exit codes of the job (a JVM that dies otherwise exits with its own code). */
export const SPARK_JOB_EXIT = { ok: 0, spec: 1, usage: 2, spark: 3 } as const;

export class SparkJobError extends Error {
  override readonly name = 'SparkJobError';
  constructor(
    message: string,
    /** spark-submit's exit code (null when killed by a signal or not started). */
    readonly exitCode: number | null,
    /** The job's own one-line error (after `quiver-spark-job: error: `), '' if it printed none. */
    readonly jobError: string,
    /** The last lines of stderr, for diagnosis. */
    readonly stderrTail: string,
    readonly signal: NodeJS.Signals | null = null,
  ) {
    super(message);
  }
}

const ERROR_PREFIX = 'quiver-spark-job: error: ';
const TAIL_LINES = 40;

export function defaultJobPath(): string {
  return join(packageRoot(), 'jobs', 'spark', 'quiver_spark_job.py');
}

/** Runs a parse plan on Spark; `outDir` must not exist yet. */
export async function runSparkParse(
  plan: ParsePlan,
  inputs: ParseInputFile[],
  labelFiles: Record<string, string>,
  outDir: string,
  opts: SparkSubmitOptions,
): Promise<SparkParseStats> {
  return (await runSparkJob({ plan, inputs, labelFiles, output: outDir }, opts)) as unknown as SparkParseStats;
}

/** Runs a feature plan on Spark over parsed Parquet files; `outDir` must not exist yet. */
export async function runSparkFeatures(plan: FeaturePlan, parsedFiles: string[], outDir: string, opts: SparkSubmitOptions): Promise<SparkFeatureStats> {
  return (await runSparkJob({ plan, parsedFiles, output: outDir }, opts)) as unknown as SparkFeatureStats;
}

/** Writes the spec, runs the job, returns its stats (with `seconds`); throws SparkJobError on failure. */
export async function runSparkJob(spec: SparkJobSpec, opts: SparkSubmitOptions): Promise<Record<string, number>> {
  if (!isAbsolute(spec.output)) throw new SparkJobError(`the Spark job's output must be an absolute path, got ${spec.output}`, null, '', '');
  const started = Date.now();
  const ownDir = opts.workDir === undefined;
  const dir = opts.workDir ?? (await mkdtemp(join(tmpdir(), 'quiver-spark-spec-')));
  await mkdir(dir, { recursive: true });
  const specPath = join(dir, 'spark-spec.json');
  const doc =
    spec.plan.kind === 'parse'
      ? { plan: spec.plan, output: spec.output, inputs: (spec as { inputs: ParseInputFile[] }).inputs, labelFiles: (spec as { labelFiles: Record<string, string> }).labelFiles, parsedFiles: [] }
      : { plan: spec.plan, output: spec.output, inputs: [], labelFiles: {}, parsedFiles: (spec as { parsedFiles: string[] }).parsedFiles };
  try {
    await writeFile(specPath, JSON.stringify(doc));
    const res = await submit(opts, specPath);
    const what = spec.plan.kind === 'parse' ? `source ${spec.plan.source}` : `feature set ${spec.plan.featureSet}`;
    const errorLine = res.stderrLines.filter((l) => l.startsWith(ERROR_PREFIX)).pop() ?? '';
    const jobError = errorLine.slice(ERROR_PREFIX.length);
    const tail = res.stderrLines.slice(-TAIL_LINES).join('\n');
    if (res.code !== 0) {
      const how = res.signal ? `was killed (${res.signal}${res.timedOut ? ', timed out' : ''})` : `exited with code ${res.code}`;
      const msg = jobError ? `Spark job for ${what} ${how}: ${jobError}` : `Spark job for ${what} ${how}:\n${tail}`;
      throw new SparkJobError(msg, res.code, jobError, tail, res.signal);
    }
    const statsLine = res.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('{'))
      .pop();
    let stats: Record<string, number> | undefined;
    try {
      stats = statsLine ? (JSON.parse(statsLine) as Record<string, number>) : undefined;
    } catch {
      stats = undefined;
    }
    if (!stats) throw new SparkJobError(`Spark job for ${what} exited 0 but printed no stats line`, 0, '', tail);
    return { ...stats, seconds: (Date.now() - started) / 1000 };
  } finally {
    if (ownDir) await rm(dir, { recursive: true, force: true });
  }
}

interface Submitted {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderrLines: string[];
}

const KEEP_STDERR_LINES = 400;

function submit(opts: SparkSubmitOptions, specPath: string): Promise<Submitted> {
  const args = [...(opts.args ?? []), opts.jobPath ?? defaultJobPath(), '--spec', specPath];
  return new Promise((resolve, reject) => {
    // Its own process group: the JVM and the Python driver it starts go together on kill.
    const child = spawn(opts.sparkSubmit, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let buf = '';
    const lines: string[] = [];
    let timedOut = false;
    const push = (line: string): void => {
      lines.push(line);
      if (lines.length > KEEP_STDERR_LINES) lines.splice(0, lines.length - KEEP_STDERR_LINES);
      opts.onLog?.(line);
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    let hard: NodeJS.Timeout | undefined;
    const stop = (): void => {
      killGroup('SIGTERM');
      hard ??= setTimeout(() => killGroup('SIGKILL'), 10_000);
    };
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, opts.timeoutMs)
      : undefined;
    const onAbort = (): void => stop();
    const onExit = (): void => killGroup('SIGKILL');
    if (opts.signal?.aborted) stop();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    process.once('exit', onExit);
    const done = (): void => {
      if (timer) clearTimeout(timer);
      if (hard) clearTimeout(hard);
      opts.signal?.removeEventListener('abort', onAbort);
      process.off('exit', onExit);
    };
    child.on('error', (e) => {
      done();
      reject(new SparkJobError(`cannot start spark-submit (${opts.sparkSubmit}): ${e.message}`, null, '', ''));
    });
    child.on('close', (code, signal) => {
      done();
      if (buf) push(buf);
      resolve({ code, signal, timedOut, stdout, stderrLines: lines });
    });
  });
}
