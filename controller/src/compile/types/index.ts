export { ENGINES, sqlTypeOf, type Engine, type ExprType } from './sql-types.js';
export { NULL_DEFAULT, TYPE_SETS, describeTypeSet, inTypeSet, type TypeSet } from './type-sets.js';
export {
  BOOLEAN_WORDS,
  CAST_TEXT_GRAMMARS,
  castKind,
  commonType,
  isImplicitlyConvertible,
  renderCast,
  unsupportedCastReason,
  type CastKind,
} from './conversions.js';
export { quoteIdent, sqlDouble, sqlInt, sqlLong, sqlString } from './sql-literals.js';
