import type { Command } from '../command.js';
import { OperationError } from '../errors.js';

// Placeholder until this command lands; its issue replaces this file.
export const command: Command = {
  name: 'validate',
  summary: 'validate',
  help: 'Usage: quiver validate [options]\n\nNot implemented yet.\n',
  options: {},
  allowPositionals: true,
  async run() {
    throw new OperationError("'quiver validate' is not implemented yet");
  },
};
