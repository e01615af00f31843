// Resolves the tools that tools/ensure-test-tools.sh built: QUIVER_* environment variables win,
// then the env.json it writes into ${QUIVER_TOOLS:-$HOME/.cache/quiver-tools}. Used by the
// global setup and, in the unit project (no global setup), directly by test/helpers/tools.ts.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ToolName, ToolStatus } from './context.js';

export const ENSURE_COMMAND = 'bash tools/ensure-test-tools.sh';

const ENV_KEYS: Record<ToolName, string> = {
  etcd: 'QUIVER_ETCD',
  'kube-apiserver': 'QUIVER_KUBE_APISERVER',
  kubectl: 'QUIVER_KUBECTL',
  helm: 'QUIVER_HELM',
  's3-server': 'QUIVER_S3_SERVER',
  'spark-submit': 'QUIVER_SPARK_SUBMIT',
  'spark-python': 'QUIVER_SPARK_PYTHON',
  'trainer-python': 'QUIVER_TRAINER_PYTHON',
  'java-home': 'JAVA_HOME',
};

const HOW_TO_GET: Record<ToolName, string> = {
  etcd: `${ENSURE_COMMAND} (builds etcd from the Go module proxy), or set KUBEBUILDER_ASSETS`,
  'kube-apiserver': `${ENSURE_COMMAND} (builds kube-apiserver from the Go module proxy), or set KUBEBUILDER_ASSETS`,
  kubectl: `${ENSURE_COMMAND} (builds kubectl from the staging modules), or set KUBEBUILDER_ASSETS`,
  helm: `${ENSURE_COMMAND} (builds helm v4 with go install)`,
  's3-server': `${ENSURE_COMMAND} (builds SeaweedFS's weed)`,
  'spark-submit': `${ENSURE_COMMAND} (or: bash tools/ensure-venv.sh spark)`,
  'spark-python': `${ENSURE_COMMAND} (or: bash tools/ensure-venv.sh spark)`,
  'trainer-python': `${ENSURE_COMMAND} (or: bash tools/ensure-venv.sh trainer; needs jobs/trainer/requirements.txt)`,
  'java-home': `${ENSURE_COMMAND} finds a JDK 17 or 21 (apt-get install -y openjdk-17-jdk-headless)`,
};

export function toolsCacheDir(): string {
  return process.env.QUIVER_TOOLS || join(homedir(), '.cache', 'quiver-tools');
}

function readEnvJson(): Record<string, string> {
  const file = join(toolsCacheDir(), 'env.json');
  if (!existsSync(file)) return {};
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const out: Record<string, string> = {};
  if (parsed && typeof parsed === 'object') {
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function usable(name: ToolName, path: string): boolean {
  try {
    if (name === 'java-home') {
      accessSync(join(path, 'bin', 'java'), constants.X_OK);
      return true;
    }
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function missingToolMessage(name: ToolName, detail: string): string {
  return `${name} is not available (${detail}). Build it with: ${HOW_TO_GET[name]}`;
}

/** Looks every tool up once; never throws. */
export function resolveTools(): Record<ToolName, ToolStatus> {
  const fromFile = readEnvJson();
  const out = {} as Record<ToolName, ToolStatus>;
  for (const name of Object.keys(ENV_KEYS) as ToolName[]) {
    const key = ENV_KEYS[name];
    // For JAVA_HOME env.json wins: a user's JAVA_HOME may point at a JDK Spark 4.0 cannot use,
    // and ensure-test-tools.sh already preferred a valid JAVA_HOME when it chose one.
    const path = name === 'java-home' ? fromFile[key] || process.env[key] : process.env[key] || fromFile[key];
    if (!path) {
      out[name] = { ok: false, problem: missingToolMessage(name, `${key} unset and not in ${join(toolsCacheDir(), 'env.json')}`) };
    } else if (!usable(name, path)) {
      out[name] = { ok: false, problem: missingToolMessage(name, `${key}=${path} is not executable`) };
    } else {
      out[name] = { ok: true, path };
    }
  }
  return out;
}

export function isCI(): boolean {
  const v = process.env.CI;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}
