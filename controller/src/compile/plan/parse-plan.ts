/**
 * Compiles a LogSource into a ParsePlan: one SQL query per engine that turns
 * raw lines into typed records (see ParsePlan for the runner contract).
 *
 * The query is a chain of CTEs:
 *   _lines    CR stripped
 *   _records  multi-line grouping (multiline sources only)
 *   _raw      the format: raw fields _r1.._rN, _status and _reason
 *   _f1.._fK  the fields, in dependency layers (a field reads only earlier layers)
 *   final     filter → _status 'filtered', labels, Quiver's columns
 */
import { diagnostic, type Diagnostic } from '../../diag/index.js';
import { hasLazyQuantifier, keepCaptureGroups, type DataType, type DatasetDef, type ExprSource, type FieldDef, type SourceDef, type SourceFormat } from '../../config/index.js';
import { COMPILER_VERSION } from '../../version.js';
import { compileExpression, type CompiledExpr, type Scope, type ScopeEntry } from '../expr/compile.js';
import { CAST_TEXT_GRAMMARS, renderCast, sqlTypeOf, type Engine } from '../types/index.js';
import { both, cte, lit, q, regexEscape, regexFind, startsWithSql, stripCr, withQuery, type Both } from './sql-builder.js';
import type { ParsePlan, ParseParts } from './types.js';

export const PlanCodes = {
  laterField: 'QV4050',
  selfReference: 'QV4051',
  rawOutOfRange: 'QV4052',
} as const;

interface CompiledField {
  def: FieldDef;
  sql: Both;
  layer: number;
  /** The earlier fields its definition reads. */
  reads: string[];
}

/**
 * The semantic definition of a source, for stage keys: what changes the
 * parsed rows, and nothing else. Fields are keyed by name (their order does
 * not change any value); definitions appear as compiled SQL, so whitespace
 * and quoting style do not count; names and descriptions for people are left out.
 */
export interface CanonicalSource {
  format: SourceFormat;
  fields: Record<string, { data_type: DataType; index: number[]; path: string[]; null_values: string[]; definition: Both | null }>;
  filter: Both | null;
}

export interface ParsePlanOptions {
  /** The dataset whose label parts to join; without one, _label comes from quiver_inputs only. */
  dataset?: DatasetDef;
}

/** JSON path as written ($.a.b, $.a[0], $['a.b']) → each engine's path syntax. */
function jsonPath(path: string, e: Engine): string {
  if (e === 'spark') return path;
  // DuckDB: bracket-quoted keys become "..."
  return path.replace(/\['([^'\\]+)'\]/g, (_m, k: string) => `."${k}"`);
}

function maxIndex(fields: FieldDef[]): number {
  return fields.reduce((m, f) => Math.max(m, ...f.index), 0);
}

interface Check {
  when: string;
  status: 'rejected' | 'skipped';
  reason: string | null;
}

/**
 * Raw field extraction and record status for one (non-multiline) format over
 * `_text`. `pre` checks (multiline record problems) come before the format's.
 */
function formatStage(
  format: Exclude<SourceFormat, { kind: 'multiline' }>,
  fields: FieldDef[],
  e: Engine,
  from: string,
  pre: Check[],
): string {
  const keep = `_fid, _line, _text`;
  let inner = from;
  let rawCols: string[] = [];
  let checks: Check[] = [];
  if (format.kind === 'regex') {
    const groups = [...new Set(fields.flatMap((f) => f.index))].sort((a, b) => a - b);
    // Wrapped so group 1 is the whole record: a non-empty group 1 means "matched".
    const wrapped = `^(${format.pattern})$`;
    if (e === 'duckdb') {
      // The groups the fields use, in batches of at most four per regexp_extract: RE2 extracts up
      // to five captures (the whole match counts) with its one-pass engine, and more with slower
      // ones, about 3x per line. Each batch reads the pattern with only its groups capturing
      // (keepCaptureGroups: the same texts); the first also holds the wrapper group. A pattern
      // with a lazy quantifier is ambiguous, which the one-pass engine never takes: there, batches
      // would only add passes (web_http: 1.8 s for two against 1.1 s for one, per 1M lines).
      const used = groups.filter((g) => g > 0);
      const size = hasLazyQuantifier(format.pattern) ? used.length + 1 : 4;
      const batches = [used.slice(0, size - 1)];
      for (let k = size - 1; k < used.length; k += size) batches.push(used.slice(k, k + size));
      const extracts = batches.map((b, k) => {
        const only = keepCaptureGroups(format.pattern, b);
        const names = [...(k === 0 ? ['_m'] : []), ...b.map((g) => `g${g}`)];
        return `regexp_extract(_text, ${lit(k === 0 ? `^(${only})$` : `^(?:${only})$`, e)}, [${names.map((n) => lit(n, e)).join(', ')}]) AS _g${k}`;
      });
      inner = `(SELECT *, ${extracts.join(', ')} FROM ${from})`;
      rawCols = groups.map((g) => (g === 0 ? `_g0._m AS _r0` : `_g${batches.findIndex((b) => b.includes(g))}.g${g} AS _r${g}`));
      checks = [{ when: `NOT (CASE WHEN _text = '' THEN regexp_full_match('', ${lit(format.pattern, e)}) ELSE _g0._m <> '' END)`, status: 'rejected', reason: 'does not match the regex' }];
    } else {
      rawCols = groups.map((g) => `regexp_extract(_text, ${lit(wrapped, e)}, ${g + 1}) AS _r${g}`);
      checks = [{ when: `NOT (_text RLIKE ${lit(wrapped, e)})`, status: 'rejected', reason: 'does not match the regex' }];
    }
  } else if (format.kind === 'delimited') {
    const cols = [...new Set(fields.flatMap((f) => f.index))].sort((a, b) => a - b);
    const need = maxIndex(fields);
    const split =
      format.quote === ''
        ? e === 'duckdb'
          ? `string_split(_text, ${lit(format.delimiter, e)})`
          : `split(_text, ${lit(regexEscape(format.delimiter), e)}, -1)`
        : quotedSplit(format.delimiter, format.quote, format.escape, e);
    inner = `(SELECT *, ${split} AS _cols FROM ${from})`;
    const at = (i: number): string => (e === 'duckdb' ? `_cols[${i}]` : `get(_cols, ${i - 1})`);
    const unquote = (x: string): string => (format.quote === '' ? x : unquoteSql(x, format.quote, format.escape, e));
    rawCols = cols.map((c) => `${unquote(at(c))} AS _r${c}`);
    const size = e === 'duckdb' ? 'len(_cols)' : 'size(_cols)';
    checks = [
      { when: `_text = ''`, status: 'skipped', reason: null },
      ...(format.commentPrefix ? [{ when: startsWithSql('_text', format.commentPrefix, e), status: 'skipped' as const, reason: null }] : []),
      ...(format.skipHeaderLines > 0 ? [{ when: `_line <= ${format.skipHeaderLines}`, status: 'skipped' as const, reason: null }] : []),
      { when: `${size} < ${need}`, status: 'rejected', reason: `too few columns (needs ${need})` },
    ];
  } else {
    const paths = [...new Set(fields.flatMap((f) => f.path))];
    // DuckDB's json_extract_string raises an error on text that is not JSON (Spark's
    // get_json_object gives NULL): it reads only the records json_valid accepts, so a malformed
    // line is a rejected record instead of a failed stage.
    if (e === 'duckdb') inner = `(SELECT *, json_valid(_text) AS _jv FROM ${from})`;
    rawCols = paths.map((p, i) =>
      e === 'duckdb'
        ? `CASE WHEN _jv THEN json_extract_string(_text, ${lit(jsonPath(p, e), e)}) END AS _j${i + 1}`
        : `get_json_object(_text, ${lit(jsonPath(p, e), e)}) AS _j${i + 1}`,
    );
    const valid = e === 'duckdb' ? `(_jv AND starts_with(ltrim(_text), '{'))` : `(get_json_object(_text, '$') IS NOT NULL AND startswith(ltrim(_text), '{'))`;
    checks = [
      { when: `_text = ''`, status: 'skipped', reason: null },
      { when: `NOT ${valid}`, status: 'rejected', reason: 'not a JSON object' },
    ];
  }
  const all = [...pre, ...checks];
  const status = `CASE ${all.map((c) => `WHEN ${c.when} THEN '${c.status}'`).join(' ')} ELSE 'ok' END`;
  const reason = `CASE ${all.map((c) => `WHEN ${c.when} THEN ${c.reason === null ? 'NULL' : lit(c.reason, e)}`).join(' ')} END`;
  return `SELECT ${keep}${rawCols.map((c) => `, ${c}`).join('')}, ${status} AS _status, ${reason} AS _reason FROM ${inner}`;
}

/** Fields of a quoted CSV line: a quoted value (quotes doubled or escaped) or a bare one. */
function quotedSplit(delim: string, quote: string, escape: string, e: Engine): string {
  const d = regexEscape(delim);
  const qq = regexEscape(quote);
  const esc = escape && escape !== quote ? `${regexEscape(escape)}.|` : '';
  const field = `(${qq}(?:${esc}[^${qq}${escape && escape !== quote ? regexEscape(escape) : ''}]|${qq}${qq})*${qq}|[^${d}]*)`;
  const pattern = `(?:^|${d})${field}`;
  return e === 'duckdb' ? `regexp_extract_all(_text, ${lit(pattern, e)}, 1)` : `regexp_extract_all(_text, ${lit(pattern, e)}, 1)`;
}

function unquoteSql(x: string, quote: string, escape: string, e: Engine): string {
  const qv = lit(quote, e);
  const inner = e === 'duckdb' ? `${x}[2:-2]` : `substring(${x}, 2, length(${x}) - 2)`;
  const unescaped = escape && escape !== quote ? `replace(${inner}, ${lit(escape + quote, e)}, ${qv})` : `replace(${inner}, ${lit(quote + quote, e)}, ${qv})`;
  const starts = e === 'duckdb' ? `starts_with(${x}, ${qv})` : `startswith(${x}, ${qv})`;
  return `CASE WHEN ${starts} AND length(${x}) >= 2 THEN ${unescaped} ELSE ${x} END`;
}

/** Groups lines into records for a multiline source (over _lines → _records). */
function recordStage(format: Extract<SourceFormat, { kind: 'multiline' }>, e: Engine): string[] {
  const start = format.startPattern
    ? `CASE WHEN ${regexFind('_text', format.startPattern, e)} THEN 1 ELSE 0 END`
    : `CASE WHEN _text <> '' AND coalesce(lag(_text) OVER (PARTITION BY _fid ORDER BY _line), '') = '' THEN 1 ELSE 0 END`;
  const frame = 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW';
  // DuckDB: a plain list() sorted per record rather than an ordered aggregate (string_agg ... ORDER
  // BY), which buffers and sorts every group's rows apart and took most of the parse time; the
  // same text, as Spark builds it.
  const joined =
    e === 'duckdb'
      ? `rtrim(array_to_string(list_transform(list_sort(list({'l': _line, 't': _text})), lambda x: x.t), chr(10)), chr(10))`
      : `regexp_replace(concat_ws(chr(10), transform(array_sort(collect_list(struct(_line, _text))), x -> x._text)), '\\n+$', '')`;
  const blankAll = e === 'duckdb' ? `bool_and(_text = '')` : `bool_and(_text = '')`;
  return [
    cte('_marked', `SELECT _fid, _line, _text, ${start} AS _start FROM _lines`),
    cte('_grouped', `SELECT _fid, _line, _text, sum(_start) OVER (PARTITION BY _fid ORDER BY _line ${frame}) AS _rec FROM _marked`),
    cte(
      '_records',
      `SELECT _fid, min(_line) AS _line, ${joined} AS _text, count(*) AS _nlines, max(_rec) = 0 AS _orphan, ${blankAll} AS _blank FROM _grouped GROUP BY _fid, _rec`,
    ),
  ];
}

export function compileParsePlan(src: SourceDef, opts: ParsePlanOptions = {}): { plan?: ParsePlan; canonical?: CanonicalSource; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const format = src.format;
  const inner = format.kind === 'multiline' ? format.inner : format;

  // 1. Compile every field against raw fields and earlier fields.
  const compiled: CompiledField[] = [];
  const byName = new Map<string, CompiledField>();
  const rawRef = (f: FieldDef, k: number): string | undefined => {
    if (inner.kind === 'json_lines') {
      const p = f.path[k - 1];
      if (p === undefined) return undefined;
      const paths = [...new Set(src.fields.flatMap((x) => x.path))];
      return `_j${paths.indexOf(p) + 1}`;
    }
    const ix = f.index[k - 1];
    return ix === undefined ? undefined : `_r${ix}`;
  };
  const withNulls = (col: string, f: FieldDef, e: Engine): string =>
    f.nullValues.length ? `CASE WHEN ${col} IN (${f.nullValues.map((v) => lit(v, e)).join(', ')}) THEN NULL ELSE ${col} END` : col;

  src.fields.forEach((f, i) => {
    const fieldPath = ['fields', i];
    if (!f.definition) {
      const col = rawRef(f, 1);
      if (!col) return; // reported by the config checks (needs exactly one raw field)
      const sql = both((e) => rawCast(withNulls(col, f, e), f.dataType, e));
      const cf = { def: f, sql, layer: 0, reads: [] };
      compiled.push(cf);
      byName.set(f.name, cf);
      return;
    }
    const raws = f.index.length + f.path.length;
    const scope = fieldScope(src, f, i, raws, byName, (k, e) => {
      const col = rawRef(f, k);
      return col ? withNulls(col, f, e) : 'NULL';
    });
    const r = compileExpression(f.definition, scope, { mode: 'scalar', expected: f.dataType, what: `field '${f.name}' definition` });
    diagnostics.push(...explainLaterFields(r.diagnostics, f.definition, src, i));
    if (!r.expr) {
      // Keep a typed placeholder so later fields do not report cascades.
      const cf = { def: f, sql: both(() => `CAST(NULL AS STRING)`), layer: 0, reads: [] };
      byName.set(f.name, cf);
      return;
    }
    const reads = r.expr.references.filter((n) => byName.has(n));
    const layer = 1 + Math.max(0, ...reads.map((n) => byName.get(n)?.layer ?? 0));
    const cf = { def: f, sql: castTo(r.expr, f.dataType), layer, reads };
    compiled.push(cf);
    byName.set(f.name, cf);
    void fieldPath;
  });

  let filter: CompiledExpr | undefined;
  if (src.filter) {
    const scope = fieldsScope(src.fields.map((f) => f.name), (n) => byName.get(n)?.def.dataType);
    const r = compileExpression(src.filter, scope, { mode: 'scalar', expected: 'BOOLEAN', what: `source '${src.name}' filter` });
    diagnostics.push(...r.diagnostics);
    filter = r.expr;
  }
  if (diagnostics.some((d) => d.severity === 'error') || compiled.length !== src.fields.length) return { diagnostics };

  // 2. Label tables for the dataset's label-file parts.
  const labelParts = (opts.dataset?.parts ?? []).filter((p) => p.labels);
  const labelTables = labelParts.map((p, k) => ({
    table: `quiver_labels_${k}`,
    part: p.name,
    file: p.labels?.file ?? '',
    columns: [...new Set([...Object.values(p.labels?.join ?? {}), p.labels?.column ?? ''])],
  }));

  /** The WITH entries up to `_raw` (lines, records, raw fields and status). */
  const headCtes = (e: Engine): string[] => {
    const ctes: string[] = [cte('_lines', `SELECT _fid, _line, ${stripCr('line', e)} AS _text FROM quiver_lines`)];
    let from = '_lines';
    if (format.kind === 'multiline') {
      ctes.push(...recordStage(format, e));
      from = '_records';
    }
    const pre: Check[] =
      format.kind === 'multiline'
        ? [
            { when: '_blank', status: 'skipped', reason: null },
            { when: '_orphan', status: 'rejected', reason: 'text before the first record' },
            { when: `_nlines > ${format.maxLines}`, status: 'rejected', reason: `record longer than ${format.maxLines} lines` },
          ]
        : [];
    const rawSql = formatStage(inner, src.fields, e, from, pre);
    ctes.push(cte('_raw', rawSql));
    return ctes;
  };
  const labels = (e: Engine): { expr: string; joins: string } => labelExpr(labelParts, labelTables, e);
  const fieldCols = (e: Engine): string =>
    [...src.fields]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((f) => `f.${q(f.name, e)}`)
      .join(', ');
  const render = (e: Engine): string => {
    const ctes = headCtes(e);
    const maxLayer = Math.max(0, ...compiled.map((c) => c.layer));
    let prev = '_raw';
    for (let layer = 0; layer <= maxLayer; layer++) {
      const cols = [...compiled].sort((a, b) => (a.def.name < b.def.name ? -1 : 1)).filter((c) => c.layer === layer).map((c) => `${c.sql[e]} AS ${q(c.def.name, e)}`);
      if (!cols.length) continue;
      const name = `_f${layer}`;
      ctes.push(cte(name, `SELECT *, ${cols.join(', ')} FROM ${prev}`));
      prev = name;
    }
    const status = filter ? `CASE WHEN _status = 'ok' AND NOT coalesce(${filter[e]}, FALSE) THEN 'filtered' ELSE _status END` : '_status';
    const { expr: label, joins } = labels(e);
    const rawText = e === 'duckdb' ? `left(f._text, 4096)` : `substring(f._text, 1, 4096)`;
    const select = [
      `SELECT i._part AS _part, i._file AS _file, i._path AS _path, f._line AS _line, ${label} AS _label, ${fieldCols(e)},`,
      `  ${status.replace(/_status/g, 'f._status')} AS _status, f._reason AS _reason, CASE WHEN f._status = 'rejected' THEN ${rawText} END AS _raw`,
      `FROM ${prev} f JOIN quiver_inputs i ON f._fid = i._fid${joins}`,
    ].join('\n');
    return withQuery(ctes, select);
  };
  const parts = (): ParseParts => {
    const { expr: label, joins } = labels('duckdb');
    return {
      ctes: headCtes('duckdb'),
      fields: src.fields.map((f) => {
        const c = byName.get(f.name);
        return { name: f.name, duckdb: c?.sql.duckdb ?? 'NULL', reads: c?.reads ?? [] };
      }),
      ...(filter ? { filter: { duckdb: filter.duckdb, reads: filter.references.filter((n) => byName.has(n)) } } : {}),
      select: [
        `SELECT i._part AS _part, i._file AS _file, i._path AS _path, f._line AS _line, ${label} AS _label, ${fieldCols('duckdb')}`,
        `FROM _fields f JOIN quiver_inputs i ON f._fid = i._fid${joins}`,
      ].join('\n'),
    };
  };

  const canonical: CanonicalSource = {
    format: src.format,
    fields: Object.fromEntries(
      [...compiled]
        .sort((a, b) => (a.def.name < b.def.name ? -1 : 1))
        .map((c) => [
          c.def.name,
          { data_type: c.def.dataType, index: c.def.index, path: c.def.path, null_values: [...c.def.nullValues].sort(), definition: c.def.definition ? c.sql : null },
        ]),
    ),
    filter: filter ? { duckdb: filter.duckdb, spark: filter.spark } : null,
  };
  return {
    canonical,
    plan: {
      kind: 'parse',
      source: src.name,
      compilerVersion: COMPILER_VERSION,
      labelTables,
      fields: src.fields.map((f) => ({ name: f.name, type: f.dataType })),
      sql: { duckdb: render('duckdb'), spark: render('spark') },
      ...(format.kind === 'multiline' ? { multiline: true as const } : {}),
      parts: parts(),
    },
    diagnostics,
  };
}

/**
 * A raw field's text as its declared type: renderCast's conversion, with DuckDB's number casts
 * gated by a full match of the same grammar instead of extracting its capture group (RE2 decides
 * a full match by DFA; extracting a group takes its slower submatch engines, about 2x per value).
 * The same values: a text the grammar accepts is the number with spaces around it, and DuckDB's
 * TRY_CAST ignores those spaces (checked against renderCast in parse-plan.test.ts).
 */
export function rawCast(col: string, to: DataType, e: Engine): string {
  const grammar = to === 'INT' || to === 'LONG' ? CAST_TEXT_GRAMMARS.INTEGER_TEXT : to === 'DOUBLE' ? CAST_TEXT_GRAMMARS.DOUBLE_TEXT : undefined;
  if (e !== 'duckdb' || !grammar || !grammar.startsWith('^') || !grammar.endsWith('\\z')) return renderCast(col, 'STRING', to, e);
  const whole = grammar.slice(1, -2);
  return `CASE WHEN regexp_full_match(${col}, ${lit(whole, e)}) THEN TRY_CAST(${col} AS ${sqlTypeOf(to, e)}) END`;
}

/** Always ends in an explicit CAST, so the Parquet column has exactly the declared type on both engines. */
function castTo(expr: CompiledExpr, to: DataType): Both {
  return both((e) => {
    const sql = expr.type === to ? expr[e] : renderCast(expr[e], expr.type, to, e);
    return `CAST(${sql} AS ${sqlTypeOf(to, e)})`;
  });
}

function fieldsScope(names: string[], typeOf: (n: string) => DataType | undefined, extra: ScopeEntry[] = []): Scope {
  const entries = new Map<string, ScopeEntry>();
  for (const n of names) {
    const t = typeOf(n);
    if (t) entries.set(n, { name: n, type: t, sql: both((e) => q(n, e)) });
  }
  for (const x of extra) entries.set(x.name, x);
  return { lookup: (n) => entries.get(n), names: () => [...entries.keys()] };
}

function fieldScope(
  src: SourceDef,
  f: FieldDef,
  position: number,
  raws: number,
  earlier: Map<string, CompiledField>,
  raw: (k: number, e: Engine) => string,
): Scope {
  const extra: ScopeEntry[] = [];
  for (let k = 1; k <= raws; k++) extra.push({ name: `$${k}`, type: 'STRING', sql: both((e) => raw(k, e)) });
  const names = src.fields.slice(0, position).map((x) => x.name).filter((n) => earlier.has(n));
  return fieldsScope(names, (n) => earlier.get(n)?.def.dataType, extra);
}

/** Rewrites "unknown name" errors about later fields (or the field itself) into what actually went wrong. */
function explainLaterFields(diags: Diagnostic[], def: ExprSource, src: SourceDef, position: number): Diagnostic[] {
  const self = src.fields[position]?.name;
  return diags.map((d) => {
    const m = /unknown name '([^']+)'/.exec(d.message);
    if (d.code !== 'QV4022' || !m) return d;
    const name = m[1] ?? '';
    if (name === self) return { ...d, code: PlanCodes.selfReference, message: `field '${self}' refers to itself`, hint: 'a definition may read raw fields ($1, $2, ...) and fields declared before it' };
    const later = src.fields.findIndex((x, i) => i > position && x.name === name);
    if (later >= 0)
      return {
        ...d,
        code: PlanCodes.laterField,
        message: `field '${self}' refers to '${name}', which is declared after it`,
        hint: 'move it below, or move the definition it needs above: fields may read only earlier fields, so there are no cycles',
      };
    if (/^\$\d+$/.test(name)) {
      const f = src.fields[position];
      const have = (f?.index.length ?? 0) + (f?.path.length ?? 0);
      return { ...d, code: PlanCodes.rawOutOfRange, message: `${name} is not one of this field's raw fields: it has ${have} (${have ? `$1..$${have}` : 'none'}), one per index entry` };
    }
    void def;
    return d;
  });
}

function labelExpr(
  parts: NonNullable<DatasetDef['parts']>,
  tables: ParsePlan['labelTables'],
  e: Engine,
): { expr: string; joins: string } {
  if (!parts.length) return { expr: 'i._label', joins: '' };
  const terms: string[] = ['i._label'];
  const defaults: string[] = [];
  let joins = '';
  parts.forEach((p, k) => {
    const l = p.labels;
    const t = tables[k];
    if (!l || !t) return;
    const alias = `l${k}`;
    const keyCols = Object.values(l.join);
    const text = e === 'duckdb' ? 'VARCHAR' : 'STRING';
    const dedup = `SELECT ${keyCols.map((c) => q(c, e)).join(', ')}, min(${q(l.column, e)}) AS _l FROM ${t.table} GROUP BY ${keyCols.map((c) => q(c, e)).join(', ')}`;
    const conds = Object.entries(l.join).map(([field, col]) => {
      const left = field === '_file' ? 'i._file' : field === '_line' ? `CAST(f._line AS ${text})` : `CAST(f.${q(field, e)} AS ${text})`;
      return `${alias}.${q(col, e)} = ${left}`;
    });
    joins += `\nLEFT JOIN (${dedup}) ${alias} ON i._part = ${lit(p.name, e)} AND ${conds.join(' AND ')}`;
    terms.push(`${alias}._l`);
    if (l.default) defaults.push(`CASE WHEN i._part = ${lit(p.name, e)} THEN ${lit(l.default, e)} END`);
  });
  return { expr: `coalesce(${[...terms, ...defaults].join(', ')})`, joins };
}
