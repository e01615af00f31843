import { CODES } from '../../expr/codes.js';
import { col, ex, literalOf, p, s } from '../build.js';
import type { CatalogEntry, CheckContext, RenderContext } from '../entry.js';
import { checkRegex, normalizeRegex } from '../regex-subset.js';

const S = (values: unknown[]) => col('s', 'STRING', values);

const REGEX_SEMANTICS =
  'The pattern must be a literal in the dialect both engines share (see "Regular expressions" below); it is checked and normalised at compile time, so Spark (java.util.regex) and DuckDB (RE2) run the same pattern with the same meaning.';

/** Checks argument i as a regex; returns its capture-group count, or undefined after reporting. */
function checkPatternArg(c: CheckContext, i: number, opts: { nonEmptyMatch?: boolean } = {}): { groups: number } | undefined {
  const v = c.args[i]?.literal;
  if (typeof v !== 'string') return undefined;
  const r = checkRegex(v);
  if (!r.ok) {
    const span = c.spanIn(i, r.start, Math.max(r.end, r.start + 1));
    const d = { code: CODES.BAD_REGEX, start: span.start, end: span.end, message: `regular expression: ${r.message}`, expected: 'a pattern in the RE2 ∩ java.util.regex subset (docs/reference/functions.md#regular-expressions)' } as const;
    c.report(r.hint !== undefined ? { ...d, hint: r.hint } : d);
    return undefined;
  }
  if (opts.nonEmptyMatch && r.nullable) {
    const n = c.args[i]?.node;
    c.report({
      code: CODES.BAD_REGEX,
      start: n?.start ?? c.call.start,
      end: n?.end ?? c.call.end,
      message: 'the split pattern can match an empty string, which the engines split differently',
      hint: "escape regex characters meant literally, e.g. '\\\\|' or '\\\\.'",
    });
    return undefined;
  }
  return { groups: r.groups };
}

const pattern = (c: RenderContext, i: number): string => c.lit(normalizeRegex(String(literalOf(c, i))));

/**
 * Spark replacement strings are java.util.regex's: $n is group n, \x is a literal x.
 * DuckDB's (RE2) use \n for groups and \\ for a backslash. Translated at compile time.
 */
export function translateReplacement(rep: string, groups: number): { ok: true; re2: string } | { ok: false; message: string; at: number; len: number } {
  let out = '';
  for (let i = 0; i < rep.length; i++) {
    const ch = rep[i] as string;
    if (ch === '\\') {
      const n = rep[i + 1];
      if (n === undefined) return { ok: false, message: 'the replacement ends with a lone backslash', at: i, len: 1 };
      out += n === '\\' ? '\\\\' : n;
      i++;
      continue;
    }
    if (ch === '$') {
      const d = rep[i + 1];
      if (d === undefined || d < '0' || d > '9') {
        return { ok: false, message: "'$' in a replacement must be followed by a group number; write \\$ for a dollar sign", at: i, len: 2 };
      }
      // Java takes as many digits as still name an existing group.
      let num = Number(d);
      let j = i + 2;
      while (j < rep.length && /[0-9]/.test(rep[j] as string) && num * 10 + Number(rep[j]) <= groups) {
        num = num * 10 + Number(rep[j]);
        j++;
      }
      if (num > groups) return { ok: false, message: `$${num} refers to a group the pattern does not have (it has ${groups})`, at: i, len: j - i };
      if (num > 9) return { ok: false, message: 'groups above 9 cannot be referred to in DuckDB', at: i, len: j - i };
      out += `\\${num}`;
      i = j - 1;
      continue;
    }
    out += ch;
  }
  return { ok: true, re2: out };
}

export const REGEX: CatalogEntry[] = [
  {
    name: 'RLIKE',
    aliases: ['REGEXP'],
    kind: 'operator',
    syntax: 'a [NOT] RLIKE pattern',
    category: 'regex',
    aggregate: false,
    signatures: [{ params: [p('a', 'STRING'), p('pattern', 'STRING', { literal: true })], result: 'BOOLEAN' }],
    doc: 'Whether the pattern matches anywhere in a (anchor with ^ and $ for a full match). REGEXP is a synonym.',
    semantics: REGEX_SEMANTICS,
    check: (c) => {
      checkPatternArg(c, 1);
    },
    render: {
      duckdb: (c) => (c.negated ? `(NOT regexp_matches(${s(c, 0)}, ${pattern(c, 1)}))` : `regexp_matches(${s(c, 0)}, ${pattern(c, 1)})`),
      spark: (c) => (c.negated ? `(NOT (${s(c, 0)} RLIKE ${pattern(c, 1)}))` : `(${s(c, 0)} RLIKE ${pattern(c, 1)})`),
    },
    examples: [
      ex("s RLIKE '^[0-9]+$'", [true, false, false, null], [S(['123', '12a', '123\n', null])]),
      ex("s RLIKE 'a.c'", [true, false], [S(['xabcx', 'a\nc'])]),
      ex("s NOT REGEXP '(?i)^get '", [false, true], [S(['GET /', 'POST /'])]),
      ex("s RLIKE '\\\\s'", [true, true, false], [S(['a b', 'a\u000bb', 'ab'])]),
    ],
  },
  {
    name: 'regexp_extract',
    kind: 'function',
    category: 'regex',
    aggregate: false,
    signatures: [{ params: [p('str', 'STRING'), p('pattern', 'STRING', { literal: true }), p('group', 'INT', { literal: true, optional: true })], result: 'STRING' }],
    doc: "The text of capture group `group` (default 1; 0 is the whole match) of the first match, or '' when nothing matches.",
    semantics: `Spark's rule on both engines: no match, or a group that did not take part, gives '' (not NULL); NULL input gives NULL. The group number must be a literal no larger than the pattern's group count. ${REGEX_SEMANTICS}`,
    check: (c) => {
      const r = checkPatternArg(c, 1);
      if (r === undefined) return;
      const g = c.args[2];
      if (g !== undefined && typeof g.literal === 'number' && (g.literal < 0 || g.literal > r.groups)) {
        c.report({ code: CODES.BAD_LITERAL_VALUE, start: g.node.start, end: g.node.end, message: `group ${g.literal} does not exist: the pattern has ${r.groups} group${r.groups === 1 ? '' : 's'}`, expected: `0 to ${r.groups}` });
      }
      if (g === undefined && r.groups < 1) {
        c.report({ code: CODES.BAD_LITERAL_VALUE, start: c.call.start, end: c.call.end, message: 'the pattern has no capture group, and group 1 is the default', hint: 'add a group ( ... ), or pass 0 for the whole match' });
      }
    },
    render: {
      duckdb: (c) => `regexp_extract(${s(c, 0)}, ${pattern(c, 1)}, ${c.args[2] ? s(c, 2) : '1'})`,
      spark: (c) => `regexp_extract(${s(c, 0)}, ${pattern(c, 1)}, ${c.args[2] ? s(c, 2) : '1'})`,
    },
    examples: [
      ex("regexp_extract(s, 'from ([0-9a-fA-F.:]+) port', 1)", ['10.0.0.5', '', null], [S(['Failed password for root from 10.0.0.5 port 22 ssh2', 'Connection closed', null])]),
      ex("regexp_extract(s, 'for (invalid user )?(\\\\S+) from', 2)", ['bob', 'root'], [S(['Failed password for invalid user bob from 1.2.3.4', 'Failed password for root from 1.2.3.4'])]),
      ex("regexp_extract(s, 'a(x)?b', 1)", [''], [S(['ab'])]),
      ex("regexp_extract(s, '[0-9]+', 0)", ['42'], [S(['id=42;'])]),
    ],
  },
  {
    name: 'regexp_replace',
    kind: 'function',
    category: 'regex',
    aggregate: false,
    signatures: [{ params: [p('str', 'STRING'), p('pattern', 'STRING', { literal: true }), p('replacement', 'STRING', { literal: true })], result: 'STRING' }],
    doc: 'Replaces every match of the pattern; in the replacement, $1..$9 insert groups and \\$ is a dollar sign.',
    semantics: `Every match is replaced on both engines (DuckDB is given the 'g' option). The replacement uses Spark's (java.util.regex) syntax and is translated to RE2's at compile time. ${REGEX_SEMANTICS}`,
    check: (c) => {
      const r = checkPatternArg(c, 1);
      if (r === undefined) return;
      const rep = c.args[2]?.literal;
      if (typeof rep !== 'string') return;
      const t = translateReplacement(rep, r.groups);
      if (!t.ok) {
        const span = c.spanIn(2, t.at, t.at + t.len);
        c.report({ code: CODES.BAD_LITERAL_VALUE, start: span.start, end: span.end, message: `replacement: ${t.message}` });
      }
    },
    render: {
      duckdb: (c) => {
        const groups = checkRegex(String(literalOf(c, 1)));
        const t = translateReplacement(String(literalOf(c, 2)), groups.ok ? groups.groups : 0);
        if (!t.ok) throw new Error('regexp_replace: unchecked replacement');
        return `regexp_replace(${s(c, 0)}, ${pattern(c, 1)}, ${c.lit(t.re2)}, 'g')`;
      },
      spark: (c) => `regexp_replace(${s(c, 0)}, ${pattern(c, 1)}, ${s(c, 2)})`,
    },
    examples: [
      ex("regexp_replace(s, '[0-9]+', 'N')", ['user N logged in N times', null], [S(['user 42 logged in 7 times', null])]),
      ex("regexp_replace(s, '([a-z]+)@([a-z.]+)', '$2 \\\\$ $1')", ['example.com $ bob'], [S(['bob@example.com'])]),
      ex("regexp_replace(s, '\\\\\\\\', '/')", ['C:/Windows/System32'], [S(['C:\\Windows\\System32'])]),
      ex("regexp_replace(s, 'x*', '-')", ['-a-b-'], [S(['ab'])]),
      ex("regexp_replace(s, '(?i)password=[^&]*', 'password=***')", ['user=a&password=***&x=1'], [S(['user=a&PASSWORD=s3cr3t&x=1'])]),
    ],
  },
  {
    name: 'split',
    kind: 'function',
    category: 'regex',
    aggregate: false,
    signatures: [{ params: [p('str', 'STRING'), p('pattern', 'STRING', { literal: true })], result: 'ARRAY_STRING' }],
    doc: "Splits str around matches of the pattern (a regular expression, as in Spark: split(s, '\\\\.') for dots). Index the result with [i] (0-based) or element_at (1-based).",
    semantics: `Trailing empty strings are kept and '' splits to [''] on both engines. The pattern must not be able to match the empty string (the engines split on empty matches differently). DuckDB renders regexp_split_to_array. ${REGEX_SEMANTICS}`,
    check: (c) => {
      checkPatternArg(c, 1, { nonEmptyMatch: true });
    },
    render: {
      duckdb: (c) => `regexp_split_to_array(${s(c, 0)}, ${pattern(c, 1)})`,
      spark: (c) => `split(${s(c, 0)}, ${pattern(c, 1)})`,
    },
    examples: [
      ex("split(s, ',')", [['a', 'b', ''], [''], null], [S(['a,b,', '', null])]),
      ex("split(s, '\\\\s+')", [['GET', '/index.html', 'HTTP/1.1']], [S(['GET  /index.html HTTP/1.1'])]),
      ex("split(s, '\\\\.')[0]", ['10'], [S(['10.1.2.3'])]),
    ],
  },
];
