import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { findRepoRoot, loadProtoRoot, loadQuiverSchema, QUIVER_PROTO_DIR } from '../../../controller/src/config/proto-schema.js';
import { PROTO_DOCS_PATH, REGENERATE_COMMAND, renderProtoDocs, undocumented } from '../../../tools/gen-proto-docs.js';

const repoRoot = findRepoRoot(import.meta.url);
const docsFile = path.join(repoRoot, PROTO_DOCS_PATH);

describe(PROTO_DOCS_PATH, () => {
  const schema = loadQuiverSchema();
  const want = renderProtoDocs(schema, repoRoot);

  it('is current (regenerate with UPDATE_DOCS=1)', () => {
    if (process.env.UPDATE_DOCS === '1') writeFileSync(docsFile, want);
    const have = existsSync(docsFile) ? readFileSync(docsFile, 'utf8') : '';
    expect(have === want, `${PROTO_DOCS_PATH} is stale; regenerate it with:\n  ${REGENERATE_COMMAND}`).toBe(true);
  });

  it('covers every message, field and enum value of quiver.v1', () => {
    const pkg = schema.lookup('quiver.v1');
    if (!(pkg instanceof protobuf.Namespace)) throw new Error('no quiver.v1');
    for (const t of pkg.nestedArray) expect(want).toContain(`### ${t.name}\n`);
    for (const name of ['LogSource', 'Format', 'Delimited', 'Regex', 'JsonLines', 'Multiline', 'Field', 'FeatureSet', 'Feature']) {
      for (const f of schema.lookupType(`quiver.v1.${name}`).fieldsArray) expect(want).toContain(`| \`${f.name}\` |`);
    }
    for (const v of Object.keys(schema.lookupEnum('quiver.v1.DataType').values)) expect(want).toContain(`| \`${v}\` |`);
  });

  it('changes when a proto comment changes, so the check above catches stale docs', () => {
    const edited = loadProtoRoot(path.join(repoRoot, QUIVER_PROTO_DIR));
    const field = edited.lookupType('quiver.v1.Regex').fields.pattern;
    if (!field) throw new Error('no Regex.pattern');
    field.comment = 'An edited comment.';
    const rendered = renderProtoDocs(edited, repoRoot);
    expect(rendered).not.toBe(want);
    expect(rendered).toContain('| `pattern` | `string` |  | An edited comment. |');
  });

  it('has a comment for every message, field and enum value', () => {
    expect(undocumented(schema)).toEqual([]);
  });
});
