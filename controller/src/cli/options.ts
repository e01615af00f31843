import type { OptionSpec } from './command.js';

/** Options shared by several commands, spelled the same everywhere. */
export const repoOption: OptionSpec[string] = { type: 'string' };
export const outputOption: OptionSpec[string] = { type: 'string', short: 'o' };
