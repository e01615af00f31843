/**
 * Protobuf text format (https://protobuf.dev/reference/protobuf/textformat-spec/),
 * parsed against protobufjs reflection, with every value's position kept and
 * every problem reported as a Diagnostic at file:line:column.
 */
import type protobuf from 'protobufjs';
import { diagnostic, hasErrors, sortDiagnostics, type Diagnostic, type SourceText } from '../../diag/index.js';
import { Code } from './codes.js';
import { Lexer } from './lexer.js';
import { Parser } from './parser.js';
import { Reporter, StopParsing } from './reporter.js';
import type { ParsedMessage } from './types.js';

export { Code, type CodeValue } from './codes.js';
export { exprSourceOf } from './expr-source.js';
export { MAX_DEPTH } from './parser.js';
export { toPlainObject } from './plain-object.js';
export { firstInvalidUtf8, sourceFromBytes } from './source-bytes.js';
export type { ParsedField, ParsedMessage, ParsedString, ParsedValue } from './types.js';

export interface ParseResult {
  /** The message, present exactly when there are no errors (warnings allowed). */
  message: ParsedMessage | undefined;
  /** Sorted by position. */
  diagnostics: Diagnostic[];
}

/**
 * Parses `source` as a message of `type` (from a resolved Root, e.g.
 * loadQuiverSchema()). Never throws for any input: problems are diagnostics.
 * Linear in the input; nesting is capped at MAX_DEPTH and errors at 100.
 */
export function parseTextFormat(source: SourceText, type: protobuf.Type): ParseResult {
  const reporter = new Reporter(source);
  let message: ParsedMessage | undefined;
  try {
    message = new Parser(source, new Lexer(source.text, reporter), reporter).parseTop(type);
  } catch (e) {
    if (!(e instanceof StopParsing)) {
      // A bug, not bad input: still a diagnostic, so one file cannot crash a whole run.
      const detail = e instanceof Error ? e.message : String(e);
      reporter.diagnostics.push(
        diagnostic(source.file, { line: 1, column: 1, endLine: 1, endColumn: 1 }, Code.Internal, `internal error in the text-format parser: ${detail}`, {
          hint: 'please report this as a bug, with the file',
        }),
      );
    }
    message = undefined;
  }
  const diagnostics = sortDiagnostics(reporter.diagnostics);
  return { message: message && !hasErrors(diagnostics) ? message : undefined, diagnostics };
}
