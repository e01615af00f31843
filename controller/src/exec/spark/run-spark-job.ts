/**
 * Runs compiled stage plans on Spark with Quiver's generic job
 * (jobs/spark/quiver_spark_job.py) through spark-submit: the Spark
 * counterpart of exec/embedded's runParse and runFeatures. It writes the job's
 * spec files, runs `spark-submit [args] quiver_spark_job.py --spec spec.json ...`
 * and returns the job's stats lines. The caller says which spark-submit, with
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
import type { ParseInputFile, ParseStats } from '../embedded/run-parse.js';

/** The job's spec document (jobs/spark/README.md). */
export type SparkJobSpec =
  | { plan: ParsePlan; inputs: ParseInputFile[]; labelFiles: Record<string, string>; output: string }
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
export type SparkParseStats = Pick<ParseStats, 'files' | 'records' | 'written' | 'rejected' | 'filtered' | 'skipped' | 'seconds'>;

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
    /** The last lines of stderr (then of stdout), for diagnosis. */
    readonly stderrTail: string,
    readonly signal: NodeJS.Signals | null = null,
    /** With several specs: the stats of those that finished before the failure. */
    readonly completed: Array<Record<string, number>> = [],
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
  const [stats] = await runSparkJobs([spec], opts);
  return stats as Record<string, number>;
}

function describeSpec(spec: SparkJobSpec): string {
  return spec.plan.kind === 'parse' ? `source ${spec.plan.source}` : `feature set ${spec.plan.featureSet}`;
}

function specDocument(spec: SparkJobSpec): object {
  if (spec.plan.kind === 'parse') {
    const s = spec as Extract<SparkJobSpec, { plan: ParsePlan }>;
    return { plan: s.plan, output: s.output, inputs: s.inputs, labelFiles: s.labelFiles, parsedFiles: [] };
  }
  const s = spec as Extract<SparkJobSpec, { plan: FeaturePlan }>;
  return { plan: s.plan, output: s.output, inputs: [], labelFiles: {}, parsedFiles: s.parsedFiles };
}

/**
 * Runs several specs in one spark-submit (one JVM start), in order, and returns
 * their stats in that order (`seconds`: the whole submission's wall time so far
 * when each finished is not known, so every entry gets the total). The first
 * failure ends the job: a SparkJobError whose `completed` holds the stats of the
 * specs that ran before it (their outputs exist; the failed one's does not).
 */
export async function runSparkJobs(specs: SparkJobSpec[], opts: SparkSubmitOptions): Promise<Array<Record<string, number>>> {
  if (specs.length === 0) return [];
  for (const spec of specs) {
    if (!isAbsolute(spec.output)) throw new SparkJobError(`the Spark job's output must be an absolute path, got ${spec.output}`, null, '', '');
  }
  const started = Date.now();
  const ownDir = opts.workDir === undefined;
  const dir = opts.workDir ?? (await mkdtemp(join(tmpdir(), 'quiver-spark-spec-')));
  await mkdir(dir, { recursive: true });
  const specPaths = specs.map((_s, i) => join(dir, specs.length === 1 ? 'spark-spec.json' : `spark-spec-${i}.json`));
  try {
    for (const [i, spec] of specs.entries()) await writeFile(specPaths[i] as string, JSON.stringify(specDocument(spec)));
    const res = await submit(opts, specPaths);
    const seconds = (Date.now() - started) / 1000;
    const completed: Array<Record<string, number>> = [];
    for (const line of res.stdout.split('\n')) {
      const t = line.trim();
      if (!t.startsWith('{')) continue;
      try {
        completed.push({ ...(JSON.parse(t) as Record<string, number>), seconds });
      } catch {
        // not the job's line
      }
    }
    // spark-submit's PythonRunner passes the driver's stderr on to its own stdout: look in both.
    const errorLine = [...res.stdout.split('\n'), ...res.stderrLines].filter((l) => l.startsWith(ERROR_PREFIX)).pop() ?? '';
    const jobError = errorLine.slice(ERROR_PREFIX.length);
    const outTail = res.stdout.trimEnd().split('\n').slice(-10).join('\n');
    const tail = res.stderrLines.slice(-TAIL_LINES).join('\n') + (outTail ? `\n[stdout]\n${outTail}` : '');
    const failed = specs[Math.min(completed.length, specs.length - 1)] as SparkJobSpec;
    const what = specs.length === 1 ? describeSpec(failed) : `${describeSpec(failed)} (spec ${Math.min(completed.length, specs.length - 1) + 1} of ${specs.length})`;
    if (res.code !== 0) {
      const how = res.signal ? `was killed (${res.signal}${res.timedOut ? ', timed out' : ''})` : `exited with code ${res.code}`;
      const msg = jobError ? `Spark job for ${what} ${how}: ${jobError}` : `Spark job for ${what} ${how}:\n${tail}`;
      throw new SparkJobError(msg, res.code, jobError, tail, res.signal, completed);
    }
    if (completed.length !== specs.length) {
      throw new SparkJobError(`Spark job exited 0 but printed ${completed.length} stats line(s) for ${specs.length} spec(s)`, 0, '', tail, null, completed);
    }
    return completed;
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

function submit(opts: SparkSubmitOptions, specPaths: string[]): Promise<Submitted> {
  const args = [...(opts.args ?? []), opts.jobPath ?? defaultJobPath(), ...specPaths.flatMap((p) => ['--spec', p])];
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
