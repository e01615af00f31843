import { diagnostic, type Diagnostic, type SourceText } from '../../diag/index.js';
import { Code, type CodeValue } from './codes.js';

/** Thrown (and caught by parseTextFormat) once the error budget is spent. */
export class StopParsing extends Error {
  constructor() {
    super('too many errors');
  }
}

export interface ReportExtra {
  expected?: string;
  hint?: string;
}

/**
 * Collects diagnostics in file positions while the lexer and parser work in
 * offsets. Caps the number of errors so garbage input cannot produce
 * unbounded output (and so the parse stays linear).
 */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private errors = 0;
  private warnings = 0;

  constructor(
    readonly source: SourceText,
    private readonly maxErrors = 100,
  ) {}

  get errorCount(): number {
    return this.errors;
  }

  error(code: CodeValue, start: number, end: number, message: string, extra: ReportExtra = {}): void {
    if (this.errors >= this.maxErrors) {
      this.diagnostics.push(
        diagnostic(
          this.source.file,
          this.source.span(start, end),
          Code.TooManyErrors,
          `too many errors (${this.maxErrors}); stopped parsing here`,
        ),
      );
      throw new StopParsing();
    }
    this.errors++;
    this.diagnostics.push(diagnostic(this.source.file, this.source.span(start, end), code, message, extra));
  }

  /** Warnings beyond the cap are dropped: they never stop the parse. */
  warning(code: CodeValue, start: number, end: number, message: string, extra: ReportExtra = {}): void {
    if (this.warnings >= this.maxErrors) return;
    this.warnings++;
    this.diagnostics.push(
      diagnostic(this.source.file, this.source.span(start, end), code, message, { ...extra, severity: 'warning' }),
    );
  }
}

/** Quotes user text for a message, shortened so one huge token cannot bloat the output. */
export function quote(text: string, max = 40): string {
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return `'${shown}'`;
}
