import type protobuf from 'protobufjs';
import { is64Bit } from './numbers.js';
import type { ParsedMessage, ParsedValue } from './types.js';

/**
 * The message as plain data, close to the proto3 JSON mapping but with proto
 * field names: repeated fields are arrays, enums are names, 64-bit integers
 * are decimal strings (exact), other integers numbers, bytes base64. Fields
 * not written are absent.
 */
export function toPlainObject(m: ParsedMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, pf] of m.fields) {
    const values = pf.values.map((v) => plainValue(pf.field, v));
    // defineProperty: a field named __proto__ must not change the prototype.
    Object.defineProperty(out, name, {
      value: pf.field.repeated ? values : values[0],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function plainValue(field: protobuf.Field, v: ParsedValue): unknown {
  switch (v.kind) {
    case 'message':
      return toPlainObject(v.message);
    case 'int':
      return is64Bit(field.type) ? v.value.toString() : Number(v.value);
    case 'enum':
      return v.name;
    case 'bytes':
      return Buffer.from(v.value).toString('base64');
    default:
      return v.value;
  }
}
