import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const templateDir = join(repoRoot, 'config-repo-template');

export type Edit = string | null | ((old: string) => string);

/**
 * A throwaway copy of config-repo-template with edits applied: a string
 * replaces the file, null deletes it, a function rewrites it. The caller
 * removes it with cleanup().
 */
export function templateCopy(edits: Record<string, Edit> = {}): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'quiver-repo-'));
  cpSync(templateDir, dir, { recursive: true, filter: (src) => !src.includes(`${'/'}.quiver`) });
  applyEdits(dir, edits);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function applyEdits(dir: string, edits: Record<string, Edit>): void {
  for (const [path, edit] of Object.entries(edits)) {
    const p = join(dir, path);
    if (edit === null) rmSync(p, { force: true });
    else if (typeof edit === 'string') {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, edit);
    } else writeFileSync(p, edit(readFileSync(p, 'utf8')));
  }
}

/** Replace exactly one occurrence, so a test fails loudly when the template changes under it. */
export function replaceOnce(from: string, to: string): (old: string) => string {
  return (old) => {
    const i = old.indexOf(from);
    if (i < 0 || old.indexOf(from, i + 1) >= 0) throw new Error(`expected exactly one '${from}' in the file`);
    return old.slice(0, i) + to + old.slice(i + from.length);
  };
}
