import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { FindingError, UsageError } from '../errors.js';
import { hasErrors, renderGithub, renderText, sortDiagnostics } from '../../diag/index.js';
import { runConfigTests } from '../../exec/config-tests.js';
import { outputOption, repoOption } from '../options.js';
import { noCacheHelp, noCacheOption, openSingleRevisionCache } from '../definition-cache.js';
import { validateRepo } from '../validate-repo.js';

export const command: Command = {
  name: 'test',
  summary: "Run the config repository's tests/*.yaml on the embedded engine",
  help: `Usage: quiver test [--repo DIR] [--output text|json|github]

Runs every case in tests/*.yaml on the embedded engine (DuckDB): parse cases
feed raw text to a source and check the records it produces (and how many are
rejected or filtered); feature cases feed raw text through a source and a
feature set and check the feature rows. Each mismatch is reported at its
place in the test file.

Options:
  --repo DIR        the config repository (default: the current folder)
  --output FORMAT   text (default), json, or github (workflow annotations)
${noCacheHelp()}
  -h, --help        show this help

Exit codes: 0 all cases pass, 1 a case failed or the config is invalid, 2 usage error.
`,
  options: { repo: repoOption, output: outputOption, 'no-cache': noCacheOption },
  async run(args, io) {
    const repo = resolve(io.cwd, String(args.values['repo'] ?? '.'));
    const output = String(args.values['output'] ?? 'text');
    if (!['text', 'json', 'github'].includes(output)) throw new UsageError(`--output must be text, json or github, not '${output}'`);
    const defs = await openSingleRevisionCache(repo, args, io.env);
    const v = await validateRepo(repo, defs.cache ? { cache: defs.cache } : {});
    await defs.save();
    if (hasErrors(v.diagnostics)) {
      const errs = sortDiagnostics(v.diagnostics.filter((d) => d.severity === 'error'));
      io.stdout.write(output === 'github' ? renderGithub(errs) : renderText(errs));
      throw new FindingError('the config is invalid; fix it before running tests (see quiver validate)');
    }
    const compiled = v.compiled;
    const results = await runConfigTests(v.config, compiled, (r) => {
      if (output === 'text') io.stderr.write(`${r.passed ? 'PASS' : 'FAIL'} ${r.file} ${r.kind}: ${r.name} (${r.seconds.toFixed(2)}s)\n`);
    });
    const diags = results.flatMap((r) => r.diagnostics);
    const failed = results.filter((r) => !r.passed).length;
    if (output === 'json') io.stdout.write(JSON.stringify({ passed: results.length - failed, failed, cases: results }, null, 2) + '\n');
    else if (output === 'github') io.stdout.write(renderGithub(diags));
    else {
      io.stdout.write(renderText(diags));
      io.stderr.write(`${results.length - failed} passed, ${failed} failed (${results.length} cases)\n`);
    }
    return failed ? 1 : 0;
  },
};
