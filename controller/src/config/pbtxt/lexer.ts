import { Code } from './codes.js';
import { quote, type Reporter } from './reporter.js';

/**
 * Tokens of the text format (https://protobuf.dev/reference/protobuf/textformat-spec/).
 * Whitespace and `#` comments are dropped. Every token keeps its offsets so the
 * parser can report exact positions.
 */
export type TokenKind = 'ident' | 'int' | 'float' | 'string' | 'punct' | 'invalid' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Offsets into the source text, end exclusive. */
  start: number;
  end: number;
  /** The token's source text (for strings: the whole literal, quotes included). */
  text: string;
  /** For `int` tokens: how the digits are written. */
  base?: 'dec' | 'oct' | 'hex';
  /** For `string` tokens: false when the closing quote is missing. */
  terminated?: boolean;
}

const PUNCT = new Set(['{', '}', '<', '>', '[', ']', ':', ',', ';', '-', '/', '.']);

// Lexical classes of a whole number token (the scanner takes the longest run of
// number-ish characters first, so `10bar` or `08` become one invalid token
// instead of silently splitting).
const HEX_INT = /^0[xX][0-9a-fA-F]+$/;
const OCT_INT = /^0[0-7]+$/;
const DEC_INT = /^(?:0|[1-9][0-9]*)$/;
const FLOAT =
  /^(?:\.[0-9]+(?:[eE][+-]?[0-9]+)?|(?:0|[1-9][0-9]*)\.[0-9]*(?:[eE][+-]?[0-9]+)?|(?:0|[1-9][0-9]*)[eE][+-]?[0-9]+)[fF]?$|^(?:0|[1-9][0-9]*)[fF]$/;

function isWhitespace(c: number): boolean {
  // space, \n, \t, \v, \f, \r
  return c === 32 || c === 10 || c === 9 || c === 11 || c === 12 || c === 13;
}
function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** A character as a reader would want it named: printable ones quoted, others as U+XXXX. */
export function describeChar(text: string): string {
  const cp = text.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfeff || cp === 0xa0) {
    return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return quote(text);
}

/**
 * Produces tokens on demand, so the parser holds only its lookahead: memory
 * stays flat on huge inputs, and once the error budget is spent the rest of
 * the file is never scanned.
 */
export class Lexer {
  private i: number;

  constructor(
    private readonly text: string,
    private readonly reporter: Reporter,
  ) {
    // A UTF-8 byte order mark is invisible in editors; accept it at the start only.
    this.i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  /** The next token; `eof` forever at the end. */
  next(): Token {
    const { text } = this;
    const n = text.length;
    // Runs of unexpected characters are reported once, not once per character.
    let badStart = -1;
    while (this.i < n) {
      const i = this.i;
      const c = text.charCodeAt(i);
      const startsToken = !isWhitespace(c) && c !== 35 && (isLetter(c) || isDigit(c) || c === 34 || c === 39 || PUNCT.has(text[i] ?? ''));
      if (badStart >= 0 && (startsToken || isWhitespace(c) || c === 35)) {
        this.reportBad(badStart, i);
        badStart = -1;
      }
      if (isWhitespace(c)) {
        this.i++;
      } else if (c === 35 /* # */) {
        const nl = text.indexOf('\n', i);
        this.i = nl < 0 ? n : nl;
      } else if (isLetter(c)) {
        let j = i + 1;
        while (j < n && (isLetter(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) j++;
        this.i = j;
        return { kind: 'ident', start: i, end: j, text: text.slice(i, j) };
      } else if (isDigit(c) || (c === 46 /* . */ && isDigit(text.charCodeAt(i + 1)))) {
        return this.scanNumber(i);
      } else if (c === 34 /* " */ || c === 39 /* ' */) {
        return this.scanString(i);
      } else if (startsToken) {
        this.i++;
        return { kind: 'punct', start: i, end: i + 1, text: text[i] ?? '' };
      } else {
        if (badStart < 0) badStart = i;
        this.i += isHighSurrogate(c) && isLowSurrogate(text.charCodeAt(i + 1)) ? 2 : 1;
      }
    }
    if (badStart >= 0) this.reportBad(badStart, n);
    return { kind: 'eof', start: n, end: n, text: '' };
  }

  private reportBad(start: number, end: number): void {
    const run = this.text.slice(start, end);
    const first = String.fromCodePoint(run.codePointAt(0) ?? 0);
    const what = run.length === first.length ? `character ${describeChar(run)}` : `characters starting with ${describeChar(first)}`;
    this.reporter.error(Code.UnexpectedCharacter, start, end, `unexpected ${what}`, {
      expected: 'a field name, value, or one of { } < > [ ] : , ; -',
    });
  }

  private scanNumber(start: number): Token {
    const { text, reporter } = this;
    const n = text.length;
    let tok: Token;
    const hex = text.charCodeAt(start) === 48 && (text[start + 1] === 'x' || text[start + 1] === 'X');
    let j = start;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (isLetter(d) || isDigit(d) || d === 46) j++;
      // An exponent sign belongs to the number ("1e-5"), but not in hex ("0xe-1").
      else if ((d === 43 || d === 45) && !hex && (text[j - 1] === 'e' || text[j - 1] === 'E')) j++;
      else break;
  }
  const raw = text.slice(start, j);
  this.i = j;
  if (HEX_INT.test(raw)) tok = { kind: 'int', start, end: j, text: raw, base: 'hex' };
  else if (OCT_INT.test(raw)) tok = { kind: 'int', start, end: j, text: raw, base: 'oct' };
  else if (DEC_INT.test(raw)) tok = { kind: 'int', start, end: j, text: raw, base: 'dec' };
  else if (FLOAT.test(raw)) tok = { kind: 'float', start, end: j, text: raw };
  else {
    const hint = numberHint(raw);
    reporter.error(Code.InvalidNumber, start, j, `invalid number ${quote(raw)}`, hint === undefined ? {} : { hint });
    tok = { kind: 'invalid', start, end: j, text: raw };
  }
  return tok;
  }

  private scanString(start: number): Token {
    const { text, reporter } = this;
    const n = text.length;
    const q = text.charCodeAt(start);
    let j = start + 1;
    let terminated = false;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === q) {
        terminated = true;
        j++;
        break;
      }
      if (d === 10) break; // a raw line feed cannot be part of a string
      if (d === 92 /* \ */) {
        // The escape itself is checked when the literal is decoded; here it only
        // must not end the literal.
        j++;
        if (j < n && text.charCodeAt(j) !== 10) j++;
        continue;
      }
      if (d === 0) {
        reporter.error(Code.UnexpectedCharacter, j, j + 1, 'NUL character in a string literal', { hint: 'write it as \\0' });
      } else if (isHighSurrogate(d) && isLowSurrogate(text.charCodeAt(j + 1))) {
        j++;
      } else if (isHighSurrogate(d) || isLowSurrogate(d)) {
        reporter.error(Code.UnexpectedCharacter, j, j + 1, `unpaired surrogate ${describeChar(text[j] ?? '')} in a string literal`);
      }
      j++;
  }
  if (!terminated) {
    const quoteChar = q === 34 ? '"' : "'";
    reporter.error(Code.UnterminatedString, start, j, 'string literal is not closed before the end of the line', {
      expected: `a closing ${quoteChar}`,
      hint: 'to continue a string on the next line, close it here and open another: adjacent strings are joined',
    });
  }
  this.i = j;
  return { kind: 'string', start, end: j, text: text.slice(start, j), terminated };
  }
}

function numberHint(raw: string): string | undefined {
  if (/^0[0-9]+$/.test(raw)) return 'a leading 0 makes an octal number, whose digits are 0-7';
  if (/^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[A-Za-z_]/.test(raw) && !/^0[xX]/.test(raw)) {
    return 'a number must be separated from the next name by a space, \',\' or \';\'';
  }
  return undefined;
}

/** All tokens at once (for tests and tools; the parser pulls them one by one). */
export function tokenize(text: string, reporter: Reporter): Token[] {
  const lexer = new Lexer(text, reporter);
  const tokens: Token[] = [];
  for (;;) {
    const tok = lexer.next();
    tokens.push(tok);
    if (tok.kind === 'eof') return tokens;
  }
}
