/**
 * Way (b) of bench/engine: the same compiled plans on PySpark, local[2],
 * through Quiver's Spark runner (controller/src/exec/spark: spark-submit of
 * jobs/spark/quiver_spark_job.py, one job for the parse plan, one for the
 * feature plan). The bench's own small equivalent of test/helpers' sparkEnv()
 * (which would pull in vitest): spark-submit from the spark venv
 * (tools/ensure-venv.sh spark, or QUIVER_SPARK_SUBMIT / QUIVER_SPARK_PYTHON),
 * a JDK from JAVA_HOME, the tools cache's env.json, or the `java` on PATH.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parquetFiles } from '../../controller/src/exec/embedded/run-features.js';
import { localSparkArgs, localSparkEnv, runSparkFeatures, runSparkParse, type SparkSubmitOptions } from '../../controller/src/exec/spark/index.js';
import type { CompiledPair } from './engine-quiver.js';
import { logRef } from './engine-quiver.js';
import { repoRoot } from './measure.js';

export interface SparkSetup {
  sparkSubmit: string;
  python: string;
  javaHome: string;
  env: NodeJS.ProcessEnv;
  args: string[];
}

function toolsCache(): string {
  return process.env['QUIVER_TOOLS'] ?? join(homedir(), '.cache', 'quiver-tools');
}

function javaHome(): string {
  const ok = (h: string | undefined): h is string => !!h && existsSync(join(h, 'bin', 'java'));
  const envJson = join(toolsCache(), 'env.json');
  if (existsSync(envJson)) {
    try {
      const j = JSON.parse(readFileSync(envJson, 'utf8')) as Record<string, string>;
      if (ok(j['JAVA_HOME'])) return j['JAVA_HOME'];
    } catch {
      // fall through
    }
  }
  if (ok(process.env['JAVA_HOME'])) return process.env['JAVA_HOME'];
  try {
    const java = realpathSync(execFileSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).trim());
    const home = dirname(dirname(java));
    if (ok(home)) return home;
  } catch {
    // none
  }
  throw new Error('no JDK: set JAVA_HOME (JDK 17 or 21) or run tools/ensure-test-tools.sh');
}

/** Resolves spark-submit, its python and a JDK; throws with what is missing. */
export function sparkSetup(): SparkSetup {
  let python = process.env['QUIVER_SPARK_PYTHON'];
  if (!python) python = execFileSync('bash', [join(repoRoot, 'tools', 'ensure-venv.sh'), 'spark'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const sparkSubmit = process.env['QUIVER_SPARK_SUBMIT'] ?? join(dirname(python), 'spark-submit');
  if (!existsSync(sparkSubmit)) throw new Error(`no spark-submit at ${sparkSubmit}`);
  const jh = javaHome();
  const env = localSparkEnv(python, jh);
  return { sparkSubmit, python, javaHome: jh, env, args: [] };
}

export interface SparkRun {
  parseMs: number;
  featuresMs: number;
  records: number;
  parsed: number;
  rejected: number;
  featureRows: number;
  output: string[];
}

export async function runSpark(pair: CompiledPair, logPath: string, workDir: string, driverMemory = '4g'): Promise<SparkRun> {
  await mkdir(workDir, { recursive: true });
  const setup = sparkSetup();
  const localDir = mkdtempSync(join(workDir, 'spark-local-'));
  const opts: SparkSubmitOptions = { sparkSubmit: setup.sparkSubmit, env: setup.env, args: localSparkArgs(localDir, driverMemory), workDir: join(workDir, 'spec') };
  const parsedDir = join(workDir, 'parsed');
  const featDir = join(workDir, 'features');
  const t0 = performance.now();
  const ps = await runSparkParse(pair.parse, [{ part: 'bench', file: basename(logPath), path: logRef(logPath), localPath: logPath }], {}, parsedDir, opts);
  const t1 = performance.now();
  const fs = await runSparkFeatures(pair.features, await parquetFiles([join(parsedDir, 'data')]), featDir, opts);
  const t2 = performance.now();
  return { parseMs: t1 - t0, featuresMs: t2 - t1, records: ps.records, parsed: ps.written, rejected: ps.rejected, featureRows: fs.written, output: await parquetFiles([join(featDir, 'data')]) };
}

