import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { SourceText, type Diagnostic } from '../../../controller/src/diag/index.js';
import { parseTextFormat, toPlainObject, type ParseResult } from '../../../controller/src/config/pbtxt/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

let root: protobuf.Root | undefined;

/** The quiver.test schema (conformance.proto), loaded as the product loads quiver.v1. */
export function conformanceRoot(): protobuf.Root {
  if (!root) {
    root = new protobuf.Root().loadSync(path.join(here, 'conformance.proto'), { keepCase: true, alternateCommentMode: true });
    root.resolveAll();
  }
  return root;
}

export function testType(name: string): protobuf.Type {
  return conformanceRoot().lookupType(`quiver.test.${name}`);
}

export function parse(text: string, typeName = 'Node', file = 'test.pbtxt'): ParseResult {
  return parseTextFormat(new SourceText(file, text), testType(typeName));
}

/** The plain object of a file that must parse without errors. */
export function plain(text: string, typeName = 'Node'): Record<string, unknown> {
  const r = parse(text, typeName);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.message || errors.length) throw new Error(`expected no errors, got:\n${r.diagnostics.map(short).join('\n')}`);
  return toPlainObject(r.message);
}

/** `line:column code message` — what the conformance cases assert. */
export function short(d: Diagnostic): string {
  return `${d.line}:${d.column} ${d.code} ${d.message}`;
}

export function errors(text: string, typeName = 'Node'): string[] {
  return parse(text, typeName).diagnostics.map(short);
}
