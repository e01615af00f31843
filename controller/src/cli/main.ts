import { parseArgs } from 'node:util';
import type { Command, CommandIO, ParsedArgs } from './command.js';
import { commandTable } from './commands/index.js';
import { ExitCode, FindingError, InternalError, OperationError, UsageError } from './errors.js';
import { QUIVER_VERSION } from '../version.js';

function topLevelHelp(): string {
  const width = Math.max(...Object.keys(commandTable).map((n) => n.length));
  const lines = Object.entries(commandTable).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: quiver <command> [options]',
    '',
    'Quiver keeps threat-detection models current from a git config repository.',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `quiver <command> --help` for a command\'s options.',
    '',
    'Exit codes: 0 success, 1 a finding (invalid config, failed test, failed gate),',
    '            2 usage error, 3 an operation failed, 4 internal error (a bug), 130 interrupted.',
    '',
  ].join('\n');
}

function defaultIO(): CommandIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

function parseCommandArgs(cmd: Command, argv: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: cmd.allowPositionals ?? false,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The only place that maps errors to exit codes and prints them. */
export async function main(argv: string[], io: CommandIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(topLevelHelp());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === '--version' || name === 'version') {
    io.stdout.write(`quiver ${QUIVER_VERSION}\n`);
    return ExitCode.ok;
  }
  const entry = commandTable[name];
  if (!entry) {
    io.stderr.write(`quiver: unknown command '${name}'\n\n${topLevelHelp()}`);
    return ExitCode.usage;
  }
  let cmd: Command | undefined;
  try {
    cmd = await entry.load();
    const args = parseCommandArgs(cmd, rest);
    if (args.values['help'] === true) {
      io.stdout.write(cmd.help.endsWith('\n') ? cmd.help : cmd.help + '\n');
      return ExitCode.ok;
    }
    return await cmd.run(args, io);
  } catch (err) {
    return reportError(err, name, cmd, io);
  }
}

function reportError(err: unknown, name: string, cmd: Command | undefined, io: CommandIO): number {
  if (err instanceof UsageError) {
    io.stderr.write(`quiver ${name}: ${err.message}\n`);
    if (cmd) io.stderr.write(`Run 'quiver ${name} --help' for usage.\n`);
    return ExitCode.usage;
  }
  if (err instanceof FindingError) {
    if (err.message) io.stderr.write(`quiver ${name}: ${err.message}\n`);
    return ExitCode.finding;
  }
  if (err instanceof OperationError) {
    io.stderr.write(`quiver ${name}: ${err.message}${causeText(err.cause)}\n`);
    return ExitCode.failed;
  }
  if (err instanceof InternalError) {
    io.stderr.write(`quiver ${name}: internal error: ${err.message}${causeText(err.cause)}\nThis is a bug in Quiver; please report it with the command you ran.\n`);
    return ExitCode.internal;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.syscall === 'string') {
    // Plain I/O errors (ENOENT, EACCES, ...) are operational, not bugs.
    io.stderr.write(`quiver ${name}: ${e.message}\n`);
    return ExitCode.failed;
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  io.stderr.write(`quiver ${name}: internal error: ${stack}\nThis is a bug in Quiver; please report it with the command you ran.\n`);
  return ExitCode.internal;
}

function causeText(cause: unknown): string {
  if (cause === undefined) return '';
  return `: ${cause instanceof Error ? cause.message : String(cause)}`;
}
