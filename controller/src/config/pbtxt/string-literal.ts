import type { SourceText } from '../../diag/index.js';
import type { TextOrigin } from '../text-origin.js';
import { Code } from './codes.js';
import type { Token } from './lexer.js';
import type { Reporter } from './reporter.js';

/**
 * Decoding of (possibly several adjacent) string literals, for `string` and
 * `bytes` fields. Escapes follow the text-format spec; byte escapes (\NNN,
 * \xHH) in a `string` field must form valid UTF-8 together, even across
 * adjacent literals, as in the C++ implementation.
 */

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '?': 63,
  '\\': 92,
  "'": 39,
  '"': 34,
};

const ESCAPES_EXPECTED =
  "one of \\a \\b \\f \\n \\r \\t \\v \\? \\\\ \\' \\\" \\NNN (octal), \\xHH, \\uHHHH, \\UHHHHHHHH";

/** What one literal's content decodes into; offsets are source offsets of the producing text. */
interface LiteralSink {
  /** Raw characters text[start, end), no escapes. */
  raw(start: number, end: number): void;
  /** A Unicode code point from an escape at [start, end). */
  codePoint(cp: number, start: number, end: number): void;
  /** A byte from an octal or hex escape at [start, end). */
  byte(b: number, start: number, end: number): void;
}

function isOct(c: number): boolean {
  return c >= 48 && c <= 55;
}
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}
/** The value of exactly `count` hex digits at `at`, or -1. */
function readHex(text: string, at: number, count: number, limit: number): number {
  if (at + count > limit) return -1;
  let v = 0;
  for (let i = 0; i < count; i++) {
    const h = hexValue(text.charCodeAt(at + i));
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}
function hex2(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

/** The decodable content of a literal token: inside the quotes. */
function contentRange(tok: Token): { start: number; end: number } {
  return { start: tok.start + 1, end: tok.terminated ? tok.end - 1 : tok.end };
}

function walkLiteral(text: string, tok: Token, reporter: Reporter, sink: LiteralSink): void {
  const { start, end } = contentRange(tok);
  let k = start;
  while (k < end) {
    let run = k;
    while (run < end && text.charCodeAt(run) !== 92) run++;
    if (run > k) sink.raw(k, run);
    k = run;
    if (k >= end) break;
    // A backslash at the very end only occurs in an unterminated literal, already reported.
    if (k + 1 >= end) break;
    k = readEscape(text, k, end, reporter, sink);
  }
}

/** Decodes the escape at text[k] === '\\'; returns the offset after it. */
function readEscape(text: string, k: number, end: number, reporter: Reporter, sink: LiteralSink): number {
  const e = text[k + 1] ?? '';
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) {
    sink.codePoint(simple, k, k + 2);
    return k + 2;
  }
  const ec = text.charCodeAt(k + 1);
  if (isOct(ec)) {
    let j = k + 1;
    let v = 0;
    while (j < end && j < k + 4 && isOct(text.charCodeAt(j))) v = v * 8 + (text.charCodeAt(j++) - 48);
    if (v > 255) {
      reporter.error(Code.InvalidEscape, k, j, `octal escape '${text.slice(k, j)}' is above \\377 (255)`, {
        expected: 'an octal byte value \\000 to \\377',
      });
    } else sink.byte(v, k, j);
    return j;
  }
  if (e === 'x') {
    let j = k + 2;
    let v = 0;
    while (j < end && j < k + 4 && hexValue(text.charCodeAt(j)) >= 0) v = v * 16 + hexValue(text.charCodeAt(j++));
    if (j === k + 2) {
      reporter.error(Code.InvalidEscape, k, j, "'\\x' must be followed by one or two hex digits", { expected: 'a hex digit' });
    } else sink.byte(v, k, j);
    return j;
  }
  if (e === 'u') return readUnicode4(text, k, end, reporter, sink);
  if (e === 'U') {
    const cp = readHex(text, k + 2, 8, end);
    if (cp < 0) {
      reporter.error(Code.InvalidEscape, k, Math.min(end, k + 10), "'\\U' must be followed by exactly 8 hex digits", {
        expected: '\\U0000HHHH to \\U0010FFFF',
      });
      return Math.min(end, k + 2);
    }
    if (cp > 0x10ffff) {
      reporter.error(Code.InvalidEscape, k, k + 10, `'${text.slice(k, k + 10)}' is above U+10FFFF, the largest code point`);
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      reporter.error(Code.InvalidSurrogate, k, k + 10, `'${text.slice(k, k + 10)}' is a surrogate, not a character`, {
        hint: 'write the character itself, e.g. \\U0001F600',
      });
    } else sink.codePoint(cp, k, k + 10);
    return k + 10;
  }
  // Unknown escape: skip the whole escaped character (it may be a surrogate pair).
  const cp = text.codePointAt(k + 1) ?? 0;
  const len = cp > 0xffff ? 2 : 1;
  reporter.error(Code.InvalidEscape, k, k + 1 + len, `invalid escape sequence '\\${String.fromCodePoint(cp)}'`, {
    expected: ESCAPES_EXPECTED,
    hint: e === 'X' ? "hex escapes use a lower-case 'x': \\xHH" : "to write a backslash, escape it: '\\\\'",
  });
  return k + 1 + len;
}

/** \uHHHH, where a high surrogate must be followed at once by a \uHHHH low surrogate (as in C++). */
function readUnicode4(text: string, k: number, end: number, reporter: Reporter, sink: LiteralSink): number {
  const cp = readHex(text, k + 2, 4, end);
  if (cp < 0) {
    reporter.error(Code.InvalidEscape, k, Math.min(end, k + 6), "'\\u' must be followed by exactly 4 hex digits", {
      expected: '\\uHHHH',
    });
    return Math.min(end, k + 2);
  }
  if (cp >= 0xdc00 && cp <= 0xdfff) {
    reporter.error(Code.InvalidSurrogate, k, k + 6, `'${text.slice(k, k + 6)}' is a low surrogate without a high surrogate before it`, {
      hint: 'write the character itself, or as \\UHHHHHHHH',
    });
    return k + 6;
  }
  if (cp >= 0xd800 && cp <= 0xdbff) {
    const low = text[k + 6] === '\\' && text[k + 7] === 'u' ? readHex(text, k + 8, 4, end) : -1;
    if (low < 0xdc00 || low > 0xdfff) {
      reporter.error(Code.InvalidSurrogate, k, k + 6, `'${text.slice(k, k + 6)}' is a high surrogate not followed by a \\u low surrogate`, {
        expected: 'a \\uDC00-\\uDFFF escape right after it',
        hint: 'write the character itself, or as \\UHHHHHHHH',
      });
      return k + 6;
    }
    sink.codePoint(0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00), k, k + 12);
    return k + 12;
  }
  sink.codePoint(cp, k, k + 6);
  return k + 6;
}

/**
 * Maps decoded UTF-16 units to file offsets. A raw run maps one to one; every
 * unit an escape produced maps to the escape's backslash. Kept as a sorted
 * list of segments, so memory grows with the number of escapes, not the length.
 */
class OffsetMap {
  private readonly units: number[] = [];
  private readonly offsets: number[] = [];
  private readonly steps: number[] = [];

  add(unit: number, offset: number, step: 0 | 1): void {
    this.units.push(unit);
    this.offsets.push(offset);
    this.steps.push(step);
  }

  offsetOf(unit: number, length: number, endOffset: number): number {
    if (unit >= length || this.units.length === 0) return endOffset;
    let lo = 0;
    let hi = this.units.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.units[mid] ?? 0) <= unit) lo = mid;
      else hi = mid - 1;
    }
    const base = this.units[lo] ?? 0;
    return (this.offsets[lo] ?? 0) + ((this.steps[lo] ?? 0) === 1 ? unit - base : 0);
  }
}

class StringSink implements LiteralSink {
  private readonly chunks: string[] = [];
  length = 0;
  readonly map = new OffsetMap();
  // Pending UTF-8 sequence from byte escapes.
  private need = 0;
  private cp = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private seqStart = 0;
  private seqEnd = 0;
  private skipping = false;

  constructor(
    private readonly text: string,
    private readonly reporter: Reporter,
  ) {}

  raw(start: number, end: number): void {
    this.flush();
    this.map.add(this.length, start, 1);
    this.chunks.push(this.text.slice(start, end));
    this.length += end - start;
  }

  codePoint(cp: number, start: number): void {
    this.flush();
    this.emit(cp, start);
  }

  byte(b: number, start: number, end: number): void {
    const continuation = b >= 0x80 && b <= 0xbf;
    if (this.need > 0) {
      if (b >= this.lower && b <= this.upper) {
        this.cp = (this.cp << 6) | (b & 0x3f);
        this.need--;
        this.lower = 0x80;
        this.upper = 0xbf;
        this.seqEnd = end;
        if (this.need === 0) this.emit(this.cp, this.seqStart);
        return;
      }
      if (continuation) {
        // A continuation byte the lead does not allow (overlong, surrogate, > U+10FFFF).
        this.need = 0;
        this.skipping = true;
        this.reporter.error(
          Code.InvalidUtf8,
          this.seqStart,
          end,
          `byte escapes do not form valid UTF-8: '${this.text.slice(this.seqStart, end)}' is not a valid sequence`,
          UTF8_HINT,
        );
        return;
      }
      this.flush();
    }
    // Continuation bytes right after a reported error belong to it: one error per bad sequence.
    if (this.skipping && continuation) return;
    this.skipping = false;
    this.seqStart = start;
    this.seqEnd = end;
    if (b < 0x80) this.emit(b, start);
    else if (b >= 0xc2 && b <= 0xdf) this.begin(1, b & 0x1f, 0x80, 0xbf);
    else if (b >= 0xe0 && b <= 0xef) this.begin(2, b & 0x0f, b === 0xe0 ? 0xa0 : 0x80, b === 0xed ? 0x9f : 0xbf);
    else if (b >= 0xf0 && b <= 0xf4) this.begin(3, b & 0x07, b === 0xf0 ? 0x90 : 0x80, b === 0xf4 ? 0x8f : 0xbf);
    else {
      this.skipping = true;
      this.reporter.error(
        Code.InvalidUtf8,
        start,
        end,
        `byte escapes do not form valid UTF-8: \\x${hex2(b)} cannot start a UTF-8 sequence`,
        UTF8_HINT,
      );
    }
  }

  /** Reports a UTF-8 sequence left incomplete; call before any non-byte content and at the end. */
  flush(): void {
    this.skipping = false;
    if (this.need === 0) return;
    this.need = 0;
    this.reporter.error(
      Code.InvalidUtf8,
      this.seqStart,
      this.seqEnd,
      `byte escapes do not form valid UTF-8: '${this.text.slice(this.seqStart, this.seqEnd)}' is an incomplete sequence`,
      UTF8_HINT,
    );
  }

  value(): string {
    return this.chunks.join('');
  }

  private begin(need: number, cp: number, lower: number, upper: number): void {
    this.need = need;
    this.cp = cp;
    this.lower = lower;
    this.upper = upper;
  }

  private emit(cp: number, offset: number): void {
    const s = String.fromCodePoint(cp);
    this.map.add(this.length, offset, 0);
    this.chunks.push(s);
    this.length += s.length;
  }
}

const UTF8_HINT = {
  hint: 'in a string field, write non-ASCII characters as themselves or as \\u escapes; byte escapes suit bytes fields',
};

function hasBackslash(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === 92) return true;
  return false;
}

export interface DecodedString {
  value: string;
  origin: TextOrigin;
}

/** Decodes adjacent literals as one `string` value, with a map from each unit back to the file. */
export function decodeString(source: SourceText, parts: readonly Token[], reporter: Reporter): DecodedString {
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only) {
    // The common case, one literal without escapes: the text is the source, unit for unit.
    const { start, end } = contentRange(only);
    if (!hasBackslash(source.text, start, end)) {
      const value = source.text.slice(start, end);
      const length = value.length;
      return {
        value,
        origin: { file: source.file, positionAt: (offset) => source.position(start + Math.min(Math.max(0, Math.trunc(offset)), length)) },
      };
    }
  }
  const sink = new StringSink(source.text, reporter);
  for (const part of parts) walkLiteral(source.text, part, reporter, sink);
  sink.flush();
  const value = sink.value();
  const last = parts[parts.length - 1];
  // The end of the text is where its last literal's content ends (the closing quote).
  const endOffset = last ? contentRange(last).end : 0;
  const { map, length } = sink;
  const origin: TextOrigin = {
    file: source.file,
    positionAt: (offset) => source.position(map.offsetOf(Math.max(0, Math.trunc(offset)), length, endOffset)),
  };
  return { value, origin };
}

/** A growable byte buffer. */
class ByteSink implements LiteralSink {
  private buf = new Uint8Array(64);
  private len = 0;
  private readonly encoder = new TextEncoder();

  constructor(private readonly text: string) {}

  raw(start: number, end: number): void {
    this.append(this.encoder.encode(this.text.slice(start, end)));
  }

  codePoint(cp: number): void {
    this.append(this.encoder.encode(String.fromCodePoint(cp)));
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  value(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/** Decodes adjacent literals as one `bytes` value: raw text as UTF-8, byte escapes as bytes. */
export function decodeBytes(source: SourceText, parts: readonly Token[], reporter: Reporter): Uint8Array {
  const sink = new ByteSink(source.text);
  for (const part of parts) walkLiteral(source.text, part, reporter, sink);
  return sink.value();
}
