import type protobuf from 'protobufjs';
import { lazyModule } from '../../lazy-require.js';
import { didYouMean, type SourceText } from '../../diag/index.js';
import { Code } from './codes.js';
import type { Token } from './lexer.js';
import { ENUM_RANGE, floatValue, INT_RANGES, intMagnitude, isIntType, isUnsigned, specialFloat, toFieldFloat, type IntType } from './numbers.js';
import { quote, type Reporter } from './reporter.js';
import { decodeBytes, decodeString } from './string-literal.js';
import type { ParsedValue } from './types.js';

const pb = lazyModule<typeof protobuf>('protobufjs');

/**
 * One scalar value as written: adjacent string literals, or an optional '-'
 * and one number or identifier token.
 */
export type ScalarTokens =
  | { kind: 'strings'; parts: Token[]; start: number; end: number }
  | { kind: 'single'; minus: Token | undefined; token: Token; start: number; end: number };

/** How a value is described in messages: "a string", "'1.5'", "'-FOO'". */
export function describeScalar(v: ScalarTokens): string {
  if (v.kind === 'strings') return 'a string';
  return quote((v.minus ? '-' : '') + v.token.text);
}

export interface ScalarContext {
  source: SourceText;
  reporter: Reporter;
}

/** Converts the tokens to a value of the field's type, or reports why it cannot. */
export function convertScalar(ctx: ScalarContext, field: protobuf.Field, v: ScalarTokens): ParsedValue | undefined {
  // An invalid number was already reported by the lexer.
  if (v.kind === 'single' && v.token.kind === 'invalid') return undefined;
  const span = ctx.source.span(v.start, v.end);
  const type = field.resolvedType;
  if (type instanceof pb().Enum) return convertEnum(ctx, field, type, v, span);
  switch (field.type) {
    case 'string': {
      if (v.kind !== 'strings') return wrongKind(ctx, field, v, 'a quoted string');
      const { value, origin } = decodeString(ctx.source, v.parts, ctx.reporter);
      return { kind: 'string', span, value, origin };
    }
    case 'bytes':
      if (v.kind !== 'strings') return wrongKind(ctx, field, v, 'a quoted string');
      return { kind: 'bytes', span, value: decodeBytes(ctx.source, v.parts, ctx.reporter) };
    case 'bool':
      return convertBool(ctx, field, v, span);
    case 'float':
    case 'double':
      return convertFloat(ctx, field, field.type, v, span);
    default:
      if (isIntType(field.type)) return convertInt(ctx, field, field.type, v, span);
      ctx.reporter.error(Code.WrongValueKind, v.start, v.end, `field '${field.name}' has type '${field.type}', which text format cannot set`);
      return undefined;
  }
}

function wrongKind(ctx: ScalarContext, field: protobuf.Field, v: ScalarTokens, expected: string, hint?: string): undefined {
  const typeName = field.resolvedType ? field.resolvedType.fullName.replace(/^\./, '') : field.type;
  const extra = hint === undefined ? { expected } : { expected, hint };
  ctx.reporter.error(Code.WrongValueKind, v.start, v.end, `field '${field.name}' is ${typeName}, found ${describeScalar(v)}`, extra);
  return undefined;
}

function intExpected(type: IntType): string {
  const r = INT_RANGES[type];
  return `${isUnsigned(type) ? 'an unsigned integer' : 'an integer'} from ${r.min} to ${r.max}`;
}

function convertInt(ctx: ScalarContext, field: protobuf.Field, type: IntType, v: ScalarTokens, span: ParsedValue['span']): ParsedValue | undefined {
  if (v.kind !== 'single' || v.token.kind !== 'int') {
    const hint = v.kind === 'single' && v.token.kind === 'float' ? `${type} holds whole numbers only` : undefined;
    return wrongKind(ctx, field, v, intExpected(type), hint);
  }
  if (v.minus && isUnsigned(type)) {
    ctx.reporter.error(Code.IntegerOutOfRange, v.start, v.end, `field '${field.name}' is ${type} and cannot be negative`, {
      expected: intExpected(type),
    });
    return undefined;
  }
  const mag = intMagnitude(v.token);
  const value = mag === undefined ? undefined : v.minus ? -mag : mag;
  const r = INT_RANGES[type];
  if (value === undefined || value < r.min || value > r.max) {
    ctx.reporter.error(Code.IntegerOutOfRange, v.start, v.end, `${describeScalar(v)} is out of range for ${type} field '${field.name}'`, {
      expected: intExpected(type),
    });
    return undefined;
  }
  return { kind: 'int', span, value };
}

function convertFloat(
  ctx: ScalarContext,
  field: protobuf.Field,
  type: 'float' | 'double',
  v: ScalarTokens,
  span: ParsedValue['span'],
): ParsedValue | undefined {
  const expected = 'a decimal number, inf or nan';
  if (v.kind !== 'single') return wrongKind(ctx, field, v, expected);
  const t = v.token;
  let value: number | undefined;
  if (t.kind === 'float') value = floatValue(t.text);
  else if (t.kind === 'int' && t.base === 'dec') value = Number(t.text);
  else if (t.kind === 'int') return wrongKind(ctx, field, v, expected, 'octal and hexadecimal numbers are not allowed for float fields');
  else if (t.kind === 'ident') value = specialFloat(t.text);
  if (value === undefined) return wrongKind(ctx, field, v, expected);
  return { kind: 'float', span, value: toFieldFloat(type, v.minus ? -value : value) };
}

const TRUE_NAMES = new Set(['true', 'True', 't']);
const FALSE_NAMES = new Set(['false', 'False', 'f']);

function convertBool(ctx: ScalarContext, field: protobuf.Field, v: ScalarTokens, span: ParsedValue['span']): ParsedValue | undefined {
  const expected = 'true or false';
  const hint = 'also accepted: True, False, t, f, 1, 0';
  if (v.kind !== 'single' || v.minus) return wrongKind(ctx, field, v, expected, hint);
  const t = v.token;
  if (t.kind === 'ident' && TRUE_NAMES.has(t.text)) return { kind: 'bool', span, value: true };
  if (t.kind === 'ident' && FALSE_NAMES.has(t.text)) return { kind: 'bool', span, value: false };
  if (t.kind === 'int') {
    const mag = intMagnitude(t);
    if (mag === 0n || mag === 1n) return { kind: 'bool', span, value: mag === 1n };
  }
  return wrongKind(ctx, field, v, expected, hint);
}

function enumExpected(e: protobuf.Enum): string {
  const names = Object.keys(e.values);
  if (names.length > 12) return `a value of ${e.fullName.replace(/^\./, '')}`;
  return `one of ${names.map((n) => `${n} (${e.values[n]})`).join(', ')}`;
}

function convertEnum(
  ctx: ScalarContext,
  field: protobuf.Field,
  e: protobuf.Enum,
  v: ScalarTokens,
  span: ParsedValue['span'],
): ParsedValue | undefined {
  const enumName = e.fullName.replace(/^\./, '');
  if (v.kind === 'single' && !v.minus && v.token.kind === 'ident') {
    const name = v.token.text;
    const value = Object.hasOwn(e.values, name) ? e.values[name] : undefined;
    if (value !== undefined) return { kind: 'enum', span, value, name };
    const hint = name.length <= 64 ? didYouMean(name, Object.keys(e.values)) : undefined;
    ctx.reporter.error(Code.UnknownEnumName, v.start, v.end, `${quote(name)} is not a value of enum ${enumName}`, {
      expected: enumExpected(e),
      ...(hint === undefined ? {} : { hint }),
    });
    return undefined;
  }
  if (v.kind === 'single' && v.token.kind === 'int') {
    const mag = intMagnitude(v.token);
    const num = mag === undefined ? undefined : v.minus ? -mag : mag;
    if (num === undefined || num < ENUM_RANGE.min || num > ENUM_RANGE.max) {
      ctx.reporter.error(Code.IntegerOutOfRange, v.start, v.end, `${describeScalar(v)} is out of range for an enum number`, {
        expected: enumExpected(e),
      });
      return undefined;
    }
    const name = e.valuesById[Number(num)];
    if (name === undefined) {
      ctx.reporter.error(Code.UnknownEnumNumber, v.start, v.end, `${num} is not a value of enum ${enumName}`, {
        expected: enumExpected(e),
        hint: 'Quiver rejects unknown enum numbers; prefer writing the value name',
      });
      return undefined;
    }
    return { kind: 'enum', span, value: Number(num), name };
  }
  return wrongKind(ctx, field, v, enumExpected(e));
}
