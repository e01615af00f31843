/**
 * Character policy for definitions. Outside string literals only printable ASCII and
 * ordinary whitespace may appear, so a function name cannot hide a Cyrillic 'а' and a
 * call cannot use fullwidth parentheses. Inside literals any visible character may appear,
 * but not invisible or direction-changing ones (zero-width joiners, bidi overrides, odd
 * spaces), which make a reviewer read something other than what runs; those must be
 * written as escapes (\u200B) so they are visible.
 */

const NAMES: Record<number, string> = {
  0x00a0: 'NO-BREAK SPACE',
  0x00ad: 'SOFT HYPHEN',
  0x034f: 'COMBINING GRAPHEME JOINER',
  0x037e: 'GREEK QUESTION MARK',
  0x0391: 'GREEK CAPITAL LETTER ALPHA',
  0x0395: 'GREEK CAPITAL LETTER EPSILON',
  0x039f: 'GREEK CAPITAL LETTER OMICRON',
  0x03b1: 'GREEK SMALL LETTER ALPHA',
  0x03bf: 'GREEK SMALL LETTER OMICRON',
  0x0410: 'CYRILLIC CAPITAL LETTER A',
  0x0412: 'CYRILLIC CAPITAL LETTER VE',
  0x0415: 'CYRILLIC CAPITAL LETTER IE',
  0x041a: 'CYRILLIC CAPITAL LETTER KA',
  0x041c: 'CYRILLIC CAPITAL LETTER EM',
  0x041d: 'CYRILLIC CAPITAL LETTER EN',
  0x041e: 'CYRILLIC CAPITAL LETTER O',
  0x0420: 'CYRILLIC CAPITAL LETTER ER',
  0x0421: 'CYRILLIC CAPITAL LETTER ES',
  0x0422: 'CYRILLIC CAPITAL LETTER TE',
  0x0425: 'CYRILLIC CAPITAL LETTER HA',
  0x0430: 'CYRILLIC SMALL LETTER A',
  0x0435: 'CYRILLIC SMALL LETTER IE',
  0x043e: 'CYRILLIC SMALL LETTER O',
  0x0440: 'CYRILLIC SMALL LETTER ER',
  0x0441: 'CYRILLIC SMALL LETTER ES',
  0x0443: 'CYRILLIC SMALL LETTER U',
  0x0445: 'CYRILLIC SMALL LETTER HA',
  0x0455: 'CYRILLIC SMALL LETTER DZE',
  0x0456: 'CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I',
  0x0458: 'CYRILLIC SMALL LETTER JE',
  0x115f: 'HANGUL CHOSEONG FILLER',
  0x1160: 'HANGUL JUNGSEONG FILLER',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x2000: 'EN QUAD',
  0x2001: 'EM QUAD',
  0x2002: 'EN SPACE',
  0x2003: 'EM SPACE',
  0x2004: 'THREE-PER-EM SPACE',
  0x2005: 'FOUR-PER-EM SPACE',
  0x2006: 'SIX-PER-EM SPACE',
  0x2007: 'FIGURE SPACE',
  0x2008: 'PUNCTUATION SPACE',
  0x2009: 'THIN SPACE',
  0x200a: 'HAIR SPACE',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2010: 'HYPHEN',
  0x2013: 'EN DASH',
  0x2014: 'EM DASH',
  0x2018: 'LEFT SINGLE QUOTATION MARK',
  0x2019: 'RIGHT SINGLE QUOTATION MARK',
  0x201c: 'LEFT DOUBLE QUOTATION MARK',
  0x201d: 'RIGHT DOUBLE QUOTATION MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x202f: 'NARROW NO-BREAK SPACE',
  0x2032: 'PRIME',
  0x205f: 'MEDIUM MATHEMATICAL SPACE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x2212: 'MINUS SIGN',
  0x3000: 'IDEOGRAPHIC SPACE',
  0x3164: 'HANGUL FILLER',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE (BYTE ORDER MARK)',
  0xff07: 'FULLWIDTH APOSTROPHE',
  0xff08: 'FULLWIDTH LEFT PARENTHESIS',
  0xff09: 'FULLWIDTH RIGHT PARENTHESIS',
  0xff0c: 'FULLWIDTH COMMA',
  0xff1b: 'FULLWIDTH SEMICOLON',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
};

/** ASCII look-alikes that NFKC normalisation does not reveal. */
const LOOKS_LIKE: Record<number, string> = {
  0x0391: 'A', 0x0395: 'E', 0x039f: 'O', 0x03b1: 'a', 0x03bf: 'o',
  0x0410: 'A', 0x0412: 'B', 0x0415: 'E', 0x041a: 'K', 0x041c: 'M', 0x041d: 'H', 0x041e: 'O',
  0x0420: 'P', 0x0421: 'C', 0x0422: 'T', 0x0425: 'X',
  0x0430: 'a', 0x0435: 'e', 0x043e: 'o', 0x0440: 'p', 0x0441: 'c', 0x0443: 'y', 0x0445: 'x',
  0x0455: 's', 0x0456: 'i', 0x0458: 'j',
  0x037e: ';', 0x2010: '-', 0x2013: '-', 0x2014: '-', 0x2212: '-',
  0x2018: "'", 0x2019: "'", 0x2032: "'", 0x201c: '"', 0x201d: '"',
};

function hex(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

function category(ch: string): string {
  if (/\p{Cf}/u.test(ch)) return 'invisible format character';
  if (/\p{Zs}/u.test(ch)) return 'space character';
  if (/\p{Cc}/u.test(ch)) return 'control character';
  if (/\p{Cs}/u.test(ch)) return 'unpaired surrogate';
  for (const script of ['Cyrillic', 'Greek', 'Latin', 'Armenian', 'Cherokee', 'Han', 'Arabic', 'Hebrew']) {
    if (new RegExp(`\\p{Script=${script}}`, 'u').test(ch)) return `${script} character`;
  }
  return 'non-ASCII character';
}

/** "U+0430 CYRILLIC SMALL LETTER A, which looks like 'a'". */
export function describeCodePoint(cp: number): string {
  const ch = String.fromCodePoint(cp);
  const name = NAMES[cp] ?? category(ch);
  let like = LOOKS_LIKE[cp];
  if (like === undefined) {
    const n = ch.normalize('NFKC');
    if (n !== ch && /^[\x20-\x7e]+$/.test(n)) like = n;
  }
  if (like === ' ') return `${hex(cp)} ${name}, which looks like a space`;
  return like !== undefined ? `${hex(cp)} ${name}, which looks like '${like}'` : `${hex(cp)} ${name}`;
}

/** Allowed in the code of a definition (outside quotes): printable ASCII, space, tab, CR, LF. */
export function isAllowedInCode(cp: number): boolean {
  return (cp >= 0x20 && cp <= 0x7e) || cp === 0x09 || cp === 0x0a || cp === 0x0d;
}

/** Invisible characters that Unicode does not class as format or space characters. */
const FILLERS = new Set([0x034f, 0x115f, 0x1160, 0x180e, 0x3164, 0xffa0]);

/** Allowed raw inside a quoted literal or backquoted name. */
export function isAllowedInLiteral(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return true;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return false;
  if (cp < 0x7f) return true;
  if (FILLERS.has(cp)) return false;
  // Format (bidi, zero-width), odd spaces, line/paragraph separators, private use, unassigned, lone surrogates.
  return !/[\p{Cf}\p{Zs}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]/u.test(String.fromCodePoint(cp));
}
