import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from './file-store.js';
import { publishFolder, runLimited } from './publish.js';
import type { ObjectStore } from './types.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'quiver-publish-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A store that records every mutating call, in order, then does it. */
function recording(inner: ObjectStore): { store: ObjectStore; log: string[] } {
  const log: string[] = [];
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...a: unknown[]) => unknown;
      if (prop === 'put' || prop === 'putFile' || prop === 'delete' || prop === 'deletePrefix') {
        return async (...args: unknown[]) => {
          const key = prop === 'putFile' ? args[1] : args[0];
          const r = await fn.apply(target, args);
          log.push(`${String(prop)} ${String(key)}`);
          return r;
        };
      }
      return fn.bind(target);
    },
  });
  return { store, log };
}

describe('publishFolder order', () => {
  it('data files, then manifest.json, then _SUCCESS', async () => {
    const { store, log } = recording(new FileStore(root));
    await publishFolder(store, 'out/k', [{ name: 'b', body: 'b' }, { name: 'a', body: 'a' }], { ok: true });
    expect(log.slice(-2)).toEqual(['put out/k/manifest.json', 'put out/k/_SUCCESS']);
    expect(log.slice(0, -2).sort()).toEqual(['put out/k/a', 'put out/k/b']);
  });

  it('clears an incomplete leftover before writing anything', async () => {
    const inner = new FileStore(root);
    await inner.put('out/k/stale.parquet', 'old attempt');
    const { store, log } = recording(inner);
    await publishFolder(store, 'out/k', [{ name: 'new.parquet', body: 'n' }], {});
    expect(log[0]).toBe('deletePrefix out/k');
    expect(await inner.stat('out/k/stale.parquet')).toBeUndefined();
  });

  it('overwrite removes _SUCCESS before touching anything else', async () => {
    const inner = new FileStore(root);
    await publishFolder(inner, 'out/k', [{ name: 'x', body: '1' }], { v: 1 });
    const { store, log } = recording(inner);
    await publishFolder(store, 'out/k', [{ name: 'x', body: '2' }], { v: 2 }, { overwrite: true });
    expect(log.slice(0, 2)).toEqual(['delete out/k/_SUCCESS', 'deletePrefix out/k']);
    expect(log.at(-1)).toBe('put out/k/_SUCCESS');
  });

  it('writes no manifest and no _SUCCESS when a data file fails', async () => {
    const { store, log } = recording(new FileStore(root));
    await expect(publishFolder(store, 'out/k', [{ name: 'a', body: 'a' }, { name: 'b', localPath: join(root, 'missing') }], {})).rejects.toThrow();
    expect(log.filter((l) => l.includes('manifest.json') || l.includes('_SUCCESS'))).toEqual([]);
  });
});

describe('runLimited', () => {
  it('never runs more than the limit at once and reports the first failure', async () => {
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    await runLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(n);
      active--;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await expect(runLimited([1, 2], 2, async (n) => {
      if (n === 2) throw new Error('two');
    })).rejects.toThrow('two');
  });
});
