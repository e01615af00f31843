import type { DataType } from '../../config/data-type.js';
import type { BinaryOp, CaseExpr, Expr, LiteralExpr } from './ast.js';
import { CODES } from './codes.js';
import type { Token } from './lexer.js';
import { DEFAULT_LIMITS } from './limits.js';
import { ParseStop, problem, type Problem } from './problem.js';

/**
 * A Pratt parser for Spark SQL expressions (the subset in docs/adr/0001-expression-parser.md).
 *
 * Binding powers follow Spark's SqlBaseParser.g4, loosest first:
 *   OR < AND < NOT < predicates (BETWEEN, IN, LIKE, RLIKE, IS) < comparisons
 *   < + - || < * / % DIV < unary + - < subscript [ ]
 * As in Spark, a predicate's operands are value expressions (which include comparisons),
 * and a predicate cannot itself be the operand of a comparison or another predicate.
 *
 * Recursion depth is counted on every descent and bounded by maxDepth, so 10,000 nested
 * parentheses stop at the limit with an error instead of overflowing the stack.
 */

const BP = { OR: 1, AND: 2, NOT: 3, PREDICATE: 4, COMPARISON: 5, ADDITIVE: 7, MULTIPLICATIVE: 8, UNARY: 9 } as const;

const BINARY: Record<string, { op: BinaryOp; bp: number }> = {
  OR: { op: 'OR', bp: BP.OR },
  AND: { op: 'AND', bp: BP.AND },
  '=': { op: '=', bp: BP.COMPARISON },
  '==': { op: '=', bp: BP.COMPARISON },
  '<>': { op: '<>', bp: BP.COMPARISON },
  '!=': { op: '<>', bp: BP.COMPARISON },
  '<': { op: '<', bp: BP.COMPARISON },
  '<=': { op: '<=', bp: BP.COMPARISON },
  '>': { op: '>', bp: BP.COMPARISON },
  '>=': { op: '>=', bp: BP.COMPARISON },
  '<=>': { op: '<=>', bp: BP.COMPARISON },
  '+': { op: '+', bp: BP.ADDITIVE },
  '-': { op: '-', bp: BP.ADDITIVE },
  '||': { op: '||', bp: BP.ADDITIVE },
  '*': { op: '*', bp: BP.MULTIPLICATIVE },
  '/': { op: '/', bp: BP.MULTIPLICATIVE },
  '%': { op: '%', bp: BP.MULTIPLICATIVE },
  DIV: { op: 'DIV', bp: BP.MULTIPLICATIVE },
};

/** Words that begin statements, subqueries or set operations: never part of an expression. */
const STATEMENT_WORDS = new Set([
  'SELECT', 'WITH', 'FROM', 'WHERE', 'VALUES', 'TABLE', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'UPSERT',
  'CREATE', 'DROP', 'ALTER', 'TRUNCATE', 'ATTACH', 'DETACH', 'COPY', 'EXPORT', 'IMPORT',
  'PRAGMA', 'INSTALL', 'LOAD', 'FORCE', 'SET', 'RESET', 'CALL', 'EXECUTE', 'PREPARE', 'DEALLOCATE',
  'DESCRIBE', 'SHOW', 'SUMMARIZE', 'EXPLAIN', 'ANALYZE', 'VACUUM', 'CHECKPOINT', 'USE', 'GRANT', 'REVOKE',
  'UNION', 'INTERSECT', 'EXCEPT', 'MINUS', 'EXISTS', 'LATERAL', 'JOIN', 'ADD', 'LIST', 'REFRESH', 'CACHE',
  'UNCACHE', 'MSCK', 'DECLARE', 'BEGIN', 'COMMIT', 'ROLLBACK', 'TRANSACTION', 'OVER', 'WINDOW', 'QUALIFY',
  'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'PIVOT', 'UNPIVOT', 'RETURN',
]);

/** Words that cannot start an operand (so `a AND AND b` reports the second AND, not an unknown field). */
const RESERVED_OPERAND = new Set(['AND', 'OR', 'THEN', 'ELSE', 'END', 'WHEN', 'AS', 'IS', 'IN', 'LIKE', 'RLIKE', 'REGEXP', 'BETWEEN', 'DIV', 'DISTINCT']);

/** Type names accepted by CAST, mapped to Quiver data types. */
const CAST_TYPES: Record<string, DataType> = {
  STRING: 'STRING',
  BOOLEAN: 'BOOLEAN',
  INT: 'INT',
  INTEGER: 'INT',
  BIGINT: 'LONG',
  LONG: 'LONG',
  DOUBLE: 'DOUBLE',
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'DATE',
};

export interface ParseOptions {
  maxDepth?: number;
}

export type ParseResult = { ast: Expr; problems: [] } | { ast?: undefined; problems: Problem[] };

export function parse(tokens: readonly Token[], opts: ParseOptions = {}): ParseResult {
  const p = new Parser(tokens, opts.maxDepth ?? DEFAULT_LIMITS.maxDepth);
  try {
    return { ast: p.parseDefinition(), problems: [] };
  } catch (e) {
    if (e instanceof ParseStop) return { problems: [e.problem] };
    throw e;
  }
}

class Parser {
  private pos = 0;
  private level = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly maxDepth: number,
  ) {}

  parseDefinition(): Expr {
    if (this.peek().kind === 'eof') {
      throw new ParseStop(problem(CODES.EMPTY, 0, 0, 'the definition is empty', { expected: 'an expression' }));
    }
    const e = this.parseExpr(0);
    const t = this.peek();
    if (t.kind !== 'eof') this.unexpected(t, 'an operator, or the end of the definition');
    return e;
  }

  // ---- token helpers -------------------------------------------------------------------

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === 'ident' && t.value.toUpperCase() === word;
  }

  private acceptWord(word: string): Token | undefined {
    return this.isWord(this.peek(), word) ? this.next() : undefined;
  }

  private expectWord(word: string, context: string): Token {
    const t = this.peek();
    if (!this.isWord(t, word)) this.unexpected(t, `${word} ${context}`);
    return this.next();
  }

  private expectKind(kind: Token['kind'], what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) this.unexpected(t, what);
    return this.next();
  }

  private describe(t: Token): string {
    if (t.kind === 'eof') return 'the end of the definition';
    if (t.kind === 'string') return `the string ${t.text.length > 30 ? t.text.slice(0, 27) + '...' : t.text}`;
    return `'${t.text.length > 30 ? t.text.slice(0, 27) + '...' : t.text}'`;
  }

  private unexpected(t: Token, expected: string): never {
    if (t.kind === 'ident' && STATEMENT_WORDS.has(t.value.toUpperCase())) this.statementWord(t);
    if (t.kind === 'string' && this.tokens[this.pos - 1]?.kind === 'string') {
      throw new ParseStop(
        problem(CODES.UNSUPPORTED_SYNTAX, t.start, t.end, 'adjacent string literals are not supported', {
          hint: "Spark would join them silently; write one string, or concat('a', 'b')",
        }),
      );
    }
    throw new ParseStop(problem(CODES.SYNTAX, t.start, Math.max(t.end, t.start), `unexpected ${this.describe(t)}`, { expected }));
  }

  private statementWord(t: Token): never {
    const w = t.value.toUpperCase();
    const what = ['UNION', 'INTERSECT', 'EXCEPT', 'MINUS'].includes(w)
      ? 'set operations'
      : ['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE', 'EXISTS', 'LATERAL', 'JOIN'].includes(w)
        ? 'subqueries'
        : ['OVER', 'WINDOW', 'QUALIFY', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'PIVOT', 'UNPIVOT'].includes(w)
          ? 'query clauses'
          : 'statements';
    throw new ParseStop(
      problem(CODES.STATEMENT, t.start, t.end, `'${t.text}' is not allowed: definitions are single expressions, without ${what}`, {
        expected: 'an expression',
        hint: 'if a field is really called this, write it in backquotes: `' + t.text + '`',
      }),
    );
  }

  /** Every nesting (parenthesis, call, operand, list) recurses through parseExpr, which counts it once. */
  private enter(at: Token): void {
    if (++this.level > this.maxDepth) this.tooDeep(at.start, at.end);
  }

  private leave(): void {
    this.level--;
  }

  private tooDeep(start: number, end: number): never {
    throw new ParseStop(
      problem(CODES.TOO_DEEP, start, end, `the definition nests deeper than ${this.maxDepth} levels`, {
        hint: 'parentheses, calls and each operator in a chain count one level; split the logic across fields, or use IN (...), concat(...) or coalesce(...) for long chains',
      }),
    );
  }

  private node<T extends Expr>(e: T): T {
    if (e.depth > this.maxDepth) this.tooDeep(e.start, e.end);
    return e;
  }

  // ---- expressions ---------------------------------------------------------------------

  private parseExpr(minBp: number): Expr {
    this.enter(this.peek());
    let left = this.parsePrefix(minBp);
    let afterPredicate = false;
    for (;;) {
      const t = this.peek();
      const upper = t.kind === 'ident' ? t.value.toUpperCase() : '';
      // Predicates: [NOT] BETWEEN / IN / LIKE / RLIKE / REGEXP, IS [NOT] ...
      const notPred = upper === 'NOT' && this.isPredicateWord(this.peek(1));
      if (notPred || this.isPredicateWord(t)) {
        if (BP.PREDICATE < minBp) break;
        if (afterPredicate) this.unexpected(t, 'AND, OR, or the end of the expression');
        left = this.parsePredicate(left);
        afterPredicate = true;
        continue;
      }
      const key = t.kind === 'op' ? t.value : t.kind === 'ident' ? upper : '';
      const bin = BINARY[key];
      if (bin !== undefined && (t.kind === 'op' || t.kind === 'ident')) {
        if (bin.bp < minBp) break;
        if (afterPredicate && bin.bp > BP.PREDICATE) this.unexpected(t, 'AND, OR, or the end of the expression');
        this.next();
        const right = this.parseExpr(bin.bp + 1);
        left = this.node({
          kind: 'binary',
          op: bin.op,
          opText: t.text,
          opStart: t.start,
          left,
          right,
          start: left.start,
          end: right.end,
          depth: Math.max(left.depth, right.depth) + 1,
        });
        afterPredicate = false;
        continue;
      }
      break;
    }
    this.leave();
    return left;
  }

  private isPredicateWord(t: Token): boolean {
    if (t.kind !== 'ident') return false;
    const w = t.value.toUpperCase();
    return w === 'BETWEEN' || w === 'IN' || w === 'LIKE' || w === 'RLIKE' || w === 'REGEXP' || w === 'IS' || w === 'ILIKE';
  }

  private parsePredicate(value: Expr): Expr {
    const notTok = this.acceptWord('NOT');
    const negated = notTok !== undefined;
    const t = this.next();
    const w = t.value.toUpperCase();
    const operand = (): Expr => this.parseExpr(BP.COMPARISON);
    switch (w) {
      case 'BETWEEN': {
        const low = operand();
        this.expectWord('AND', 'between the bounds of BETWEEN');
        const high = operand();
        return this.node({ kind: 'between', negated, value, low, high, start: value.start, end: high.end, depth: Math.max(value.depth, low.depth, high.depth) + 1 });
      }
      case 'IN': {
        const open = this.peek();
        if (open.kind !== '(') this.unexpected(open, "'(' and a list of values after IN");
        this.next();
        if (this.isWord(this.peek(), 'SELECT') || this.isWord(this.peek(), 'WITH') || this.isWord(this.peek(), 'VALUES')) this.statementWord(this.peek());
        const list: Expr[] = [];
        if (this.peek().kind === ')') this.unexpected(this.peek(), 'at least one value in the IN list');
        for (;;) {
          list.push(this.parseExpr(0));
          if (this.peek().kind === ',') {
            this.next();
            continue;
          }
          break;
        }
        const close = this.expectKind(')', "',' or ')' to close the IN list");
        const depth = Math.max(value.depth, ...list.map((e) => e.depth)) + 1;
        return this.node({ kind: 'in', negated, value, list, start: value.start, end: close.end, depth });
      }
      case 'LIKE':
      case 'RLIKE':
      case 'REGEXP': {
        const pattern = operand();
        if (this.isWord(this.peek(), 'ESCAPE')) {
          const e = this.peek();
          throw new ParseStop(problem(CODES.UNSUPPORTED_SYNTAX, e.start, e.end, 'LIKE ... ESCAPE is not supported; the escape character is always \\'));
        }
        const op = w === 'LIKE' ? 'LIKE' : 'RLIKE';
        return this.node({ kind: 'like', op, negated, value, pattern, start: value.start, end: pattern.end, depth: Math.max(value.depth, pattern.depth) + 1 });
      }
      case 'ILIKE':
        throw new ParseStop(problem(CODES.UNSUPPORTED_SYNTAX, t.start, t.end, 'ILIKE is not in the catalog', { hint: 'use lower(x) LIKE lower(pattern)' }));
      case 'IS': {
        if (negated) this.unexpected(t, 'IS before NOT');
        const not2 = this.acceptWord('NOT') !== undefined;
        const k = this.next();
        const kw = k.kind === 'ident' ? k.value.toUpperCase() : '';
        if (kw === 'DISTINCT') {
          throw new ParseStop(problem(CODES.UNSUPPORTED_SYNTAX, k.start, k.end, 'IS [NOT] DISTINCT FROM is not supported', { hint: 'use <=> (null-safe equality)' }));
        }
        if (kw !== 'NULL' && kw !== 'TRUE' && kw !== 'FALSE') {
          this.pos--;
          this.unexpected(k, 'NULL, TRUE or FALSE after IS [NOT]');
        }
        return this.node({ kind: 'is', negated: not2, test: kw, value, start: value.start, end: k.end, depth: value.depth + 1 });
      }
      default:
        return this.unexpected(t, 'a predicate');
    }
  }

  private parsePrefix(minBp: number): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.value === '-' || t.value === '+')) {
      this.next();
      const operand = this.parseExpr(BP.UNARY);
      if (t.value === '-' && operand.kind === 'literal' && (operand.type === 'INT' || operand.type === 'LONG' || operand.type === 'DOUBLE') && operand.start === t.end) {
        return this.negativeLiteral(operand, t.start);
      }
      return this.node({ kind: 'unary', op: t.value, operand, start: t.start, end: operand.end, depth: operand.depth + 1 });
    }
    if (this.isWord(t, 'NOT')) {
      // As in Spark, NOT applies to boolean expressions only: `a = NOT b` needs parentheses.
      if (minBp > BP.NOT) this.unexpected(t, "an operand (write NOT ... in parentheses here)");
      this.next();
      const operand = this.parseExpr(BP.NOT);
      return this.node({ kind: 'unary', op: 'NOT', operand, start: t.start, end: operand.end, depth: operand.depth + 1 });
    }
    return this.parsePostfix(this.parsePrimary());
  }

  /** -5 is one INT literal (not 0 - 5), so -2147483648 is an INT as in Spark. */
  private negativeLiteral(lit: LiteralExpr, start: number): LiteralExpr {
    if (lit.type === 'DOUBLE') return { ...lit, value: -(lit.value as number), start };
    const text = lit.type === 'LONG' ? `-${lit.value as string}` : `-${lit.value as number}`;
    const big = BigInt(text);
    if (lit.type === 'LONG' && big >= -2147483648n && big <= 2147483647n && !/L$/i.test(this.tokens[this.pos - 1]?.text ?? '')) {
      return { ...lit, type: 'INT', value: Number(big), start };
    }
    if (lit.type === 'LONG') return { ...lit, value: text, start };
    return { ...lit, value: Number(big), start };
  }

  private parsePostfix(e: Expr): Expr {
    let out = e;
    while (this.peek().kind === '[') {
      const open = this.next();
      const index = this.parseExpr(0);
      const close = this.expectKind(']', "']' to close the subscript");
      out = this.node({ kind: 'subscript', target: out, index, start: out.start, end: close.end, depth: Math.max(out.depth, index.depth) + 1 });
    }
    if (this.peek().kind === '.') {
      const dot = this.peek();
      throw new ParseStop(
        problem(CODES.UNSUPPORTED_SYNTAX, dot.start, dot.end, "qualified names and field access ('a.b') are not supported", {
          hint: 'refer to fields by their plain name',
        }),
      );
    }
    return out;
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        return this.numberLiteral(t);
      case 'string':
        this.next();
        return { kind: 'literal', type: 'STRING', value: t.value, start: t.start, end: t.end, depth: 1, offsets: t.offsets ?? [] };
      case 'param':
        this.next();
        return { kind: 'ref', name: t.value, quoted: false, start: t.start, end: t.end, depth: 1 };
      case 'qident':
        this.next();
        if (this.peek().kind === '(') return this.parseCall(t);
        return { kind: 'ref', name: t.value, quoted: true, start: t.start, end: t.end, depth: 1 };
      case '(': {
        this.next();
        const inner = this.peek();
        if (this.isWord(inner, 'SELECT') || this.isWord(inner, 'WITH') || this.isWord(inner, 'VALUES') || this.isWord(inner, 'FROM')) this.statementWord(inner);
        const e = this.parseExpr(0);
        if (this.peek().kind === ',') {
          const c = this.peek();
          throw new ParseStop(problem(CODES.UNSUPPORTED_SYNTAX, c.start, c.end, 'row values like (a, b) are not supported', { expected: "')'" }));
        }
        this.expectKind(')', "')'");
        return e;
      }
      case 'op':
        if (t.value === '*') {
          throw new ParseStop(
            problem(CODES.STAR, t.start, t.end, "'*' is only allowed as count(*)", { expected: 'an expression', hint: 'name the fields you need' }),
          );
        }
        return this.unexpected(t, 'an expression');
      case 'ident':
        return this.parseWord(t);
      default:
        return this.unexpected(t, 'an expression');
    }
  }

  private numberLiteral(t: Token): LiteralExpr {
    const v = t.value;
    const base = { kind: 'literal' as const, start: t.start, end: t.end, depth: 1 };
    const bad = (msg: string): never => {
      throw new ParseStop(problem(CODES.BAD_NUMBER, t.start, t.end, msg));
    };
    if (v.endsWith('D')) {
      const d = Number(v.slice(0, -1));
      if (!Number.isFinite(d)) bad(`${t.text} is out of the DOUBLE range`);
      return { ...base, type: 'DOUBLE', value: d };
    }
    if (/[.eE]/.test(v)) {
      if (v.endsWith('L')) bad(`${t.text}: the L suffix needs a whole number`);
      const d = Number(v);
      if (!Number.isFinite(d)) bad(`${t.text} is out of the DOUBLE range`);
      return { ...base, type: 'DOUBLE', value: d };
    }
    const digits = v.endsWith('L') ? v.slice(0, -1) : v;
    const big = BigInt(digits);
    if (big > 9223372036854775807n) bad(`${t.text} is out of the LONG range`);
    if (!v.endsWith('L') && big <= 2147483647n) return { ...base, type: 'INT', value: Number(big) };
    return { ...base, type: 'LONG', value: big.toString() };
  }

  private parseWord(t: Token): Expr {
    const w = t.value.toUpperCase();
    const base = { kind: 'literal' as const, start: t.start, end: t.end, depth: 1 };
    if (w === 'TRUE' || w === 'FALSE') {
      this.next();
      return { ...base, type: 'BOOLEAN', value: w === 'TRUE' };
    }
    if (w === 'NULL') {
      this.next();
      return { ...base, type: 'NULL', value: null };
    }
    if (w === 'CASE') return this.parseCase();
    if ((w === 'CAST' || w === 'TRY_CAST') && this.peek(1).kind === '(') return this.parseCast();
    if ((w === 'TIMESTAMP' || w === 'DATE') && this.peek(1).kind === 'string') {
      this.next();
      const s = this.next();
      return { kind: 'literal', type: w, value: s.value, start: t.start, end: s.end, depth: 1, offsets: s.offsets ?? [] };
    }
    if (w === 'INTERVAL') {
      throw new ParseStop(
        problem(CODES.UNSUPPORTED_SYNTAX, t.start, t.end, 'INTERVAL literals are not supported', {
          hint: "for time buckets use window_start(ts, '1h'); for differences use unix_timestamp(a) - unix_timestamp(b)",
        }),
      );
    }
    if (STATEMENT_WORDS.has(w)) this.statementWord(t);
    if (RESERVED_OPERAND.has(w)) this.unexpected(t, 'an expression');
    if (this.peek(1).kind === '(') {
      this.next();
      return this.parseCall(t);
    }
    this.next();
    return { kind: 'ref', name: t.value, quoted: false, start: t.start, end: t.end, depth: 1 };
  }

  private parseCall(nameTok: Token): Expr {
    if (this.peek().kind === nameTok.kind && this.peek().start === nameTok.start) this.next();
    const open = this.expectKind('(', "'('");
    const args: Expr[] = [];
    let distinct = false;
    let star = false;
    const first = this.peek();
    if (this.isWord(first, 'SELECT') || this.isWord(first, 'WITH') || this.isWord(first, 'VALUES') || this.isWord(first, 'FROM')) {
      this.statementWord(first);
    }
    if (this.isWord(first, 'DISTINCT')) {
      this.next();
      distinct = true;
    } else if (this.isWord(first, 'ALL')) {
      this.next();
    }
    if (this.peek().kind === 'op' && this.peek().value === '*' && this.peek(1).kind === ')') {
      const s = this.next();
      star = true;
      if (nameTok.value.toLowerCase() !== 'count' || distinct) {
        throw new ParseStop(problem(CODES.STAR, s.start, s.end, "'*' is only allowed as count(*)", { expected: 'an argument' }));
      }
    } else if (this.peek().kind !== ')') {
      for (;;) {
        args.push(this.parseExpr(0));
        if (this.peek().kind === ',') {
          this.next();
          continue;
        }
        break;
      }
    }
    const t = this.peek();
    if (this.isWord(t, 'FROM') || this.isWord(t, 'FOR') || this.isWord(t, 'IN') || this.isWord(t, 'AS') || this.isWord(t, 'ORDER') || this.isWord(t, 'FILTER') || this.isWord(t, 'IGNORE') || this.isWord(t, 'RESPECT')) {
      if (this.isWord(t, 'FROM') && args.length === 0) this.statementWord(t);
      throw new ParseStop(
        problem(CODES.UNSUPPORTED_SYNTAX, t.start, t.end, `the SQL-standard '${t.text.toUpperCase()}' form of ${nameTok.text}(...) is not supported`, {
          hint: 'pass arguments separated by commas, as in substr(s, 1, 3)',
        }),
      );
    }
    const close = this.expectKind(')', "',' or ')' to close the argument list");
    const after = this.peek();
    if (this.isWord(after, 'OVER') || this.isWord(after, 'FILTER') || this.isWord(after, 'WITHIN')) {
      throw new ParseStop(
        problem(CODES.STATEMENT, after.start, after.end, `'${after.text}' clauses are not allowed: aggregation is planned by the feature set, not the definition`),
      );
    }
    const depth = args.reduce((d, a) => Math.max(d, a.depth), 0) + 1;
    return this.node({
      kind: 'call',
      name: nameTok.value,
      nameStart: nameTok.start,
      nameEnd: nameTok.end,
      args,
      distinct,
      star,
      start: nameTok.start,
      end: close.end,
      depth,
    });
  }

  private parseCase(): CaseExpr {
    const caseTok = this.next();
    let subject: Expr | undefined;
    if (!this.isWord(this.peek(), 'WHEN')) subject = this.parseExpr(0);
    const whens: CaseExpr['whens'] = [];
    while (this.acceptWord('WHEN')) {
      const when = this.parseExpr(0);
      this.expectWord('THEN', 'after the WHEN condition');
      const then = this.parseExpr(0);
      whens.push({ when, then });
    }
    if (whens.length === 0) this.unexpected(this.peek(), 'WHEN');
    let elseExpr: Expr | undefined;
    if (this.acceptWord('ELSE')) elseExpr = this.parseExpr(0);
    const end = this.expectWord('END', 'to close CASE');
    const parts = [subject, ...whens.flatMap((w) => [w.when, w.then]), elseExpr].filter((x): x is Expr => x !== undefined);
    const depth = parts.reduce((d, a) => Math.max(d, a.depth), 0) + 1;
    const node: CaseExpr = { kind: 'case', whens, start: caseTok.start, end: end.end, depth };
    if (subject) node.subject = subject;
    if (elseExpr) node.else = elseExpr;
    return this.node(node);
  }

  private parseCast(): Expr {
    const kw = this.next();
    const open = this.expectKind('(', "'('");
    const value = this.parseExpr(0);
    this.expectWord('AS', 'and a type name');
    const typeTok = this.peek();
    if (typeTok.kind !== 'ident') this.unexpected(typeTok, 'a type name');
    this.next();
    let target: DataType | undefined = CAST_TYPES[typeTok.value.toUpperCase()];
    let typeEnd = typeTok.end;
    if (typeTok.value.toUpperCase() === 'ARRAY' && this.peek().kind === 'op' && this.peek().value === '<') {
      this.next();
      const inner = this.peek();
      if (this.isWord(inner, 'STRING') && this.peek(1).kind === 'op' && this.peek(1).value === '>') {
        this.next();
        typeEnd = this.next().end;
        target = 'ARRAY_STRING';
      } else target = undefined;
    }
    if (target === undefined) {
      throw new ParseStop(
        problem(CODES.UNKNOWN_TYPE, typeTok.start, Math.max(typeEnd, this.peek().start), `'${typeTok.text}' is not a type Quiver can cast to`, {
          expected: 'STRING, BOOLEAN, INT, BIGINT (or LONG), DOUBLE, TIMESTAMP, DATE or ARRAY<STRING>',
        }),
      );
    }
    if (this.peek().kind === '(') {
      const p = this.peek();
      throw new ParseStop(problem(CODES.UNKNOWN_TYPE, typeTok.start, p.end, 'type parameters are not supported', { expected: "')'" }));
    }
    const close = this.expectKind(')', "')' to close the CAST");
    return this.node({
      kind: 'cast',
      try: kw.value.toUpperCase() === 'TRY_CAST',
      value,
      target,
      targetStart: typeTok.start,
      targetEnd: typeEnd,
      start: kw.start,
      end: close.end,
      depth: value.depth + 1,
    });
  }
}
