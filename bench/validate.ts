/**
 * bench/validate (issue 2): how long does `quiver validate` take on a config
 * repository ten times the paper's size (300 sources, 300 feature sets, 300
 * datasets, 1,000 models, 300 environments)? Target: under 1 s.
 *
 *   npx tsx bench/validate.ts [--runs 5] [--profile] [--keep]
 *
 * Measures, side by side, from one generated repository:
 *   in-process   main(['validate', '--repo', dir, '--no-cache']) in this process (tsx, the TypeScript source), warm JIT
 *   fresh child  a new node process that imports dist/ and times only the main() call (--no-cache); its maxRSS
 *   subprocess   `node bin/quiver.js validate --repo dir`, wall time from spawn to exit; peak RSS by /usr/bin/time;
 *                three ways: --no-cache (every file parsed and compiled), the definition cache warm
 *                (.quiver/cache, as in `quiver dev`, CI with a restored cache, or a second run), and the cache
 *                warm with one feature-set file edited before each run (a pull request's change)
 * --profile adds `node --cpu-prof` runs of the subprocess (uncached and warm) and says where their time goes.
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { main } from '../controller/src/cli/main.js';
import type { CommandIO } from '../controller/src/cli/command.js';
import { renderSummary, summarizeProfile } from './lib/cpuprofile.js';
import { VALIDATE_PHASES } from './lib/phases.js';
import { FULL_SHAPE, generateRepo } from './lib/gen-repo.js';
import { distWarning, fmtMB, fmtMs, load, machine, median, repoRoot, runChild } from './lib/measure.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, profile: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false } },
});
const runs = Math.max(1, Number(values.runs));
const TARGET_MS = 1000;

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


async function inProcess(dir: string, cached = false): Promise<{ ms: number; ok: boolean; err: string }> {
  const io = bufferIO();
  // The TypeScript source salts the cache differently from dist/: its own folder, so the subprocess's stays warm.
  if (cached) io.env = { ...process.env, QUIVER_CACHE_DIR: join(dir, '.quiver', 'cache-tsx') };
  const t = performance.now();
  const code = await main(['validate', '--repo', dir, ...(cached ? [] : ['--no-cache'])], io);
  return { ms: performance.now() - t, ok: code === 0, err: io.err() };
}

const CHILD = `
const [mainUrl, dir] = process.argv.slice(1);
const { main } = await import(mainUrl);
const io = { stdout: { write() {} }, stderr: { write() {} }, cwd: process.cwd(), env: process.env };
const t = performance.now();
const cpu0 = process.cpuUsage();
const code = await main(['validate', '--repo', dir, '--no-cache'], io);
const ms = performance.now() - t;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ code, ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS }));
`;

async function freshChild(dir: string): Promise<{ ms: number; cpuMs: number; maxRssKb: number; code: number }> {
  const mainUrl = pathToFileURL(join(repoRoot, 'dist', 'controller', 'src', 'cli', 'main.js')).href;
  const r = await runChild(process.execPath, ['--input-type=module', '-e', CHILD, mainUrl, dir]);
  if (r.code !== 0) throw new Error(`child failed (${r.code}): ${r.stderr.slice(-2000)}`);
  const j = JSON.parse(r.stdout) as { code: number; ms: number; cpuMs: number; maxRssKb: number };
  return j;
}

async function run(): Promise<void> {
  console.log(`bench/validate  machine: ${machine()}  load: ${load()}`);
  const warn = distWarning();
  if (warn) console.log(`WARNING: ${warn}`);
  const dir = mkdtempSync(join(tmpdir(), 'quiver-bench-validate-'));
  try {
    const g0 = performance.now();
    const gen = generateRepo(dir, FULL_SHAPE);
    const aggregate = gen.featureSets.filter((f) => f.aggregate).length;
    const fields = gen.sources.reduce((n, s) => n + s.fields.length, 0);
    const features = gen.featureSets.reduce((n, f) => n + f.features.length, 0);
    console.log(
      `generated ${dir} in ${fmtMs(performance.now() - g0)} (seed ${gen.shape.seed}): ${gen.sources.length} sources (${fields} fields), ${gen.featureSets.length} feature sets (${aggregate} aggregate, ${features} features), ` +
        `${gen.datasets.length} datasets (${gen.datasets.reduce((n, d) => n + d.dataFiles.length, 0)} data files), ${gen.models.length} models (${gen.models.filter((m) => m.featureSets.length === 2).length} with two sets), ` +
        `${gen.environments.length} environments; ${gen.files} files, ${(gen.bytes / 1e6).toFixed(1)} MB`,
    );

    // The generated repository must be valid: no errors, and say how many warnings.
    const check = bufferIO();
    const code = await main(['validate', '--repo', dir, '--output', 'json'], check);
    const report = JSON.parse(check.out()) as { valid: boolean; diagnostics: Array<{ severity: string; file: string; line: number; message: string }> };
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    console.log(`validate --output json: exit ${code}, valid=${report.valid}, ${errors.length} errors, ${report.diagnostics.length - errors.length} warnings`);
    if (code !== 0 || errors.length) {
      for (const d of errors.slice(0, 20)) console.log(`  ${d.file}:${d.line}: ${d.message}`);
      throw new Error('the generated repository does not validate cleanly');
    }

    // 1. In this process (TypeScript source through tsx). The check above was the cold run.
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await inProcess(dir);
      if (!r.ok) throw new Error(`validate failed in-process: ${r.err}`);
      warm.push(r.ms);
    }
    // 2. Fresh node processes running dist/, timing only main().
    const fresh: Array<{ ms: number; cpuMs: number; maxRssKb: number }> = [];
    for (let i = 0; i < runs; i++) fresh.push(await freshChild(dir));
    // 3. The command as a user runs it: uncached, cache warm, cache warm with one file edited.
    type Sub = { ms: number; cpuMs?: number; maxRssKb?: number };
    const subprocess = async (extra: string[], before?: (i: number) => void): Promise<Sub[]> => {
      const out: Sub[] = [];
      for (let i = 0; i < runs; i++) {
        before?.(i);
        const r = await runChild(process.execPath, [join(repoRoot, 'bin', 'quiver.js'), 'validate', '--repo', dir, ...extra]);
        if (r.code !== 0) throw new Error(`quiver validate exited ${r.code}: ${r.stderr.slice(-2000)}`);
        out.push({ ms: r.wallMs, ...(r.maxRssKb !== undefined ? { maxRssKb: r.maxRssKb } : {}), ...(r.cpuMs !== undefined ? { cpuMs: r.cpuMs } : {}) });
      }
      return out;
    };
    const cold = await subprocess(['--no-cache']);
    await subprocess([]); // primes .quiver/cache (one run is enough; all runs keep it short)
    const warmSub = await subprocess([]);
    const edited = gen.featureSets[Math.floor(gen.featureSets.length / 2)];
    if (!edited) throw new Error('no feature set to edit');
    const editedPath = join(dir, ...edited.file.split('/'));
    const editedSub = await subprocess([], (i) => appendFileSync(editedPath, `\n# edited before run ${i + 1}\n`));

    const warmCached: number[] = [];
    for (let i = 0; i < runs; i++) warmCached.push((await inProcess(dir, true)).ms);
    const list = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ');
    const med = (xs: Sub[]): number => median(xs.map((x) => x.ms));
    const rssOf = (xs: Sub[]): string => {
      const r = xs.flatMap((x) => (x.maxRssKb !== undefined ? [x.maxRssKb] : []));
      return r.length ? fmtMB(median(r)) : 'n/a';
    };
    console.log(`\nquiver validate, ${runs} runs each (ms)                          median      runs`);
    console.log(`  in-process, --no-cache, JIT warm (tsx source)        ${fmtMs(median(warm)).padStart(9)}   [${list(warm)}]`);
    console.log(`  in-process, cache warm, JIT warm (a dev cycle)       ${fmtMs(median(warmCached)).padStart(9)}   [${list(warmCached)}]`);
    console.log(`  fresh child, main() only, --no-cache (dist/)         ${fmtMs(median(fresh.map((f) => f.ms))).padStart(9)}   [${list(fresh.map((f) => f.ms))}]`);
    console.log(`  subprocess, --no-cache (wall)                        ${fmtMs(med(cold)).padStart(9)}   [${list(cold.map((x) => x.ms))}]   peak RSS ${rssOf(cold)}`);
    console.log(`  subprocess, definition cache warm (wall)             ${fmtMs(med(warmSub)).padStart(9)}   [${list(warmSub.map((x) => x.ms))}]   peak RSS ${rssOf(warmSub)}`);
    console.log(`  subprocess, cache warm, ${edited.file} edited  ${fmtMs(med(editedSub)).padStart(9)}   [${list(editedSub.map((x) => x.ms))}]   peak RSS ${rssOf(editedSub)}`);
    const subCpu = cold.flatMap((s) => (s.cpuMs !== undefined ? [s.cpuMs] : []));
    console.log(`  CPU time (user+sys), fresh child main()              ${fmtMs(median(fresh.map((f) => f.cpuMs))).padStart(9)}   [${list(fresh.map((f) => f.cpuMs))}]`);
    if (subCpu.length) console.log(`  CPU time (user+sys), subprocess --no-cache           ${fmtMs(median(subCpu)).padStart(9)}   [${list(subCpu)}]`);
    console.log(`peak RSS: fresh child ${fmtMB(median(fresh.map((f) => f.maxRssKb)))} (median maxRSS)`);
    const verdict = (ms: number): string => (ms < TARGET_MS ? 'MET' : 'MISSED');
    console.log(
      `target < ${TARGET_MS} ms end to end: uncached ${verdict(med(cold))} (${fmtMs(med(cold))}); cache warm ${verdict(med(warmSub))} (${fmtMs(med(warmSub))}); ` +
        `one file edited ${verdict(med(editedSub))} (${fmtMs(med(editedSub))}); load now ${load()}`,
    );

    if (values.profile) {
      for (const [what, extra] of [['uncached (--no-cache)', ['--no-cache']], ['cache warm', []]] as Array<[string, string[]]>) {
        const profDir = mkdtempSync(join(tmpdir(), 'quiver-bench-prof-'));
        const r = await runChild(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, join(repoRoot, 'bin', 'quiver.js'), 'validate', '--repo', dir, ...extra]);
        if (r.code !== 0) throw new Error(`profiled run failed: ${r.stderr.slice(-2000)}`);
        const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
        if (!file) throw new Error('no .cpuprofile written');
        console.log(`\nCPU profile of one subprocess run, ${what} (${fmtMs(r.wallMs)} wall with profiling), ${join(profDir, file)}:`);
        console.log(renderSummary(summarizeProfile(join(profDir, file), VALIDATE_PHASES, 25)));
      }
    }
  } finally {
    if (values.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await run();
