import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng, writeAll } from '../../tools/gen-template-data.js';
import { templateDir } from '../helpers/config-repo.js';

describe('config-repo-template/data', () => {
  it('is exactly what tools/gen-template-data.ts generates (deterministic, seeded)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quiver-gen-'));
    try {
      const files = writeAll(dir);
      expect(files.length).toBeGreaterThanOrEqual(10);
      for (const f of files) {
        const fresh = readFileSync(join(dir, f));
        const committed = readFileSync(join(templateDir, 'data', f));
        expect(fresh.equals(committed), `${f} differs from a fresh generation: run npx tsx tools/gen-template-data.ts`).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses a seeded generator that repeats', () => {
    const a = rng(42);
    const b = rng(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(new Set(xs).size).toBe(5);
  });

  it('has both classes in every labelled dataset', () => {
    const zeek = readFileSync(join(templateDir, 'data/zeek/labels.csv'), 'utf8');
    expect(zeek).toContain(',malicious');
    expect(zeek).toContain(',benign');
    const mixed = readFileSync(join(templateDir, 'data/ssh/mixed-labels.csv'), 'utf8');
    expect(mixed).toContain(',attack');
    expect(mixed).toContain(',benign');
  });
});
