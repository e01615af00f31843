/**
 * Data shared beside the repository in `../shared` (real public security logs, vendored CRDs).
 * Never copy files from there into the repo; read them in place.
 *
 *   sharedDataDir()                  absolute path of `<repo>/../shared`, or undefined if absent
 *   sharedFile(rel)                  `<repo>/../shared/<rel>` if it exists, else undefined
 *   sparkApplicationCrdPath()        the vendored upstream SparkApplication CRD (spark-operator v2.5.2)
 *   describeWithSharedData(name, fn) describe() that skips, saying why, where `../shared` is absent
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

/** The repository root, found from this file's location (test/helpers/). */
export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function sharedDataDir(): string | undefined {
  const dir = resolve(repoRoot, '..', 'shared');
  return existsSync(dir) ? dir : undefined;
}

export function sharedFile(rel: string): string | undefined {
  const dir = sharedDataDir();
  if (!dir) return undefined;
  const file = join(dir, rel);
  return existsSync(file) ? file : undefined;
}

export function sparkApplicationCrdPath(): string | undefined {
  return sharedFile('vendor-data/spark-operator/sparkoperator.k8s.io_sparkapplications.yaml');
}

export function describeWithSharedData(name: string, fn: () => void): void {
  if (sharedDataDir()) {
    describe(name, fn);
  } else {
    const why = `../shared (beside the repository root) is absent; these tests read data from it`;
    console.warn(`[skipped] ${name}: ${why}`);
    describe.skip(`${name} [skipped: ${why}]`, fn);
  }
}
