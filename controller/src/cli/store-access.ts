import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RepoConfig } from '../config/index.js';
import { outputPrefix, type Stage, type StageGraph, type StoreIndex } from '../plan/index.js';
import { currentRelease, readReleaseIndex } from '../release/release-index.js';
import { openStore, type ObjectStore } from '../store/index.js';
import { UsageError } from './errors.js';

/** --store, or quiver.yaml's storage root (a relative file:// root is relative to the repository). */
export async function openRepoStore(config: RepoConfig, override: string | undefined, cwd: string): Promise<ObjectStore> {
  let uri = override ?? config.settings.storageRoot;
  if (!uri.includes('://')) uri = pathToFileURL(resolve(cwd, uri)).href;
  else if (uri.startsWith('file://') && !uri.startsWith('file:///')) {
    const rel = uri.slice('file://'.length);
    uri = pathToFileURL(isAbsolute(rel) ? rel : resolve(override ? cwd : config.root, rel)).href;
  }
  if (!/^(file|s3):\/\//.test(uri)) throw new UsageError(`the store must be a file:// or s3:// URI, not '${uri}'`);
  return openStore(uri, { s3: config.settings.s3, cwd });
}

/** Which stage outputs exist: one isComplete() per stage (parallel), and release indexes for release stages. */
export async function storeIndexFor(store: ObjectStore, graph: StageGraph): Promise<StoreIndex> {
  const have = new Set<string>();
  const stages = [...graph.stages.values()].filter((s) => s.key);
  const queue = [...stages];
  const worker = async (): Promise<void> => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      if (s.kind === 'release') {
        const idx = await readReleaseIndex(store, s.model ?? '');
        const train = graph.stages.get(s.deps[0] ?? '');
        const cur = currentRelease(idx);
        const decided = idx.attempts.some((a) => a.releaseKey === s.key) || (cur !== undefined && cur.trainKey === train?.key);
        if (decided) have.add(s.id);
      } else if (await store.isComplete(outputPrefix(s))) have.add(s.id);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { hasOutput: (s: Stage) => have.has(s.id) };
}

/** The release each model would replace (its digest), for release keys. */
export async function currentReleases(store: ObjectStore, models: Iterable<string>): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  await Promise.all(
    [...models].map(async (m) => {
      const cur = currentRelease(await readReleaseIndex(store, m));
      out.set(m, cur?.digest ?? null);
    }),
  );
  return out;
}
