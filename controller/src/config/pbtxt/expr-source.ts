import type { ExprSource } from '../text-origin.js';
import type { ParsedString } from './types.js';

/** A string value as an expression source: the compiler's offsets map back through escapes to the file. */
export function exprSourceOf(v: ParsedString): ExprSource {
  return { text: v.value, origin: v.origin };
}
