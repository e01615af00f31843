import { describe, expect, it } from 'vitest';
import { SourceText, formatDiagnostic } from '../../diag/index.js';
import { parseManifest } from './parse-manifest.js';

function check(kind: Parameters<typeof parseManifest>[1], text: string): string[] {
  const { diagnostics } = parseManifest(new SourceText('m.yaml', text), kind);
  return diagnostics.map(formatDiagnostic);
}

describe('parseManifest', () => {
  it('accepts a valid model', () => {
    const out = check('model', 'name: m1\ndataset: d\nfeature_sets: [f]\nlabel: {positive: [attack], negative: [benign]}\nalgorithm: random_forest\ngates: {target_fpr: 0.01}\n');
    expect(out).toEqual([]);
  });
  it('reports an unknown key at the key, with did-you-mean', () => {
    const out = check('model', 'name: m1\ndataset: d\nfeature_sets: [f]\nlabel: {positive: [attack], negative: [benign]}\nalgorithm: random_forest\ngates: {target_fpr: 0.01}\nalgoritm: x\n');
    expect(out).toEqual([
      "m.yaml:7:1: error QV2003: unknown key 'algoritm' (expected one of name, description, dataset, feature_sets, label, algorithm, params, split, fill_missing, gates) — did you mean 'algorithm'?",
    ]);
  });
  it('reports a missing key at the parent mapping', () => {
    const out = check('environment', 'name: prod\n');
    expect(out).toEqual(["m.yaml:1:1: error QV2004: missing required key 'models'"]);
  });
  it('reports an enum value with did-you-mean at the value', () => {
    const out = check('model', 'name: m1\ndataset: d\nfeature_sets: [f]\nlabel: {positive: [attack], negative: [benign]}\nalgorithm: random_forrest\ngates: {target_fpr: 0.01}\n');
    expect(out).toEqual([
      "m.yaml:5:12: error QV2006: algorithm is the string 'random_forrest', which is not allowed (expected one of random_forest, gradient_boosting, logistic_regression) — did you mean 'random_forest'?",
    ]);
  });
  it('reports a nested type error at the value', () => {
    const out = check('dataset', 'name: d\nsource: s\nparts:\n  - name: p\n    paths: data/x.log\n    label: attack\n');
    expect(out).toEqual(['m.yaml:5:12: error QV2005: parts.0.paths must be a list']);
  });
  it('reports label and labels both or neither', () => {
    const out = check('dataset', 'name: d\nsource: s\nparts:\n  - name: p\n    paths: [a]\n');
    expect(out).toEqual(["m.yaml:4:5: error QV2010: parts.0 must have exactly one of 'label' or 'labels'"]);
  });
  it('reports YAML syntax errors and duplicate keys with positions', () => {
    expect(check('environment', 'name: a\nname: b\nmodels: []\n')).toEqual(['m.yaml:2:1: error QV2009: Map keys must be unique']);
    expect(check('environment', 'name: [a\n')[0]).toMatch(/^m\.yaml:\d+:\d+: error QV2001: /);
  });
  it('reports a bad name pattern with its wording', () => {
    expect(check('environment', 'name: Prod_1\nmodels: []\n')).toEqual([
      "m.yaml:1:7: error QV2007: name: the string 'Prod_1' is not valid (expected a DNS label: lower-case letters, digits and '-', starting with a letter, at most 63 characters)",
    ]);
  });
});
