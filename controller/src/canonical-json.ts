/**
 * Canonical JSON and the keys hashed over it. Shared by the compiler (which
 * freezes canonical forms and may know their text from the cache) and the
 * planner (stage keys), so it sits below both.
 */
import { createHash } from 'node:crypto';

/**
 * Canonical text of frozen objects, computed once. The compiled canonical
 * forms of sources and feature sets are frozen (deepFreeze) and appear in
 * many stage keys, in both revisions a plan compares; re-serializing them
 * was most of a plan's time.
 */
const frozenText = new WeakMap<object, string>();

/**
 * JSON with object keys sorted at every level and no whitespace: the one
 * serialization stage keys are hashed over (DVC's dict_hash idea). undefined
 * members are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`cannot key a non-finite number: ${value}`);
    return JSON.stringify(value) ?? 'null';
  }
  const frozen = Object.isFrozen(value);
  if (frozen) {
    const text = frozenText.get(value);
    if (text !== undefined) return text;
  }
  let text: string;
  if (Array.isArray(value)) text = `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  else {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    text = `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  if (frozen) frozenText.set(value, text);
  return text;
}

/** Freezes `value` and records its canonical text, computed earlier by canonicalJson (a cache stores both). */
export function frozenWithText<T extends object>(value: T, text: string): T {
  deepFreeze(value);
  if (!frozenText.has(value)) frozenText.set(value, text);
  return value;
}

/** Freezes a value and everything in it, so canonicalJson may remember its text. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function keyOf(keyInput: unknown): string {
  return sha256Hex(canonicalJson(keyInput));
}
