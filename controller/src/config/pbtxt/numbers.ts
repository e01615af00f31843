import type { Token } from './lexer.js';

/** Integer field types and the range each accepts (text-format spec, "Value Types"). */
export const INT_RANGES = {
  int32: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  sint32: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  sfixed32: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  uint32: { min: 0n, max: 2n ** 32n - 1n },
  fixed32: { min: 0n, max: 2n ** 32n - 1n },
  int64: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
  sint64: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
  sfixed64: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
  uint64: { min: 0n, max: 2n ** 64n - 1n },
  fixed64: { min: 0n, max: 2n ** 64n - 1n },
} as const;

export type IntType = keyof typeof INT_RANGES;

/** The range of enum numbers in text format. */
export const ENUM_RANGE = INT_RANGES.int32;

export function isIntType(t: string): t is IntType {
  return Object.hasOwn(INT_RANGES, t);
}

export function isUnsigned(t: IntType): boolean {
  return INT_RANGES[t].min === 0n;
}

/** 64-bit types: exact in bigint, shown as strings in plain objects (as in the proto JSON mapping). */
export function is64Bit(t: string): boolean {
  return t === 'int64' || t === 'uint64' || t === 'sint64' || t === 'fixed64' || t === 'sfixed64';
}

/**
 * The magnitude of an `int` token, or undefined when it has so many digits
 * that it is out of range for every type (this also keeps BigInt parsing of
 * pathological inputs bounded).
 */
export function intMagnitude(tok: Token): bigint | undefined {
  const prefix = tok.base === 'hex' ? 2 : tok.base === 'oct' ? 1 : 0;
  let i = prefix;
  while (i < tok.text.length - 1 && tok.text[i] === '0') i++;
  const digits = tok.text.slice(i);
  if (digits.length > 24) return undefined;
  if (tok.base === 'hex') return BigInt(`0x${digits}`);
  if (tok.base === 'oct') return BigInt(`0o${digits}`);
  return BigInt(digits);
}

/** A FLOAT token's value; a trailing f/F only marks the literal as floating point. */
export function floatValue(text: string): number {
  const t = text.endsWith('f') || text.endsWith('F') ? text.slice(0, -1) : text;
  return Number(t);
}

/** inf, infinity and nan, in any case, name special float values. */
export function specialFloat(ident: string): number | undefined {
  const l = ident.toLowerCase();
  if (l === 'inf' || l === 'infinity') return Infinity;
  if (l === 'nan') return NaN;
  return undefined;
}

/** A `float` (32-bit) value: overflow becomes infinity, as the spec says; otherwise the written value is kept. */
export function toFieldFloat(type: 'float' | 'double', v: number): number {
  if (type === 'float' && Number.isFinite(v) && !Number.isFinite(Math.fround(v))) return v > 0 ? Infinity : -Infinity;
  return v;
}
