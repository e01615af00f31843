import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_DOCS_PATH, REGENERATE_COMMAND, renderManifestDocs } from '../../tools/gen-manifest-docs.js';
import { repoRoot } from '../helpers/config-repo.js';

describe(MANIFEST_DOCS_PATH, () => {
  const want = renderManifestDocs();
  it('is current (regenerate with UPDATE_DOCS=1)', () => {
    const file = join(repoRoot, MANIFEST_DOCS_PATH);
    if (process.env['UPDATE_DOCS'] === '1') writeFileSync(file, want);
    const have = existsSync(file) ? readFileSync(file, 'utf8') : '';
    expect(have === want, `${MANIFEST_DOCS_PATH} is stale; regenerate it with:\n  ${REGENERATE_COMMAND}`).toBe(true);
  });
  it('documents every key of every manifest', () => {
    for (const key of ['`storage`', '`parts[].labels.join`', '`gates.max_regression`', '`wave`', '`features[].feature_set`']) expect(want).toContain(key);
  });
});
