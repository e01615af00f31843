import type protobuf from 'protobufjs';
import { lazyModule } from '../../lazy-require.js';
import { didYouMean, type SourceText, type Span } from '../../diag/index.js';
import { Code, type CodeValue } from './codes.js';
import type { Lexer, Token } from './lexer.js';
import { quote, type Reporter } from './reporter.js';
import { convertScalar, describeScalar, type ScalarContext, type ScalarTokens } from './scalar-value.js';
import type { ParsedMessage, ParsedValue } from './types.js';

const pb = lazyModule<typeof protobuf>('protobufjs');

/** Deeper nesting is rejected: it is never intended, and it bounds the parser's recursion. */
export const MAX_DEPTH = 100;

function isPunct(tok: Token, ch: string): boolean {
  return tok.kind === 'punct' && tok.text === ch;
}
function isMessageOpen(tok: Token): boolean {
  return isPunct(tok, '{') || isPunct(tok, '<');
}
function isMessageClose(tok: Token): boolean {
  return isPunct(tok, '}') || isPunct(tok, '>');
}
function describe(tok: Token): string {
  switch (tok.kind) {
    case 'eof':
      return 'end of file';
    case 'string':
      return 'string';
    default:
      return quote(tok.text);
  }
}
function typeName(t: protobuf.ReflectionObject): string {
  return t.fullName.replace(/^\./, '');
}
function listNames(names: readonly string[]): string | undefined {
  return names.length > 0 && names.length <= 12 ? `one of ${names.join(', ')}` : undefined;
}

/**
 * Recursive descent over the token stream, driven by protobufjs reflection.
 * Every token is consumed at most once (skips included), so the parse is
 * linear; recursion is bounded by MAX_DEPTH. Errors are reported and the
 * parser resynchronises at the next field, so one run reports many problems.
 */
export class Parser {
  /** Lookahead: the parser never looks more than two tokens ahead. */
  private readonly ahead: Token[] = [];
  private readonly scalars: ScalarContext;

  constructor(
    private readonly source: SourceText,
    private readonly lexer: Lexer,
    private readonly reporter: Reporter,
  ) {
    this.scalars = { source, reporter };
  }

  parseTop(type: protobuf.Type): ParsedMessage {
    const msg: ParsedMessage = { type, span: this.source.span(0, this.source.text.length), fields: new Map() };
    this.parseFields(msg, 0, undefined);
    return msg;
  }

  // ---- token access -------------------------------------------------------

  private peek(k = 0): Token {
    while (this.ahead.length <= k) this.ahead.push(this.lexer.next());
    return this.ahead[k] as Token;
  }
  private next(): Token {
    const tok = this.peek();
    if (tok.kind !== 'eof') this.ahead.shift();
    return tok;
  }
  private accept(ch: string): Token | undefined {
    return isPunct(this.peek(), ch) ? this.next() : undefined;
  }
  private error(code: CodeValue, tok: { start: number; end: number }, message: string, extra: { expected?: string; hint?: string } = {}): void {
    this.reporter.error(code, tok.start, tok.end, message, extra);
  }
  private where(offset: number): string {
    const p = this.source.position(offset);
    return `${p.line}:${p.column}`;
  }

  /** An identifier that starts the next field rather than being a value (`name:`, `name {`). */
  private identStartsField(k: number): boolean {
    const tok = this.peek(k);
    if (tok.kind !== 'ident') return false;
    const after = this.peek(k + 1);
    return isPunct(after, ':') || isMessageOpen(after);
  }

  private startsScalar(): boolean {
    const tok = this.peek();
    switch (tok.kind) {
      case 'string':
      case 'int':
      case 'float':
      case 'invalid':
        return true;
      case 'ident':
        return !this.identStartsField(0);
      case 'punct':
        return tok.text === '-';
      default:
        return false;
    }
  }

  // ---- messages -----------------------------------------------------------

  /** Parses fields until the closer matching `open` (or the end of file at top level); returns the end offset. */
  private parseFields(msg: ParsedMessage, depth: number, open: Token | undefined): number {
    const closer = open === undefined ? undefined : open.text === '{' ? '}' : '>';
    // Where each field was first given: for duplicate and oneof checks.
    const seen = new Map<string, Span>();
    for (;;) {
      const tok = this.peek();
      if (tok.kind === 'eof') {
        if (open && closer) {
          this.error(Code.UnclosedMessage, open, `'${open.text}' is never closed`, {
            expected: `'${closer}' before the end of the file`,
          });
        }
        return tok.start;
      }
      if (isMessageClose(tok)) {
        if (open && closer) {
          this.next();
          if (tok.text !== closer) {
            this.error(Code.UnclosedMessage, tok, `'${open.text}' at ${this.where(open.start)} is closed with '${tok.text}'`, {
              expected: `'${closer}'`,
            });
          }
          return tok.end;
        }
        this.error(Code.UnexpectedToken, tok, `unexpected '${tok.text}': no message is open here`, { expected: 'a field name' });
        this.next();
        continue;
      }
      if (tok.kind === 'ident' || isPunct(tok, '[')) {
        this.parseField(msg, depth, seen);
        continue;
      }
      if (tok.kind === 'invalid') {
        this.next(); // already reported by the lexer
        continue;
      }
      this.error(Code.UnexpectedToken, tok, `unexpected ${describe(tok)}`, {
        expected: closer ? `a field name or '${closer}'` : 'a field name',
      });
      this.skipToFieldStart();
    }
  }

  /** Panic mode: skip to something that can start a field or close a message. */
  private skipToFieldStart(): void {
    for (;;) {
      const tok = this.peek();
      if (tok.kind === 'eof' || tok.kind === 'ident' || isMessageClose(tok)) return;
      if (isMessageOpen(tok) || isPunct(tok, '[')) this.skipBalanced();
      else this.next();
    }
  }

  /** Skips a bracketed group starting at the current token, iteratively (no recursion on deep input). */
  private skipBalanced(): number {
    let depth = 0;
    for (;;) {
      const tok = this.next();
      if (tok.kind === 'eof') return tok.start;
      if (tok.kind !== 'punct') continue;
      if (tok.text === '{' || tok.text === '<' || tok.text === '[') depth++;
      else if (tok.text === '}' || tok.text === '>' || tok.text === ']') depth--;
      if (depth <= 0) return tok.end;
    }
  }

  private skipSeparator(): void {
    if (!this.accept(';')) this.accept(',');
  }

  private parseField(msg: ParsedMessage, depth: number, seen: Map<string, Span>): void {
    const nameTok = this.next();
    if (isPunct(nameTok, '[')) {
      this.parseExtensionName(nameTok);
      this.skipValue();
      this.skipSeparator();
      return;
    }
    const name = nameTok.text;
    const type = msg.type;
    const field = Object.hasOwn(type.fields, name) ? type.fields[name] : undefined;
    if (field === undefined) {
      if (type.isReservedName(name)) {
        this.reporter.warning(Code.ReservedField, nameTok.start, nameTok.end, `field ${quote(name)} is reserved in ${typeName(type)}; its value is ignored`);
      } else {
        const names = Object.keys(type.fields);
        const hint = name.length <= 64 ? didYouMean(name, names) : undefined;
        const expected = listNames(names);
        this.error(Code.UnknownField, nameTok, `unknown field ${quote(name)} in ${typeName(type)}`, {
          ...(expected === undefined ? {} : { expected }),
          ...(hint === undefined ? {} : { hint }),
        });
      }
      this.skipValue();
      this.skipSeparator();
      return;
    }
    field.resolve();
    if (field.map) {
      this.error(Code.MapNotSupported, nameTok, `field '${name}' is a map, which Quiver's text-format parser does not support`);
      this.skipValue();
      this.skipSeparator();
      return;
    }

    // A conflicting field is still parsed, to report errors inside it, but not kept.
    let keep = true;
    const first = seen.get(name);
    if (first && !field.repeated) {
      this.error(Code.DuplicateField, nameTok, `field '${name}' is set more than once`, {
        hint: `it was first set at ${first.line}:${first.column}; only repeated fields can be given several times`,
      });
      keep = false;
    } else if (!first && field.partOf) {
      const other = field.partOf.fieldsArray.find((f) => f.name !== name && seen.has(f.name));
      if (other) {
        const at = seen.get(other.name);
        this.error(
          Code.OneofConflict,
          nameTok,
          `'${name}' and '${other.name}' are both set, but they belong to oneof '${field.partOf.name}' of ${typeName(type)}`,
          { hint: `set only one of ${field.partOf.fieldsArray.map((f) => f.name).join(', ')}${at ? ` ('${other.name}' is set at ${at.line}:${at.column})` : ''}` },
        );
        keep = false;
      }
    }
    const nameSpan = this.source.span(nameTok.start, nameTok.end);
    if (!first) seen.set(name, nameSpan);

    const values = this.parseFieldValue(field, depth);
    if (keep && values) {
      const existing = msg.fields.get(name);
      // A loop, not push(...values): a spread of a huge list would overflow the call stack.
      if (existing) for (const v of values) existing.values.push(v);
      else msg.fields.set(name, { field, nameSpan, values });
    }
    this.skipSeparator();
  }

  /** `[type.name]` or `[domain/type.name]`: consumed and reported, never interpreted. */
  private parseExtensionName(open: Token): void {
    let text = '';
    for (;;) {
      const tok = this.peek();
      if (isPunct(tok, ']')) {
        this.next();
        this.error(Code.ExtensionNotSupported, { start: open.start, end: tok.end }, `extension and Any fields ([${text.length > 60 ? `${text.slice(0, 60)}…` : text}]) are not supported`, {
          hint: "Quiver's schemas use neither extensions nor Any: write the message's own fields",
        });
        return;
      }
      if (tok.kind === 'ident' || isPunct(tok, '.') || isPunct(tok, '/')) {
        this.next();
        if (text.length <= 60) text += tok.text;
        continue;
      }
      this.error(Code.UnexpectedToken, tok, `unexpected ${describe(tok)} in an extension name`, { expected: "']'" });
      return;
    }
  }

  /** Skips whatever value follows an unknown or unsupported field name. */
  private skipValue(): void {
    this.accept(':');
    const tok = this.peek();
    if (isMessageOpen(tok) || isPunct(tok, '[')) this.skipBalanced();
    else if (this.startsScalar()) this.readScalarTokens();
  }

  private parseFieldValue(field: protobuf.Field, depth: number): ParsedValue[] | undefined {
    const msgType = field.resolvedType instanceof pb().Type ? field.resolvedType : undefined;
    const colon = this.accept(':');
    const tok = this.peek();
    if (isPunct(tok, '[')) {
      if (!field.repeated) {
        this.error(Code.ListOnSingular, tok, `field '${field.name}' is not repeated, so it cannot take a list`, {
          hint: 'give a single value without [ ]',
        });
      } else if (!msgType && !colon) {
        this.error(Code.MissingColon, tok, `unexpected '[' after field name '${field.name}'`, {
          expected: "':'",
          hint: "a list of scalars is written 'name: [...]'",
        });
      }
      const list = this.parseList(field, msgType, depth);
      return field.repeated ? list : undefined;
    }
    if (msgType) {
      if (isMessageOpen(tok)) {
        const v = this.parseMessageValue(msgType, depth);
        return v ? [v] : undefined;
      }
      if (this.startsScalar()) {
        const sv = this.readScalarTokens();
        this.error(Code.ScalarForMessage, sv, `field '${field.name}' is a message (${typeName(msgType)}), found ${describeScalar(sv)}`, {
          expected: "'{' or '<'",
        });
      } else {
        this.error(Code.UnexpectedToken, tok, `unexpected ${describe(tok)} after ${colon ? `'${field.name}:'` : `field name '${field.name}'`}`, {
          expected: colon ? "'{' or '<'" : "':' or '{'",
        });
      }
      return undefined;
    }
    if (isMessageOpen(tok)) {
      this.error(Code.MessageForScalar, tok, `field '${field.name}' is ${field.type}, not a message`, {
        expected: colon ? 'a value' : "':' and a value",
      });
      this.skipBalanced();
      return undefined;
    }
    if (!colon) {
      this.error(Code.MissingColon, tok, `unexpected ${describe(tok)} after field name '${field.name}'`, {
        expected: "':'",
        hint: "a scalar field's name is followed by ':' and its value",
      });
      // Still read a value that is clearly there, to check it too.
      if (!this.startsScalar()) return undefined;
    }
    if (!this.startsScalar()) {
      this.error(Code.UnexpectedToken, tok, `unexpected ${describe(tok)} after '${field.name}:'`, {
        expected: 'a value',
      });
      return undefined;
    }
    const v = convertScalar(this.scalars, field, this.readScalarTokens());
    return v ? [v] : undefined;
  }

  /** Reads one scalar value's tokens; call only when startsScalar() holds. */
  private readScalarTokens(): ScalarTokens {
    const tok = this.next();
    if (tok.kind === 'string') {
      const parts = [tok];
      while (this.peek().kind === 'string') parts.push(this.next());
      return { kind: 'strings', parts, start: tok.start, end: parts[parts.length - 1]?.end ?? tok.end };
    }
    if (isPunct(tok, '-')) {
      const after = this.peek();
      if (after.kind === 'int' || after.kind === 'float' || after.kind === 'invalid' || (after.kind === 'ident' && !this.identStartsField(0))) {
        this.next();
        return { kind: 'single', minus: tok, token: after, start: tok.start, end: after.end };
      }
      this.error(Code.UnexpectedToken, after, `unexpected ${describe(after)} after '-'`, { expected: 'a number' });
      // A string after '-' is still this value; consuming it avoids a second error.
      let end = tok.end;
      while (this.peek().kind === 'string') end = this.next().end;
      // Already reported: an 'invalid' token makes the caller stay quiet.
      return { kind: 'single', minus: tok, token: { ...tok, kind: 'invalid' }, start: tok.start, end };
    }
    return { kind: 'single', minus: undefined, token: tok, start: tok.start, end: tok.end };
  }

  private parseMessageValue(type: protobuf.Type, depth: number): ParsedValue | undefined {
    const open = this.peek();
    if (depth + 1 > MAX_DEPTH) {
      this.error(Code.TooDeep, open, `messages are nested more than ${MAX_DEPTH} levels deep`, {
        hint: 'the rest of this message is skipped',
      });
      this.skipBalanced();
      return undefined;
    }
    this.next();
    const message: ParsedMessage = { type, span: this.source.span(open.start, open.end), fields: new Map() };
    const end = this.parseFields(message, depth + 1, open);
    message.span = this.source.span(open.start, end);
    return { kind: 'message', span: message.span, message };
  }

  // ---- lists --------------------------------------------------------------

  private parseList(field: protobuf.Field, msgType: protobuf.Type | undefined, depth: number): ParsedValue[] {
    const open = this.next(); // '['
    const out: ParsedValue[] = [];
    if (this.accept(']')) return out;
    for (;;) {
      const tok = this.peek();
      if (isPunct(tok, ']') || isPunct(tok, ',') || tok.kind === 'eof' || isMessageClose(tok)) {
        this.error(Code.UnexpectedToken, tok, `unexpected ${describe(tok)} in the list for '${field.name}'`, {
          expected: msgType ? "'{'" : 'a value',
        });
        if (isPunct(tok, ']')) {
          this.next();
          return out;
        }
        if (isPunct(tok, ',')) {
          this.next();
          continue;
        }
        return out; // the list was never closed; already reported
      }
      if (!this.parseListElement(field, msgType, depth, out)) return out;

      const sep = this.peek();
      if (isPunct(sep, ',')) {
        this.next();
        continue;
      }
      if (isPunct(sep, ']')) {
        this.next();
        return out;
      }
      const ended = sep.kind === 'eof' || isMessageClose(sep) || this.identStartsField(0) || isPunct(sep, '[');
      if (ended) {
        this.error(Code.UnclosedList, open, `the list for '${field.name}' is never closed`, {
          expected: `']' before ${describe(sep)} at ${this.where(sep.start)}`,
        });
        return out;
      }
      this.error(Code.UnexpectedToken, sep, `unexpected ${describe(sep)} in the list for '${field.name}'`, {
        expected: "',' or ']'",
      });
      // A value right here is most likely a missing ','; anything else is skipped.
      if (!this.startsScalar() && !isMessageOpen(sep)) this.next();
    }
  }

  /** Parses one element; false when the current token cannot be an element (the list is abandoned). */
  private parseListElement(field: protobuf.Field, msgType: protobuf.Type | undefined, depth: number, out: ParsedValue[]): boolean {
    const tok = this.peek();
    if (msgType) {
      if (isMessageOpen(tok)) {
        const v = this.parseMessageValue(msgType, depth);
        if (v) out.push(v);
        return true;
      }
      if (this.startsScalar()) {
        const sv = this.readScalarTokens();
        this.error(Code.ScalarForMessage, sv, `field '${field.name}' is a list of messages (${typeName(msgType)}), found ${describeScalar(sv)}`, {
          expected: "'{' or '<'",
        });
        return true;
      }
    } else {
      if (isMessageOpen(tok)) {
        this.error(Code.MessageForScalar, tok, `field '${field.name}' is ${field.type}, not a message`, { expected: 'a value' });
        this.skipBalanced();
        return true;
      }
      if (this.startsScalar()) {
        const v = convertScalar(this.scalars, field, this.readScalarTokens());
        if (v) out.push(v);
        return true;
      }
    }
    if (isPunct(tok, '[')) {
      this.error(Code.UnexpectedToken, tok, 'lists cannot be nested', { expected: msgType ? "'{'" : 'a value' });
      this.skipBalanced();
      return true;
    }
    this.error(Code.UnexpectedToken, tok, `unexpected ${describe(tok)} in the list for '${field.name}'`, {
      expected: msgType ? "'{'" : 'a value',
    });
    if (tok.kind === 'ident') return false; // the next field: the list is missing its ']'
    this.next();
    return true;
  }
}
