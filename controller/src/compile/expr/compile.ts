import type { DataType } from '../../config/data-type.js';
import type { ExprSource } from '../../config/text-origin.js';
import { diagnostic, didYouMean, type Diagnostic } from '../../diag/index.js';
import type { ArgValue, CatalogEntry, CheckedArg, RenderContext } from '../catalog/entry.js';
import { deniedReason } from '../catalog/denylist.js';
import { functionNames, lookupFunction, operatorEntry } from '../catalog/registry.js';
import {
  castKind,
  commonType,
  ENGINES,
  renderCast,
  sqlDouble,
  sqlInt,
  sqlLong,
  sqlString,
  unsupportedCastReason,
  type Engine,
  type ExprType,
} from '../types/index.js';
import type { CallExpr, CaseExpr, CastExpr, Expr, LiteralExpr, RefExpr } from './ast.js';
import { CODES } from './codes.js';
import { lex } from './lexer.js';
import { DEFAULT_LIMITS, type ExprLimits } from './limits.js';
import { parse } from './parser.js';
import { problem, type Problem } from './problem.js';
import { LambdaNames, makeRenderContext } from './render-context.js';
import { matchSignature, type Resolved } from './signatures.js';
import { unsafeSqlReason, UnsafeSqlError } from './sql-guard.js';

/** What a name in a definition refers to, and what it renders to in each engine. */
export interface ScopeEntry {
  /** A field name, or '$1', '$2', ... for raw fields. */
  name: string;
  type: DataType;
  sql: { duckdb: string; spark: string };
}

export interface Scope {
  lookup(name: string): ScopeEntry | undefined;
  names(): string[];
}

export type ExprMode = 'scalar' | 'aggregate';

export interface CompiledExpr {
  /** The declared type when `expected` was given; otherwise the inferred one ('NULL' for a bare NULL). */
  type: ExprType;
  duckdb: string;
  spark: string;
  /** Contains an aggregate function. */
  isAggregate: boolean;
  /** Scope names referenced, in order of first use, as the scope spells them. */
  references: string[];
  ast: Expr;
}

export interface CompileOptions {
  mode: ExprMode;
  /** The declared data_type: the result must be it, or convert to it implicitly. */
  expected?: DataType;
  /** What is being compiled, for messages: "field 'src_ip' definition". */
  what: string;
  /** Overrides of the default limits (tests). */
  limits?: Partial<ExprLimits>;
}

export interface CompileResult {
  expr?: CompiledExpr;
  diagnostics: Diagnostic[];
}

/** A compiled sub-expression. */
interface Typed {
  type: ExprType;
  sql: Record<Engine, string>;
  literal?: string | number | boolean | null;
  simple: boolean;
}

/**
 * Parses, resolves, type-checks and renders one definition. Never throws for bad input:
 * every problem comes back as a QV4xxx diagnostic with the exact position, and then no SQL
 * is returned at all.
 */
export function compileExpression(src: ExprSource, scope: Scope, opts: CompileOptions): CompileResult {
  const limits: ExprLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const toDiagnostics = (problems: readonly Problem[]): Diagnostic[] =>
    problems.map((p) => {
      const a = src.origin.positionAt(p.start);
      const b = src.origin.positionAt(Math.max(p.end, p.start));
      const extra: { expected?: string; hint?: string } = {};
      if (p.expected !== undefined) extra.expected = p.expected;
      if (p.hint !== undefined) extra.hint = p.hint;
      return diagnostic(src.origin.file, { line: a.line, column: a.column, endLine: b.line, endColumn: b.column }, p.code, `${opts.what}: ${p.message}`, extra);
    });

  const text = src.text;
  if (text.length > limits.maxLength) {
    return {
      diagnostics: toDiagnostics([
        problem(CODES.TOO_LONG, 0, 0, `the definition is ${text.length.toLocaleString('en-US')} characters long; the limit is ${limits.maxLength.toLocaleString('en-US')}`, {
          hint: 'split it into several fields',
        }),
      ]),
    };
  }
  const lexed = lex(text);
  if (lexed.problems.length > 0) return { diagnostics: toDiagnostics(lexed.problems) };
  const parsed = parse(lexed.tokens, { maxDepth: limits.maxDepth });
  if (parsed.ast === undefined) return { diagnostics: toDiagnostics(parsed.problems) };
  const ast = parsed.ast;

  const c = new Checker(scope, opts.mode);
  const typed = c.compile(ast);
  if (c.problems.length > 0 || typed === undefined) return { diagnostics: toDiagnostics(c.problems) };

  let type: ExprType = typed.type;
  let sql = typed.sql;
  if (opts.expected !== undefined) {
    const k = castKind(typed.type, opts.expected);
    if (k === 'identity' || k === 'implicit') {
      sql = { duckdb: renderCast(sql.duckdb, typed.type, opts.expected, 'duckdb'), spark: renderCast(sql.spark, typed.type, opts.expected, 'spark') };
      type = opts.expected;
    } else {
      const hint =
        k === 'explicit'
          ? `wrap it in CAST(... AS ${castName(opts.expected)}) to convert (NULL where the conversion fails)`
          : `there is no conversion from ${typed.type} to ${opts.expected}: ${unsupportedCastReason(typed.type, opts.expected) ?? ''}`;
      return {
        diagnostics: toDiagnostics([
          problem(CODES.RESULT_TYPE, ast.start, ast.end, `the expression is ${typed.type} but the declared data_type is ${opts.expected}`, {
            expected: `a ${opts.expected} expression${implicitSources(opts.expected)}`,
            hint,
          }),
        ]),
      };
    }
  }

  for (const engine of ENGINES) {
    if (sql[engine].length > limits.maxRenderedLength) {
      return {
        diagnostics: toDiagnostics([
          problem(CODES.TOO_COMPLEX, ast.start, ast.end, `the definition expands to ${sql[engine].length.toLocaleString('en-US')} characters of ${engine} SQL; the limit is ${limits.maxRenderedLength.toLocaleString('en-US')}`, {
            hint: 'split it into several fields',
          }),
        ]),
      };
    }
    const unsafe = unsafeSqlReason(sql[engine], engine);
    if (unsafe !== undefined) throw new UnsafeSqlError(`bug: rendered ${engine} SQL failed the safety check (${unsafe}) for ${opts.what}`);
  }

  return {
    expr: { type, duckdb: sql.duckdb, spark: sql.spark, isAggregate: c.sawAggregate, references: c.references, ast },
    diagnostics: [],
  };
}

function castName(t: DataType): string {
  return t === 'ARRAY_STRING' ? 'ARRAY<STRING>' : t === 'LONG' ? 'BIGINT' : t;
}

function implicitSources(t: DataType): string {
  switch (t) {
    case 'LONG':
      return ' (INT converts implicitly)';
    case 'DOUBLE':
      return ' (INT and LONG convert implicitly)';
    case 'TIMESTAMP':
      return ' (DATE converts implicitly)';
    default:
      return '';
  }
}

const OPERATOR_KEY: Record<string, string> = { DIV: 'div' };

class Checker {
  readonly problems: Problem[] = [];
  readonly references: string[] = [];
  sawAggregate = false;
  private insideAggregate = false;
  private readonly names = new LambdaNames();

  constructor(
    private readonly scope: Scope,
    private readonly mode: ExprMode,
  ) {}

  private report(p: Problem): void {
    if (this.problems.length < 50) this.problems.push(p);
  }

  compile(e: Expr): Typed | undefined {
    switch (e.kind) {
      case 'literal':
        return this.literal(e);
      case 'ref':
        return this.ref(e);
      case 'call':
        return this.call(e);
      case 'unary': {
        const key = e.op === 'NOT' ? 'NOT' : e.op === '-' ? 'negate' : 'unary plus';
        return this.apply(operatorEntry(key), e, [e.operand], {});
      }
      case 'binary':
        return this.apply(operatorEntry(OPERATOR_KEY[e.op] ?? e.op), e, [e.left, e.right], { opText: e.opText });
      case 'like':
        return this.apply(operatorEntry(e.op), e, [e.value, e.pattern], { negated: e.negated });
      case 'in':
        return this.apply(operatorEntry('IN'), e, [e.value, ...e.list], { negated: e.negated });
      case 'between':
        return this.apply(operatorEntry('BETWEEN'), e, [e.value, e.low, e.high], { negated: e.negated });
      case 'is':
        return this.apply(operatorEntry(`IS ${e.test}`), e, [e.value], { negated: e.negated });
      case 'subscript':
        return this.apply(operatorEntry('[]'), e, [e.target, e.index], {});
      case 'case':
        return this.caseExpr(e);
      case 'cast':
        return this.cast(e);
    }
  }

  // ---- leaves -----------------------------------------------------------------------

  private literal(e: LiteralExpr): Typed | undefined {
    const both = (f: (engine: Engine) => string): Record<Engine, string> => ({ duckdb: f('duckdb'), spark: f('spark') });
    switch (e.type) {
      case 'NULL':
        return { type: 'NULL', sql: both(() => 'NULL'), literal: null, simple: true };
      case 'BOOLEAN':
        return { type: 'BOOLEAN', sql: both(() => (e.value ? 'TRUE' : 'FALSE')), literal: e.value as boolean, simple: true };
      case 'INT':
        return { type: 'INT', sql: both(() => sqlInt(e.value as number)), literal: e.value as number, simple: true };
      case 'LONG':
        return { type: 'LONG', sql: both((en) => sqlLong(e.value as string, en)), literal: e.value as string, simple: true };
      case 'DOUBLE':
        return { type: 'DOUBLE', sql: both((en) => sqlDouble(e.value as number, en)), literal: e.value as number, simple: true };
      case 'STRING':
        return { type: 'STRING', sql: both((en) => sqlString(e.value as string, en)), literal: e.value as string, simple: true };
      case 'DATE':
      case 'TIMESTAMP': {
        const text = normalizeTemporalLiteral(e.type, e.value as string);
        if (text === undefined) {
          this.report(
            problem(CODES.BAD_LITERAL_VALUE, e.start, e.end, `${e.type} '${e.value as string}' is not a valid ${e.type.toLowerCase()}`, {
              expected: e.type === 'DATE' ? "DATE 'yyyy-MM-dd'" : "TIMESTAMP 'yyyy-MM-dd HH:mm:ss[.ffffff]' (UTC)",
            }),
          );
          return undefined;
        }
        return { type: e.type, sql: both(() => `${e.type} '${text}'`), simple: true };
      }
    }
  }

  private ref(e: RefExpr): Typed | undefined {
    let entry = this.scope.lookup(e.name);
    if (entry === undefined && !e.name.startsWith('$')) {
      // Spark resolves names case-insensitively; accept that when it is unambiguous.
      const matches = this.scope.names().filter((n) => n.toLowerCase() === e.name.toLowerCase());
      if (matches.length === 1) entry = this.scope.lookup(matches[0] as string);
    }
    if (entry === undefined) {
      const names = this.scope.names();
      const fn = lookupFunction(e.name);
      let hint = didYouMean(e.name, names);
      if (hint === undefined && fn !== undefined) hint = `${fn.name} is a function: call it as ${fn.name}(...)`;
      if (hint === undefined && e.name.startsWith('$')) {
        const raw = names.filter((n) => n.startsWith('$'));
        hint = raw.length ? `raw fields here are ${raw.join(', ')}` : 'this field has no raw fields to refer to';
      }
      const p = problem(CODES.UNKNOWN_NAME, e.start, e.end, `unknown name '${e.name}'`, {
        expected: names.length ? `one of: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', ...' : ''}` : 'a field defined earlier',
      });
      if (hint !== undefined) p.hint = hint;
      this.report(p);
      return undefined;
    }
    if (!this.references.includes(entry.name)) this.references.push(entry.name);
    if (this.mode === 'aggregate' && !this.insideAggregate) {
      this.report(
        problem(CODES.FIELD_OUTSIDE_AGGREGATE, e.start, e.end, `'${e.name}' is used outside an aggregate function`, {
          expected: 'an aggregate expression: every field inside count, sum, min, max, ...',
          hint: `for example max(${e.name}) or count(DISTINCT ${e.name})`,
        }),
      );
    }
    return { type: entry.type, sql: { duckdb: entry.sql.duckdb, spark: entry.sql.spark }, simple: true };
  }

  // ---- calls and operators ------------------------------------------------------------

  private call(e: CallExpr): Typed | undefined {
    const entry = lookupFunction(e.name);
    if (entry === undefined) {
      const reason = deniedReason(e.name);
      if (reason !== undefined) {
        this.report(
          problem(CODES.FORBIDDEN_FUNCTION, e.nameStart, e.nameEnd, `function '${e.name}' is not allowed in definitions: it ${reason}`, {
            expected: 'a function from the catalog (docs/reference/functions.md)',
          }),
        );
      } else {
        const p = problem(CODES.UNKNOWN_FUNCTION, e.nameStart, e.nameEnd, `unknown function '${e.name}': it is not in Quiver's catalog`, {
          expected: 'a function from the catalog (docs/reference/functions.md)',
        });
        const hint = didYouMean(e.name, functionNames());
        if (hint !== undefined) p.hint = hint;
        this.report(p);
      }
      return undefined;
    }
    if (e.distinct && !entry.distinct) {
      this.report(problem(CODES.DISTINCT_NOT_ALLOWED, e.start, e.end, `DISTINCT is not supported in ${entry.name}(...)`, { hint: 'only count(DISTINCT x) is' }));
      return undefined;
    }
    if (entry.aggregate) {
      if (this.mode === 'scalar') {
        this.report(
          problem(CODES.AGGREGATE_IN_SCALAR, e.nameStart, e.nameEnd, `aggregate function '${entry.name}' is not allowed here`, {
            expected: 'a per-row expression (aggregates belong in windowed feature definitions)',
          }),
        );
        return undefined;
      }
      if (this.insideAggregate) {
        this.report(problem(CODES.NESTED_AGGREGATE, e.nameStart, e.nameEnd, `aggregate function '${entry.name}' is nested inside another aggregate`, { expected: 'a per-row expression inside the aggregate' }));
        return undefined;
      }
      this.sawAggregate = true;
      this.insideAggregate = true;
      try {
        return this.apply(entry, e, e.args, { distinct: e.distinct, star: e.star });
      } finally {
        this.insideAggregate = false;
      }
    }
    return this.apply(entry, e, e.args, {});
  }

  private apply(
    entry: CatalogEntry,
    node: Expr,
    argNodes: readonly Expr[],
    flags: { negated?: boolean; distinct?: boolean; star?: boolean; opText?: string },
  ): Typed | undefined {
    const args = argNodes.map((a) => this.compile(a));
    if (args.some((a) => a === undefined)) return undefined;
    const typed = args as Typed[];
    const types = typed.map((a) => a.type);

    const label = entry.kind === 'operator' ? `'${flags.opText ?? entry.name}'` : `${entry.name}()`;
    let resolved: Resolved | undefined;
    let typeMismatch: { index: number; expected: string; wanted?: DataType } | undefined;
    for (const sig of entry.signatures) {
      const r = matchSignature(sig, types);
      if ('signature' in r) {
        resolved = r;
        break;
      }
      if (r.kind === 'type' && typeMismatch === undefined) typeMismatch = r;
    }
    if (resolved === undefined) {
      if (typeMismatch === undefined) {
        const counts = entry.signatures.map((s) => describeArity(s.params)).join(' or ');
        this.report(
          problem(CODES.ARITY, node.start, node.end, `${label} takes ${counts}, but was given ${args.length}`, {
            expected: entry.signatures.map((s) => formatParams(entry, s.params)).join(' | '),
          }),
        );
        return undefined;
      }
      const at = argNodes[typeMismatch.index] as Expr;
      const got = types[typeMismatch.index] as ExprType;
      const k = typeMismatch.wanted !== undefined ? castKind(got, typeMismatch.wanted) : undefined;
      const p =
        entry.kind === 'operator'
          ? problem(CODES.OPERAND_TYPE, at.start, at.end, `${label} cannot take a ${got} ${describeOperand(entry, typeMismatch.index, argNodes.length)}`, {
              expected: typeMismatch.expected,
            })
          : problem(CODES.ARGUMENT_TYPE, at.start, at.end, `argument ${typeMismatch.index + 1} of ${label} is ${got}`, {
              expected: typeMismatch.expected,
            });
      if (k === 'explicit' && typeMismatch.wanted !== undefined) p.hint = `wrap it in CAST(... AS ${castName(typeMismatch.wanted)})`;
      this.report(p);
      return undefined;
    }

    // Literal-only parameters (patterns, units, classes).
    let ok = true;
    resolved.params.forEach((p, i) => {
      const a = argNodes[i] as Expr;
      if (p.literal && !(a.kind === 'literal' && a.type !== 'NULL')) {
        ok = false;
        this.report(
          problem(CODES.LITERAL_REQUIRED, a.start, a.end, `the ${p.name} of ${label} must be written as a literal`, {
            expected: `a ${resolved?.paramTypes[i] ?? 'constant'} literal such as ${p.type === 'STRING' ? "'...'" : '1'}`,
            hint: 'patterns and units are checked and translated when the definition is compiled, so they cannot come from data',
          }),
        );
      }
    });
    if (!ok) return undefined;

    if (entry.check) {
      const before = this.problems.length;
      const checked: CheckedArg[] = typed.map((a, i) => {
        const c: CheckedArg = { node: argNodes[i] as Expr, type: a.type };
        if (a.literal !== undefined) c.literal = a.literal;
        return c;
      });
      entry.check({
        args: checked,
        call: node,
        report: (p) => this.report(p),
        spanIn: (i, from, to) => literalSpan(argNodes[i] as Expr, from, to),
      });
      if (this.problems.length > before) return undefined;
    }

    const sql = {} as Record<Engine, string>;
    for (const engine of ENGINES) {
      const values: ArgValue[] = typed.map((a, i) => {
        const to = resolved?.paramTypes[i] as DataType;
        const v: ArgValue = {
          sql: renderCast(a.sql[engine], a.type, to, engine),
          type: a.type === 'NULL' ? to : to,
          simple: a.simple && (a.type === to || castKind(a.type, to) === 'implicit'),
        };
        if (a.literal !== undefined) v.literal = a.literal;
        return v;
      });
      const ctx: RenderContext = makeRenderContext(engine, this.names, {
        args: values,
        negated: flags.negated ?? false,
        distinct: flags.distinct ?? false,
        star: flags.star ?? false,
        resultType: resolved.result,
      });
      sql[engine] = entry.render[engine](ctx);
    }
    return { type: resolved.result, sql, simple: false };
  }

  private caseExpr(e: CaseExpr): Typed | undefined {
    const entry = operatorEntry('CASE');
    const subject = e.subject ? this.compile(e.subject) : undefined;
    const whens = e.whens.map((w) => ({ when: this.compile(w.when), then: this.compile(w.then) }));
    const elseT = e.else ? this.compile(e.else) : undefined;
    if ((e.subject && !subject) || whens.some((w) => !w.when || !w.then) || (e.else && !elseT)) return undefined;

    // Conditions: BOOLEAN (searched form), or comparable with the subject (simple form).
    let whenType: ExprType = 'BOOLEAN';
    if (subject) {
      const ct = commonType([subject.type, ...whens.map((w) => (w.when as Typed).type)]);
      if (ct === undefined || ct === 'ARRAY_STRING') {
        const bad = e.whens.find((w, i) => commonType([subject.type, (whens[i]?.when as Typed).type]) === undefined) ?? e.whens[0];
        this.report(problem(CODES.OPERAND_TYPE, bad?.when.start ?? e.start, bad?.when.end ?? e.end, 'CASE compares its subject with each WHEN value, and these types cannot be compared', { expected: `a value comparable with ${subject.type}` }));
        return undefined;
      }
      whenType = ct;
    } else {
      for (let i = 0; i < whens.length; i++) {
        const t = (whens[i]?.when as Typed).type;
        if (t !== 'BOOLEAN' && t !== 'NULL') {
          const w = e.whens[i]?.when as Expr;
          this.report(problem(CODES.OPERAND_TYPE, w.start, w.end, `a WHEN condition must be BOOLEAN, not ${t}`, { expected: 'a BOOLEAN condition' }));
          return undefined;
        }
      }
    }
    const results = [...whens.map((w) => w.then as Typed), ...(elseT ? [elseT] : [])];
    const resultNodes = [...e.whens.map((w) => w.then), ...(e.else ? [e.else] : [])];
    let rt = commonType(results.map((r) => r.type));
    if (rt === undefined) {
      let acc: ExprType[] = [];
      for (let i = 0; i < results.length; i++) {
        acc = [...acc, (results[i] as Typed).type];
        if (commonType(acc) === undefined) {
          const n = resultNodes[i] as Expr;
          this.report(problem(CODES.OPERAND_TYPE, n.start, n.end, `this CASE branch is ${(results[i] as Typed).type}, which does not fit with the branches before it (${commonType(acc.slice(0, -1)) ?? '?'})`, { expected: 'all THEN and ELSE values of one type', hint: 'CAST the branches to one type' }));
          return undefined;
        }
      }
      return undefined;
    }
    const resultType: DataType = rt === 'NULL' ? 'STRING' : rt;
    rt = resultType;
    const sql = {} as Record<Engine, string>;
    for (const engine of ENGINES) {
      const values: ArgValue[] = [];
      const push = (t: Typed, to: DataType): void => {
        values.push({ sql: renderCast(t.sql[engine], t.type, to, engine), type: to, simple: t.simple });
      };
      const wt: DataType = whenType === 'NULL' ? 'BOOLEAN' : whenType;
      if (subject) push(subject, wt);
      for (const w of whens) {
        push(w.when as Typed, wt);
        push(w.then as Typed, resultType);
      }
      if (elseT) push(elseT, resultType);
      const ctx = makeRenderContext(engine, this.names, {
        args: values,
        negated: false,
        distinct: false,
        star: false,
        resultType,
        caseShape: { subject: subject !== undefined, else: elseT !== undefined },
      });
      sql[engine] = entry.render[engine](ctx);
    }
    return { type: resultType, sql, simple: false };
  }

  private cast(e: CastExpr): Typed | undefined {
    const entry = operatorEntry(e.try ? 'TRY_CAST' : 'CAST');
    const v = this.compile(e.value);
    if (!v) return undefined;
    const k = castKind(v.type, e.target);
    if (k === undefined) {
      this.report(
        problem(CODES.UNSUPPORTED_CAST, e.start, e.end, `cannot convert ${v.type} to ${e.target}`, {
          hint: unsupportedCastReason(v.type, e.target) ?? 'there is no such conversion',
        }),
      );
      return undefined;
    }
    const sql = {} as Record<Engine, string>;
    for (const engine of ENGINES) {
      const ctx = makeRenderContext(engine, this.names, {
        args: [{ sql: v.sql[engine], type: v.type, simple: v.simple }],
        negated: false,
        distinct: false,
        star: false,
        resultType: e.target,
        target: e.target,
        sourceType: v.type,
      });
      sql[engine] = entry.render[engine](ctx);
    }
    return { type: e.target, sql, simple: false };
  }
}

function describeArity(params: readonly { optional?: boolean; variadic?: boolean }[]): string {
  const required = params.filter((p) => !p.optional && !p.variadic).length;
  const optional = params.filter((p) => p.optional).length;
  const variadic = params.some((p) => p.variadic);
  const word = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
  if (variadic) return `${required + 1} or more arguments`;
  if (optional > 0) return `${required} to ${word(required + optional)}`;
  return word(required);
}

function formatParams(entry: CatalogEntry, params: readonly { name: string; optional?: boolean; variadic?: boolean }[]): string {
  if (entry.syntax) return entry.syntax;
  return `${entry.name}(${params.map((p) => (p.optional ? `[${p.name}]` : p.variadic ? `${p.name}, ...` : p.name)).join(', ')})`;
}

function describeOperand(entry: CatalogEntry, index: number, count: number): string {
  if (count === 1) return 'operand';
  if (entry.name === 'IN') return index === 0 ? 'value to look for' : 'list value';
  if (entry.name === 'BETWEEN') return ['value', 'lower bound', 'upper bound'][index] ?? 'operand';
  return index === 0 ? 'left operand' : 'right operand';
}

/** Offsets inside a string literal's decoded value -> definition offsets. */
function literalSpan(node: Expr, from: number, to: number): { start: number; end: number } {
  if (node.kind !== 'literal' || node.offsets === undefined || node.offsets.length === 0) return { start: node.start, end: node.end };
  const offs = node.offsets;
  // offsets[k] is where decoded unit k starts; the last entry is the closing quote.
  const start = offs[Math.min(from, offs.length - 1)] ?? node.start;
  const endUnit = Math.max(from, to - 1);
  const last = offs[Math.min(endUnit, offs.length - 1)] ?? node.end;
  const next = offs[Math.min(endUnit + 1, offs.length - 1)] ?? node.end;
  return { start, end: Math.max(last + 1, Math.min(next, node.end)) };
}

const TIMESTAMP_LITERAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/;

/** The canonical text of a DATE/TIMESTAMP literal, or undefined when it is not a real date and time. */
export function normalizeTemporalLiteral(type: 'DATE' | 'TIMESTAMP', text: string): string | undefined {
  const m = TIMESTAMP_LITERAL.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h = '00', mi = '00', s = '00', frac] = m.slice(1);
  if (type === 'DATE' && m[4] !== undefined) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (type === 'DATE') return `${y}-${mo}-${d}`;
  return `${y}-${mo}-${d} ${h}:${mi}:${s}${frac ? '.' + frac : ''}`;
}
