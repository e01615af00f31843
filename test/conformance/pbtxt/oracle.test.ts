/**
 * A second opinion: protobufjs 8 ships a small text-format reader
 * (ext/textformat: no positions, stops at the first error). Every positive
 * conformance case it can read must give the same values as ours, and every
 * negative case must fail there too. Where it departs from the published spec
 * (or we are stricter on purpose) the case says why.
 */
import { fromText } from 'protobufjs/ext/textformat.js';
import { describe, expect, it } from 'vitest';
import { negative, positive } from './cases.js';
import { plain, testType } from './helpers.js';

describe('values agree with protobufjs ext/textformat', () => {
  const cases = positive.filter((c) => c.noOracle === undefined);

  it('covers most positive cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(positive.length * 0.6);
  });

  it.each(cases)('$name', ({ text, type }) => {
    const t = testType(type ?? 'Node');
    const theirs = t.toObject(fromText(t, text), { enums: String, longs: String, bytes: String });
    expect(plain(text, type)).toEqual(theirs);
  });
});

describe('inputs we reject, protobufjs ext/textformat rejects too', () => {
  // Where we are stricter on purpose; anything else it accepts is a bug on one side.
  const stricter: Record<string, string> = {
    'unknown enum number': 'our enums are closed; proto3 runtimes keep unknown numbers',
    '\\X is not an escape': 'the spec has only \\x; protobufjs also takes \\X',
    'an incomplete UTF-8 sequence in a string field': 'the spec requires valid UTF-8; protobufjs substitutes U+FFFD',
    'NUL in a string': 'the spec excludes NUL from string characters',
    'a map field': 'maps are not supported by our parser',
  };
  it.each(negative.filter((c) => !(c.name in stricter)))('$name', ({ text, type }) => {
    const t = testType(type ?? 'Node');
    expect(() => fromText(t, text)).toThrow();
  });
  it('knows every case where we are stricter', () => {
    const names = new Set(negative.map((c) => c.name));
    for (const name of Object.keys(stricter)) expect(names.has(name), name).toBe(true);
  });
});
