import type { Command } from '../command.js';
import { OperationError } from '../errors.js';

// Placeholder until this command lands; its issue replaces this file.
export const command: Command = {
  name: 'run',
  summary: 'run',
  help: 'Usage: quiver run [options]\n\nNot implemented yet.\n',
  options: {},
  allowPositionals: true,
  async run() {
    throw new OperationError("'quiver run' is not implemented yet");
  },
};
