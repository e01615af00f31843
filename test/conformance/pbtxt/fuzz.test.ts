/**
 * Fuzzing the text-format parser: inputs mutated from real config files must
 * either parse or produce positioned diagnostics, never throw, and finish in
 * bounded time. Deterministic (fixed-seed PRNG), so a failure reproduces.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { SourceText, type Diagnostic } from '../../../controller/src/diag/index.js';
import { parseTextFormat, sourceFromBytes, toPlainObject, type ParsedMessage } from '../../../controller/src/config/pbtxt/index.js';
import { findRepoRoot, loadQuiverSchema } from '../../../controller/src/config/proto-schema.js';
import { testType } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = findRepoRoot(import.meta.url);

const INPUTS = 12_000;
const PER_INPUT_MS = 50;

interface Seed {
  file: string;
  text: string;
  type: protobuf.Type;
}

function readSeeds(dir: string, type: protobuf.Type): Seed[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pbtxt'))
    .sort()
    .map((f) => ({ file: path.relative(repoRoot, path.join(dir, f)).split(path.sep).join('/'), text: readFileSync(path.join(dir, f), 'utf8'), type }));
}

/** The template repository's files when present, plus our own seeds (which also cover the test schema). */
function seeds(): Seed[] {
  const schema = loadQuiverSchema();
  const source = schema.lookupType('quiver.v1.LogSource');
  const featureSet = schema.lookupType('quiver.v1.FeatureSet');
  return [
    ...readSeeds(path.join(repoRoot, 'config-repo-template', 'sources'), source),
    ...readSeeds(path.join(repoRoot, 'config-repo-template', 'features'), featureSet),
    ...readSeeds(path.join(here, 'seeds', 'sources'), source),
    ...readSeeds(path.join(here, 'seeds', 'features'), featureSet),
    ...readSeeds(path.join(here, 'seeds', 'test'), testType('Node')),
  ];
}

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Tokens worth inserting: the grammar's edges and the parser's error paths. */
const DICTIONARY = [
  '{', '}', '<', '>', '[', ']', ':', ',', ';', '-', '.', '/', '#', '"', "'", '\\', '\n', '\r', '\t', '\0', '\uD800', '\uFEFF', '😀',
  '"\\', '"\\u', '"\\uD83D"', '"\\uD83D\\uDE00"', '"\\U00110000"', '"\\xff"', '"\\xc3"', '"\\777"', '"\\q"', "'a'\"b\"",
  '0x', '0x7fffffff', '08', '017', '1e', '1e+', '1.2.3', '.5f', '10bar', '-0', '2147483648', '18446744073709551616', '9'.repeat(60),
  'inf', '-nan', 'Infinity', 'true', 'f', 'STRING', 'LONG', 'DATA_TYPE_UNSPECIFIED', 'STRNG',
  '[a.b]', '[type.googleapis.com/x.Y] {}', 'name:', 'fields {', 'format { regex {', 'features [', '[]', '[{}, {}]',
  'format { multiline { inner { '.repeat(40), '{'.repeat(30), '}'.repeat(30),
];

const TOKEN_RE = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9A-Za-z_.+-]*|\S/g;

type Mutation = (text: string, rnd: () => number, others: readonly Seed[]) => string;

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const at = (rnd: () => number, text: string): number => Math.floor(rnd() * (text.length + 1));

const MUTATIONS: Record<string, Mutation> = {
  deletion: (t, r) => {
    const i = at(r, t);
    return t.slice(0, i) + t.slice(i + 1 + Math.floor(r() * 16));
  },
  duplication: (t, r) => {
    const i = at(r, t);
    const j = Math.min(t.length, i + 1 + Math.floor(r() * 40));
    const k = at(r, t);
    return t.slice(0, k) + t.slice(i, j) + t.slice(k);
  },
  splice: (t, r, others) => {
    const o = pick(r, others).text;
    const i = at(r, o);
    const piece = o.slice(i, i + 1 + Math.floor(r() * 80));
    const k = at(r, t);
    return t.slice(0, k) + piece + t.slice(k);
  },
  truncation: (t, r) => t.slice(0, at(r, t)),
  insertion: (t, r) => {
    const k = at(r, t);
    return t.slice(0, k) + pick(r, DICTIONARY) + t.slice(k);
  },
  tokenSwap: (t, r) => {
    const toks = [...t.matchAll(TOKEN_RE)];
    if (toks.length < 2) return t;
    let a = pick(r, toks);
    let b = pick(r, toks);
    if ((a.index ?? 0) > (b.index ?? 0)) [a, b] = [b, a];
    const ai = a.index ?? 0;
    const bi = b.index ?? 0;
    if (ai + a[0].length > bi) return t;
    return t.slice(0, ai) + b[0] + t.slice(ai + a[0].length, bi) + a[0] + t.slice(bi + b[0].length);
  },
  tokenReplace: (t, r) => {
    const toks = [...t.matchAll(TOKEN_RE)];
    if (toks.length === 0) return t;
    const m = pick(r, toks);
    const i = m.index ?? 0;
    return t.slice(0, i) + pick(r, DICTIONARY) + t.slice(i + m[0].length);
  },
};
const MUTATION_NAMES = Object.keys(MUTATIONS);

interface Outcome {
  ms: number;
  /** Decoding and parsing diagnostics together. */
  diagnostics: Diagnostic[];
  /** Whether the parser itself reported an error (the message must then be absent). */
  parseErrors: boolean;
  message: ParsedMessage | undefined;
  source: SourceText;
}

function run(file: string, input: string | Uint8Array, type: protobuf.Type): Outcome {
  const t0 = performance.now();
  let source: SourceText;
  const diagnostics: Diagnostic[] = [];
  if (typeof input === 'string') source = new SourceText(file, input);
  else {
    const decoded = sourceFromBytes(file, input);
    source = decoded.source;
    diagnostics.push(...decoded.diagnostics);
  }
  const r = parseTextFormat(source, type);
  diagnostics.push(...r.diagnostics);
  if (r.message) toPlainObject(r.message);
  const parseErrors = r.diagnostics.some((d) => d.severity === 'error');
  return { ms: performance.now() - t0, diagnostics, parseErrors, message: r.message, source };
}

function lineLengths(text: string): number[] {
  return text.split(/\r\n|\r|\n/).map((l) => l.length);
}

/** Problems with one outcome, as text (empty when it is fine). */
function check(o: Outcome, file: string): string[] {
  const problems: string[] = [];
  const lens = lineLengths(o.source.text);
  const inFile = (line: number, column: number): boolean => line >= 1 && line <= lens.length && column >= 1 && column <= (lens[line - 1] ?? 0) + 1;
  for (const d of o.diagnostics) {
    if (d.file !== file) problems.push(`wrong file ${d.file}`);
    if (!/^QV10[0-9]{2}$/.test(d.code) || d.code === 'QV1099') problems.push(`bad code ${d.code}: ${d.message}`);
    if (!inFile(d.line, d.column)) problems.push(`${d.line}:${d.column} outside the file (${d.code})`);
    if (d.endLine === undefined || d.endColumn === undefined || !inFile(d.endLine, d.endColumn)) problems.push(`bad end ${d.endLine}:${d.endColumn} (${d.code})`);
    else if (d.endLine < d.line || (d.endLine === d.line && d.endColumn < d.column)) problems.push(`end before start (${d.code})`);
    if (!d.message) problems.push(`empty message (${d.code})`);
  }
  if (o.parseErrors === (o.message !== undefined)) problems.push(o.parseErrors ? 'a message despite errors' : 'no message and no error');
  if (o.message) {
    // Every decoded character maps to a place in the file.
    const visit = (m: ParsedMessage): void => {
      for (const f of m.fields.values()) {
        for (const v of f.values) {
          if (v.kind === 'message') visit(v.message);
          if (v.kind === 'string') {
            for (const i of [0, v.value.length >> 1, v.value.length]) {
              const p = v.origin.positionAt(i);
              if (!inFile(p.line, p.column)) problems.push(`origin ${i} of '${f.field.name}' outside the file`);
            }
          }
        }
      }
    };
    visit(o.message);
  }
  return problems;
}

describe('text format fuzzing', () => {
  const all = seeds();

  it('starts from seeds that parse cleanly', () => {
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const s of all) {
      const o = run(s.file, s.text, s.type);
      expect(o.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([]);
    }
  });

  it(`survives ${INPUTS} mutated inputs, each within ${PER_INPUT_MS} ms`, () => {
    const rnd = prng(0x5eed_2026);
    // Warm up the JIT so the per-input bound measures the parser, not compilation.
    for (const s of all) for (let i = 0; i < 20; i++) run(s.file, s.text, s.type);

    const failures: string[] = [];
    const codes = new Map<string, number>();
    const usedMutations = new Map<string, number>();
    let parsed = 0;
    let maxMs = 0;
    let slowest = '';
    const times: number[] = [];
    const started = performance.now();
    for (let n = 0; n < INPUTS; n++) {
      const seed = pick(rnd, all);
      let text = seed.text;
      // Mostly one mutation (so many inputs still parse), sometimes up to four.
      const steps = 1 + Math.floor(rnd() ** 3 * 4);
      for (let k = 0; k < steps; k++) {
        const name = pick(rnd, MUTATION_NAMES);
        usedMutations.set(name, (usedMutations.get(name) ?? 0) + 1);
        text = (MUTATIONS[name] as Mutation)(text, rnd, all);
      }
      let input: string | Uint8Array = text;
      // One in four inputs also gets bit flips in its UTF-8 bytes (and goes through sourceFromBytes).
      if (rnd() < 0.25) {
        const bytes = new TextEncoder().encode(text);
        for (let k = 1 + Math.floor(rnd() * 3); k > 0 && bytes.length > 0; k--) {
          const i = Math.floor(rnd() * bytes.length);
          bytes[i] = (bytes[i] ?? 0) ^ (1 << Math.floor(rnd() * 8));
        }
        input = bytes;
        usedMutations.set('byteFlip', (usedMutations.get('byteFlip') ?? 0) + 1);
      }
      let o: Outcome;
      try {
        o = run(seed.file, input, seed.type);
        // A GC pause or a busy machine can exceed the bound once; a slow parser exceeds it every time.
        for (let retry = 0; retry < 2 && o.ms > PER_INPUT_MS; retry++) {
          const again = run(seed.file, input, seed.type);
          if (again.ms < o.ms) o = again;
        }
      } catch (e) {
        failures.push(`#${n} (${seed.file}) threw ${e instanceof Error ? e.stack : String(e)}\n${JSON.stringify(text)}`);
        continue;
      }
      times.push(o.ms);
      if (o.ms > maxMs) {
        maxMs = o.ms;
        slowest = `#${n} (${seed.file})`;
      }
      if (o.ms > PER_INPUT_MS) failures.push(`#${n} (${seed.file}) took ${o.ms.toFixed(1)} ms\n${JSON.stringify(text)}`);
      for (const p of check(o, seed.file)) failures.push(`#${n} (${seed.file}): ${p}\n${JSON.stringify(text)}`);
      if (o.message) parsed++;
      for (const d of o.diagnostics) codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
      if (failures.length > 20) break;
    }
    const total = performance.now() - started;
    times.sort((a, b) => a - b);
    const pct = (p: number): string => (times[Math.min(times.length - 1, Math.floor(times.length * p))] ?? 0).toFixed(3);
    console.log(
      `pbtxt fuzz: ${INPUTS} inputs from ${all.length} seeds in ${total.toFixed(0)} ms; p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${maxMs.toFixed(2)} ms (${slowest}); ` +
        `${parsed} parsed cleanly\n  mutations: ${JSON.stringify(Object.fromEntries([...usedMutations].sort()))}\n` +
        `  codes: ${JSON.stringify(Object.fromEntries([...codes].sort()))}`,
    );
    expect(failures.slice(0, 5)).toEqual([]);
    // The mutations must reach the error paths, or the fuzzing proves little.
    expect(codes.size).toBeGreaterThanOrEqual(20);
  });
});

describe('pathological inputs finish in bounded time', () => {
  const schema = loadQuiverSchema();
  const source = schema.lookupType('quiver.v1.LogSource');
  const MB = 1 << 20;
  const cases: Array<[string, string, protobuf.Type]> = [
    ['100k nested braces', 'format {'.repeat(100_000), source],
    ['100k nested messages of a recursive type', 'format { multiline { inner { '.repeat(35_000), source],
    ['100k unmatched closers', '}'.repeat(100_000), source],
    ['a 4 MB string', `name: "${'a'.repeat(4 * MB)}"`, source],
    ['a 1 MB string of escapes', `name: "${'\\u00e9\\x41\\101'.repeat(MB / 16)}"`, source],
    ['a 1 MB run of bad escapes', `name: "${'\\q'.repeat(MB / 2)}"`, source],
    ['a 1 MB identifier', `${'n'.repeat(MB)}: 1`, source],
    ['a 1 MB number', `fields { index: ${'9'.repeat(MB)} }`, source],
    ['a list of 150k numbers (1 MB)', `fields { index: [${Array.from({ length: 150_000 }, (_, i) => i).join(', ')}] }`, source],
    ['two lists of 150k numbers for one field', `fields { index: [${'1,'.repeat(150_000)}1] index: [${'2,'.repeat(150_000)}2] }`, source],
    ['35k repeated messages (1 MB)', 'fields { name: "x" index: 1 }\n'.repeat(35_000), source],
    ['1 MB of unexpected characters', '@'.repeat(MB), source],
    ['1 MB of alternating bad characters', '@ '.repeat(MB / 2), source],
    ['1 MB of separators', ';'.repeat(MB), source],
    ['1 MB of unknown fields', 'bogus: 1 '.repeat(MB / 9), source],
    ['200k unterminated strings', 'name: "\n'.repeat(200_000), source],
    ['1 MB of minus signs', `name: ${'-'.repeat(MB)}`, source],
    ['1 MB of list openers', `fields { index: ${'['.repeat(MB)}`, source],
  ];
  it.each(cases)('%s', (_name, text, type) => {
    const t0 = performance.now();
    const r = parseTextFormat(new SourceText('big.pbtxt', text), type);
    const ms = performance.now() - t0;
    expect(r.diagnostics.length).toBeLessThanOrEqual(102);
    expect(r.diagnostics.every((d) => d.code !== 'QV1099')).toBe(true);
    expect(ms).toBeLessThan(3_000);
  });
});
