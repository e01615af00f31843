import type protobuf from 'protobufjs';
import type { Span } from '../../diag/index.js';
import type { TextOrigin } from '../text-origin.js';

/**
 * A parsed text-format message: the values as written, each with where it was
 * written, so later phases (validation, the expression compiler) can point at
 * the exact place.
 */
export interface ParsedMessage {
  type: protobuf.Type;
  /** The braces of a nested message; the whole file for the top-level message. */
  span: Span;
  /** Keyed by proto field name, in the order fields first appear. */
  fields: Map<string, ParsedField>;
}

export interface ParsedField {
  field: protobuf.Field;
  /** Where the field's name is written (its first occurrence, for repeated fields). */
  nameSpan: Span;
  /** Singular fields have exactly one value; repeated fields one per element, in order. */
  values: ParsedValue[];
}

export type ParsedValue =
  | { kind: 'message'; span: Span; message: ParsedMessage }
  /** origin.positionAt(i) is the file position of decoded UTF-16 unit i; positionAt(value.length) is the end. */
  | { kind: 'string'; span: Span; value: string; origin: TextOrigin }
  | { kind: 'bytes'; span: Span; value: Uint8Array }
  | { kind: 'int'; span: Span; value: bigint }
  | { kind: 'float'; span: Span; value: number }
  | { kind: 'bool'; span: Span; value: boolean }
  | { kind: 'enum'; span: Span; value: number; name: string };

export type ParsedString = Extract<ParsedValue, { kind: 'string' }>;
