import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderFunctionsDoc } from './docs.js';
import { CATALOG } from './registry.js';

const DOC = fileURLToPath(new URL('../../../../docs/reference/functions.md', import.meta.url));

describe('docs/reference/functions.md', () => {
  it('is generated from the catalog (regenerate with UPDATE_DOCS=1)', () => {
    const fresh = renderFunctionsDoc();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, fresh);
    let committed = '';
    try {
      committed = readFileSync(DOC, 'utf8');
    } catch {
      // Missing file: reported as stale below.
    }
    expect(committed === fresh, 'docs/reference/functions.md is stale: run UPDATE_DOCS=1 npx vitest run --project unit controller/src/compile/catalog/docs.test.ts').toBe(true);
  });

  it('documents every entry with a signature, a DuckDB and a Spark rendering', () => {
    const doc = renderFunctionsDoc();
    for (const e of CATALOG) {
      expect(doc, e.name).toContain(e.doc);
    }
    expect(doc.match(/^- DuckDB: /gm)?.length).toBe(CATALOG.length);
    expect(doc.match(/^- Spark: /gm)?.length).toBe(CATALOG.length);
  });
});
