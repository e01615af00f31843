import type { ParseArgsConfig } from 'node:util';

/** Where a command writes; tests pass buffers, main passes the process streams. */
export interface CommandIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  cwd: string;
  env: Record<string, string | undefined>;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  /** One line for `quiver --help`. */
  summary: string;
  /** Full `--help` text (usage line, options, exit codes). */
  help: string;
  options: OptionSpec;
  allowPositionals?: boolean;
  /** Returns the exit code; throws UsageError / FindingError / OperationError for the others. */
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}
