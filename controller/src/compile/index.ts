/** The definitions compiler: expressions (expr/, catalog/, types/) and stage plans (plan/). */
export { compileExpression, type CompiledExpr, type CompileOptions, type CompileResult, type ExprMode, type Scope, type ScopeEntry } from './expr/compile.js';
export { renderWindowStart } from './catalog/window.js';
export { quoteIdent, renderCast, sqlString, sqlTypeOf, type Engine } from './types/index.js';
export type { ColumnSpec, FeaturePlan, FieldCondition, ParsePlan, ParseParts, StageSql } from './plan/types.js';
export { fusedParseSql } from './plan/fuse-parse.js';
export { compileParsePlan, PlanCodes, type CanonicalSource } from './plan/parse-plan.js';
export { compileFeaturePlan, type CanonicalFeatureSet } from './plan/feature-plan.js';
export { compileRepo, type CompiledRepo } from './plan/compile-repo.js';
