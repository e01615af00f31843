/**
 * Real tools for tests (built by `bash tools/ensure-test-tools.sh`).
 *
 *   requireTool(name)   path of a binary / python / JAVA_HOME; call inside a test or beforeEach.
 *                       If missing: CI=true fails the test, otherwise skips it, naming the tool
 *                       and the command that builds it.
 *   sparkEnv()          { sparkSubmit, python, env, args, localDir } for `spark-submit`:
 *                       spawn(sparkSubmit, [...args, 'job.py', ...], { env })
 *   testBed()           what the integration global setup provides (undefined in `unit`)
 *   skipOrFail(msg)     the same skip/fail policy for other unavailable real components
 *   run(cmd, args, o)   runs a process to completion: { code, stdout, stderr } (never throws
 *                       on a non-zero exit; assert on `code` and show `stderr` in the message)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestRunner, inject } from 'vitest';
import type { QuiverInfra, ToolName } from '../infra/context.js';
import { isCI, resolveTools } from '../infra/tool-paths.js';
import { localSparkArgs, localSparkEnv } from '../../controller/src/exec/spark/local-mode.js';

export type { ToolName } from '../infra/context.js';

/** The test bed of the integration project, or undefined where no global setup ran. */
export function testBed(): QuiverInfra | undefined {
  return (inject('quiverInfra') as QuiverInfra | undefined) ?? undefined;
}

export function ciMode(): boolean {
  return testBed()?.ci ?? isCI();
}

/**
 * A real component is unavailable. `missing` (not built/installed): CI fails, local runs skip the
 * current test. Not missing (built but broken): always fails. Outside a running test it throws,
 * which fails the surrounding hook or file.
 */
export function skipOrFail(message: string, missing = true): never {
  const test = TestRunner.getCurrentTest();
  if (missing && !ciMode() && test) {
    console.warn(`[skipped] ${test.name}: ${message}`);
    test.context.skip(message);
  }
  throw new Error(ciMode() && missing ? `${message} (CI=true: missing components fail the tests that need them)` : message);
}

/** Path of a tool (for java-home: the JDK folder); fails (CI) or skips (local) when missing. */
export function requireTool(name: ToolName): string {
  const status = (testBed()?.tools ?? resolveTools())[name];
  if (status.ok) return status.path;
  return skipOrFail(status.problem, true);
}

export interface SparkEnv {
  /** The spark venv's spark-submit (pip-installed pyspark, bundled Spark). */
  sparkSubmit: string;
  /** The spark venv's python (PYSPARK_PYTHON and PYSPARK_DRIVER_PYTHON). */
  python: string;
  /** process.env with JAVA_HOME (17/21), SPARK_LOCAL_IP, PYSPARK_*; SPARK_HOME removed. */
  env: NodeJS.ProcessEnv;
  /** --master local[2] and the standard --conf flags (TEST-INFRA §6); add the job after them. */
  args: string[];
  /** Fresh spark.local.dir for this call. */
  localDir: string;
}

/**
 * Environment and flags for an offline local-mode spark-submit. Never add --packages: jars come
 * from pip's pyspark only. spark.sql.ansi.enabled is left at Spark 4's default (true); tests
 * that depend on it should pin it themselves.
 */
export function sparkEnv(): SparkEnv {
  const sparkSubmit = requireTool('spark-submit');
  const python = requireTool('spark-python');
  const javaHome = requireTool('java-home');
  const base = testBed()?.runDir ?? tmpdir();
  const localDir = mkdtempSync(join(base, 'spark-local-'));
  const env = localSparkEnv(python, javaHome);
  const args = localSparkArgs(localDir, '1g');
  return { sparkSubmit, python, env, args, localDir };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    // If the test worker goes away first (interrupted run), take the child with it.
    const onExit = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', onExit);
    const done = (): void => {
      clearTimeout(timer);
      process.off('exit', onExit);
    };
    child.on('error', (err) => {
      done();
      reject(new Error(`${command}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      done();
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
