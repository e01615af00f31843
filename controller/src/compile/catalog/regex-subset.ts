/**
 * The regular-expression dialect of definitions: the part of java.util.regex (Spark) and
 * RE2 (DuckDB) that means the same in both. A literal pattern is parsed, refused when it
 * uses anything outside that subset, and re-emitted in a normal form that both engines
 * read identically:
 *
 * - `.` excludes only line terminators Java knows ([^\n\r\x{85}\x{2028}\x{2029}]), unless (?s);
 * - `$` becomes \z (Java's `$` also matches before a final newline, RE2's does not);
 * - `\s` becomes [\t\n\x{0B}\f\r ] (RE2's \s lacks the vertical tab);
 * - \uXXXX, \a and \e become \x{...} (RE2 has no \u or \e);
 * - `{` and `}` that are not quantifiers must be escaped (Java rejects what RE2 reads literally).
 *
 * Refused: backreferences, lookaround, atomic groups, possessive quantifiers, \Q...\E,
 * named groups (different syntax), inline flags other than a leading (?i) / (?s) / (?is),
 * POSIX [[:alpha:]] and nested or intersected classes, \h \v \R \X \G \Z \K \c and octal
 * escapes, repetition counts over 1000, nested unbounded quantifiers such as (a+)+
 * (exponential backtracking in Java), and (?i) with non-ASCII text (Java folds case for
 * ASCII only, RE2 for all of Unicode).
 */

export type RegexCheck =
  | { ok: true; pattern: string; groups: number; nullable: boolean }
  | { ok: false; message: string; start: number; end: number; hint?: string };

class RegexError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

interface Piece {
  out: string;
  nullable: boolean;
  /** Can take a quantifier (anchors cannot). */
  quantifiable: boolean;
  /** Contains an unbounded quantifier (*, +, {n,}). */
  unbounded: boolean;
  /** Rough size of the compiled program, to stay far from RE2's limits. */
  size: number;
}

const GENERAL_CATEGORIES = new Set([
  'L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No', 'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po',
  'S', 'Sm', 'Sc', 'Sk', 'So', 'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Co',
]);

const MAX_REPEAT = 1000;
const MAX_SIZE = 20_000;
const MAX_GROUP_DEPTH = 64;

const WHITESPACE_MEMBERS = '\\t\\n\\x{0B}\\f\\r ';
const DOT = '[^\\n\\r\\x{85}\\x{2028}\\x{2029}]';

const REFUSED_ESCAPES: Record<string, string> = {
  Q: '\\Q...\\E quoting is not supported by RE2; escape each character instead',
  E: '\\Q...\\E quoting is not supported by RE2; escape each character instead',
  G: '\\G (end of previous match) is not supported by RE2',
  Z: '\\Z is not supported by RE2; use $ (end of text)',
  R: '\\R (line break) is not supported by RE2; use (\\r\\n|[\\n\\r])',
  X: '\\X (grapheme cluster) is not supported by RE2',
  h: '\\h means horizontal whitespace in Java but is not supported by RE2; use [ \\t]',
  H: '\\H is not supported by RE2; use [^ \\t]',
  v: '\\v means a vertical-whitespace class in Java but a vertical tab in RE2; use \\x{0B} or [\\n\\r]',
  V: '\\V is not supported by RE2',
  K: '\\K is not supported by either engine consistently',
  N: '\\N{...} named characters are not supported by RE2; use \\x{...}',
  c: '\\c control escapes are not supported by RE2; use \\x{...}',
  k: 'named backreferences (\\k<name>) are not supported by RE2',
};

export function checkRegex(src: string): RegexCheck {
  try {
    const p = new RegexParser(src);
    return p.run();
  } catch (e) {
    if (e instanceof RegexError) {
      const r: RegexCheck = { ok: false, message: e.message, start: e.start, end: e.end };
      if (e.hint !== undefined) r.hint = e.hint;
      return r;
    }
    throw e;
  }
}

/** The normal form of a pattern already known to be valid. */
export function normalizeRegex(src: string): string {
  const r = checkRegex(src);
  if (!r.ok) throw new Error(`normalizeRegex: invalid pattern reached a renderer: ${r.message}`);
  return r.pattern;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

class RegexParser {
  private pos = 0;
  private groups = 0;
  private depth = 0;
  private dotAll = false;
  private ignoreCase = false;

  constructor(private readonly src: string) {}

  run(): RegexCheck {
    let prefix = '';
    const flags = /^\(\?([a-zA-Z]+)\)/.exec(this.src);
    if (flags) {
      const letters = flags[1] as string;
      for (const f of letters) {
        if (f === 'i') this.ignoreCase = true;
        else if (f === 's') this.dotAll = true;
        else {
          throw new RegexError(`inline flag '${f}' is not supported`, 0, flags[0].length, this.flagHint(f));
        }
      }
      prefix = `(?${this.ignoreCase ? 'i' : ''}${this.dotAll ? 's' : ''})`;
      this.pos = flags[0].length;
    }
    if (this.ignoreCase) {
      // eslint-disable-next-line no-control-regex
      const m = /[^\x00-\x7f]/.exec(this.src);
      if (m) {
        throw new RegexError(
          '(?i) with non-ASCII characters behaves differently: Java ignores case for ASCII only, RE2 for all of Unicode',
          m.index,
          m.index + 1,
          'spell out both cases in a class, e.g. [Ää]',
        );
      }
    }
    const body = this.parseAlternation();
    if (this.pos < this.src.length) {
      // Only an unmatched ')' stops the top level early.
      throw new RegexError("unmatched ')'", this.pos, this.pos + 1, "escape it as '\\)' to match a parenthesis");
    }
    if (body.size > MAX_SIZE) throw new RegexError('the pattern is too large once repetitions are expanded', 0, this.src.length);
    return { ok: true, pattern: prefix + body.out, groups: this.groups, nullable: body.nullable };
  }

  private flagHint(f: string): string {
    switch (f) {
      case 'm':
        return "multi-line mode differs (Java's ^/$ see \\r and \\u2028 as line ends, RE2's only \\n); split the text into lines first";
      case 'x':
        return 'comment mode is not supported by RE2';
      case 'U':
        return '(?U) means Unicode classes in Java but ungreedy in RE2';
      default:
        return 'only (?i) and (?s), at the very start of the pattern, mean the same in both engines';
    }
  }

  private peek(k = 0): string | undefined {
    return this.src[this.pos + k];
  }

  private parseAlternation(): Piece {
    const branches: Piece[] = [this.parseSequence()];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.parseSequence());
    }
    return {
      out: branches.map((b) => b.out).join('|'),
      nullable: branches.some((b) => b.nullable),
      quantifiable: true,
      unbounded: branches.some((b) => b.unbounded),
      size: branches.reduce((s, b) => s + b.size, 0),
    };
  }

  private parseSequence(): Piece {
    let out = '';
    let nullable = true;
    let unbounded = false;
    let size = 0;
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') break;
      const atomStart = this.pos;
      const atom = this.parseAtom();
      const q = this.parseQuantifier(atom, atomStart);
      out += q.out;
      nullable = nullable && q.nullable;
      unbounded = unbounded || q.unbounded;
      size += q.size;
    }
    return { out, nullable, quantifiable: true, unbounded, size };
  }

  private parseQuantifier(atom: Piece, atomStart: number): Piece {
    const c = this.peek();
    const qStart = this.pos;
    let min: number;
    let max: number | undefined;
    let text: string;
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : undefined;
      text = c;
    } else if (c === '{') {
      const m = /^\{([0-9]*)(,([0-9]*))?\}/.exec(this.src.slice(this.pos, this.pos + 24));
      if (!m) throw new RegexError("'{' must be escaped as '\\{' when it does not start a repetition like {2,5}", this.pos, this.pos + 1);
      if (m[1] === '') throw new RegexError(`'${m[0]}' is read differently by the engines; write {0,${m[3] ?? ''}}`, this.pos, this.pos + m[0].length);
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? undefined : Number(m[3]);
      if (min > MAX_REPEAT || (max ?? 0) > MAX_REPEAT) {
        throw new RegexError(`repetition counts above ${MAX_REPEAT} are not supported by RE2`, this.pos, this.pos + m[0].length);
      }
      if (max !== undefined && max < min) throw new RegexError(`invalid repetition ${m[0]}: the maximum is below the minimum`, this.pos, this.pos + m[0].length);
      this.pos += m[0].length;
      text = m[0];
    } else {
      return atom;
    }
    if (!atom.quantifiable) throw new RegexError('nothing to repeat: anchors and boundaries cannot take a quantifier', qStart, this.pos);
    if (max === undefined && atom.unbounded) {
      throw new RegexError(
        'nested unbounded repetition, such as (a+)+, can take exponential time in Spark (java.util.regex backtracks)',
        atomStart,
        this.pos,
        'bound the outer repetition, e.g. {1,10}, or remove the inner one',
      );
    }
    if (this.peek() === '?') {
      this.pos++;
      text += '?';
    } else if (this.peek() === '+') {
      throw new RegexError('possessive quantifiers (*+, ++, ?+) are not supported by RE2', qStart, this.pos + 1);
    }
    const next = this.peek();
    if (next === '*' || next === '+' || next === '?' || (next === '{' && /^\{[0-9]/.test(this.src.slice(this.pos)))) {
      throw new RegexError('a quantifier cannot follow another quantifier', this.pos, this.pos + 1, 'wrap the repeated part in (?:...) first');
    }
    return {
      out: atom.out + text,
      nullable: atom.nullable || min === 0,
      quantifiable: true,
      unbounded: atom.unbounded || max === undefined,
      size: atom.size * Math.max(1, max ?? min + 1),
    };
  }

  private literal(out: string, size = 1): Piece {
    return { out, nullable: false, quantifiable: true, unbounded: false, size };
  }

  private anchor(out: string): Piece {
    return { out, nullable: true, quantifiable: false, unbounded: false, size: 1 };
  }

  private parseAtom(): Piece {
    const start = this.pos;
    const cp = this.src.codePointAt(this.pos) ?? 0;
    const c = String.fromCodePoint(cp);
    this.pos += c.length;
    switch (c) {
      case '(':
        return this.parseGroup(start);
      case '[':
        return this.parseClass(start);
      case '.':
        return this.literal(this.dotAll ? '.' : DOT);
      case '^':
        return this.anchor('^');
      case '$':
        return this.anchor('\\z');
      case '\\':
        return this.parseEscape(start);
      case '*':
      case '+':
      case '?':
        throw new RegexError(`nothing to repeat before '${c}'`, start, start + 1, `escape it as '\\${c}' to match it literally`);
      case '{':
        throw new RegexError("'{' must be escaped as '\\{'", start, start + 1);
      case '}':
        return this.literal('\\}');
      case ']':
        return this.literal('\\]');
      default:
        return this.literal(c);
    }
  }

  private parseGroup(start: number): Piece {
    if (++this.depth > MAX_GROUP_DEPTH) throw new RegexError(`groups nest deeper than ${MAX_GROUP_DEPTH} levels`, start, start + 1);
    let open = '(';
    if (this.peek() === '?') {
      const rest = this.src.slice(this.pos, this.pos + 4);
      if (rest.startsWith('?:')) {
        this.pos += 2;
        open = '(?:';
      } else {
        const [message, hint] = rest.startsWith('?=') || rest.startsWith('?!')
          ? ['lookahead (?=...) / (?!...) is not supported by RE2', undefined]
          : rest.startsWith('?<=') || rest.startsWith('?<!')
            ? ['lookbehind (?<=...) / (?<!...) is not supported by RE2', undefined]
            : rest.startsWith('?<') || rest.startsWith('?P<') || rest.startsWith("?'")
              ? ['named groups are written differently in Java and RE2', 'use a plain group ( ... ) and refer to it by number']
              : rest.startsWith('?>')
                ? ['atomic groups (?>...) are not supported by RE2', undefined]
                : rest.startsWith('?#')
                  ? ['comments (?#...) are not supported by RE2', undefined]
                  : ['inline flags are only supported as (?i), (?s) or (?is) at the very start of the pattern', undefined];
        throw new RegexError(message, start, Math.min(this.src.length, start + 4), hint);
      }
    } else {
      this.groups++;
    }
    const inner = this.parseAlternation();
    if (this.peek() !== ')') throw new RegexError("unclosed group: missing ')'", start, this.src.length);
    this.pos++;
    this.depth--;
    return { out: open + inner.out + ')', nullable: inner.nullable, quantifiable: true, unbounded: inner.unbounded, size: inner.size + 1 };
  }

  /** \x.., \u...., \x{...} -> \x{...}; returns the code point too (for ranges). */
  private parseHexEscape(start: number, kind: 'x' | 'u'): { out: string; cp: number } {
    let hex: string;
    if (kind === 'x' && this.peek() === '{') {
      const close = this.src.indexOf('}', this.pos);
      hex = close < 0 ? '' : this.src.slice(this.pos + 1, close);
      if (!/^[0-9a-fA-F]{1,6}$/.test(hex)) throw new RegexError('\\x{...} needs 1 to 6 hex digits', start, close < 0 ? this.src.length : close + 1);
      this.pos = close + 1;
    } else {
      const len = kind === 'x' ? 2 : 4;
      hex = this.src.slice(this.pos, this.pos + len);
      if (hex.length !== len || ![...hex].every(isHex)) {
        throw new RegexError(`\\${kind} needs exactly ${len} hex digits`, start, Math.min(this.src.length, this.pos + len));
      }
      this.pos += len;
    }
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new RegexError(`\\${kind}${hex} is not a valid character`, start, this.pos);
    return { out: `\\x{${cp.toString(16).toUpperCase()}}`, cp };
  }

  private parseProperty(start: number, neg: boolean): string {
    let name: string;
    if (this.peek() === '{') {
      const close = this.src.indexOf('}', this.pos);
      name = close < 0 ? '' : this.src.slice(this.pos + 1, close);
      this.pos = close < 0 ? this.src.length : close + 1;
    } else {
      name = this.peek() ?? '';
      this.pos++;
    }
    if (!GENERAL_CATEGORIES.has(name)) {
      throw new RegexError(`\\${neg ? 'P' : 'p'}{${name}} is not supported`, start, this.pos, 'only Unicode general categories such as \\p{L}, \\p{Lu} or \\p{Nd} mean the same in both engines');
    }
    return `\\${neg ? 'P' : 'p'}{${name}}`;
  }

  private parseEscape(start: number): Piece {
    const e = this.peek();
    if (e === undefined) throw new RegexError('the pattern ends with a lone backslash', start, start + 1);
    this.pos++;
    switch (e) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return this.literal(`\\${e}`);
      case 's':
        return this.literal(`[${WHITESPACE_MEMBERS}]`);
      case 'S':
        return this.literal(`[^${WHITESPACE_MEMBERS}]`);
      case 'b':
      case 'B':
        return this.anchor(`\\${e}`);
      case 'A':
        return this.anchor('\\A');
      case 'z':
        return this.anchor('\\z');
      case 't':
      case 'n':
      case 'r':
      case 'f':
        return this.literal(`\\${e}`);
      case 'a':
        return this.literal('\\x{7}');
      case 'e':
        return this.literal('\\x{1B}');
      case 'x':
      case 'u':
        return this.literal(this.parseHexEscape(start, e).out);
      case 'p':
      case 'P':
        return this.literal(this.parseProperty(start, e === 'P'));
      default:
        break;
    }
    if (isDigit(e)) {
      throw new RegexError(
        e === '0' ? 'octal escapes are not supported by RE2' : `backreferences (\\${e}) are not supported by RE2`,
        start,
        this.pos,
        e === '0' ? 'use \\x{...}' : undefined,
      );
    }
    const refused = REFUSED_ESCAPES[e];
    if (refused !== undefined) throw new RegexError(refused, start, this.pos);
    if (/[a-zA-Z]/.test(e)) throw new RegexError(`'\\${e}' is not a regular-expression escape`, start, this.pos);
    if (e.charCodeAt(0) > 0x7e || e.charCodeAt(0) < 0x20) {
      throw new RegexError('only ASCII punctuation may be escaped with a backslash', start, this.pos);
    }
    return this.literal(`\\${e}`);
  }

  private parseClass(start: number): Piece {
    let out = '[';
    if (this.peek() === '^') {
      this.pos++;
      out += '^';
    }
    if (this.peek() === ']') {
      throw new RegexError("a ']' first in a class is read differently by the engines", this.pos, this.pos + 1, "escape it as '\\]'");
    }
    let items = 0;
    // The previous single character (for ranges), or undefined after a class escape like \d.
    let prevCp: number | undefined;
    for (;;) {
      const at = this.pos;
      const c = this.peek();
      if (c === undefined) throw new RegexError("unclosed character class: missing ']'", start, this.src.length);
      if (c === ']') {
        this.pos++;
        break;
      }
      if (c === '[') {
        throw new RegexError("'[' inside a class means a nested class or a POSIX class in one engine and a plain '[' in the other", at, at + 1, "escape it as '\\['");
      }
      if (c === '&' && this.peek(1) === '&') {
        throw new RegexError("'&&' is class intersection in Java but literal in RE2", at, at + 2, "escape it as '\\&\\&'");
      }
      if (c === '-' && items > 0 && prevCp !== undefined && this.peek(1) !== ']') {
        // A range: prev - next
        this.pos++;
        const hiAt = this.pos;
        const hi = this.classChar();
        if (hi.kind !== 'char') throw new RegexError('a range must end with a single character', hiAt, this.pos);
        if (hi.cp < prevCp) throw new RegexError('invalid range: the end is before the start', at - 1, this.pos);
        out += '-' + hi.out;
        prevCp = undefined;
        items++;
        continue;
      }
      if (c === '-') {
        this.pos++;
        out += '\\-';
        prevCp = 0x2d;
        items++;
        continue;
      }
      const one = this.classChar();
      out += one.out;
      prevCp = one.kind === 'char' ? one.cp : undefined;
      items++;
    }
    return this.literal(out + ']');
  }

  /** One class member: a single character (which may start or end a range), or a class escape (\d, \s, \p{..}). */
  private classChar(): { kind: 'char'; out: string; cp: number } | { kind: 'escape'; out: string } {
    const at = this.pos;
    const cp = this.src.codePointAt(this.pos) ?? 0;
    const c = String.fromCodePoint(cp);
    if (c !== '\\') {
      this.pos += c.length;
      if (c === '^' || c === '[' || c === ']' || c === '-') return { kind: 'char', out: `\\${c}`, cp };
      return { kind: 'char', out: c, cp };
    }
    this.pos++;
    const e = this.peek();
    if (e === undefined) throw new RegexError('the pattern ends with a lone backslash', at, at + 1);
    this.pos++;
    const simple: Record<string, number> = { t: 9, n: 10, r: 13, f: 12, a: 7, e: 27 };
    if (simple[e] !== undefined) {
      const v = simple[e] as number;
      return { kind: 'char', out: e === 'a' || e === 'e' ? `\\x{${v.toString(16).toUpperCase()}}` : `\\${e}`, cp: v };
    }
    if (e === 'x' || e === 'u') return { kind: 'char', ...this.parseHexEscape(at, e) };
    if (e === 's') return { kind: 'escape', out: WHITESPACE_MEMBERS };
    if (e === 'p' || e === 'P') return { kind: 'escape', out: this.parseProperty(at, e === 'P') };
    if (e === 'd' || e === 'D' || e === 'w' || e === 'W') return { kind: 'escape', out: `\\${e}` };
    if (e === 'S') throw new RegexError("'\\S' inside a class is not supported", at, this.pos, 'use a negated class [^...] instead');
    if (e === 'b') throw new RegexError("'\\b' inside a class means backspace in one engine and is an error in the other", at, this.pos);
    if (/[a-zA-Z0-9]/.test(e)) throw new RegexError(`'\\${e}' is not supported inside a class`, at, this.pos);
    if (e.charCodeAt(0) > 0x7e || e.charCodeAt(0) < 0x20) throw new RegexError('only ASCII punctuation may be escaped with a backslash', at, this.pos);
    return { kind: 'char', out: `\\${e}`, cp: e.codePointAt(0) ?? 0 };
  }
}
