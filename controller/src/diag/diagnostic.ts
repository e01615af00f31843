/**
 * The one value type for every problem Quiver reports about user input.
 * Every phase (pbtxt, YAML, cross-file checks, expression compiler, tests)
 * returns these; only the CLI boundary renders them.
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Repo-relative POSIX path. */
  file: string;
  /** 1-based line and column (column counts UTF-16 code units, as editors do). */
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity: Severity;
  /** Stable code, e.g. QV1001. Ranges: 1xxx text format, 2xxx YAML manifests, 3xxx cross-file, 4xxx expressions, 5xxx config tests. */
  code: string;
  message: string;
  /** What would have been valid here, when that is known. */
  expected?: string;
  /** A suggestion, e.g. "did you mean 'data_type'?". */
  hint?: string;
}

export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** Stable order: file, line, column, code. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

export function diagnostic(
  file: string,
  at: { line: number; column: number; endLine?: number; endColumn?: number },
  code: string,
  message: string,
  extra: { expected?: string; hint?: string; severity?: Severity } = {},
): Diagnostic {
  const d: Diagnostic = {
    file,
    line: at.line,
    column: at.column,
    severity: extra.severity ?? 'error',
    code,
    message,
  };
  if (at.endLine !== undefined) d.endLine = at.endLine;
  if (at.endColumn !== undefined) d.endColumn = at.endColumn;
  if (extra.expected !== undefined) d.expected = extra.expected;
  if (extra.hint !== undefined) d.hint = extra.hint;
  return d;
}
