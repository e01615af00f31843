/**
 * The expression compiler: Spark SQL definitions in, checked and rendered DuckDB and Spark
 * SQL out. See docs/adr/0001-expression-parser.md and docs/reference/functions.md.
 */
export {
  compileExpression,
  normalizeTemporalLiteral,
  type CompileOptions,
  type CompileResult,
  type CompiledExpr,
  type ExprMode,
  type Scope,
  type ScopeEntry,
} from './compile.js';
export { columnEntry, makeScope } from './scope.js';
export { CODES, type Code } from './codes.js';
export { DEFAULT_LIMITS, type ExprLimits } from './limits.js';
export type { Expr } from './ast.js';
export { UnsafeSqlError } from './sql-guard.js';
export { renderWindowStart, parseWindowSize } from '../catalog/window.js';
export { renderCast, sqlTypeOf, quoteIdent, type Engine, type ExprType } from '../types/index.js';
