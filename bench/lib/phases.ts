import type { Phase } from './cpuprofile.js';

/** Phases of `quiver validate`, most specific first (see lib/cpuprofile.ts). */
export const VALIDATE_PHASES: Phase[] = [
  { name: 'GC', match: (f) => f.functionName === '(garbage collector)' },
  { name: 'ajv (schema validation)', match: (f) => f.url.includes('node_modules/ajv') },
  { name: 'yaml (parse, node positions)', match: (f) => f.url.includes('node_modules/yaml/') },
  { name: 'pbtxt parsing (config/pbtxt)', match: (f) => f.url.includes('/config/pbtxt/') },
  { name: 'protobufjs (schema load)', match: (f) => f.url.includes('node_modules/protobufjs') || f.url.includes('proto-schema') },
  { name: 'cross-file rules (config/rules, picomatch)', match: (f) => f.url.includes('/config/rules') || f.url.includes('node_modules/picomatch') },
  { name: 'expression compile (compile/expr, catalog)', match: (f) => f.url.includes('/compile/expr/') || f.url.includes('/compile/catalog/') || f.url.includes('/compile/types/') },
  { name: 'plan SQL rendering (compile/plan)', match: (f) => f.url.includes('/compile/plan/') },
  { name: 'YAML manifests, own code (config/yaml*)', match: (f) => f.url.includes('/config/yaml') },
  { name: 'normalize pbtxt defs (config/pbtxt-defs)', match: (f) => f.url.includes('/config/pbtxt-defs') },
  { name: 'diagnostics sort/render (diag/)', match: (f) => f.url.includes('/diag/') },
  { name: 'file reading (fs, listing, decode)', match: (f) => f.url.includes('repo-files') || f.url.startsWith('node:fs') || f.url.startsWith('node:internal/fs') || f.url.includes('source-bytes') },
  { name: 'loadRepo glue (config/load-repo)', match: (f) => f.url.includes('/config/load-repo') },
  { name: 'startup (module loading)', match: (f) => f.url.startsWith('node:internal/modules') || f.url.startsWith('node:internal/main') },
  { name: 'idle / program', match: (f) => f.functionName === '(idle)' || f.functionName === '(program)' },
];
