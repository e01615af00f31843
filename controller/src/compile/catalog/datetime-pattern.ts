/**
 * Spark datetime patterns (java.time letters, as Spark 3+ reads them) translated at compile
 * time to DuckDB strftime/strptime formats. For parsing, the pattern also yields a regular
 * expression that the input must match in full before either engine parses it, so both
 * engines see only text they read the same way (Spark's MM wants two digits where
 * strptime's %m takes one or two; strptime lets a space match any run of whitespace; ...).
 *
 * Supported letters: yyyy, M, MM, MMM, MMMM, d, dd, H, HH, h, hh, m, mm, s, ss, SSS, SSSSSS, a,
 * and for formatting also EEE/EEEE. Text in single quotes is literal ('' is a quote).
 * Zone letters (z, Z, X, x, O, V) are refused: timestamps are UTC wall time in Quiver.
 */

export type PatternUse = 'parse' | 'format';

export type PatternCheck =
  | { ok: true; strftime: string; guard: string }
  | { ok: false; message: string; start: number; end: number; hint?: string };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Case-insensitive alternatives without flags (flags may only lead a pattern). */
function anyCase(word: string): string {
  return [...word].map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toUpperCase()}${ch.toLowerCase()}]` : ch)).join('');
}

const MONTH_ABBR = `(?:${MONTHS.map((m) => anyCase(m.slice(0, 3))).join('|')})`;
const MONTH_FULL = `(?:${MONTHS.map((m) => anyCase(m)).join('|')})`;

interface LetterRule {
  /** Allowed run lengths, each with its strftime directive and (for parsing) guard regex. */
  runs: Record<number, { fmt: string; guard: string; parse?: boolean }>;
  field?: 'year' | 'month' | 'day' | 'hour12' | 'ampm';
}

const NUM = (n: string): string => `[0-9]{${n}}`;

const LETTERS: Record<string, LetterRule> = {
  y: { runs: { 4: { fmt: '%Y', guard: NUM('4') } }, field: 'year' },
  M: {
    runs: {
      1: { fmt: '%-m', guard: NUM('1,2') },
      2: { fmt: '%m', guard: NUM('2') },
      3: { fmt: '%b', guard: MONTH_ABBR },
      4: { fmt: '%B', guard: MONTH_FULL },
    },
    field: 'month',
  },
  d: { runs: { 1: { fmt: '%-d', guard: NUM('1,2') }, 2: { fmt: '%d', guard: NUM('2') } }, field: 'day' },
  H: { runs: { 1: { fmt: '%-H', guard: NUM('1,2') }, 2: { fmt: '%H', guard: NUM('2') } } },
  h: { runs: { 1: { fmt: '%-I', guard: NUM('1,2') }, 2: { fmt: '%I', guard: NUM('2') } }, field: 'hour12' },
  m: { runs: { 1: { fmt: '%-M', guard: NUM('1,2') }, 2: { fmt: '%M', guard: NUM('2') } } },
  s: { runs: { 1: { fmt: '%-S', guard: NUM('1,2') }, 2: { fmt: '%S', guard: NUM('2') } } },
  S: { runs: { 3: { fmt: '%g', guard: NUM('3') }, 6: { fmt: '%f', guard: NUM('6') } } },
  a: { runs: { 1: { fmt: '%p', guard: '[AaPp][Mm]' } }, field: 'ampm' },
  E: { runs: { 3: { fmt: '%a', guard: '', parse: false }, 4: { fmt: '%A', guard: '', parse: false } } },
};

const ZONE_LETTERS = new Set(['z', 'Z', 'X', 'x', 'O', 'V', 'v']);

function regexLiteral(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp > 0x7e) return `\\x{${cp.toString(16).toUpperCase()}}`;
  return /[.^$|?*+()[\]{}\\]/.test(ch) ? `\\${ch}` : ch;
}

export function checkDatetimePattern(pattern: string, use: PatternUse): PatternCheck {
  let fmt = '';
  let guard = '';
  const seen = new Set<string>();
  let i = 0;
  const fail = (message: string, start: number, end: number, hint?: string): PatternCheck =>
    hint === undefined ? { ok: false, message, start, end } : { ok: false, message, start, end, hint };
  if (pattern.length === 0) return fail('the pattern is empty', 0, 0);
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "'") {
      // Quoted literal text; '' is a single quote.
      if (pattern[i + 1] === "'") {
        fmt += "'";
        guard += "'";
        i += 2;
        continue;
      }
      const close = pattern.indexOf("'", i + 1);
      if (close < 0) return fail('unterminated quoted text in the pattern', i, pattern.length);
      for (const ch of pattern.slice(i + 1, close)) {
        fmt += ch === '%' ? '%%' : ch;
        guard += regexLiteral(ch);
      }
      i = close + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      const run = j - i;
      if (ZONE_LETTERS.has(c)) {
        return fail(`time-zone pattern letter '${c}' is not supported`, i, j, 'Quiver timestamps are UTC; remove the zone from the text first');
      }
      const rule = LETTERS[c];
      const spec = rule?.runs[run];
      if (rule === undefined) {
        return fail(`pattern letter '${c}' is not supported`, i, j, 'supported: yyyy, M, MM, MMM, MMMM, d, dd, H, HH, h, hh, m, mm, s, ss, SSS, SSSSSS, a; quote literal text as in \'T\'');
      }
      if (spec === undefined) {
        const lengths = Object.keys(rule.runs).map((k) => c.repeat(Number(k))).join(', ');
        return fail(`'${c.repeat(run)}' is not supported`, i, j, `use ${lengths}${c === 'y' ? ' (two-digit years are read differently by the engines)' : ''}`);
      }
      if (use === 'parse' && spec.parse === false) {
        return fail(`'${c.repeat(run)}' can only be used for formatting`, i, j, 'Spark does not parse day-of-week names');
      }
      if (rule.field) seen.add(rule.field);
      fmt += spec.fmt;
      guard += spec.guard;
      i = j;
      continue;
    }
    fmt += c === '%' ? '%%' : c;
    guard += regexLiteral(c);
    i++;
  }
  if (use === 'parse') {
    for (const f of ['year', 'month', 'day'] as const) {
      if (!seen.has(f)) {
        return fail(`the pattern must contain the ${f} (${f === 'year' ? 'yyyy' : f === 'month' ? 'M, MM or MMM' : 'd or dd'})`, 0, pattern.length, 'the engines fill in missing date fields differently');
      }
    }
    if (seen.has('hour12') !== seen.has('ampm')) {
      return fail(seen.has('hour12') ? "'h' (12-hour clock) needs 'a' (AM/PM)" : "'a' (AM/PM) needs 'h' (12-hour clock)", 0, pattern.length);
    }
  }
  // strptime reads %m as one or two digits already (the guard fixes the width); the '-' flag is for output.
  return { ok: true, strftime: use === 'parse' ? fmt.replace(/%-/g, '%') : fmt, guard: `^${guard}\\z` };
}
