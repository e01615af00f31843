import { resolve, sep } from 'node:path';
import { watch } from 'chokidar';
import type { Command, CommandIO } from '../command.js';
import { renderText, sortDiagnostics } from '../../diag/index.js';
import { WorkingTreeFiles } from '../../config/index.js';
import { computePlan, GitRevisionFiles, loadBaseRevision, loadRevision, renderPlanText, type BaseRevision } from '../../plan/index.js';
import { repoOption } from '../options.js';
import { noCacheHelp, noCacheOption, openDefinitionCache } from '../definition-cache.js';
import { main } from '../main.js';

export const command: Command = {
  name: 'dev',
  summary: 'Watch a config repository; validate and plan on every save',
  help: `Usage: quiver dev [--repo DIR] [--run] [--once]

Watches the config repository. On every save it validates the config and
prints the plan against HEAD (typically well within a second), so you see
errors with file:line:column and exactly which stages your edit affects.
With --run it also runs the pipeline (quiver run) after each valid change.

Options:
  --repo DIR   the config repository (default: the current folder)
  --run        run the pipeline after each valid change
  --once       validate and plan once, then exit (for scripts and tests)
${noCacheHelp(15)}
  -h, --help   show this help

Stop with Ctrl-C. Exit codes: 0 on Ctrl-C (or --once with a valid config), 1 --once with an invalid config, 2 usage error.
`,
  options: { repo: repoOption, run: { type: 'boolean' }, once: { type: 'boolean' }, 'no-cache': noCacheOption },
  async run(args, io) {
    const repo = resolve(io.cwd, String(args.values['repo'] ?? '.'));
    const once = args.values['once'] === true;
    const runToo = args.values['run'] === true;
    const cache = new Map<string, Promise<string>>();
    // One definition cache for the whole session: a save re-reads only the file that changed.
    const defs = await openDefinitionCache(repo, args, io.env);
    let base: BaseRevision | undefined;
    try {
      const { files } = await GitRevisionFiles.open(repo, 'HEAD');
      base = await loadBaseRevision(files, repo, { fingerprintCache: cache, cache: defs, compile: 'keys' });
      files.close();
    } catch {
      base = undefined;
    }
    const cycle = async (why: string): Promise<boolean> => {
      const t0 = Date.now();
      const head = await loadRevision(new WorkingTreeFiles(repo, defs), repo, { fingerprintCache: cache, cache: defs, compile: 'keys' });
      await defs.save();
      const ms = Date.now() - t0;
      io.stdout.write(`\n── ${new Date().toISOString().slice(11, 19)} ${why} (${ms} ms)\n`);
      if (!head.valid) {
        io.stdout.write(renderText(sortDiagnostics(head.diagnostics.filter((d) => d.severity === 'error'))));
        return false;
      }
      const plan = computePlan(head.config, head.graph, base?.valid ? base.graph : undefined);
      io.stdout.write(`valid. ${base?.valid ? 'Against HEAD:' : 'No valid HEAD to compare with:'}\n`);
      io.stdout.write(renderPlanText(plan));
      if (runToo) await main(['run', '--repo', repo], io as CommandIO);
      return true;
    };
    if (once) return (await cycle('check')) ? 0 : 1;
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    let again = false;
    const changed = new Set<string>();
    const trigger = (path: string): void => {
      changed.add(path.startsWith(repo) ? path.slice(repo.length + 1) : path);
      if (timer) clearTimeout(timer);
      // Editors save in bursts (temp file, rename): wait for the burst to end.
      timer = setTimeout(() => {
        if (running) {
          again = true;
          return;
        }
        const why = [...changed].slice(0, 3).join(', ') + (changed.size > 3 ? ` and ${changed.size - 3} more` : '');
        changed.clear();
        running = true;
        void cycle(`changed: ${why}`)
          .catch((e: Error) => io.stderr.write(`quiver dev: ${e.message}\n`))
          .finally(() => {
            running = false;
            if (again) {
              again = false;
              trigger('(more changes)');
            }
          });
      }, 75);
    };
    const watcher = watch(repo, {
      ignoreInitial: true,
      ignored: (p: string) => p.includes(`${sep}.git${sep}`) || p.endsWith(`${sep}.git`) || p.includes(`${sep}.quiver`) || p.includes(`${sep}node_modules`),
    });
    watcher.on('all', (_ev, p) => {
      if (typeof p === 'string') trigger(p);
    });
    // The first check is printed once the watcher is ready: a save after it is never missed.
    await new Promise<void>((ready) => watcher.once('ready', () => ready()));
    if (!process.stdout.isTTY && !io.stdout.isTTY) io.stderr.write('quiver dev: watching (Ctrl-C to stop)\n');
    await cycle('start');
    await new Promise<void>((done) => {
      const stop = (): void => {
        void watcher.close().then(done);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
