/**
 * One config file → its outcome (typed def or manifest, diagnostics, the name
 * a broken file declares), through an optional content cache.
 *
 * An outcome depends only on the file's path and bytes, so it is cached by
 * the path and the bytes' git blob id. Cached values are JSON data; what is not data, the position lookups
 * (a def's `locate`, an expression's `origin.positionAt`), is re-attached
 * lazily: the first lookup re-parses the file from the bytes at hand and
 * answers from that parse. Positions are only needed to report a problem,
 * so a valid repository is never re-parsed, and every position is exactly
 * the one an uncached load gives.
 */
import type { ContentCache } from '../cache/content-cache.js';
import type { Diagnostic, Span } from '../diag/index.js';
import type { FeatureSetDef, SourceDef } from './model.js';
import { gitBlobId, type RepoFiles } from './repo-files.js';
import { normalizeFeatureSet, normalizeSource } from './pbtxt-defs.js';
import { parseTextFormat, sourceFromBytes, type ParsedMessage } from './pbtxt/index.js';
import { loadQuiverSchema } from './proto-schema.js';
import type { ExprSource } from './text-origin.js';
import { parseManifest, type YamlManifest } from './yaml/parse-manifest.js';
import type { ManifestKind } from './yaml/schemas.js';

export type PbtxtKind = 'sources' | 'features';

export interface PbtxtOutcome {
  diagnostics: Diagnostic[];
  def?: SourceDef | FeatureSetDef;
  /** The name a file declares when it yields no def (so references to it are not reported again). */
  brokenName?: string;
}

export interface ManifestOutcome {
  diagnostics: Diagnostic[];
  manifest?: YamlManifest;
  brokenName?: string;
}

/**
 * A config file's content as the loader sees it: its content address (the
 * git blob id) and ways to read it. A commit's tree gives the id without a
 * read, so a cached file of a commit is never read at all.
 */
export interface FileContent {
  id: string;
  read(): Promise<Uint8Array>;
  /** For the lazy re-parse behind a cached def's positions. */
  readSync(): Uint8Array;
}

/** The content handle of `path` in `files`: read now unless the view knows the id without reading. */
export async function fileContent(files: RepoFiles, path: string, cached: boolean): Promise<FileContent> {
  const id = cached ? files.blobId?.(path) : undefined;
  if (id !== undefined && files.readSync) {
    const readSync = files.readSync.bind(files);
    return { id, read: () => files.read(path), readSync: () => readSync(path) };
  }
  const bytes = await files.read(path);
  const read = { id: cached ? gitBlobId(bytes) : '', read: async () => bytes, readSync: () => bytes };
  if (cached) files.sawBlobId?.(path, read.id);
  return read;
}

const NOWHERE: Span = { line: 1, column: 1, endLine: 1, endColumn: 1 };

// ---- text format -----------------------------------------------------------------------

function parsePbtxt(path: string, bytes: Uint8Array, kind: PbtxtKind): PbtxtOutcome {
  const { source, diagnostics: enc } = sourceFromBytes(path, bytes);
  if (enc.length) return { diagnostics: enc };
  const schema = loadQuiverSchema();
  const parsed = parseTextFormat(source, schema.lookupType(kind === 'sources' ? 'quiver.v1.LogSource' : 'quiver.v1.FeatureSet'));
  if (!parsed.message) {
    const name = topLevelName(source.text);
    return { diagnostics: parsed.diagnostics, ...(name ? { brokenName: name } : {}) };
  }
  const n = kind === 'sources' ? normalizeSource(path, parsed.message) : normalizeFeatureSet(path, parsed.message);
  const diagnostics = [...parsed.diagnostics, ...n.diagnostics];
  if (n.def) return { diagnostics, def: n.def };
  // Only a source can fail to normalize into a def (no usable format).
  return { diagnostics, brokenName: topLevelNameOf(parsed.message) };
}

interface CachedPbtxt {
  diagnostics: Diagnostic[];
  /** The def as JSON: no `locate`, and each expression's origin without positionAt. */
  def?: Record<string, unknown>;
  brokenName?: string;
}

/** Parses and normalizes a sources/ or features/ file; `contentKey` is set on the def when cached. */
export async function loadPbtxtFile(path: string, content: FileContent, kind: PbtxtKind, cache?: ContentCache): Promise<PbtxtOutcome> {
  if (!cache) return parsePbtxt(path, await content.read(), kind);
  const key = cache.key(`pbtxt:${kind}`, path, content.id);
  const hit = cache.get<CachedPbtxt>(key);
  if (!hit) {
    const fresh = parsePbtxt(path, await content.read(), kind);
    // JSON drops the functions (locate, positionAt); hydrate() puts them back on a hit.
    cache.set(key, JSON.parse(JSON.stringify({ diagnostics: fresh.diagnostics, def: fresh.def, brokenName: fresh.brokenName })));
    if (fresh.def) fresh.def.contentKey = key;
    return fresh;
  }
  const out: PbtxtOutcome = { diagnostics: hit.diagnostics };
  if (hit.brokenName !== undefined) out.brokenName = hit.brokenName;
  if (hit.def) out.def = hydrate(hit.def, key, () => parsePbtxt(path, content.readSync(), kind).def);
  return out;
}

// ---- YAML manifests ----------------------------------------------------------------------

function parseManifestFile(path: string, bytes: Uint8Array, kind: ManifestKind): ManifestOutcome {
  const { source, diagnostics: enc } = sourceFromBytes(path, bytes);
  if (enc.length) return { diagnostics: enc };
  const r = parseManifest(source, kind);
  const out: ManifestOutcome = { diagnostics: r.diagnostics };
  if (r.manifest) out.manifest = r.manifest;
  else if (r.declaredName) out.brokenName = r.declaredName;
  return out;
}

interface CachedManifest {
  diagnostics: Diagnostic[];
  value?: Record<string, unknown>;
  brokenName?: string;
}

/** Parses and schema-checks a YAML manifest; the manifest's `contentKey` is set when cached. */
export async function loadManifestFile(path: string, content: FileContent, kind: ManifestKind, cache?: ContentCache): Promise<ManifestOutcome & { contentKey?: string }> {
  if (!cache) return parseManifestFile(path, await content.read(), kind);
  const key = cache.key(`yaml:${kind}`, path, content.id);
  const hit = cache.get<CachedManifest>(key);
  if (!hit) {
    const fresh = parseManifestFile(path, await content.read(), kind);
    const entry: CachedManifest = { diagnostics: fresh.diagnostics };
    if (fresh.manifest) entry.value = fresh.manifest.value;
    if (fresh.brokenName !== undefined) entry.brokenName = fresh.brokenName;
    cache.set(key, JSON.parse(JSON.stringify(entry)));
    return { ...fresh, contentKey: key };
  }
  const out: ManifestOutcome & { contentKey?: string } = { diagnostics: hit.diagnostics, contentKey: key };
  if (hit.brokenName !== undefined) out.brokenName = hit.brokenName;
  if (hit.value) {
    let real: YamlManifest | undefined;
    const locate: YamlManifest['locate'] = (p, which) => {
      real ??= parseManifestFile(path, content.readSync(), kind).manifest;
      return real ? real.locate(p, which) : NOWHERE;
    };
    // Shared with the cache: the typed defs are built from it and nothing mutates it.
    out.manifest = { file: path, value: hit.value, locate };
  }
  return out;
}

// ---- re-attaching positions ----------------------------------------------------------------

type HydratedDef = SourceDef | FeatureSetDef;

/**
 * Gives a cached def its `locate`, its `contentKey` and each expression's
 * `origin.positionAt`, answered by one lazy re-parse. In place: a cache entry
 * is keyed by path and bytes, so its closures are right for every later hit
 * (plan's second revision gets the same object), and JSON drops them when the
 * cache is saved.
 */
function hydrate(def: Record<string, unknown>, key: string, reparse: () => HydratedDef | undefined): HydratedDef {
  const d = def as unknown as HydratedDef;
  if (typeof d.locate === 'function') return d;
  let real: HydratedDef | undefined;
  let done = false;
  const parsed = (): HydratedDef | undefined => {
    if (!done) {
      real = reparse();
      done = true;
    }
    return real;
  };
  d.locate = (p, which) => parsed()?.locate(p, which) ?? NOWHERE;
  d.contentKey = key;
  const attach = (e: ExprSource | undefined, at: ReadonlyArray<string | number>): void => {
    if (!e) return;
    e.origin = { file: e.origin.file, positionAt: (offset) => exprAt(parsed(), at)?.origin.positionAt(offset) ?? NOWHERE };
  };
  // Where normalizeSource / normalizeFeatureSet put expressions (model.ts).
  attach(d.filter, ['filter']);
  if (d.kind === 'source') d.fields.forEach((f, i) => attach(f.definition, ['fields', i, 'definition']));
  else {
    attach(d.entity, ['entity']);
    d.features.forEach((f, i) => attach(f.definition, ['features', i, 'definition']));
  }
  return d;
}

function exprAt(def: unknown, path: ReadonlyArray<string | number>): ExprSource | undefined {
  let cur: unknown = def;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur && typeof cur === 'object' && 'origin' in cur ? (cur as ExprSource) : undefined;
}

// ---- names of broken files -------------------------------------------------------------------

/** The top-level `name: "..."` of a pbtxt file that failed to parse (best effort, for cascades only). */
function topLevelName(text: string): string | undefined {
  let depth = 0;
  const re = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*|[{}<>]|\bname\s*:\s*"([^"\n]*)"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const t = m[0];
    if (t === '{' || t === '<') depth++;
    else if (t === '}' || t === '>') depth--;
    else if (m[1] !== undefined && depth === 0) return m[1];
  }
  return undefined;
}

function topLevelNameOf(m: ParsedMessage): string {
  const v = m.fields.get('name')?.values[0];
  return v && v.kind === 'string' ? v.value : '';
}
