import type { Document, Node as YamlNode, Pair } from 'yaml';
import type { ErrorObject } from 'ajv';
import { diagnostic, didYouMean, type Diagnostic, type Span, type SourceText } from '../../diag/index.js';
import { manifestValidator, readSchema, type ManifestKind } from './schemas.js';
import { lazyModule } from '../../lazy-require.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');

export type YamlPath = ReadonlyArray<string | number>;

/** A parsed, schema-valid manifest with a way back from any value to its file position. */
export interface YamlManifest {
  file: string;
  value: Record<string, unknown>;
  /** Span of the value at `path` (or of its key with which='key'); falls back to the nearest existing ancestor. */
  locate(path: YamlPath, which?: 'key' | 'value'): Span;
}

export const YamlCodes = {
  syntax: 'QV2001',
  notAMapping: 'QV2002',
  unknownKey: 'QV2003',
  missingKey: 'QV2004',
  wrongType: 'QV2005',
  badValue: 'QV2006',
  badPattern: 'QV2007',
  outOfRange: 'QV2008',
  duplicate: 'QV2009',
  oneOf: 'QV2010',
} as const;

export interface ManifestResult {
  manifest?: YamlManifest;
  diagnostics: Diagnostic[];
  /** The `name` the file declares, even when it is otherwise invalid. */
  declaredName?: string;
}

export function parseManifest(source: SourceText, kind: ManifestKind): ManifestResult {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    const [start, end] = e.pos;
    diagnostics.push(
      diagnostic(source.file, source.span(start, end), e.code === 'DUPLICATE_KEY' ? YamlCodes.duplicate : YamlCodes.syntax, cleanYamlMessage(e.message)),
    );
  }
  if (diagnostics.length) return { diagnostics };
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const locate = (path: YamlPath, which: 'key' | 'value' = 'value'): Span => locateIn(doc, source, path, which);
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push(diagnostic(source.file, locate([]), YamlCodes.notAMapping, 'the file must hold a YAML mapping (key: value pairs)', { expected: 'a mapping' }));
    return { diagnostics };
  }
  const validate = manifestValidator(kind);
  const name = (value as Record<string, unknown>)['name'];
  const declared = typeof name === 'string' ? { declaredName: name } : {};
  if (!validate(value)) {
    const schema = readSchema(kind);
    for (const err of simplifyErrors(validate.errors ?? [])) diagnostics.push(toDiagnostic(err, source.file, locate, schema, value));
    return { diagnostics, ...declared };
  }
  return { manifest: { file: source.file, value: value as Record<string, unknown>, locate }, diagnostics, ...declared };
}

function cleanYamlMessage(m: string): string {
  // yaml's messages end with a code frame after a colon+newline; keep the first line.
  return (m.split('\n')[0] ?? m).replace(/ at line \d+, column \d+:?$/, '');
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function locateIn(doc: Document.Parsed, source: SourceText, path: YamlPath, which: 'key' | 'value'): Span {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  let node: unknown = doc.contents;
  let keyNode: unknown;
  let last: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p: Pair) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      keyNode = undefined;
      node = node.items[seg];
    } else break;
    if (node) last = node;
    else break;
  }
  const target = (which === 'key' && keyNode ? keyNode : (node ?? keyNode ?? last)) as YamlNode | Pair | null | undefined;
  const range = target && !isPair(target) ? (target as YamlNode).range : undefined;
  if (range) return source.span(range[0], range[1]);
  return source.span(0, 0);
}

/** Drop the noise ajv adds for oneOf/if branches when a more precise error exists for the same place. */
function simplifyErrors(errors: ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'if') {
      const precise = errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && o.keyword !== 'required' && o.keyword !== 'oneOf');
      if (precise) continue;
    }
    // A `required` inside a oneOf branch is reported by the oneOf message instead.
    if (e.keyword === 'required' && /\/oneOf\/\d+\/required$/.test(e.schemaPath)) continue;
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

function schemaAt(root: Record<string, unknown>, schemaPath: string): Record<string, unknown> | undefined {
  // schemaPath like "#/properties/parts/items/properties/name/pattern" -> the schema owning the keyword
  const parts = schemaPath.replace(/^#\//, '').split('/').slice(0, -1);
  let cur: unknown = root;
  for (const p of parts) {
    if (cur && typeof cur === 'object') cur = (cur as Record<string, unknown>)[p.replace(/~1/g, '/').replace(/~0/g, '~')];
    else return undefined;
  }
  return cur && typeof cur === 'object' ? (cur as Record<string, unknown>) : undefined;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string '${v}'`;
  return `${typeof v === 'number' ? 'the number' : 'the value'} ${String(v)}`;
}

function typeWord(t: unknown): string {
  const words: Record<string, string> = { string: 'a string', number: 'a number', integer: 'an integer', boolean: 'true or false', object: 'a mapping', array: 'a list', null: 'null' };
  const list = Array.isArray(t) ? t : [t];
  return list.map((x) => words[String(x)] ?? String(x)).join(' or ');
}

function valueAtPath(root: unknown, path: YamlPath): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur && typeof cur === 'object') cur = (cur as Record<string | number, unknown>)[seg];
    else return undefined;
  }
  return cur;
}

function toDiagnostic(e: ErrorObject, file: string, locate: (p: YamlPath, w?: 'key' | 'value') => Span, schema: Record<string, unknown>, root: unknown): Diagnostic {
  const path = pointerToPath(e.instancePath);
  const data = valueAtPath(root, path);
  const where = path.length ? path.join('.') : 'the file';
  const owner = schemaAt(schema, e.schemaPath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const props = owner && typeof owner['properties'] === 'object' ? Object.keys(owner['properties'] as object) : [];
      const hint = didYouMean(key, props);
      return diagnostic(file, locate([...path, key], 'key'), YamlCodes.unknownKey, `unknown key '${key}'${path.length ? ` in ${where}` : ''}`, {
        ...(props.length ? { expected: `one of ${props.join(', ')}` } : {}),
        ...(hint ? { hint } : {}),
      });
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      return diagnostic(file, locate(path, path.length ? 'key' : 'value'), YamlCodes.missingKey, `missing required key '${key}'${path.length ? ` in ${where}` : ''}`);
    }
    case 'type':
      return diagnostic(file, locate(path), YamlCodes.wrongType, `${where} must be ${typeWord((e.params as { type: unknown }).type)}`);
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const hint = typeof data === 'string' ? didYouMean(data, allowed) : undefined;
      return diagnostic(file, locate(path), YamlCodes.badValue, `${where} is ${describeType(data)}, which is not allowed`, {
        expected: `one of ${allowed.join(', ')}`,
        ...(hint ? { hint } : {}),
      });
    }
    case 'const':
      return diagnostic(file, locate(path), YamlCodes.badValue, `${where} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`);
    case 'pattern': {
      const hint = owner && typeof owner['patternHint'] === 'string' ? (owner['patternHint'] as string) : `text matching ${(e.params as { pattern: string }).pattern}`;
      return diagnostic(file, locate(path), YamlCodes.badPattern, `${where}: ${describeType(data)} is not valid`, { expected: hint });
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return diagnostic(file, locate(path), YamlCodes.outOfRange, `${where} must be ${(e.params as { comparison: string }).comparison} ${(e.params as { limit: number }).limit}`);
    case 'minItems':
      return diagnostic(file, locate(path), YamlCodes.outOfRange, `${where} must have at least ${(e.params as { limit: number }).limit} item(s)`);
    case 'minLength':
      return diagnostic(file, locate(path), YamlCodes.badValue, `${where} must not be empty`);
    case 'minProperties':
      return diagnostic(file, locate(path), YamlCodes.outOfRange, `${where} must have at least ${(e.params as { limit: number }).limit} entry`);
    case 'uniqueItems':
      return diagnostic(file, locate(path), YamlCodes.duplicate, `${where} lists the same item twice (items ${(e.params as { j: number; i: number }).j + 1} and ${(e.params as { i: number }).i + 1})`);
    case 'oneOf': {
      const branches = owner && Array.isArray(owner['oneOf']) ? (owner['oneOf'] as Array<{ required?: string[] }>).flatMap((b) => b.required ?? []) : [];
      const msg = branches.length ? `${where} must have exactly one of ${branches.map((b) => `'${b}'`).join(' or ')}` : `${where} does not match exactly one allowed form`;
      return diagnostic(file, locate(path), YamlCodes.oneOf, msg);
    }
    default:
      return diagnostic(file, locate(path), YamlCodes.badValue, `${where} ${e.message ?? 'is invalid'}`);
  }
}
