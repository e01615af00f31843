import { DATA_TYPES } from '../../config/data-type.js';
import { syntheticExpr } from '../../config/text-origin.js';
import { CODES } from '../expr/codes.js';
import { compileExpression } from '../expr/compile.js';
import { DEFAULT_LIMITS } from '../expr/limits.js';
import { columnEntry, makeScope } from '../expr/scope.js';
import { sqlTypeOf } from '../types/index.js';
import type { CatalogEntry, Category, Example, Param, Signature } from './entry.js';
import { CHAR_CLASSES } from './entries/security.js';
import { CATALOG } from './registry.js';

/**
 * docs/reference/functions.md, generated from the catalog so the reference cannot drift
 * from what the compiler accepts and renders. A test fails when the committed file is stale.
 */

const CATEGORY_TITLES: Record<Category, string> = {
  arithmetic: 'Arithmetic',
  comparison: 'Comparison',
  logic: 'Boolean logic',
  predicate: 'Predicates',
  conditional: 'Conditionals',
  conversion: 'Conversion',
  regex: 'Regular expressions',
  string: 'Strings',
  array: 'Arrays',
  datetime: 'Date and time',
  math: 'Math',
  null: 'NULL handling',
  aggregate: 'Aggregates',
  security: 'Security helpers',
};

const CATEGORY_ORDER: Category[] = ['arithmetic', 'comparison', 'logic', 'predicate', 'conditional', 'conversion', 'string', 'regex', 'array', 'datetime', 'math', 'null', 'aggregate', 'security'];

const CODE_MEANINGS: Record<string, string> = {
  [CODES.TOO_LONG]: `the definition is longer than ${DEFAULT_LIMITS.maxLength.toLocaleString('en-US')} characters`,
  [CODES.TOO_DEEP]: `it nests deeper than ${DEFAULT_LIMITS.maxDepth} levels`,
  [CODES.BAD_CHARACTER]: 'a character outside the policy (non-ASCII outside strings; invisible, bidi or control characters anywhere)',
  [CODES.COMMENT]: 'an SQL comment (--, /* or */)',
  [CODES.UNTERMINATED_STRING]: 'a string is never closed',
  [CODES.UNTERMINATED_IDENTIFIER]: 'a backquoted name is never closed',
  [CODES.BAD_ESCAPE]: 'a string escape Quiver does not accept (Spark would silently drop the backslash)',
  [CODES.BAD_NUMBER]: 'a number Quiver cannot read (hex, unsupported suffix, out of range)',
  [CODES.UNEXPECTED_CHARACTER]: "a character that is not part of the language (';', ':', '@', '?', bitwise operators, ...)",
  [CODES.SYNTAX]: 'a syntax error',
  [CODES.EMPTY]: 'the definition is empty',
  [CODES.STATEMENT]: 'a statement, subquery, set operation or query clause',
  [CODES.STAR]: "'*' anywhere but count(*)",
  [CODES.LAMBDA]: 'a lambda (->)',
  [CODES.VARIABLE_SUBSTITUTION]: "'${' (Spark variable substitution, including ${env:...})",
  [CODES.UNSUPPORTED_SYNTAX]: 'SQL syntax outside the subset (INTERVAL, doubled quotes, qualified names, ...)',
  [CODES.UNKNOWN_FUNCTION]: 'a function that is not in this catalog',
  [CODES.FORBIDDEN_FUNCTION]: 'a known engine function that is refused (files, network, environment, JVM, ...)',
  [CODES.UNKNOWN_NAME]: 'a name that is not in scope',
  [CODES.ARITY]: 'the wrong number of arguments',
  [CODES.ARGUMENT_TYPE]: 'an argument of the wrong type',
  [CODES.LITERAL_REQUIRED]: 'an argument that must be a literal is not',
  [CODES.BAD_REGEX]: 'a regular expression outside the shared dialect',
  [CODES.BAD_DATETIME_PATTERN]: 'a datetime pattern Quiver cannot translate',
  [CODES.BAD_LITERAL_VALUE]: 'a literal argument with an invalid value (unit, class, group number, ...)',
  [CODES.DISTINCT_NOT_ALLOWED]: 'DISTINCT in a function other than count',
  [CODES.OPERAND_TYPE]: 'an operator applied to the wrong types',
  [CODES.RESULT_TYPE]: 'the result does not match the declared data_type',
  [CODES.UNSUPPORTED_CAST]: 'a CAST Quiver does not offer',
  [CODES.UNKNOWN_TYPE]: 'a type name CAST does not know',
  [CODES.AGGREGATE_IN_SCALAR]: 'an aggregate function in a per-row definition',
  [CODES.NESTED_AGGREGATE]: 'an aggregate inside another aggregate',
  [CODES.FIELD_OUTSIDE_AGGREGATE]: 'a field outside any aggregate in a windowed feature',
  [CODES.TOO_COMPLEX]: 'the rendered SQL would be too large',
};

const code = (s: string): string => '`' + s.replace(/`/g, '\\`') + '`';

/** Inline code that may contain backticks: fenced with enough backticks. */
function inline(s: string): string {
  const runs = s.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

function paramType(p: Param): string {
  return typeof p.type === 'string' ? p.type : p.type.var;
}

function signatureText(e: CatalogEntry, sig: Signature): string {
  const vars = new Map<string, string>();
  for (const p of sig.params) if (typeof p.type !== 'string') vars.set(p.type.var, p.type.of);
  const where = vars.size ? `, where ${[...vars].map(([v, set]) => `${v} is ${set}`).join(' and ')}` : '';
  if (e.kind === 'operator') {
    const args = sig.params.map((p) => `${p.name}${p.variadic ? '...' : ''}: ${paramType(p)}${p.literal ? ' (literal)' : ''}`).join(', ');
    return `${inline(e.syntax ?? e.name)} with ${args || 'no arguments'} → ${sig.result}${where}`;
  }
  let args = '';
  sig.params.forEach((p, i) => {
    const piece = `${p.name} ${paramType(p)}${p.literal ? ' literal' : ''}`;
    const sep = i > 0 ? ', ' : '';
    if (p.optional) args += `[${sep}${piece}]`;
    else if (p.variadic) args += `${sep}${piece}, ...`;
    else args += `${sep}${piece}`;
  });
  if (e.star && sig.params.length === 0) args = '*';
  return `${inline(`${e.name}(${args})`)} → ${sig.result}${where}`;
}

function valueText(v: unknown): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(valueText).join(', ')}]`;
  return String(v);
}

function exampleText(e: CatalogEntry, x: Example): string {
  const inputs = x.inputs ?? [];
  if (inputs.length === 0) return `${inline(x.expr)} → ${inline(valueText(x.expected[0]))}`;
  const rows = Math.max(...inputs.map((i) => i.values.length));
  if (e.aggregate) {
    const cols = inputs.map((i) => `${i.name} ${i.type} = ${valueText(i.values)}`).join('; ');
    return `${inline(x.expr)} over ${cols} → ${inline(valueText(x.expected[0]))}`;
  }
  const lines: string[] = [];
  for (let r = 0; r < Math.min(rows, 3); r++) {
    const where = inputs.map((i) => `${i.name} = ${valueText(i.values[r] ?? null)}`).join(', ');
    lines.push(`${where} → ${inline(valueText(x.expected[r] ?? null))}`);
  }
  const types = inputs.map((i) => `${i.name} ${i.type}`).join(', ');
  return `${inline(x.expr)} (${types}): ${lines.join('; ')}${rows > 3 ? '; ...' : ''}`;
}

function renderedExample(e: CatalogEntry): { duckdb: string; spark: string } | undefined {
  const x = e.examples[0];
  if (x === undefined) return undefined;
  const scope = makeScope((x.inputs ?? []).map((i) => columnEntry(i.name, i.type)));
  const r = compileExpression(syntheticExpr(x.expr), scope, { mode: e.aggregate ? 'aggregate' : 'scalar', what: 'example' });
  return r.expr ? { duckdb: r.expr.duckdb, spark: r.expr.spark } : undefined;
}

function anchor(e: CatalogEntry): string {
  return `fn-${e.name.toLowerCase().replace(/[^a-z0-9_]+/g, (m) => `-${[...m].map((c) => c.charCodeAt(0).toString(16)).join('')}-`).replace(/^-|-$/g, '')}`;
}

function entrySection(e: CatalogEntry): string {
  const names = [e.name, ...(e.aliases ?? [])].map((n) => code(n)).join(', ');
  const out: string[] = [];
  out.push(`<a id="${anchor(e)}"></a>`);
  out.push(`#### ${names}`);
  out.push('');
  out.push(e.doc);
  out.push('');
  for (const sig of e.signatureDoc ?? e.signatures.map((x) => signatureText(e, x))) out.push(`- ${sig}`);
  out.push(`- ${e.aggregate ? 'Aggregate' : 'Scalar'}${e.distinct ? '; accepts DISTINCT' : ''}${e.star ? '; accepts *' : ''}`);
  if (e.semantics) out.push(`- Semantics: ${e.semantics}`);
  const x = e.examples[0];
  if (x) out.push(`- Example: ${exampleText(e, x)}`);
  const r = renderedExample(e);
  if (r) {
    out.push(`- DuckDB: ${inline(r.duckdb)}`);
    out.push(`- Spark: ${inline(r.spark)}`);
  }
  out.push('');
  return out.join('\n');
}

export function renderFunctionsDoc(): string {
  const out: string[] = [];
  const push = (...lines: string[]): void => {
    out.push(...lines);
  };
  const fnCount = CATALOG.filter((e) => e.kind === 'function').length;
  const opCount = CATALOG.length - fnCount;
  const exampleCount = CATALOG.reduce((n, e) => n + e.examples.length, 0);
  push(
    '# Definition language: functions and operators',
    '',
    '<!-- Generated from controller/src/compile/catalog by controller/src/compile/catalog/docs.ts. Do not edit by hand:',
    '     UPDATE_DOCS=1 npx vitest run --project unit controller/src/compile/catalog/docs.test.ts -->',
    '',
    'Field and feature `definition`s, `filter`s and feature-set `entity` expressions are Spark SQL',
    'expressions. Quiver parses each one, resolves its names against the fields in scope, checks its',
    'types, and renders it for two engines: DuckDB (embedded) and Spark 4 (`spark.sql.ansi.enabled=true`,',
    '`spark.sql.session.timeZone=UTC`). Only the functions and operators below are accepted, and each',
    'is rendered so that both engines compute the same value. Definitions come from pull requests, so',
    'anything else is rejected at compile time with a `QV4xxx` error at its position, and no SQL is produced.',
    '',
    `The catalog has ${CATALOG.length} entries (${fnCount} functions, ${opCount} operators and special forms) and ${exampleCount} examples;`,
    'every example runs on DuckDB and on Spark in `test/conformance/catalog/`.',
    '',
    '## The language',
    '',
    "- **Literals**: strings in `'...'` or `\"...\"` with Spark's escapes `\\'` `\\\"` `\\\\` `\\n` `\\r` `\\t` `\\b` `\\%` `\\_` `\\uXXXX` (any other backslash is an error, because Spark would silently drop it: write `'\\\\d'` for the regex `\\d`); numbers (`1` is INT, `3000000000` and `1L` are LONG, `1.5`, `1e3` and `2D` are DOUBLE - there is no DECIMAL); `TRUE`, `FALSE`, `NULL`; `DATE 'yyyy-MM-dd'` and `TIMESTAMP 'yyyy-MM-dd HH:mm:ss[.ffffff]'` (UTC).",
    '- **Names**: fields in scope, case-insensitively; `$1`, `$2`, ... for the raw fields of a source field; `` `backquoted` `` names. Function names are case-insensitive and must be in the catalog.',
    '- **Operators**, loosest first (Spark\'s precedence): `OR`; `AND`; `NOT`; predicates `[NOT] BETWEEN`, `[NOT] IN (...)`, `[NOT] LIKE`, `[NOT] RLIKE`/`REGEXP`, `IS [NOT] NULL|TRUE|FALSE`; comparisons `=` `==` `<>` `!=` `<` `<=` `>` `>=` `<=>`; `+` `-` `||`; `*` `/` `%` `div`; unary `-` `+`; subscript `[i]`. Also `CASE`, `CAST`/`TRY_CAST`, `count(*)` and `count(DISTINCT x)`.',
    '- **Refused**: statements and `;`, subqueries and `SELECT` anywhere, set operations, `OVER`/`FILTER`/`WITHIN GROUP`, table functions and generators, lambdas, `*` except in `count(*)`, SQL comments (`--`, `/*`), `${` (Spark variable substitution), `INTERVAL`, `::` casts, qualified names, adjacent or doubled-quote strings.',
    `- **Characters**: outside strings only printable ASCII and whitespace; inside strings any visible character, but no invisible, bidi-control or odd-space characters (write them as \`\\uXXXX\` escapes). Errors name the code point, e.g. \`U+0430 CYRILLIC SMALL LETTER A, which looks like 'a'\`.`,
    `- **Limits**: ${DEFAULT_LIMITS.maxLength.toLocaleString('en-US')} characters, ${DEFAULT_LIMITS.maxDepth} levels of nesting (each parenthesis, call, operand and link of an operator chain is a level), ${DEFAULT_LIMITS.maxRenderedLength.toLocaleString('en-US')} characters of rendered SQL.`,
    '- **Modes**: a per-row definition (a source field, an event-level feature, a filter, an entity) may not use aggregates; a windowed feature must be an aggregate expression: every field inside an aggregate function (constants allowed, no nested aggregates).',
    '',
    '## Types and conversions',
    '',
    '| Quiver type | DuckDB | Spark |',
    '| --- | --- | --- |',
    ...DATA_TYPES.map((t) => `| ${t} | ${code(sqlTypeOf(t, 'duckdb'))} | ${code(sqlTypeOf(t, 'spark'))} |`),
    '',
    '- **Implicit conversions** (silent, where a value meets a parameter or the declared `data_type`): NULL to anything; INT → LONG → DOUBLE; DATE → TIMESTAMP (midnight UTC). Nothing else: a STRING never becomes a number by itself.',
    "- **A definition's result** must be its declared `data_type` or convert to it implicitly; otherwise QV4031 suggests `CAST(... AS type)`.",
    '- **CAST and TRY_CAST** mean the same: NULL when a value does not convert, on both engines. See [CAST](#fn-cast) for the exact rules.',
    '',
    '## Where the engines differ, and what Quiver does',
    '',
    '| Difference | Quiver semantics (both engines) |',
    '| --- | --- |',
    '| Array indexing: Spark 0-based `[i]`, DuckDB 1-based | `arr[i]` is 0-based, `element_at(arr, i)` 1-based; out of range is NULL |',
    '| Datetime patterns: Java letters vs strptime | Spark letters, translated at compile time; literal patterns only; the text must match the pattern exactly |',
    "| ANSI cast failures (Spark fails the job) | every cast yields NULL on failure; text must match a strict grammar both engines read alike |",
    '| Integer division and overflow | `/` is DOUBLE division; `div` truncates; integer overflow is NULL |',
    '| Division by zero (Spark ANSI fails, DuckDB gives Infinity) | NULL |',
    '| NULL ordering | no ordering in definitions; `min`/`max`/`greatest`/`least` skip NULLs; `max_by`/`min_by` skip NULL orderings |',
    '| Regex dialects (java.util.regex vs RE2) | literal patterns in the shared subset, normalised (see below) |',
    "| `substr` with 0 or negative positions | Spark's rules |",
    "| `round` (Spark half-up on the decimal form, DuckDB on the binary value) | Spark's: `round(1.005, 2)` = 1.01, `round(2.5)` = 3 |",
    '| `log` argument order and `log(x)` base | `log(base, x)`; `log(x)` is natural; NULL for non-positive input |',
    '| `dayofweek` numbering | 1 = Sunday ... 7 = Saturday |',
    '| `length` of strings | characters (code points) |',
    '| `concat` with NULL (DuckDB skips NULLs) | NULL if any argument is NULL |',
    '| `percentile_approx` / `approx_count_distinct` | same definition; approx_count_distinct may differ between engines (documented) |',
    '| Timestamps and time zones | UTC wall time; no zone letters in patterns |',
    '',
    '## Regular expressions',
    '',
    'RLIKE, regexp_extract, regexp_replace and split take a literal pattern in the dialect that',
    "java.util.regex (Spark) and RE2 (DuckDB) share. Remember that the pattern is a Spark string first: write `'\\\\d+'`",
    'for `\\d+`. The compiler parses the pattern and renders a normal form to both engines:',
    '',
    '- `.` excludes line terminators (`\\n`, `\\r`, U+0085, U+2028, U+2029) unless the pattern starts with `(?s)`;',
    '- `$` matches only at the very end of the text (Java would also match before a final newline);',
    '- `\\s` is `[ \\t\\n\\x0B\\f\\r]`; `\\d` and `\\w` are ASCII; `\\uXXXX`, `\\xXX` and `\\x{...}` give characters;',
    '- only `(?i)`, `(?s)` or `(?is)` at the very start; `(?i)` only with ASCII patterns;',
    '- refused: backreferences, lookahead and lookbehind, atomic groups, possessive quantifiers, named groups, `\\Q...\\E`, POSIX classes, nested or intersected classes, `\\h \\v \\R \\X \\G \\Z \\K`, octal escapes, repetition counts over 1000, unescaped `{`, and nested unbounded repetition like `(a+)+` (which can backtrack exponentially in Java);',
    "- in regexp_replace replacements, `$1`..`$9` insert groups and `\\$` is a dollar sign (Java syntax; translated for RE2);",
    "- `\\b` next to non-ASCII letters may differ (Java's word boundary is Unicode-aware before JDK 19).",
    '',
    '## Datetime patterns',
    '',
    'to_timestamp, to_date, date_format and from_unixtime take a literal Spark pattern. Letters: `yyyy`; `M`, `MM`, `MMM`, `MMMM`;',
    '`d`, `dd`; `H`, `HH`; `h`, `hh` with `a`; `m`, `mm`; `s`, `ss`; `SSS`, `SSSSSS`; `EEE`, `EEEE` (formatting only). Text in',
    "single quotes is literal (`''` is a quote); other punctuation and spaces are literal. Parsing patterns must contain the year,",
    'month and day. Zone letters and two-digit years are refused. When parsing, the text must have exactly the shape of the',
    'pattern (`MM` is two digits, `M` one or two, one space is one space), month names in any case; anything else is NULL.',
    '',
    '## Security helpers',
    '',
    '- `shannon_entropy(s)`: bits per character over code points.',
    '- `is_private_ip(s)`: IPv4 RFC 1918, loopback 127/8, link-local 169.254/16; IPv6 `::1`, `fc00::/7`, `fe80::/10`; IPv4-mapped IPv6 of those IPv4 ranges.',
    `- \`count_chars(s, class)\` with class ${Object.keys(CHAR_CLASSES).map((k) => code(`'${k}'`)).join(', ')}.`,
    '',
    '## Examples as data',
    '',
    '`catalogExamples()` (controller/src/compile/catalog/examples.ts) returns every example as data:',
    '`{ entry, index, mode, inputs: [{ name, type, values }], expr, expected, tolerance }`. Values: STRING as strings; INT and',
    "LONG as numbers (LONG beyond 2^53 as decimal strings); DOUBLE as numbers or 'NaN'/'Infinity'; BOOLEAN as booleans; TIMESTAMP",
    "as 'yyyy-MM-dd HH:mm:ss[.ffffff]' (UTC); DATE as 'yyyy-MM-dd'; ARRAY_STRING as arrays; NULL as null. A scalar example",
    'expects one value per input row; an aggregate example treats the inputs as one group and expects one value.',
    '',
    '## Diagnostics',
    '',
    '| Code | Meaning |',
    '| --- | --- |',
    ...Object.values(CODES).map((c) => `| ${c} | ${CODE_MEANINGS[c] ?? ''} |`),
    '',
    '## Catalog',
    '',
  );
  for (const cat of CATEGORY_ORDER) {
    const entries = CATALOG.filter((e) => e.category === cat);
    if (entries.length === 0) continue;
    push(`### ${CATEGORY_TITLES[cat]}`, '');
    push(entries.map((e) => `[${e.name}](#${anchor(e)})`).join(' · '), '');
    for (const e of entries) push(entrySection(e));
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
