import path from 'node:path';
import { pathToFileURL } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { findRepoRoot, loadQuiverSchema } from './proto-schema.js';

describe('loadQuiverSchema', () => {
  it('loads every quiver.v1 type, resolved, with proto field names and comments', () => {
    const root = loadQuiverSchema();
    const source = root.lookupType('quiver.v1.LogSource');
    expect(Object.keys(source.fields)).toEqual(['name', 'description', 'format', 'fields', 'filter']);
    expect(source.fields.format?.resolvedType).toBeInstanceOf(protobuf.Type);
    expect(root.lookupType('quiver.v1.Field').fields.data_type?.resolvedType).toBeInstanceOf(protobuf.Enum);
    expect(root.lookupType('quiver.v1.FeatureSet').fields.time_field).toBeDefined();
    expect(source.fields.name?.comment).toMatch(/^Unique name of the source/);
    expect(root.lookupEnum('quiver.v1.DataType').comments.LONG).toBe('64-bit signed integer; counts use this.');
  });

  it('is cached', () => {
    expect(loadQuiverSchema()).toBe(loadQuiverSchema());
  });

  it('finds the package root from the source tree and from the compiled tree', () => {
    const root = findRepoRoot();
    expect(path.basename(path.join(root, 'package.json'))).toBe('package.json');
    const compiled = pathToFileURL(path.join(root, 'dist', 'controller', 'src', 'config', 'proto-schema.js')).href;
    expect(findRepoRoot(compiled)).toBe(root);
  });
});
