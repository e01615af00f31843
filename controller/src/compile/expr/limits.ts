/** Hard limits on a definition; they keep parsing linear and bounded, and the errors clear. */
export interface ExprLimits {
  /** Maximum length of the decoded definition, in UTF-16 code units. */
  maxLength: number;
  /** Maximum nesting: parentheses, calls, operators and operator chains each count one level. */
  maxDepth: number;
  /** Maximum length of the SQL rendered for either engine. */
  maxRenderedLength: number;
}

export const DEFAULT_LIMITS: ExprLimits = {
  maxLength: 10_000,
  maxDepth: 64,
  maxRenderedLength: 200_000,
};
