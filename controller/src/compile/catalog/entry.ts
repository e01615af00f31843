import type { DataType } from '../../config/data-type.js';
import type { Expr } from '../expr/ast.js';
import type { Problem } from '../expr/problem.js';
import type { Engine, ExprType, TypeSet } from '../types/index.js';

/** A type variable's name; every parameter naming it takes the same type. */
export type TypeVar = 'T' | 'U';

/** A parameter's type: a fixed data type, or a type variable ranging over a family. */
export type ParamType = DataType | { var: TypeVar; of: TypeSet };

export interface Param {
  name: string;
  type: ParamType;
  /** The argument must be written as a literal (regex patterns, datetime patterns, units, ...). */
  literal?: boolean;
  optional?: boolean;
  /** The last parameter may repeat (one or more times). */
  variadic?: boolean;
}

export interface Signature {
  params: Param[];
  /** A data type, or a type variable's binding. */
  result: DataType | TypeVar;
}

/** One argument as a renderer sees it: already converted to its parameter's type. */
export interface ArgValue {
  sql: string;
  type: ExprType;
  /** The literal's value, when the argument was written as a literal. */
  literal?: string | number | boolean | null;
  /** A field reference or literal: cheap and safe to repeat in the output. */
  simple: boolean;
}

export interface RenderContext {
  engine: Engine;
  args: ArgValue[];
  negated: boolean;
  distinct: boolean;
  star: boolean;
  resultType: DataType;
  /** CAST target; CASE shape. */
  target?: DataType;
  sourceType?: ExprType;
  caseShape?: { subject: boolean; else: boolean };
  /** The engine's string literal for a constant. */
  lit(s: string): string;
  /**
   * Evaluates a value once and names it for `body` (a lambda over a one-element list),
   * so a renderer can use an argument several times without repeating its SQL. Simple
   * values are substituted directly.
   */
  bind(value: ArgValue, body: (ref: string) => string): string;
  /** A fresh lambda variable name, for renderers that use the engines' list functions. */
  fresh(): string;
}

export type Renderer = (ctx: RenderContext) => string;

/** What a catalog check hook sees of each argument. */
export interface CheckedArg {
  node: Expr;
  type: ExprType;
  literal?: string | number | boolean | null;
}

export interface CheckContext {
  args: CheckedArg[];
  call: Expr;
  report(p: Problem): void;
  /** Definition offsets of [from, to) within a string literal argument's decoded value. */
  spanIn(argIndex: number, from: number, to: number): { start: number; end: number };
}

export interface ExampleInput {
  name: string;
  type: DataType;
  /** One value per row (see docs/reference/functions.md, "Examples as data", for the encoding). */
  values: unknown[];
}

export interface Example {
  /** A definition, as a user would write it. */
  expr: string;
  /** Columns of a synthetic table; absent: one row with no columns. */
  inputs?: ExampleInput[];
  /** Scalar: one expected value per row. Aggregate: a single value for the whole table. */
  expected: unknown[];
  /** Relative tolerance for DOUBLE results (default 1e-9). */
  tolerance?: number;
}

export type Category =
  | 'arithmetic'
  | 'comparison'
  | 'logic'
  | 'predicate'
  | 'conditional'
  | 'conversion'
  | 'string'
  | 'regex'
  | 'datetime'
  | 'math'
  | 'null'
  | 'array'
  | 'aggregate'
  | 'security';

export interface CatalogEntry {
  /** Function name (lower case) or operator spelling. */
  name: string;
  aliases?: string[];
  kind: 'function' | 'operator';
  /** How it is written, for operators and special forms: 'a + b', 'CASE WHEN ...'. */
  syntax?: string;
  category: Category;
  aggregate: boolean;
  /** Accepts count(DISTINCT x). */
  distinct?: boolean;
  /** Accepts count(*). */
  star?: boolean;
  signatures: Signature[];
  /** The signatures as the reference shows them, where the typed form above would mislead (CASE, CAST). */
  signatureDoc?: string[];
  /** One line: what it computes. */
  doc: string;
  /** Quiver's semantics where the engines differ, and how each is rendered to match. */
  semantics?: string;
  render: Record<Engine, Renderer>;
  /** Compile-time checks beyond types (literal values, regex subset, patterns). */
  check?: (c: CheckContext) => void;
  examples: Example[];
}
