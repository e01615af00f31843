export type { Diagnostic, Severity, Span } from './diagnostic.js';
export { diagnostic, hasErrors, sortDiagnostics } from './diagnostic.js';
export { SourceText } from './source-text.js';
export { closest, didYouMean, editDistance } from './suggest.js';
export { formatDiagnostic, renderGithub, renderJson, renderText } from './render.js';
