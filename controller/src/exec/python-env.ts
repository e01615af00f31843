import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/**
 * The Python that runs a job (trainer or spark): $QUIVER_<NAME>_PYTHON, else
 * the cached venv tools/ensure-venv.sh builds for jobs/<name>/requirements.txt.
 */
export function jobPython(name: 'trainer' | 'spark', env: Record<string, string | undefined> = process.env): string | undefined {
  const override = env[`QUIVER_${name.toUpperCase()}_PYTHON`];
  if (override) return override;
  const req = join(packageRoot(), 'jobs', name, 'requirements.txt');
  if (!existsSync(req)) return undefined;
  const hash = createHash('sha256').update(readFileSync(req)).digest('hex').slice(0, 12);
  const cache = env['QUIVER_TOOLS'] ?? join(homedir(), '.cache', 'quiver-tools');
  const venv = join(cache, `venv-${name}-${hash}`);
  return existsSync(join(venv, '.complete')) ? join(venv, 'bin', 'python') : undefined;
}

export function jobDir(name: 'trainer' | 'spark'): string {
  return join(packageRoot(), 'jobs', name);
}
