import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { lazyModule } from '../../lazy-require.js';
import { packageRoot } from '../../paths.js';

const ajvLib = lazyModule<typeof import('ajv')>('ajv');

export const MANIFEST_KINDS = ['quiver', 'dataset', 'model', 'environment', 'test'] as const;
export type ManifestKind = (typeof MANIFEST_KINDS)[number];

export function schemaPath(kind: ManifestKind): string {
  return join(packageRoot(), 'controller', 'src', 'config', 'schemas', `${kind}.schema.json`);
}

export function readSchema(kind: ManifestKind): Record<string, unknown> {
  return JSON.parse(readFileSync(schemaPath(kind), 'utf8')) as Record<string, unknown>;
}

let validators: Map<ManifestKind, ValidateFunction> | undefined;

/** Compiled once per process: ajv compilation is the expensive part. */
export function manifestValidator(kind: ManifestKind): ValidateFunction {
  if (!validators) {
    const ajv = new (ajvLib().Ajv)({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    // Our own annotation: the human wording for a pattern, used in error messages.
    ajv.addKeyword({ keyword: 'patternHint', schemaType: 'string' });
    validators = new Map();
    for (const k of MANIFEST_KINDS) validators.set(k, ajv.compile(readSchema(k)));
  }
  const v = validators.get(kind);
  if (!v) throw new Error(`no schema for ${kind}`);
  return v;
}
