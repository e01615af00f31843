import { CODES } from './codes.js';
import { problem, type Problem } from './problem.js';
import { describeCodePoint, isAllowedInCode, isAllowedInLiteral } from './unicode.js';

export type TokenKind =
  | 'ident' // bare word (keywords are idents; the parser compares case-insensitively)
  | 'qident' // `backquoted`
  | 'string' // '...' or "..." (Spark: both are string literals)
  | 'number'
  | 'param' // $1, $2, ...
  | 'op'
  | '('
  | ')'
  | ','
  | '['
  | ']'
  | '.'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Raw text as written. */
  text: string;
  /** ident: the word; qident/string: decoded content; op: the operator. */
  value: string;
  start: number;
  end: number;
  /** string/qident: definition offset of each decoded UTF-16 unit. */
  offsets?: number[];
}

const OPERATORS = ['<=>', '<=', '>=', '<>', '!=', '==', '||', '=', '<', '>', '+', '-', '*', '/', '%'];

/** Characters with a specific reason to be refused, so the message says what it would have meant. */
const REFUSED_PUNCTUATION: Record<string, { message: string; hint?: string }> = {
  ';': { message: "';' separates SQL statements; a definition is a single expression" },
  ':': { message: "':' is not part of Quiver's expression language", hint: 'for a cast write CAST(x AS type) instead of x::type' },
  '&': { message: "bitwise '&' is not in the catalog" },
  '|': { message: "bitwise '|' is not in the catalog", hint: "string concatenation is '||'" },
  '^': { message: "bitwise '^' is not in the catalog", hint: 'for powers use pow(x, y)' },
  '~': { message: "bitwise '~' is not in the catalog" },
  '!': { message: "'!' is not in the catalog", hint: 'write NOT for negation, != for inequality' },
  '?': { message: "'?' parameters are not supported in definitions" },
  '@': { message: "'@' is not part of Quiver's expression language" },
  '#': { message: "'#' is not part of Quiver's expression language" },
  '{': { message: "'{' is not part of Quiver's expression language" },
  '}': { message: "'}' is not part of Quiver's expression language" },
  '\\': { message: "'\\' is only meaningful inside a quoted string" },
};

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdentStart = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
const isIdentPart = (c: string | undefined): boolean => isIdentStart(c) || isDigit(c);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

export interface LexResult {
  tokens: Token[];
  problems: Problem[];
}

/** Up to this many character-level problems are reported; the rest add nothing a user needs. */
const MAX_PROBLEMS = 20;

/**
 * Splits a definition into tokens in one linear pass. It refuses, with the reason: SQL
 * comments, characters outside the policy of unicode.ts, Spark's ${...} variable
 * substitution syntax, escapes whose meaning differs between readers, and unterminated
 * quotes. A string's value is decoded with Spark's rules, because definitions are Spark SQL.
 */
export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const problems: Problem[] = [];
  const report = (p: Problem): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  let i = 0;
  const n = text.length;

  while (i < n) {
    const c = text[i] as string;
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;

    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (!isAllowedInCode(cp)) {
      report(
        problem(CODES.BAD_CHARACTER, i, i + width, `character ${describeCodePoint(cp)} is not allowed outside a quoted string`, {
          expected: 'ASCII letters, digits, operators and whitespace',
          hint: 'retype it with a plain ASCII character',
        }),
      );
      i += width;
      continue;
    }
    if (text.startsWith('${', i)) {
      report(variableSubstitution(i));
      i += 2;
      continue;
    }
    if (text.startsWith('--', i) || text.startsWith('/*', i) || text.startsWith('*/', i)) {
      const what = text.startsWith('--', i) ? "'--'" : text.startsWith('/*', i) ? "'/*'" : "'*/'";
      report(
        problem(CODES.COMMENT, i, i + 2, `SQL comments are not allowed in a definition (found ${what})`, {
          hint: "a comment can hide text from reviewers; put notes in the file's own comments. For subtraction of a negative number write a - (-b)",
        }),
      );
      // Skip to the end of the comment so one comment gives one error.
      if (text.startsWith('--', i)) {
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? n : nl;
      } else if (text.startsWith('/*', i)) {
        const close = text.indexOf('*/', i + 2);
        i = close < 0 ? n : close + 2;
      } else i += 2;
      continue;
    }
    if (c === "'" || c === '"') {
      const r = lexString(text, i, c);
      for (const p of r.problems) report(p);
      if (r.token) tokens.push(r.token);
      i = r.next;
      continue;
    }
    if (c === '`') {
      const r = lexQuotedIdent(text, i);
      for (const p of r.problems) report(p);
      if (r.token) tokens.push(r.token);
      i = r.next;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      const r = lexNumber(text, i);
      if (r.problem) report(r.problem);
      else tokens.push(r.token);
      i = r.next;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text[j])) j++;
      const word = text.slice(i, j);
      tokens.push({ kind: 'ident', text: word, value: word, start: i, end: j });
      i = j;
      continue;
    }
    if (c === '$') {
      let j = i + 1;
      while (j < n && isDigit(text[j])) j++;
      const digits = text.slice(i + 1, j);
      if (digits === '' || isIdentStart(text[j])) {
        report(
          problem(CODES.UNEXPECTED_CHARACTER, i, Math.max(j, i + 1), "'$' must be followed by the number of a raw field, as in $1", {
            expected: '$1, $2, ...',
          }),
        );
        i = Math.max(j, i + 1);
        continue;
      }
      if (/^0/.test(digits)) {
        report(problem(CODES.UNEXPECTED_CHARACTER, i, j, `raw fields are numbered from $1 (found $${digits})`, { expected: '$1, $2, ...' }));
        i = j;
        continue;
      }
      tokens.push({ kind: 'param', text: text.slice(i, j), value: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    if (c === '-' && text[i + 1] === '>') {
      report(problem(CODES.LAMBDA, i, i + 2, "lambda functions ('->') are not allowed in definitions"));
      i += 2;
      continue;
    }
    if (c === '=' && text[i + 1] === '>') {
      report(problem(CODES.UNSUPPORTED_SYNTAX, i, i + 2, "named arguments ('=>') are not supported", { hint: 'pass arguments by position' }));
      i += 2;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op !== undefined) {
      tokens.push({ kind: 'op', text: op, value: op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '[' || c === ']' || c === '.') {
      tokens.push({ kind: c, text: c, value: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    const refused = REFUSED_PUNCTUATION[c];
    report(
      problem(
        CODES.UNEXPECTED_CHARACTER,
        i,
        i + 1,
        refused?.message ?? `unexpected character '${c}'`,
        refused?.hint !== undefined ? { hint: refused.hint } : {},
      ),
    );
    i++;
  }
  tokens.push({ kind: 'eof', text: '', value: '', start: n, end: n });
  return { tokens, problems };
}

function variableSubstitution(at: number): Problem {
  return problem(CODES.VARIABLE_SUBSTITUTION, at, at + 2, "'${' is not allowed in a definition", {
    hint: 'Spark substitutes ${...} in SQL text (including ${env:NAME}, which reads the environment) before parsing it',
  });
}

interface Lexed {
  token?: Token;
  problems: Problem[];
  next: number;
}

/** Spark's string escapes that Quiver accepts; others are refused because Spark silently drops the backslash. */
const SIMPLE_ESCAPES: Record<string, string> = {
  "'": "'",
  '"': '"',
  '\\': '\\',
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  // Spark keeps the backslash for these two, so LIKE patterns can escape % and _.
  '%': '\\%',
  _: '\\_',
};

function lexString(text: string, start: number, quote: string): Lexed {
  const problems: Problem[] = [];
  let value = '';
  const offsets: number[] = [];
  let i = start + 1;
  const n = text.length;
  const push = (s: string, at: number): void => {
    value += s;
    for (let k = 0; k < s.length; k++) offsets.push(at);
  };
  while (i < n) {
    const c = text[i] as string;
    if (c === quote) {
      if (text[i + 1] === quote) {
        problems.push(
          problem(CODES.UNSUPPORTED_SYNTAX, i, i + 2, `doubled quote ${quote}${quote} inside a string: Spark reads this as two strings, DuckDB as one with a quote`, {
            hint: `write \\${quote} for a quote inside a string`,
          }),
        );
        i += 2;
        continue;
      }
      offsets.push(i);
      return { token: { kind: 'string', text: text.slice(start, i + 1), value, start, end: i + 1, offsets }, problems, next: i + 1 };
    }
    if (c === '$' && text[i + 1] === '{') {
      problems.push(variableSubstitution(i));
      i += 2;
      continue;
    }
    if (c === '\\') {
      const e = text[i + 1];
      if (e === undefined) break;
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        push(simple, i);
        i += 2;
        continue;
      }
      if (e === 'u') {
        const h = text.slice(i + 2, i + 6);
        if (h.length === 4 && [...h].every(isHex)) {
          const unit = parseInt(h, 16);
          if (unit === 0) {
            problems.push(problem(CODES.BAD_ESCAPE, i, i + 6, 'NUL characters (\\u0000) are not allowed in strings'));
          } else push(String.fromCharCode(unit), i);
          i += 6;
          continue;
        }
        problems.push(problem(CODES.BAD_ESCAPE, i, Math.min(n, i + 2 + h.length), 'a \\u escape needs exactly four hex digits', { expected: '\\uXXXX' }));
        i += 2;
        continue;
      }
      const cp = text.codePointAt(i + 1) ?? 0;
      const shown = isAllowedInCode(cp) && cp >= 0x20 ? e : describeCodePoint(cp);
      problems.push(
        problem(CODES.BAD_ESCAPE, i, i + 2, `'\\${shown}' is not a string escape: Spark SQL would silently read it as '${shown}'`, {
          expected: "one of \\' \\\" \\\\ \\n \\r \\t \\b \\% \\_ \\uXXXX",
          hint: /[dDwWsSbB.()[\]{}*+?|^$]/.test(e) || /[0-9]/.test(e) ? `in a regular expression write '\\\\${e}'` : undefined,
        }),
      );
      i += 2;
      continue;
    }
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (!isAllowedInLiteral(cp)) {
      problems.push(
        problem(CODES.BAD_CHARACTER, i, i + width, `character ${describeCodePoint(cp)} is not allowed raw inside a string`, {
          hint: `if it is intended, write it as an escape (\\u${cp.toString(16).toUpperCase().padStart(4, '0')}) so reviewers can see it`,
        }),
      );
      i += width;
      continue;
    }
    push(text.slice(i, i + width), i);
    i += width;
  }
  problems.push(
    problem(CODES.UNTERMINATED_STRING, start, n, `unterminated string: the ${quote} at this position is never closed`, {
      expected: `a closing ${quote}`,
    }),
  );
  return { problems, next: n };
}

function lexQuotedIdent(text: string, start: number): Lexed {
  const problems: Problem[] = [];
  let value = '';
  const offsets: number[] = [];
  let i = start + 1;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (c === '`') {
      if (text[i + 1] === '`') {
        value += '`';
        offsets.push(i);
        i += 2;
        continue;
      }
      if (value === '') problems.push(problem(CODES.SYNTAX, start, i + 1, 'empty backquoted name', { expected: 'a field name' }));
      return { token: { kind: 'qident', text: text.slice(start, i + 1), value, start, end: i + 1, offsets }, problems, next: i + 1 };
    }
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (!isAllowedInCode(cp) || cp < 0x20) {
      problems.push(
        problem(CODES.BAD_CHARACTER, i, i + width, `character ${describeCodePoint(cp)} is not allowed in a backquoted name`, {
          expected: 'printable ASCII',
        }),
      );
    } else if (c === '$' && text[i + 1] === '{') {
      problems.push(variableSubstitution(i));
    } else {
      value += c;
      offsets.push(i);
    }
    i += width;
  }
  problems.push(
    problem(CODES.UNTERMINATED_IDENTIFIER, start, n, 'unterminated backquoted name: the ` at this position is never closed', { expected: 'a closing `' }),
  );
  return { problems, next: n };
}

function lexNumber(text: string, start: number): { token: Token; problem?: undefined; next: number } | { problem: Problem; next: number } {
  const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(text.slice(start, start + 400));
  const body = m?.[0] ?? '';
  let j = start + body.length;
  let suffix = '';
  if (/[lLdD]/.test(text[j] ?? '') && !isIdentPart(text[j + 1])) {
    suffix = (text[j] as string).toUpperCase();
    j++;
  }
  if (isIdentPart(text[j]) || text[j] === '.') {
    let k = j;
    while (k < text.length && (isIdentPart(text[k]) || text[k] === '.')) k++;
    return {
      problem: problem(CODES.BAD_NUMBER, start, k, `'${text.slice(start, k)}' is not a number Quiver understands`, {
        expected: 'digits with an optional fraction and exponent, and an optional L (LONG) or D (DOUBLE) suffix',
        hint: 'hex literals and the S, Y, F and BD suffixes are not supported',
      }),
      next: k,
    };
  }
  const raw = text.slice(start, j);
  return { token: { kind: 'number', text: raw, value: body + suffix, start, end: j }, next: j };
}
