import type { Code } from './codes.js';

/** A finding in offsets of the decoded definition text; turned into a Diagnostic at the API edge. */
export interface Problem {
  code: Code;
  message: string;
  start: number;
  end: number;
  expected?: string;
  hint?: string;
}

export function problem(code: Code, start: number, end: number, message: string, extra: { expected?: string; hint?: string } = {}): Problem {
  const p: Problem = { code, message, start, end };
  if (extra.expected !== undefined) p.expected = extra.expected;
  if (extra.hint !== undefined) p.hint = extra.hint;
  return p;
}

/** Thrown to stop parsing at the first syntax error; never escapes the compiler. */
export class ParseStop extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}
