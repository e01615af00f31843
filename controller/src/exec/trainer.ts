import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jobDir, jobPython } from './python-env.js';

export interface TrainerSpec {
  model: string;
  inputs: Array<{ name: string; path: string; features: string[] }>;
  label: { positive: string[]; negative: string[] };
  algorithm: string;
  params: Record<string, unknown>;
  split: { method: 'random' | 'time'; test_fraction: number; seed: number };
  target_fpr: number;
  fill_missing: number | null;
  output: string;
}

export interface TrainerMetrics {
  roc_auc: number;
  pr_auc: number;
  precision: number;
  recall: number;
  fpr: number;
  threshold: number;
  target_fpr: number;
  target_fpr_met: boolean;
  [k: string]: unknown;
}

export class TrainerError extends Error {
  override readonly name = 'TrainerError';
  constructor(
    message: string,
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

/**
 * Runs jobs/trainer as a subprocess — the same program the operator's Job runs.
 * Its stderr progress lines are passed to onLog; its last stdout line is a JSON summary.
 */
export async function runTrainer(spec: TrainerSpec, workDir: string, opts: { python?: string; onLog?: (line: string) => void; signal?: AbortSignal } = {}): Promise<void> {
  const python = opts.python ?? jobPython('trainer');
  if (!python) throw new TrainerError('the trainer venv is missing: run `bash tools/ensure-venv.sh trainer` (or set QUIVER_TRAINER_PYTHON)', null);
  await mkdir(workDir, { recursive: true });
  const specPath = join(workDir, 'trainer-spec.json');
  await writeFile(specPath, JSON.stringify(spec, null, 2));
  await new Promise<void>((resolve, reject) => {
    const child = spawn(python, ['-m', 'quiver_trainer', '--spec', specPath], {
      cwd: jobDir('trainer'),
      env: { ...process.env, PYTHONPATH: jobDir('trainer'), PYTHONHASHSEED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    let lastError = '';
    let buf = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.includes('error:')) lastError = line;
        opts.onLog?.(line);
      }
    });
    child.stdout.resume();
    child.on('error', (e) => reject(new TrainerError(`cannot start the trainer (${python}): ${e.message}`, null)));
    child.on('close', (code) => {
      if (buf && buf.includes('error:')) lastError = buf.trim();
      if (code === 0) resolve();
      else reject(new TrainerError(lastError.replace(/^quiver-trainer: error: /, '') || `the trainer exited with code ${code}`, code));
    });
  });
}
