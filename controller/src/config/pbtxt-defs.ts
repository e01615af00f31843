/**
 * Turns parsed text-format messages (LogSource, FeatureSet) into typed defs,
 * reporting the checks that need only the one file: required fields, names,
 * data types, `index` against the format, windows.
 */
import { diagnostic, type Diagnostic, type Span } from '../diag/index.js';
import { isDataType, type DataType } from './data-type.js';
import type {
  DelimitedFormat,
  FeatureDef,
  FeatureSetDef,
  FieldDef,
  JsonLinesFormat,
  Locator,
  RegexFormat,
  SourceDef,
  SourceFormat,
} from './model.js';
import { exprSourceOf } from './pbtxt/index.js';
import type { ParsedMessage, ParsedValue } from './pbtxt/types.js';
import type { ExprSource } from './text-origin.js';
import { countCaptureGroups } from './regex-groups.js';

export const DefCodes = {
  missing: 'QV1101',
  badName: 'QV1102',
  duplicateName: 'QV1103',
  badType: 'QV1104',
  badIndex: 'QV1105',
  badFormat: 'QV1106',
  badWindow: 'QV1107',
  entityWindow: 'QV1108',
  reservedName: 'QV1109',
  nameMismatch: 'QV1110',
} as const;

const RESOURCE_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const COLUMN_NAME = /^[a-z][a-z0-9_]{0,62}$/;

type Path = ReadonlyArray<string | number>;

/** Follows a path of field names and list indexes through a parsed message. */
function valueAt(m: ParsedMessage, path: Path): { value?: ParsedValue; nameSpan?: Span; owner: ParsedMessage } {
  let cur: ParsedMessage = m;
  let i = 0;
  let last: { value?: ParsedValue; nameSpan?: Span } = {};
  while (i < path.length) {
    const name = path[i];
    if (typeof name !== 'string') break;
    const f = cur.fields.get(name);
    if (!f) return { owner: cur };
    let idx = 0;
    if (typeof path[i + 1] === 'number') {
      idx = path[i + 1] as number;
      i += 2;
    } else i += 1;
    const v = f.values[idx];
    last = { nameSpan: f.nameSpan, ...(v ? { value: v } : {}) };
    if (!v) return { owner: cur, nameSpan: f.nameSpan };
    if (v.kind === 'message' && i < path.length) cur = v.message;
    else if (i < path.length) return { ...last, owner: cur };
  }
  return { ...last, owner: cur };
}

export function pbtxtLocator(m: ParsedMessage): Locator {
  return (path, which = 'value') => {
    if (path.length === 0) return m.span;
    const r = valueAt(m, path);
    if (which === 'key' && r.nameSpan) return r.nameSpan;
    return r.value?.span ?? r.nameSpan ?? r.owner.span;
  };
}

function str(m: ParsedMessage, name: string): string | undefined {
  const v = m.fields.get(name)?.values[0];
  return v && v.kind === 'string' ? v.value : undefined;
}
function strings(m: ParsedMessage, name: string): string[] {
  return (m.fields.get(name)?.values ?? []).flatMap((v) => (v.kind === 'string' ? [v.value] : []));
}
function expr(m: ParsedMessage, name: string): ExprSource | undefined {
  const v = m.fields.get(name)?.values[0];
  return v && v.kind === 'string' && v.value.trim() !== '' ? exprSourceOf(v) : undefined;
}
function uint(m: ParsedMessage, name: string): number | undefined {
  const v = m.fields.get(name)?.values[0];
  return v && v.kind === 'int' ? Number(v.value) : undefined;
}
function uints(m: ParsedMessage, name: string): number[] {
  return (m.fields.get(name)?.values ?? []).flatMap((v) => (v.kind === 'int' ? [Number(v.value)] : []));
}
function bool(m: ParsedMessage, name: string): boolean {
  const v = m.fields.get(name)?.values[0];
  return v !== undefined && v.kind === 'bool' && v.value;
}
function message(m: ParsedMessage, name: string): ParsedMessage | undefined {
  const v = m.fields.get(name)?.values[0];
  return v && v.kind === 'message' ? v.message : undefined;
}
function messages(m: ParsedMessage, name: string): ParsedMessage[] {
  return (m.fields.get(name)?.values ?? []).flatMap((v) => (v.kind === 'message' ? [v.message] : []));
}
function enumName(m: ParsedMessage, name: string): string | undefined {
  const v = m.fields.get(name)?.values[0];
  return v && v.kind === 'enum' ? v.name : undefined;
}

class Checker {
  readonly diags: Diagnostic[] = [];
  constructor(
    readonly file: string,
    readonly locate: Locator,
  ) {}
  error(path: Path, code: string, message: string, extra: { expected?: string; hint?: string; which?: 'key' | 'value' } = {}): void {
    const { which, ...rest } = extra;
    this.diags.push(diagnostic(this.file, this.locate(path, which), code, message, rest));
  }
  warn(path: Path, code: string, message: string): void {
    this.diags.push(diagnostic(this.file, this.locate(path), code, message, { severity: 'warning' }));
  }
  name(m: ParsedMessage, path: Path, what: string, pattern: RegExp, expected: string): string {
    const n = str(m, 'name');
    if (n === undefined || n === '') {
      this.error(path, DefCodes.missing, `${what} has no name`, { expected: "name: \"...\"" });
      return '';
    }
    if (!pattern.test(n)) this.error([...path, 'name'], DefCodes.badName, `'${n}' is not a valid ${what} name`, { expected });
    return n;
  }
  dataType(m: ParsedMessage, path: Path, what: string): DataType {
    const t = enumName(m, 'data_type');
    if (t === undefined || !isDataType(t)) {
      this.error(t === undefined ? path : [...path, 'data_type'], DefCodes.badType, `${what} has no data_type`, {
        expected: 'data_type: STRING, BOOLEAN, INT, LONG, DOUBLE, TIMESTAMP, DATE or ARRAY_STRING',
      });
      return 'STRING';
    }
    return t;
  }
}

function fileStem(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return base.replace(/\.[^.]+$/, '');
}

function innerFormat(c: Checker, m: ParsedMessage | undefined, path: Path, allowMultiline: boolean): SourceFormat | undefined {
  if (!m || m.fields.size === 0) {
    c.error(path, DefCodes.badFormat, 'the format is not set', { expected: allowMultiline ? 'one of delimited, regex, json_lines, multiline' : 'one of delimited, regex, json_lines' });
    return undefined;
  }
  const d = message(m, 'delimited');
  if (d) {
    const delimiter = str(d, 'delimiter') ?? ',';
    const quote = str(d, 'quote') ?? '';
    const escape = str(d, 'escape') ?? '';
    const p = [...path, 'delimited'];
    if ([...delimiter].length !== 1) c.error([...p, 'delimiter'], DefCodes.badFormat, `the delimiter must be one character, not ${JSON.stringify(delimiter)}`);
    if ([...quote].length > 1) c.error([...p, 'quote'], DefCodes.badFormat, 'the quote must be one character or empty');
    if ([...escape].length > 1) c.error([...p, 'escape'], DefCodes.badFormat, 'the escape must be one character or empty');
    if (escape && !quote) c.error([...p, 'escape'], DefCodes.badFormat, 'an escape character needs a quote character');
    const f: DelimitedFormat = { kind: 'delimited', delimiter, quote, escape, skipHeaderLines: uint(d, 'skip_header_lines') ?? 0, commentPrefix: str(d, 'comment_prefix') ?? '' };
    return f;
  }
  const r = message(m, 'regex');
  if (r) {
    const pattern = str(r, 'pattern') ?? '';
    if (!pattern) {
      c.error([...path, 'regex'], DefCodes.badFormat, 'the regex has no pattern', { expected: 'pattern: "..."' });
      return undefined;
    }
    const groups = countCaptureGroups(pattern);
    if (groups.error) {
      c.error([...path, 'regex', 'pattern'], DefCodes.badFormat, `the pattern is not a valid regular expression: ${groups.error}`);
      return undefined;
    }
    const f: RegexFormat = { kind: 'regex', pattern, groups: groups.count };
    return f;
  }
  if (m.fields.has('json_lines')) {
    const f: JsonLinesFormat = { kind: 'json_lines' };
    return f;
  }
  const ml = message(m, 'multiline');
  if (ml) {
    const p = [...path, 'multiline'];
    if (!allowMultiline) {
      c.error(p, DefCodes.badFormat, 'a multiline format cannot be nested in another multiline format', { expected: 'delimited, regex or json_lines' });
      return undefined;
    }
    const startPattern = str(ml, 'start_pattern');
    const blank = bool(ml, 'blank_line_separated');
    if (!startPattern && !blank) c.error(p, DefCodes.badFormat, 'a multiline format needs start_pattern or blank_line_separated: true');
    if (startPattern) {
      const g = countCaptureGroups(startPattern);
      if (g.error) c.error([...p, 'start_pattern'], DefCodes.badFormat, `start_pattern is not a valid regular expression: ${g.error}`);
    }
    const inner = innerFormat(c, message(ml, 'inner'), [...p, 'inner'], false);
    if (!inner || inner.kind === 'multiline') return undefined;
    return {
      kind: 'multiline',
      ...(startPattern ? { startPattern } : {}),
      blankLineSeparated: blank,
      maxLines: uint(ml, 'max_lines') ?? 1000,
      inner,
    };
  }
  c.error(path, DefCodes.badFormat, 'the format is not set', { expected: 'one of delimited, regex, json_lines, multiline' });
  return undefined;
}

/** The raw-field kind a format's `index`/`path` must use. */
function rawKind(f: SourceFormat): DelimitedFormat | RegexFormat | JsonLinesFormat {
  return f.kind === 'multiline' ? f.inner : f;
}

export function normalizeSource(file: string, m: ParsedMessage): { def?: SourceDef; diagnostics: Diagnostic[] } {
  const locate = pbtxtLocator(m);
  const c = new Checker(file, locate);
  const name = c.name(m, [], 'source', RESOURCE_NAME, "lower-case letters, digits, '_' and '-', starting with a letter");
  if (name && name !== fileStem(file)) c.warn(['name'], DefCodes.nameMismatch, `source '${name}' is declared in ${file}; name the file ${name}.pbtxt so it is easy to find`);
  const format = innerFormat(c, message(m, 'format'), ['format'], true);
  const fieldMsgs = messages(m, 'fields');
  if (fieldMsgs.length === 0) c.error([], DefCodes.missing, `source '${name}' has no fields`, { expected: 'fields { name: ... data_type: ... index: ... }' });
  const fields: FieldDef[] = [];
  const seen = new Map<string, number>();
  fieldMsgs.forEach((fm, i) => {
    const p = ['fields', i];
    const fname = c.name(fm, p, 'field', COLUMN_NAME, "lower-case letters, digits and '_', starting with a letter (names starting with '_' are Quiver's)");
    if (fname && seen.has(fname)) c.error([...p, 'name'], DefCodes.duplicateName, `field '${fname}' is declared twice in source '${name}' (first as field ${(seen.get(fname) ?? 0) + 1})`);
    else if (fname) seen.set(fname, i);
    const dataType = c.dataType(fm, p, `field '${fname}'`);
    const index = uints(fm, 'index');
    const path = strings(fm, 'path');
    const definition = expr(fm, 'definition');
    if (format) {
      const k = rawKind(format);
      if (k.kind === 'json_lines') {
        if (index.length) c.error([...p, 'index'], DefCodes.badIndex, `field '${fname}': json_lines sources name raw fields by JSON path`, { expected: 'path: "$.a.b"' });
        path.forEach((jp, j) => {
          if (!/^\$(\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\]|\['[^'\\]+'\])*$/.test(jp))
            c.error([...p, 'path', j], DefCodes.badIndex, `field '${fname}': ${JSON.stringify(jp)} is not a supported JSON path`, { expected: "$.key, $.key[0] or $['dotted.key']" });
        });
      } else {
        if (path.length) c.error([...p, 'path'], DefCodes.badIndex, `field '${fname}': path is only for json_lines sources`, { expected: 'index: <number>' });
        index.forEach((ix, j) => {
          if (k.kind === 'regex' && ix > k.groups)
            c.error([...p, 'index', j], DefCodes.badIndex, `field '${fname}': index ${ix} is beyond the pattern's ${k.groups} capture group${k.groups === 1 ? '' : 's'}`, { expected: `0 to ${k.groups}` });
          if (k.kind === 'delimited' && ix < 1) c.error([...p, 'index', j], DefCodes.badIndex, `field '${fname}': columns are numbered from 1`, { expected: 'a column number from 1' });
        });
      }
    }
    const raws = index.length + path.length;
    if (!definition && raws !== 1)
      c.error(p, DefCodes.badIndex, `field '${fname}' has no definition, so it needs exactly one raw field, not ${raws}`, { expected: 'one index (or path), or a definition' });
    fields.push({
      name: fname,
      displayName: str(fm, 'display_name') ?? '',
      description: str(fm, 'description') ?? '',
      dataType,
      index,
      path,
      ...(definition ? { definition } : {}),
      nullValues: strings(fm, 'null_values'),
      position: i,
    });
  });
  const filter = expr(m, 'filter');
  if (!format) return { diagnostics: c.diags };
  return {
    def: { kind: 'source', file, locate, name, description: str(m, 'description') ?? '', format, fields, ...(filter ? { filter } : {}) },
    diagnostics: c.diags,
  };
}

/** "15m", "1h", "1d" → seconds; whole units only, so both engines bucket identically. */
export function parseWindow(text: string): number | undefined {
  const m = /^([1-9][0-9]{0,5})(s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

export function normalizeFeatureSet(file: string, m: ParsedMessage): { def?: FeatureSetDef; diagnostics: Diagnostic[] } {
  const locate = pbtxtLocator(m);
  const c = new Checker(file, locate);
  const name = c.name(m, [], 'feature set', RESOURCE_NAME, "lower-case letters, digits, '_' and '-', starting with a letter");
  if (name && name !== fileStem(file)) c.warn(['name'], DefCodes.nameMismatch, `feature set '${name}' is declared in ${file}; name the file ${name}.pbtxt so it is easy to find`);
  const source = str(m, 'source') ?? '';
  if (!source) c.error([], DefCodes.missing, `feature set '${name}' has no source`, { expected: 'source: "<source name>"' });
  const entity = expr(m, 'entity');
  const windowText = str(m, 'window');
  let window: FeatureSetDef['window'];
  if (windowText !== undefined && windowText !== '') {
    const seconds = parseWindow(windowText);
    if (seconds === undefined) c.error(['window'], DefCodes.badWindow, `window ${JSON.stringify(windowText)} is not a duration`, { expected: 'a whole number and a unit s, m, h or d, such as "15m", "1h" or "1d"' });
    else window = { text: windowText.trim(), seconds };
  }
  if (entity && windowText === undefined) c.error(['entity'], DefCodes.entityWindow, `feature set '${name}' has an entity but no window; aggregate sets need both`, { expected: 'window: "1h"' });
  if (!entity && windowText !== undefined) c.error(['window'], DefCodes.entityWindow, `feature set '${name}' has a window but no entity; aggregate sets need both`, { expected: 'entity: "<field or expression>"' });
  const featureMsgs = messages(m, 'features');
  if (featureMsgs.length === 0) c.error([], DefCodes.missing, `feature set '${name}' has no features`, { expected: 'features { name: ... data_type: ... definition: ... }' });
  const features: FeatureDef[] = [];
  const seen = new Map<string, number>();
  featureMsgs.forEach((fm, i) => {
    const p = ['features', i];
    const fname = c.name(fm, p, 'feature', COLUMN_NAME, "lower-case letters, digits and '_', starting with a letter (names starting with '_' are Quiver's)");
    if (fname && seen.has(fname)) c.error([...p, 'name'], DefCodes.duplicateName, `feature '${fname}' is declared twice in feature set '${name}' (first as feature ${(seen.get(fname) ?? 0) + 1})`);
    else if (fname) seen.set(fname, i);
    const dataType = c.dataType(fm, p, `feature '${fname}'`);
    const definition = expr(fm, 'definition');
    if (!definition) c.error(p, DefCodes.missing, `feature '${fname}' has no definition`, { expected: 'definition: "<Spark SQL expression>"' });
    else
      features.push({ name: fname, displayName: str(fm, 'display_name') ?? '', description: str(fm, 'description') ?? '', dataType, definition, position: i });
  });
  const filter = expr(m, 'filter');
  const timeField = str(m, 'time_field');
  return {
    def: {
      kind: 'featureSet',
      file,
      locate,
      name,
      description: str(m, 'description') ?? '',
      source,
      ...(entity ? { entity } : {}),
      ...(window ? { window } : {}),
      ...(filter ? { filter } : {}),
      ...(timeField ? { timeField } : {}),
      features,
    },
    diagnostics: c.diags,
  };
}
