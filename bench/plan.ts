/**
 * bench/plan (issue 5): how long does `quiver plan` take on a repository of
 * 300 sources, 300 datasets and 1,000 models committed to git, and does a
 * one-feature change plan exactly the stages it should?
 * Targets: under 1 s, under 300 MB.
 *
 *   npx tsx bench/plan.ts [--runs 5] [--profile] [--keep]
 *
 * `quiver plan` here is the whole command: read HEAD through git and the
 * working tree, parse, compile, resolve every dataset input with its sha256,
 * build both stage graphs and diff them. Measured three ways as in
 * bench/validate (in this process, a fresh child timing main(), and the
 * subprocess `node bin/quiver.js plan`), first with a clean working tree and
 * then with one feature definition edited. The edited plan is checked
 * against the stages computed independently from the generator's structure.
 * The in-process and fresh-child runs use --no-cache (every file parsed and
 * compiled, both revisions); the subprocess runs both ways: --no-cache, and
 * with the definition cache (.quiver/cache) warm, as `quiver dev`, a second
 * plan, or CI with a restored cache see it. After the edit, the first cached
 * run (the edited file re-parsed and re-compiled) is reported on its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { main } from '../controller/src/cli/main.js';
import type { CommandIO } from '../controller/src/cli/command.js';
import { renderSummary, summarizeProfile, type Phase } from './lib/cpuprofile.js';
import { editFeatureDefinition, FULL_SHAPE, generateRepo, type GeneratedRepo, type GenFeatureSet } from './lib/gen-repo.js';
import { distWarning, fmtMB, fmtMs, load, machine, median, repoRoot, runChild } from './lib/measure.js';
import { VALIDATE_PHASES } from './lib/phases.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, profile: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false } },
});
const runs = Math.max(1, Number(values.runs));
const TARGET_MS = 1000;
const TARGET_MB = 300;

interface PlanJson {
  stages: Array<{ id: string; kind: string; action: 'run' | 'reuse'; reasonsText: string[] }>;
  releases: string[];
  environments: Array<{ name: string; wave: number; models: string[] }>;
  unaffected: { models: string[]; stages: string[] };
}

function bufferIO(): CommandIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    cwd: repoRoot,
    env: process.env,
    out: () => out,
    err: () => err,
  };
}

const PLAN_PHASES: Phase[] = [
  { name: 'sha256 of dataset inputs (plan/inputs, crypto)', match: (f) => f.url.includes('/plan/inputs') || f.functionName === 'digest' || f.functionName === 'update' },
  { name: 'git cat-file reader (plan/git-revision)', match: (f) => f.url.includes('/plan/git-revision') || f.url.includes('simple-git') },
  { name: 'stage graph + keys (plan/graph, canonical-json)', match: (f) => f.url.includes('/plan/graph') || f.url.includes('/src/canonical-json') },
  { name: 'diff + explain (plan/diff, json-diff, render)', match: (f) => f.url.includes('/plan/diff') || f.url.includes('/plan/json-diff') || f.url.includes('/plan/render') },
  ...VALIDATE_PHASES,
];

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function planInProcess(dir: string, cached = false): Promise<{ ms: number; plan: PlanJson }> {
  const io = bufferIO();
  // The TypeScript source salts the cache differently from dist/: its own folder, so the subprocess's stays warm.
  if (cached) io.env = { ...process.env, QUIVER_CACHE_DIR: join(dir, '.quiver', 'cache-tsx') };
  const t = performance.now();
  const code = await main(['plan', '--repo', dir, '--output', 'json', ...(cached ? [] : ['--no-cache'])], io);
  const ms = performance.now() - t;
  if (code !== 0) throw new Error(`quiver plan exited ${code}: ${io.err().slice(-3000)}`);
  return { ms, plan: JSON.parse(io.out()) as PlanJson };
}

const CHILD = `
const [mainUrl, dir] = process.argv.slice(1);
const { main } = await import(mainUrl);
const io = { stdout: { write() {} }, stderr: { write() {} }, cwd: process.cwd(), env: process.env };
const t = performance.now();
const cpu0 = process.cpuUsage();
const code = await main(['plan', '--repo', dir, '--output', 'json', '--no-cache'], io);
const ms = performance.now() - t;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ code, ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS }));
`;

type Sub = { ms: number; cpuMs?: number; maxRssKb?: number };
interface Measured {
  inProcess: number[];
  /** in this process with the cache warm: what a `quiver dev` cycle does */
  inProcessCached: number[];
  fresh: Array<{ ms: number; cpuMs: number; maxRssKb: number }>;
  /** --no-cache */
  cold: Sub[];
  /** the definition cache warm */
  warm: Sub[];
  /** the first cached run after an edit, when measured */
  first?: Sub;
}

async function subprocess(dir: string, extra: string[]): Promise<Sub> {
  const r = await runChild(process.execPath, [join(repoRoot, 'bin', 'quiver.js'), 'plan', '--repo', dir, '--output', 'json', ...extra]);
  if (r.code !== 0) throw new Error(`quiver plan exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return { ms: r.wallMs, ...(r.cpuMs !== undefined ? { cpuMs: r.cpuMs } : {}), ...(r.maxRssKb !== undefined ? { maxRssKb: r.maxRssKb } : {}) };
}

async function measure(dir: string, opts: { firstAfterEdit?: boolean } = {}): Promise<Measured> {
  const m: Measured = { inProcess: [], inProcessCached: [], fresh: [], cold: [], warm: [] };
  // Before anything else reads the edited tree through the cache: one file misses.
  if (opts.firstAfterEdit) m.first = await subprocess(dir, []);
  for (let i = 0; i < runs; i++) m.inProcess.push((await planInProcess(dir)).ms);
  const mainUrl = pathToFileURL(join(repoRoot, 'dist', 'controller', 'src', 'cli', 'main.js')).href;
  for (let i = 0; i < runs; i++) {
    const r = await runChild(process.execPath, ['--input-type=module', '-e', CHILD, mainUrl, dir]);
    if (r.code !== 0) throw new Error(`child failed (${r.code}): ${r.stderr.slice(-2000)}`);
    const j = JSON.parse(r.stdout) as { code: number; ms: number; cpuMs: number; maxRssKb: number };
    if (j.code !== 0) throw new Error(`quiver plan exited ${j.code} in the child`);
    m.fresh.push(j);
  }
  for (let i = 0; i < runs; i++) m.cold.push(await subprocess(dir, ['--no-cache']));
  if (!opts.firstAfterEdit) await subprocess(dir, []); // primes the cache
  for (let i = 0; i < runs; i++) m.warm.push(await subprocess(dir, []));
  for (let i = 0; i < runs; i++) m.inProcessCached.push((await planInProcess(dir, true)).ms);
  return m;
}

function report(title: string, m: Measured): { coldMs: number; warmMs: number; firstMs?: number; peakKb: number } {
  const list = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ');
  const med = (xs: Sub[]): number => median(xs.map((s) => s.ms));
  const rssOf = (xs: Sub[]): number[] => xs.flatMap((s) => (s.maxRssKb !== undefined ? [s.maxRssKb] : []));
  const rssText = (xs: Sub[]): string => (rssOf(xs).length ? fmtMB(median(rssOf(xs))) : 'n/a');
  const all = [...m.cold, ...m.warm, ...(m.first ? [m.first] : [])];
  const peakKb = Math.max(...rssOf(all), ...m.fresh.map((f) => f.maxRssKb));
  const cpu = m.cold.flatMap((s) => (s.cpuMs !== undefined ? [s.cpuMs] : []));
  console.log(`\n${title}, ${runs} runs each                    median      runs (ms)`);
  console.log(`  in-process, --no-cache, JIT warm (tsx source)  ${fmtMs(median(m.inProcess)).padStart(9)}   [${list(m.inProcess)}]`);
  console.log(`  in-process, cache warm, JIT warm (a dev cycle)  ${fmtMs(median(m.inProcessCached)).padStart(8)}   [${list(m.inProcessCached)}]`);
  console.log(`  fresh child, main() only, --no-cache (dist/)   ${fmtMs(median(m.fresh.map((f) => f.ms))).padStart(9)}   [${list(m.fresh.map((f) => f.ms))}]`);
  console.log(`  subprocess, --no-cache (wall)                  ${fmtMs(med(m.cold)).padStart(9)}   [${list(m.cold.map((s) => s.ms))}]   peak RSS ${rssText(m.cold)}`);
  if (m.first) console.log(`  subprocess, cache warm, first run after the edit ${fmtMs(m.first.ms).padStart(7)}   [${m.first.ms.toFixed(0)}]   peak RSS ${rssText([m.first])}`);
  console.log(`  subprocess, definition cache warm (wall)       ${fmtMs(med(m.warm)).padStart(9)}   [${list(m.warm.map((s) => s.ms))}]   peak RSS ${rssText(m.warm)}`);
  console.log(`  CPU time (user+sys), fresh child main()        ${fmtMs(median(m.fresh.map((f) => f.cpuMs))).padStart(9)}   [${list(m.fresh.map((f) => f.cpuMs))}]`);
  if (cpu.length) console.log(`  CPU time (user+sys), subprocess --no-cache     ${fmtMs(median(cpu)).padStart(9)}   [${list(cpu)}]`);
  return { coldMs: med(m.cold), warmMs: med(m.warm), ...(m.first ? { firstMs: m.first.ms } : {}), peakKb };
}

/** The feature set to edit: the one whose change fans out furthest (most models, then most datasets). */
function pickFeatureSet(gen: GeneratedRepo): GenFeatureSet {
  let best: { fs: GenFeatureSet; models: number; datasets: number } | undefined;
  for (const fs of gen.featureSets) {
    const users = gen.models.filter((m) => m.featureSets.includes(fs.name));
    const datasets = new Set(users.map((m) => m.dataset)).size;
    if (!best || users.length > best.models || (users.length === best.models && datasets > best.datasets)) best = { fs, models: users.length, datasets };
  }
  if (!best) throw new Error('no feature sets generated');
  return best.fs;
}

async function run(): Promise<void> {
  console.log(`bench/plan  machine: ${machine()}  load: ${load()}`);
  const warn = distWarning();
  if (warn) console.log(`WARNING: ${warn}`);
  const dir = mkdtempSync(join(tmpdir(), 'quiver-bench-plan-'));
  try {
    const gen = generateRepo(dir, FULL_SHAPE);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-q', '-m', 'generated config');
    console.log(
      `generated and committed ${dir}: ${gen.sources.length} sources, ${gen.featureSets.length} feature sets, ${gen.datasets.length} datasets ` +
        `(${gen.datasets.reduce((n, d) => n + d.dataFiles.length, 0)} data files to fingerprint), ${gen.models.length} models, ${gen.environments.length} environments; ${gen.files} files`,
    );

    // 1. Nothing changed: the plan must be empty.
    const clean = await planInProcess(dir);
    if (clean.plan.stages.length) throw new Error(`a clean working tree planned ${clean.plan.stages.length} stages: ${clean.plan.stages.slice(0, 5).map((s) => s.id).join(', ')}`);
    const total = clean.plan.unaffected.stages.length;
    console.log(`clean working tree: 0 stages to run, ${total} stages unchanged (cold in-process run ${fmtMs(clean.ms)})`);
    const m1 = report('quiver plan, clean working tree', await measure(dir));

    // 2. Edit one feature definition.
    const fs = pickFeatureSet(gen);
    const feature = fs.features[0];
    if (!feature) throw new Error(`feature set ${fs.name} has no features`);
    const edit = editFeatureDefinition(gen, fs.name, feature.name);
    console.log(`\nedited ${fs.file}: ${feature.name}: "${edit.before}" -> "${edit.after}"`);

    // Expected, from the generated structure alone.
    const users = gen.models.filter((m) => m.featureSets.includes(fs.name));
    const expected = new Set<string>();
    for (const m of users) {
      expected.add(`features(${m.dataset}, ${fs.name})`);
      expected.add(`train(${m.name})`);
      expected.add(`release(${m.name})`);
    }
    const userNames = new Set(users.map((m) => m.name));
    const expectedEnvs = gen.environments.filter((e) => e.models.some((m) => userNames.has(m))).map((e) => e.name).sort();

    const edited = await planInProcess(dir);
    const actual = new Set(edited.plan.stages.filter((s) => s.action === 'run').map((s) => s.id));
    const sortIds = (xs: Iterable<string>): string[] => [...xs].sort();
    console.log(`expected (${expected.size}): models using ${fs.name}: ${users.length} over ${new Set(users.map((m) => m.dataset)).size} datasets`);
    for (const id of sortIds(expected)) console.log(`  ${id}`);
    console.log(`planned (${actual.size}):`);
    for (const s of edited.plan.stages) console.log(`  ${s.id}  [${s.action}] ${s.reasonsText.join('; ')}`);
    const missing = sortIds([...expected].filter((x) => !actual.has(x)));
    const extra = sortIds([...actual].filter((x) => !expected.has(x)));
    const envs = edited.plan.environments.map((e) => e.name).sort();
    const envOk = JSON.stringify(envs) === JSON.stringify(expectedEnvs);
    console.log(`environments receiving new releases: planned ${envs.length}, expected ${expectedEnvs.length}: ${envOk ? 'equal' : 'DIFFERENT'}`);
    if (missing.length || extra.length || !envOk) {
      console.log(`MISMATCH: missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}`);
      process.exitCode = 1;
    } else console.log(`CHECK PASSED: the plan lists exactly the ${expected.size} affected stages (${total + 0} stages in the graph)`);
    const m2 = report('quiver plan, one feature edited', await measure(dir, { firstAfterEdit: true }));

    const worstKb = Math.max(m1.peakKb, m2.peakKb);
    const verdict = (ms: number): string => (ms < TARGET_MS ? 'MET' : 'MISSED');
    const coldWorst = Math.max(m1.coldMs, m2.coldMs);
    const warmWorst = Math.max(m1.warmMs, m2.warmMs, m2.firstMs ?? 0);
    console.log(`\ntarget < ${TARGET_MS} ms, uncached: ${verdict(coldWorst)} (subprocess medians ${fmtMs(m1.coldMs)} clean, ${fmtMs(m2.coldMs)} edited)`);
    console.log(
      `target < ${TARGET_MS} ms, cache warm: ${verdict(warmWorst)} (subprocess medians ${fmtMs(m1.warmMs)} clean, ${fmtMs(m2.warmMs)} edited; ` +
        `first run after the edit ${m2.firstMs !== undefined ? fmtMs(m2.firstMs) : 'n/a'}; load now ${load()})`,
    );
    console.log(`target < ${TARGET_MB} MB: ${worstKb / 1024 < TARGET_MB ? 'MET' : 'MISSED'} (highest peak RSS seen ${fmtMB(worstKb)})`);

    if (values.profile) {
      for (const [what, extra] of [['uncached (--no-cache)', ['--no-cache']], ['cache warm', []]] as Array<[string, string[]]>) {
        const profDir = mkdtempSync(join(tmpdir(), 'quiver-bench-prof-'));
        const r = await runChild(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, join(repoRoot, 'bin', 'quiver.js'), 'plan', '--repo', dir, '--output', 'json', ...extra]);
        if (r.code !== 0) throw new Error(`profiled run failed: ${r.stderr.slice(-2000)}`);
        const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
        if (!file) throw new Error('no .cpuprofile written');
        console.log(`\nCPU profile of one subprocess run, edited tree, ${what} (${fmtMs(r.wallMs)} wall with profiling), ${join(profDir, file)}:`);
        console.log(renderSummary(summarizeProfile(join(profDir, file), PLAN_PHASES, 25)));
      }
    }
  } finally {
    if (values.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await run();
