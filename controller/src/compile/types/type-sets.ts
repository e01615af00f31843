import type { DataType } from '../../config/data-type.js';
import type { ExprType } from './sql-types.js';

/** Families of types a generic catalog parameter may range over. */
export type TypeSet = 'numeric' | 'integral' | 'orderable' | 'any';

export const TYPE_SETS: Record<TypeSet, readonly DataType[]> = {
  numeric: ['INT', 'LONG', 'DOUBLE'],
  integral: ['INT', 'LONG'],
  // Everything but arrays: both engines order these the same way (strings by code point / UTF-8 bytes).
  orderable: ['INT', 'LONG', 'DOUBLE', 'STRING', 'BOOLEAN', 'DATE', 'TIMESTAMP'],
  any: ['INT', 'LONG', 'DOUBLE', 'STRING', 'BOOLEAN', 'DATE', 'TIMESTAMP', 'ARRAY_STRING'],
};

/** The type a type variable takes when every argument bound to it is an untyped NULL. */
export const NULL_DEFAULT: Record<TypeSet, DataType> = {
  numeric: 'INT',
  integral: 'INT',
  orderable: 'STRING',
  any: 'STRING',
};

export function inTypeSet(t: ExprType, set: TypeSet): boolean {
  return t === 'NULL' || TYPE_SETS[set].includes(t);
}

export function describeTypeSet(set: TypeSet): string {
  switch (set) {
    case 'numeric':
      return 'a number (INT, LONG or DOUBLE)';
    case 'integral':
      return 'an integer (INT or LONG)';
    case 'orderable':
      return 'a value that can be compared (number, STRING, BOOLEAN, DATE or TIMESTAMP)';
    case 'any':
      return 'any value';
  }
}
