import type { DataType } from '../../config/data-type.js';
import type { Param, Signature, TypeVar } from '../catalog/entry.js';
import { commonType, describeTypeSet, inTypeSet, isImplicitlyConvertible, NULL_DEFAULT, type ExprType, type TypeSet } from '../types/index.js';

export interface Resolved {
  signature: Signature;
  /** The parameter each argument binds to (variadic parameters repeat). */
  params: Param[];
  /** The concrete type each argument is converted to. */
  paramTypes: DataType[];
  result: DataType;
}

export type Mismatch =
  | { kind: 'arity' }
  | { kind: 'type'; index: number; expected: string; wanted?: DataType };

/** Parameters for `count` arguments, or undefined if the signature cannot take that many. */
export function expandParams(sig: Signature, count: number): Param[] | undefined {
  const required = sig.params.filter((p) => !p.optional && !p.variadic).length;
  const variadic = sig.params.find((p) => p.variadic);
  const max = variadic ? Infinity : sig.params.length;
  if (count < required || count > max) return undefined;
  const out: Param[] = [];
  for (let i = 0; i < count; i++) out.push(i < sig.params.length ? (sig.params[i] as Param) : (variadic as Param));
  return out;
}

export function matchSignature(sig: Signature, types: readonly ExprType[]): Resolved | Mismatch {
  const params = expandParams(sig, types.length);
  if (params === undefined) return { kind: 'arity' };
  const bound = new Map<TypeVar, { set: TypeSet; types: ExprType[]; first: number }>();
  for (let i = 0; i < params.length; i++) {
    const p = params[i] as Param;
    const t = types[i] as ExprType;
    if (typeof p.type === 'string') {
      if (!isImplicitlyConvertible(t, p.type)) return { kind: 'type', index: i, expected: p.type, wanted: p.type };
    } else {
      if (!inTypeSet(t, p.type.of)) return { kind: 'type', index: i, expected: describeTypeSet(p.type.of) };
      const b = bound.get(p.type.var) ?? { set: p.type.of, types: [], first: i };
      b.types.push(t);
      bound.set(p.type.var, b);
    }
  }
  const binding = new Map<TypeVar, DataType>();
  for (const [v, b] of bound) {
    const ct = commonType(b.types);
    if (ct === undefined) {
      // Point at the first argument that does not fit with the ones before it.
      let acc: ExprType[] = [];
      for (let i = 0; i < params.length; i++) {
        const p = params[i] as Param;
        if (typeof p.type === 'string' || p.type.var !== v) continue;
        acc = [...acc, types[i] as ExprType];
        if (commonType(acc) === undefined) {
          const before = commonType(acc.slice(0, -1));
          return { kind: 'type', index: i, expected: `a value of the same type as the others (${before === undefined || before === 'NULL' ? 'a compatible type' : before})` };
        }
      }
      return { kind: 'type', index: b.first, expected: 'values of one type' };
    }
    const concrete = ct === 'NULL' ? NULL_DEFAULT[b.set] : ct;
    if (!inTypeSet(concrete, b.set)) return { kind: 'type', index: b.first, expected: describeTypeSet(b.set) };
    binding.set(v, concrete);
  }
  const paramTypes = params.map((p) => (typeof p.type === 'string' ? p.type : (binding.get(p.type.var) as DataType)));
  const result = sig.result === 'T' || sig.result === 'U' ? (binding.get(sig.result) as DataType) : sig.result;
  return { signature: sig, params, paramTypes, result };
}

/** Human form of a signature for messages and docs: substr(str STRING, pos INT[, len INT]) -> STRING. */
export function formatSignature(name: string, sig: Signature, syntax?: string): string {
  const typeName = (p: Param): string => (typeof p.type === 'string' ? p.type : `${p.type.var}`);
  const vars = new Map<string, TypeSet>();
  for (const p of sig.params) if (typeof p.type !== 'string') vars.set(p.type.var, p.type.of);
  let args = '';
  sig.params.forEach((p, i) => {
    const piece = `${p.name} ${typeName(p)}${p.literal ? ' literal' : ''}`;
    if (p.optional) args += `[${i > 0 ? ', ' : ''}${piece}]`;
    else if (p.variadic) args += `${i > 0 ? ', ' : ''}${piece}, ...`;
    else args += `${i > 0 ? ', ' : ''}${piece}`;
  });
  const head = syntax ?? `${name}(${args})`;
  const where = [...vars].map(([v, set]) => `${v}: ${set}`).join(', ');
  const result = sig.result;
  return `${head} → ${result}${where ? ` (${where})` : ''}`;
}
