import { cacheDirFor, FileContentCache, MemoryContentCache } from '../cache/content-cache.js';
import type { OptionSpec, ParsedArgs } from './command.js';

/** `--no-cache`: read every file afresh and write no cache file. */
export const noCacheOption: OptionSpec[string] = { type: 'boolean' };

/** The --help line for --no-cache, its description starting at `column` (to align with the command's other options). */
export function noCacheHelp(column = 20): string {
  return `  --no-cache${' '.repeat(Math.max(1, column - 12))}do not read or write the definition cache (.quiver/cache; QUIVER_CACHE_DIR moves it)`;
}

/**
 * The definition cache for a command on `repo`: the repository's cache
 * folder, or with --no-cache a memory cache that still shares work between
 * the revisions one command reads (plan, dev). Call save() when done.
 */
export async function openDefinitionCache(repo: string, args: ParsedArgs, env: Record<string, string | undefined>): Promise<MemoryContentCache & { save(): Promise<void> }> {
  if (args.values['no-cache'] === true) return Object.assign(new MemoryContentCache(), { save: async () => {} });
  return FileContentCache.open(cacheDirFor(repo, env));
}

/** For commands that read one revision (validate, test): with --no-cache, no cache at all (it would only add copying). */
export async function openSingleRevisionCache(repo: string, args: ParsedArgs, env: Record<string, string | undefined>): Promise<{ cache?: FileContentCache; save(): Promise<void> }> {
  if (args.values['no-cache'] === true) return { save: async () => {} };
  const cache = FileContentCache.open(cacheDirFor(repo, env));
  return { cache, save: () => cache.save() };
}
