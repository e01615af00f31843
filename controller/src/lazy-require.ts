import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS package loaded on first use, synchronously. yaml, ajv and
 * protobufjs take ~150 ms to load, and a run whose definitions all come from
 * the cache never parses a file: it should not pay for them. (All three are
 * CommonJS for Node, so this is the same instance an `import` would give.)
 */
export function lazyModule<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= require(id) as T);
}
