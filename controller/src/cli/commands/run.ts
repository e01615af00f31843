import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from '../command.js';
import { FindingError, OperationError, UsageError } from '../errors.js';
import { didYouMean, renderText, sortDiagnostics } from '../../diag/index.js';
import { WorkingTreeFiles } from '../../config/index.js';
import { computePlan, loadRevision, reasonText, type StageGraph } from '../../plan/index.js';
import { cleanHeadCommit } from '../../plan/git-revision.js';
import { runPipeline, type ModelSummary, type Progress, type StageOutcome } from '../../exec/pipeline.js';
import { jobPython } from '../../exec/python-env.js';
import { outputOption, repoOption } from '../options.js';
import { MemoryContentCache } from '../../cache/content-cache.js';
import { currentReleases, openRepoStore, storeIndexFor } from '../store-access.js';
import { loadSigningKey } from '../signing-key.js';

export const command: Command = {
  name: 'run',
  summary: 'Run the pipeline on this machine: parse, features, train, release',
  help: `Usage: quiver run [--repo DIR] [--store URI] [--jobs N] [--signing-key FILE] [--model NAME]... [--force STAGE]... [--output text|json]

Runs the config repository's pipeline on this machine: parse and feature
stages on DuckDB in process, training as a local trainer subprocess, release
gates and signed releases to releases/<model>/index.json in the store. A
stage whose output is already in the store is not run again, so a run that
was killed finishes when started again.

Options:
  --repo DIR           the config repository (default: the current folder)
  --store URI          the object store (default: quiver.yaml's storage root)
  --jobs N             stages to run at once (default: the number of CPUs)
  --signing-key FILE   ed25519 release key (PEM); or set QUIVER_SIGNING_KEY. Without
                       either, a development key is kept in <repo>/.quiver/keys/
  --model NAME         only the stages this model's release needs (repeatable; default: every model)
  --force STAGE        run this stage even if its output exists (e.g. 'train(ssh-bruteforce)'); 'all' for every stage
  --output FORMAT      text (default) or json (the summary, on stdout)
  -h, --help           show this help

Exit codes: 0 every model released or up to date, 1 invalid config or a release
gate failed, 2 usage error, 3 a stage failed, 130 interrupted.
`,
  options: {
    repo: repoOption,
    output: outputOption,
    store: { type: 'string' },
    jobs: { type: 'string', short: 'j' },
    'signing-key': { type: 'string' },
    force: { type: 'string', multiple: true },
    model: { type: 'string', multiple: true },
  },
  async run(args, io) {
    const repo = resolve(io.cwd, String(args.values['repo'] ?? '.'));
    const output = String(args.values['output'] ?? 'text');
    if (!['text', 'json'].includes(output)) throw new UsageError(`--output must be text or json, not '${output}'`);
    const jobs = args.values['jobs'] === undefined ? Math.max(1, cpus().length) : Number(args.values['jobs']);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a positive integer`);
    const force = (args.values['force'] as string[] | undefined) ?? [];
    const err = (s: string): void => void io.stderr.write(s);
    const t0 = Date.now();

    // The working tree runs; when it is exactly HEAD, releases name that commit in their lineage.
    const commit = await cleanHeadCommit(repo);
    const files = commit ? Object.assign(new WorkingTreeFiles(repo), { commit }) : new WorkingTreeFiles(repo);
    // The config is read twice (before and after reading current releases): the second read reuses the first.
    const defs = new MemoryContentCache();
    const first = await loadRevision(files, repo, { cache: defs });
    if (!first.valid) {
      err(renderText(sortDiagnostics(first.diagnostics.filter((d) => d.severity === 'error'))));
      throw new FindingError('the config is invalid; nothing ran and no release changed');
    }
    if (!jobPython('trainer', io.env) && first.config.models.size) {
      throw new OperationError('the trainer venv is missing: run `bash tools/ensure-venv.sh trainer` (or set QUIVER_TRAINER_PYTHON)');
    }
    const store = await openRepoStore(first.config, args.values['store'] as string | undefined, io.cwd);
    // Release keys include the release each model would replace, so read the indexes first.
    const releases = await currentReleases(store, first.config.models.keys());
    const revision = await loadRevision(files, repo, { currentReleases: releases, cache: defs });
    const index = await storeIndexFor(store, revision.graph);
    const forceSet = force.includes('all') ? ('all' as const) : new Set(force);
    if (forceSet !== 'all') for (const f of forceSet) if (!revision.graph.stages.has(f)) throw new UsageError(`--force ${f}: no such stage (stages look like parse(<dataset>), train(<model>))`);
    const plan = computePlan(revision.config, revision.graph, undefined, { store: index, force: forceSet });
    const selected = neededStages(revision.graph, (args.values['model'] as string[] | undefined) ?? []);
    const toRun = plan.stages.filter((s) => s.action === 'run' && (!selected || selected.has(s.id)));
    err(`quiver run: ${repo}\n  store ${store.uri}\n  ${revision.graph.order.length} stages: ${toRun.length} to run, ${revision.graph.order.length - toRun.length} already in the store\n`);
    for (const s of toRun) err(`    ${s.id}: ${s.reasons.map(reasonText).join('; ')}\n`);

    const signingKey = await loadSigningKey(args.values['signing-key'] as string | undefined, io.env, repo, err);
    const controller = new AbortController();
    const onSignal = (): void => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const progress: Progress = {
      stageStarted: (id, n, total) => err(`[${n}/${total}] ${id} ...\n`),
      stageFinished: (id, o, n, total) => err(`[${n}/${total}] ${id} ${describe(o)}\n`),
      log: (line) => err(`${line}\n`),
    };
    let report;
    try {
      report = await runPipeline({
        store,
        revision,
        plan: toRun,
        workRoot: join(repo, '.quiver', 'tmp', String(process.pid)),
        cacheRoot: join(repo, '.quiver', 'cache'),
        jobs,
        signingKey,
        ...(revision.config.settings.engine.duckdb.threads ? { threads: revision.config.settings.engine.duckdb.threads } : {}),
        ...(revision.config.settings.engine.duckdb.memoryLimit ? { memoryLimit: revision.config.settings.engine.duckdb.memoryLimit } : {}),
        progress,
        signal: controller.signal,
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const { rm } = await import('node:fs/promises');
      await rm(join(repo, '.quiver', 'tmp', String(process.pid)), { recursive: true, force: true });
    }
    // With --model, the summary is about the selected models only.
    if (selected) report = { ...report, models: report.models.filter((m) => selected.has(`release(${m.model})`)) };
    const failed = [...report.stages.entries()].filter(([, o]) => o.status === 'failed');
    const gateFailed = report.models.filter((m) => m.status === 'gate failed');
    if (output === 'json') {
      io.stdout.write(
        JSON.stringify(
          {
            store: store.uri,
            seconds: (Date.now() - t0) / 1000,
            stages: Object.fromEntries(report.stages),
            models: report.models,
          },
          null,
          2,
        ) + '\n',
      );
    } else io.stdout.write(summaryTable(report.models, (Date.now() - t0) / 1000, failed.length));
    if (controller.signal.aborted) return 130;
    if (failed.length) {
      for (const [id, o] of failed) err(`quiver run: ${id} failed: ${o.status === 'failed' ? o.error : ''}\n`);
      return 3;
    }
    return gateFailed.length ? 1 : 0;
  },
};

/** The stages release(model) depends on, for each --model; undefined when none is given (all). */
function neededStages(graph: StageGraph, models: string[]): Set<string> | undefined {
  if (models.length === 0) return undefined;
  const names = [...graph.stages.values()].filter((s) => s.kind === 'release').map((s) => s.model ?? '');
  const needed = new Set<string>();
  const visit = (id: string): void => {
    if (needed.has(id)) return;
    needed.add(id);
    for (const d of graph.stages.get(id)?.deps ?? []) visit(d);
  };
  for (const m of models) {
    if (!graph.stages.has(`release(${m})`)) {
      const hint = didYouMean(m, names);
      throw new UsageError(`--model ${m}: no such model${hint ? `; ${hint}` : ''} (models: ${names.sort().join(', ')})`);
    }
    visit(`release(${m})`);
  }
  return needed;
}

function describe(o: StageOutcome): string {
  switch (o.status) {
    case 'ran':
      return `done in ${o.seconds.toFixed(1)}s: ${o.summary}`;
    case 'reused':
      return `reused: ${o.summary}`;
    case 'failed':
      return `FAILED after ${o.seconds.toFixed(1)}s: ${o.error}`;
    case 'skipped':
      return `skipped: ${o.because}`;
  }
}

function summaryTable(models: ModelSummary[], seconds: number, failedStages: number): string {
  const rows = models.map((m) => [
    m.model,
    m.version === null ? '-' : `v${m.version}`,
    m.metrics ? m.metrics.roc_auc.toFixed(3) : '-',
    m.metrics ? m.metrics.pr_auc.toFixed(3) : '-',
    m.metrics ? m.metrics.threshold.toFixed(3) : '-',
    m.status,
    m.message,
  ]);
  const head = ['model', 'version', 'ROC AUC', 'PR AUC', 'threshold', 'status', 'detail'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return ['', line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', `${models.length} models, ${seconds.toFixed(1)}s${failedStages ? `, ${failedStages} stage(s) failed` : ''}`, ''].join('\n');
}
