import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type protobuf from 'protobufjs';
import { lazyModule } from '../lazy-require.js';

const pb = lazyModule<typeof protobuf>('protobufjs');

/** Where the quiver.v1 schema lives, relative to the repository (package) root. */
export const QUIVER_PROTO_DIR = 'proto';
export const QUIVER_PROTO_PACKAGE_DIR = 'quiver/v1';

/**
 * The package root: the first ancestor of this module holding package.json
 * (and `requiredEntry`, so a stray dist/package.json cannot fool it). Walking
 * up, rather than a fixed "../..", keeps this right both for
 * controller/src/config under vitest and for dist/controller/src/config.
 */
export function findRepoRoot(fromUrl: string = import.meta.url, requiredEntry = QUIVER_PROTO_DIR): string {
  let dir = path.dirname(fileURLToPath(fromUrl));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, requiredEntry))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json with ${requiredEntry}/ above ${fileURLToPath(fromUrl)}`);
    dir = parent;
  }
}

/**
 * Loads every .proto under `<protoRoot>/quiver/v1/` into a fresh, resolved Root.
 * keepCase keeps proto field names (what text format uses); alternateCommentMode
 * keeps `//` comments, which our protos use for documentation.
 */
export function loadProtoRoot(protoRoot: string, packageDir = QUIVER_PROTO_PACKAGE_DIR): protobuf.Root {
  const files = readdirSync(path.join(protoRoot, packageDir))
    .filter((f) => f.endsWith('.proto'))
    .sort()
    .map((f) => `${packageDir}/${f}`);
  const root = new (pb().Root)();
  // Imports are written relative to the proto root ("quiver/v1/types.proto").
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(protoRoot, target));
  root.loadSync(files, { keepCase: true, alternateCommentMode: true });
  root.resolveAll();
  return root;
}

let cached: protobuf.Root | undefined;

/** The quiver.v1 schema, loaded once per process. */
export function loadQuiverSchema(): protobuf.Root {
  cached ??= loadProtoRoot(path.join(findRepoRoot(), QUIVER_PROTO_DIR));
  return cached;
}
