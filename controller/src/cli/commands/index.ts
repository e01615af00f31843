import type { Command } from '../command.js';

/**
 * The command table. Each command lives in its own module and is imported
 * only when it runs, so `quiver --help` and `quiver validate` start fast.
 */
export const commandTable: Record<string, { summary: string; load: () => Promise<Command> }> = {
  validate: { summary: 'Check a config repository and report every problem with file:line:column', load: async () => (await import('./validate.js')).command },
  test: { summary: "Run the config repository's tests/*.yaml on the embedded engine", load: async () => (await import('./test.js')).command },
  plan: { summary: 'Show which stages a change would run, and why (runs nothing)', load: async () => (await import('./plan.js')).command },
  run: { summary: 'Run the pipeline on this machine: parse, features, train, release', load: async () => (await import('./run.js')).command },
  dev: { summary: 'Watch a config repository; validate and plan on every save', load: async () => (await import('./dev.js')).command },
  score: { summary: 'Score raw log files with a release bundle; alerts print as JSON lines', load: async () => (await import('./score.js')).command },
  keys: { summary: 'Manage release signing keys (keys generate)', load: async () => (await import('./keys.js')).command },
  bundle: { summary: 'Inspect and verify release bundles (bundle verify)', load: async () => (await import('./bundle.js')).command },
};
