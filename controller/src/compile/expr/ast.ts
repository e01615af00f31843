import type { DataType } from '../../config/data-type.js';

/**
 * The expression AST. Every node carries [start, end) offsets into the decoded definition
 * text (string escapes already resolved by the config layer), so diagnostics map them to
 * file positions with origin.positionAt.
 */
interface Node {
  start: number;
  end: number;
  /** Height of the subtree (a leaf is 1); bounded by the nesting limit. */
  depth: number;
}

export type LiteralType = 'STRING' | 'INT' | 'LONG' | 'DOUBLE' | 'BOOLEAN' | 'NULL' | 'DATE' | 'TIMESTAMP';

export interface LiteralExpr extends Node {
  kind: 'literal';
  type: LiteralType;
  /**
   * STRING: the decoded text; DATE/TIMESTAMP: the quoted text; INT/DOUBLE: the number;
   * LONG: decimal text (exact beyond 2^53); BOOLEAN: true/false; NULL: null.
   */
  value: string | number | boolean | null;
  /** For STRING (and DATE/TIMESTAMP) literals: definition offset of each decoded UTF-16 unit. */
  offsets?: number[];
}

/** A name: a field, a raw field `$n`, or a backquoted name. Resolved only through the scope. */
export interface RefExpr extends Node {
  kind: 'ref';
  name: string;
  quoted: boolean;
}

export interface CallExpr extends Node {
  kind: 'call';
  name: string;
  nameStart: number;
  nameEnd: number;
  args: Expr[];
  distinct: boolean;
  /** count(*) */
  star: boolean;
}

export interface UnaryExpr extends Node {
  kind: 'unary';
  op: '-' | '+' | 'NOT';
  operand: Expr;
}

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | 'DIV' | '||'
  | '=' | '<>' | '<' | '<=' | '>' | '>=' | '<=>'
  | 'AND' | 'OR';

export interface BinaryExpr extends Node {
  kind: 'binary';
  op: BinaryOp;
  /** As written ('==', '!=', 'div', ...), for messages. */
  opText: string;
  opStart: number;
  left: Expr;
  right: Expr;
}

export interface LikeExpr extends Node {
  kind: 'like';
  op: 'LIKE' | 'RLIKE';
  negated: boolean;
  value: Expr;
  pattern: Expr;
}

export interface InExpr extends Node {
  kind: 'in';
  negated: boolean;
  value: Expr;
  list: Expr[];
}

export interface BetweenExpr extends Node {
  kind: 'between';
  negated: boolean;
  value: Expr;
  low: Expr;
  high: Expr;
}

export interface IsExpr extends Node {
  kind: 'is';
  negated: boolean;
  test: 'NULL' | 'TRUE' | 'FALSE';
  value: Expr;
}

export interface CaseExpr extends Node {
  kind: 'case';
  subject?: Expr;
  whens: Array<{ when: Expr; then: Expr }>;
  else?: Expr;
}

export interface CastExpr extends Node {
  kind: 'cast';
  try: boolean;
  value: Expr;
  target: DataType;
  targetStart: number;
  targetEnd: number;
}

export interface SubscriptExpr extends Node {
  kind: 'subscript';
  target: Expr;
  index: Expr;
}

export type Expr =
  | LiteralExpr
  | RefExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | LikeExpr
  | InExpr
  | BetweenExpr
  | IsExpr
  | CaseExpr
  | CastExpr
  | SubscriptExpr;

/** Children in source order (for walks that do not care about the node kind). */
export function childrenOf(e: Expr): Expr[] {
  switch (e.kind) {
    case 'literal':
    case 'ref':
      return [];
    case 'call':
      return e.args;
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'like':
      return [e.value, e.pattern];
    case 'in':
      return [e.value, ...e.list];
    case 'between':
      return [e.value, e.low, e.high];
    case 'is':
      return [e.value];
    case 'case': {
      const out: Expr[] = e.subject ? [e.subject] : [];
      for (const w of e.whens) out.push(w.when, w.then);
      if (e.else) out.push(e.else);
      return out;
    }
    case 'cast':
      return [e.value];
    case 'subscript':
      return [e.target, e.index];
  }
}
