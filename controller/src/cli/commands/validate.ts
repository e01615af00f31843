import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { hasErrors, renderGithub, renderJson, renderText, sortDiagnostics } from '../../diag/index.js';
import { validateRepo } from '../validate-repo.js';
import { outputOption, repoOption } from '../options.js';
import { noCacheHelp, noCacheOption, openSingleRevisionCache } from '../definition-cache.js';

export const command: Command = {
  name: 'validate',
  summary: 'Check a config repository and report every problem with file:line:column',
  help: `Usage: quiver validate [--repo DIR] [--output text|json|github]

Parses every file of a config repository (quiver.yaml, sources/*.pbtxt,
features/*.pbtxt, datasets/, models/, environments/, tests/), checks the
references between them, and compiles every definition. All problems are
reported in one run, each at its file:line:column.

Options:
  --repo DIR        the config repository (default: the current folder)
  --output FORMAT   text (default), json, or github (workflow annotations)
${noCacheHelp()}
  -h, --help        show this help

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage error.
`,
  options: { repo: repoOption, output: outputOption, 'no-cache': noCacheOption },
  async run(args, io) {
    const repo = resolve(io.cwd, String(args.values['repo'] ?? '.'));
    const output = String(args.values['output'] ?? 'text');
    if (!['text', 'json', 'github'].includes(output)) throw new UsageError(`--output must be text, json or github, not '${output}'`);
    const defs = await openSingleRevisionCache(repo, args, io.env);
    const result = await validateRepo(repo, { ...(defs.cache ? { cache: defs.cache } : {}), output: 'diagnostics' });
    await defs.save();
    const diags = sortDiagnostics(result.diagnostics);
    const ok = !hasErrors(diags);
    if (output === 'json') {
      io.stdout.write(renderJson(diags).replace(/\n$/, '').replace(/^\{/, `{\n  "valid": ${ok},\n  "counts": ${JSON.stringify(result.counts)},`) + '\n');
    } else if (output === 'github') {
      io.stdout.write(renderGithub(diags));
    } else {
      io.stdout.write(renderText(diags));
      const errors = diags.filter((d) => d.severity === 'error').length;
      const warnings = diags.length - errors;
      const c = result.counts;
      const what = `${c.sources} sources, ${c.featureSets} feature sets, ${c.datasets} datasets, ${c.models} models, ${c.environments} environments, ${c.tests} test files`;
      io.stderr.write(
        ok
          ? `${repo}: valid (${what})${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`
          : `${repo}: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`,
      );
    }
    return ok ? 0 : 1;
  },
};
