/**
 * The few error classes that cross the CLI boundary. Commands throw what
 * happened; only main.ts decides how to tell the user and which exit code.
 */

/** Bad flags or arguments: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A finding about user input that was already reported (diagnostics printed): exit 1. */
export class FindingError extends Error {
  override readonly name = 'FindingError';
}

/** Work could not be done (I/O, a stage failed, a server refused): exit 3. Keeps its cause. */
export class OperationError extends Error {
  override readonly name = 'OperationError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A bug in Quiver: exit 4, and ask for a bug report. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export const ExitCode = {
  ok: 0,
  finding: 1,
  usage: 2,
  failed: 3,
  internal: 4,
  interrupted: 130,
} as const;
