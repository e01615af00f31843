/** Small helpers shared by the benches: timing, medians, child-process peaks, the machine. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/lib/ is two levels below it). */
export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function fmtMB(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MB`;
}

export function fmtRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(0)} /s`;
}

export function machine(): string {
  const c = cpus();
  return `${c.length} cores (${c[0]?.model.trim() ?? 'unknown cpu'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

export function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time seen by the parent, from spawn to exit. */
  wallMs: number;
  /** RSS high-water mark in KB, from /usr/bin/time when available. */
  maxRssKb?: number;
  /** User + system CPU time of the child in ms, from /usr/bin/time when available (10 ms resolution). */
  cpuMs?: number;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs a command and measures its wall time from here; with /usr/bin/time
 * present it also reports the child's peak RSS (`%M`, KB), written to a
 * marker line on stderr that is stripped from the returned stderr.
 */
export function runChild(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ChildResult> {
  const useTime = existsSync(GNU_TIME);
  const marker = '__QUIVER_BENCH_MAXRSS__';
  const [file, argv] = useTime ? [GNU_TIME, ['-f', `${marker}%M %U %S`, cmd, ...args]] : [cmd, args];
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { cwd: opts.cwd ?? repoRoot, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const wallMs = performance.now() - started;
      let maxRssKb: number | undefined;
      let cpuMs: number | undefined;
      const lines = stderr.split('\n');
      const i = lines.findIndex((l) => l.startsWith(marker));
      if (i >= 0) {
        const [rss, user, sys] = (lines[i] ?? '').slice(marker.length).split(' ').map(Number);
        maxRssKb = rss;
        cpuMs = ((user ?? 0) + (sys ?? 0)) * 1000;
        lines.splice(i, 1);
        stderr = lines.join('\n');
      }
      resolvePromise({ code, stdout, stderr, wallMs, ...(maxRssKb !== undefined ? { maxRssKb } : {}), ...(cpuMs !== undefined ? { cpuMs } : {}) });
    });
  });
}

/** Newest mtime under a folder (for "is dist/ older than the sources?"). */
function newest(dir: string, ext: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, ext));
    else if (e.name.endsWith(ext) && !e.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** A warning when bin/quiver.js would run a dist/ older than controller/src (or none). */
export function distWarning(): string | undefined {
  const main = join(repoRoot, 'dist', 'controller', 'src', 'cli', 'main.js');
  if (!existsSync(main)) return 'dist/ is missing: run `npx tsc -p tsconfig.json` first (bin/quiver.js runs dist/)';
  const src = newest(join(repoRoot, 'controller', 'src'), '.ts');
  const built = newest(join(repoRoot, 'dist', 'controller', 'src'), '.js');
  if (src > built) return 'dist/ is older than controller/src: the subprocess figures are for the last build (run `npx tsc -p tsconfig.json`)';
  return undefined;
}
