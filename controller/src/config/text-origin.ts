/**
 * Where an expression's text came from. A definition is a decoded string
 * literal (escapes resolved, adjacent literals concatenated), so offsets in
 * the decoded text map back to file positions through `offsets`.
 */
export interface TextOrigin {
  /** Repo-relative POSIX path of the file holding the literal. */
  file: string;
  /**
   * File position (1-based line/column) of each UTF-16 unit of the decoded
   * text, with one extra entry for the end of the text.
   */
  positionAt(offset: number): { line: number; column: number };
}

/** An expression as written in the config repo: text plus where each character came from. */
export interface ExprSource {
  text: string;
  origin: TextOrigin;
}

/** For expressions that do not come from a file (tests, generated code): positions are offsets on line 1. */
export function syntheticExpr(text: string, file = '<expr>'): ExprSource {
  return { text, origin: { file, positionAt: (offset) => ({ line: 1, column: offset + 1 }) } };
}
