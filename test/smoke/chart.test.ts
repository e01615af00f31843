import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/tools.js';
import { repoRoot } from '../helpers/config-repo.js';

describe('charts/quiver', () => {
  it('carries exactly the CRDs of crds/ (crds/ is the single source)', () => {
    const src = readdirSync(join(repoRoot, 'crds')).filter((f) => f.endsWith('.yaml')).sort();
    const chart = readdirSync(join(repoRoot, 'charts', 'quiver', 'crds')).filter((f) => f.endsWith('.yaml')).sort();
    expect(chart).toEqual(src);
    for (const f of src) expect(readFileSync(join(repoRoot, 'charts', 'quiver', 'crds', f), 'utf8')).toBe(readFileSync(join(repoRoot, 'crds', f), 'utf8'));
  });

  it('passes helm lint', () => {
    const helm = requireTool('helm');
    const out = execFileSync(helm, ['lint', join(repoRoot, 'charts', 'quiver'), '--kube-version', '1.36.3'], { encoding: 'utf8' });
    expect(out).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });
});
