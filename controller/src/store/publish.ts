import { PreconditionFailedError, StoreError, wrapError } from './errors.js';
import { checkKey, checkPrefix, joinKey } from './keys.js';
import { MANIFEST_NAME, SUCCESS_NAME, type ObjectStore, type PublishFile, type PublishOptions } from './types.js';

/** Data files uploaded at once; bounded so memory and sockets stay small. */
const PUBLISH_CONCURRENCY = 4;

/**
 * The one publication protocol for every backend (DESIGN §5): data files, then
 * manifest.json, then _SUCCESS (create-only). A reader that sees _SUCCESS sees
 * everything; a publish interrupted at any point leaves an incomplete folder,
 * which the next publish clears first. Two publishers of the same prefix at
 * the same time are not supported: stage keys give each prefix one writer.
 */
export async function publishFolder(
  store: ObjectStore,
  prefix: string,
  files: PublishFile[],
  manifest: object,
  opts: PublishOptions = {},
): Promise<void> {
  const folder = checkPrefix(store.uri, prefix);
  if (folder === '') throw new StoreError(`publish into ${store.uri}: needs a folder prefix, not the store root`, { uri: store.uri, code: 'InvalidKey' });
  checkPublishFiles(store.uri, folder, files);
  const successKey = joinKey(folder, SUCCESS_NAME);

  if (await store.stat(successKey)) {
    if (!opts.overwrite) throw new PreconditionFailedError(store.uri, successKey);
    await store.delete(successKey); // incomplete from here on, before anything changes
  }
  if (await hasAny(store, folder)) await store.deletePrefix(folder); // leftovers of an interrupted attempt

  await runLimited(files, PUBLISH_CONCURRENCY, async (f) => {
    const key = joinKey(folder, f.name);
    if (f.localPath !== undefined) await store.putFile(f.localPath, key);
    else await store.put(key, f.body ?? '');
  });
  let manifestText: string;
  try {
    manifestText = JSON.stringify(manifest, null, 2) + '\n';
  } catch (err) {
    throw wrapError(err, 'serialize manifest for', store.uri, joinKey(folder, MANIFEST_NAME));
  }
  await store.put(joinKey(folder, MANIFEST_NAME), manifestText, { contentType: 'application/json' });
  await store.put(successKey, '', { ifNoneMatch: '*' });
}

export async function isFolderComplete(store: ObjectStore, prefix: string): Promise<boolean> {
  const folder = checkPrefix(store.uri, prefix);
  return (await store.stat(joinKey(folder, SUCCESS_NAME))) !== undefined;
}

export async function readFolderManifest(store: ObjectStore, prefix: string): Promise<unknown | undefined> {
  const folder = checkPrefix(store.uri, prefix);
  if (!(await isFolderComplete(store, folder))) return undefined;
  const key = joinKey(folder, MANIFEST_NAME);
  const bytes = await store.getBytes(key);
  if (bytes === undefined) {
    throw new StoreError(`${store.uri}/${key} is missing although ${SUCCESS_NAME} is present`, { uri: store.uri, key, code: 'Corrupt' });
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (err) {
    throw new StoreError(`${store.uri}/${key} is not valid JSON: ${(err as Error).message}`, { uri: store.uri, key, code: 'Corrupt', cause: err });
  }
}

function checkPublishFiles(uri: string, folder: string, files: PublishFile[]): void {
  const seen = new Set<string>();
  for (const f of files) {
    checkKey(uri, joinKey(folder, f.name));
    if (f.name === MANIFEST_NAME || f.name === SUCCESS_NAME) {
      throw new StoreError(`publish into ${uri}/${folder}: '${f.name}' is written by publish itself`, { uri, key: joinKey(folder, f.name), code: 'InvalidKey' });
    }
    if (seen.has(f.name)) throw new StoreError(`publish into ${uri}/${folder}: file '${f.name}' given twice`, { uri, key: joinKey(folder, f.name), code: 'InvalidKey' });
    seen.add(f.name);
    if ((f.localPath === undefined) === (f.body === undefined)) {
      throw new StoreError(`publish into ${uri}/${folder}: file '${f.name}' needs exactly one of localPath and body`, { uri, key: joinKey(folder, f.name), code: 'InvalidKey' });
    }
  }
}

async function hasAny(store: ObjectStore, folder: string): Promise<boolean> {
  for await (const _ of store.list(folder)) return true;
  return false;
}

/** Runs fn over items with at most `limit` in flight; the first failure wins after all settle. */
export async function runLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.err;
}
