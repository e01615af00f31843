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

export function tokenize(text: string, reporter: Reporter): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  // A UTF-8 byte order mark is invisible in editors; accept it at the start only.
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // Runs of unexpected characters are reported once, not once per character.
  let badStart = -1;
  const flushBad = (end: number): void => {
    if (badStart < 0) return;
    const run = text.slice(badStart, end);
    const first = String.fromCodePoint(run.codePointAt(0) ?? 0);
    const what = run.length === first.length ? `character ${describeChar(run)}` : `characters starting with ${describeChar(first)}`;
    reporter.error(Code.UnexpectedCharacter, badStart, end, `unexpected ${what}`, {
      expected: 'a field name, value, or one of { } < > [ ] : , ; -',
    });
    badStart = -1;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (isWhitespace(c)) {
      flushBad(i);
      i++;
    } else if (c === 35 /* # */) {
      flushBad(i);
      while (i < n && text.charCodeAt(i) !== 10) i++;
    } else if (isLetter(c)) {
      flushBad(i);
      const start = i;
      while (i < n && (isLetter(text.charCodeAt(i)) || isDigit(text.charCodeAt(i)))) i++;
      tokens.push({ kind: 'ident', start, end: i, text: text.slice(start, i) });
    } else if (isDigit(c) || (c === 46 /* . */ && isDigit(text.charCodeAt(i + 1)))) {
      flushBad(i);
      i = scanNumber(text, i, tokens, reporter);
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      flushBad(i);
      i = scanString(text, i, tokens, reporter);
    } else if (PUNCT.has(text[i] ?? '')) {
      flushBad(i);
      tokens.push({ kind: 'punct', start: i, end: i + 1, text: text[i] ?? '' });
      i++;
    } else {
      if (badStart < 0) badStart = i;
      i += isHighSurrogate(c) && isLowSurrogate(text.charCodeAt(i + 1)) ? 2 : 1;
    }
  }
  flushBad(n);
  tokens.push({ kind: 'eof', start: n, end: n, text: '' });
  return tokens;
}

function scanNumber(text: string, start: number, tokens: Token[], reporter: Reporter): number {
  const n = text.length;
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
  if (HEX_INT.test(raw)) tokens.push({ kind: 'int', start, end: j, text: raw, base: 'hex' });
  else if (OCT_INT.test(raw)) tokens.push({ kind: 'int', start, end: j, text: raw, base: 'oct' });
  else if (DEC_INT.test(raw)) tokens.push({ kind: 'int', start, end: j, text: raw, base: 'dec' });
  else if (FLOAT.test(raw)) tokens.push({ kind: 'float', start, end: j, text: raw });
  else {
    reporter.error(Code.InvalidNumber, start, j, `invalid number ${quote(raw)}`, {
      hint: numberHint(raw),
    });
    tokens.push({ kind: 'invalid', start, end: j, text: raw });
  }
  return j;
}

function numberHint(raw: string): string | undefined {
  if (/^0[0-9]+$/.test(raw)) return 'a leading 0 makes an octal number, whose digits are 0-7';
  if (/^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[A-Za-z_]/.test(raw) && !/^0[xX]/.test(raw)) {
    return 'a number must be separated from the next name by a space, \',\' or \';\'';
  }
  return undefined;
}

function scanString(text: string, start: number, tokens: Token[], reporter: Reporter): number {
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
  tokens.push({ kind: 'string', start, end: j, text: text.slice(start, j), terminated });
  return j;
}
