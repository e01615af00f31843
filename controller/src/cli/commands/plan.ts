import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { FindingError, UsageError } from '../errors.js';
import { renderText, sortDiagnostics } from '../../diag/index.js';
import { WorkingTreeFiles, type RepoFiles } from '../../config/index.js';
import { computePlan, GitRevisionFiles, loadBaseRevision, loadRevision, planJson, renderPlanMarkdown, renderPlanText, type BaseRevision } from '../../plan/index.js';
import { outputOption, repoOption } from '../options.js';
import { noCacheHelp, noCacheOption, openDefinitionCache } from '../definition-cache.js';

export const command: Command = {
  name: 'plan',
  summary: 'Show which stages a change would run, and why (runs nothing)',
  help: `Usage: quiver plan [--repo DIR] [--base REF] [--head REF] [--store URI] [--output text|json|markdown]

Compares the stage graphs of two revisions of a config repository and prints
the stages that would run, each with the change that causes it (file and
field), the models that would get new releases, the environments that would
receive them, and what is unaffected. It runs nothing.

By default it compares the working tree (head) with HEAD (base). With
--store, it also checks which outputs already exist (a stage whose new
output is already stored is reused, and a stage whose output is missing runs).

Options:
  --repo DIR        the config repository (default: the current folder); it may be a subfolder of a git repository
  --base REF        the revision to compare against (default: HEAD; none outside git)
  --head REF        the revision to plan (default: the working tree)
  --store URI       also consult this store (file://... or s3://...); 'config' uses quiver.yaml's storage root
  --output FORMAT   text (default), json, or markdown (for a pull-request comment)
${noCacheHelp()}
  -h, --help        show this help

Exit codes: 0 planned, 1 a revision's config is invalid, 2 usage error, 3 git or store failure.
`,
  options: { repo: repoOption, output: outputOption, base: { type: 'string' }, head: { type: 'string' }, store: { type: 'string' }, 'no-cache': noCacheOption },
  async run(args, io) {
    const repo = resolve(io.cwd, String(args.values['repo'] ?? '.'));
    const output = String(args.values['output'] ?? 'text');
    if (!['text', 'json', 'markdown'].includes(output)) throw new UsageError(`--output must be text, json or markdown, not '${output}'`);
    const headRef = args.values['head'] as string | undefined;
    const baseArg = args.values['base'] as string | undefined;
    const cache = new Map<string, Promise<string>>();
    const opened: GitRevisionFiles[] = [];
    const open = async (ref: string): Promise<RepoFiles> => {
      try {
        const { files } = await GitRevisionFiles.open(repo, ref);
        opened.push(files);
        return files;
      } catch (e) {
        throw new UsageError(`cannot read revision '${ref}' of ${repo}: ${(e as Error).message.split('\n')[0]}`);
      }
    };
    try {
      const defs = await openDefinitionCache(repo, args, io.env);
      const headFiles = headRef ? await open(headRef) : new WorkingTreeFiles(repo, defs);
      let baseFiles: RepoFiles | undefined;
      if (baseArg) baseFiles = await open(baseArg);
      else baseFiles = await open('HEAD').catch(() => undefined); // not a git repository, or no commit yet: everything is new
      const head = await loadRevision(headFiles, repo, { fingerprintCache: cache, cache: defs, compile: 'keys' });
      const base = baseFiles ? await loadBaseRevision(baseFiles, repo, { fingerprintCache: cache, cache: defs, compile: 'keys' }) : undefined;
      await defs.save();
      const invalid: Array<[string, BaseRevision]> = [];
      if (!head.valid) invalid.push([headRef ?? 'the working tree', head]);
      if (base && !base.valid) invalid.push([baseArg ?? 'HEAD', base]);
      if (invalid.length) {
        for (const [name, rev] of invalid) {
          io.stderr.write(`quiver plan: ${name} is not a valid config:\n`);
          io.stderr.write(renderText(sortDiagnostics(rev.diagnostics.filter((d) => d.severity === 'error'))));
        }
        throw new FindingError('no plan: fix the config first (an invalid config changes nothing)');
      }
      const storeArg = args.values['store'] as string | undefined;
      let index;
      if (storeArg) {
        // Loaded only with --store: the S3 client alone takes ~180 ms to load.
        const { openRepoStore, storeIndexFor } = await import('../store-access.js');
        const store = await openRepoStore(head.config, storeArg === 'config' ? undefined : storeArg, io.cwd);
        index = await storeIndexFor(store, head.graph);
      }
      const plan = computePlan(head.config, head.graph, base?.graph, index ? { store: index } : {});
      if (output === 'json') io.stdout.write(JSON.stringify({ base: baseFiles?.label ?? null, head: headFiles.label, ...(planJson(plan) as object) }, null, 2) + '\n');
      else if (output === 'markdown') io.stdout.write(renderPlanMarkdown(plan, `Quiver plan: ${baseFiles ? `${baseFiles.label} → ` : ''}${headRef ?? 'working tree'}`));
      else {
        io.stdout.write(`Plan for ${headRef ?? 'the working tree'}${baseFiles ? ` against ${baseFiles.label}` : ' (no base revision: everything is new)'}\n\n`);
        io.stdout.write(renderPlanText(plan));
      }
      return 0;
    } finally {
      for (const f of opened) f.close();
    }
  },
};
