/**
 * `quiver run` killed with SIGKILL (the whole process group, trainer included,
 * as when a machine dies) at several points, then run again: it finishes,
 * re-runs exactly the stages whose output was not complete, never trusts a
 * folder without _SUCCESS, and ends with the same releases as a clean run.
 */
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateCopy } from '../helpers/config-repo.js';
import { expectCode, listFiles, localStore, outputFolders, quiver, readIndex, spawnQuiver } from './helpers.js';

const MODELS = ['ssh-bruteforce', 'ssh-event', 'web-attack', 'zeek-conn', 'zeek-scanner'];

interface SubRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  /** The stderr line at which the run was killed. */
  killedAt?: string;
}

const live = new Set<ChildProcess>();
afterAll(() => {
  for (const c of live) if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGKILL');
});

/** `quiver run` as a subprocess; SIGKILLs its process group at the first stderr line `killWhen` accepts. */
function runQuiver(repo: string, killWhen?: (line: string) => boolean): Promise<SubRun> {
  return new Promise((resolve, reject) => {
    const child = spawnQuiver(['run', '--repo', repo, '--jobs', '2'], { cwd: repo });
    live.add(child);
    let stderr = '';
    let stdout = '';
    let pending = '';
    let killedAt: string | undefined;
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 170_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      pending += d;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (killedAt === undefined && killWhen?.(line) && child.pid) {
          killedAt = line;
          process.kill(-child.pid, 'SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stderr, stdout, ...(killedAt !== undefined ? { killedAt } : {}) });
    });
  });
}

/** From "  18 stages: 5 to run, 13 already in the store" and the stage lines under it. */
function planned(stderr: string): { total: number; toRun: number; ids: string[]; reasons: string[] } {
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => /^ {2}\d+ stages: \d+ to run, \d+ already in the store$/.test(l));
  if (at < 0) throw new Error(`no plan line in:\n${stderr}`);
  const m = /(\d+) stages: (\d+) to run/.exec(lines[at] ?? '') as RegExpExecArray;
  const ids: string[] = [];
  const reasons: string[] = [];
  for (const l of lines.slice(at + 1)) {
    const s = /^ {4}(\S.*?\)): (.*)$/.exec(l);
    if (!s) break;
    ids.push(s[1] as string);
    reasons.push(s[2] as string);
  }
  return { total: Number(m[1]), toRun: Number(m[2]), ids, reasons };
}

/** Stage ids whose "[n/N] <id> done in" line appears. */
function ran(stderr: string): string[] {
  return [...stderr.matchAll(/^\[\d+\/\d+\] (.+?) done in /gm)].map((m) => m[1] as string);
}

let clean: { dir: string; cleanup: () => void };
/** Stage id → its output folder (relative to the store root), from the clean run's manifests. */
const folderOf = new Map<string, string>();
const cleanDigest = new Map<string, string>();

beforeAll(async () => {
  clean = templateCopy();
  expectCode(await quiver(['run', '--repo', clean.dir, '--jobs', '2'], { cwd: clean.dir }), 0, 'clean quiver run');
  const store = localStore(clean.dir);
  for (const folder of outputFolders(listFiles(store)).keys()) {
    const manifest = JSON.parse(readFileSync(join(store, folder, 'manifest.json'), 'utf8')) as { stage: string; key: string };
    expect(folder.endsWith(`/${manifest.key}`)).toBe(true);
    folderOf.set(manifest.stage, folder);
  }
  expect(folderOf.size).toBe(13); // 3 parse + 5 features + 5 train
  for (const m of MODELS) {
    const idx = readIndex(store, m);
    expect(idx.current).toBe(1);
    cleanDigest.set(m, idx.releases[0]?.digest ?? '');
  }
});
afterAll(() => clean?.cleanup());

/** The stages whose output is complete in `repo`'s store: _SUCCESS for data stages, a current release of the same training for release stages. */
function completeStages(repo: string): Set<string> {
  const store = localStore(repo);
  const done = new Set<string>();
  for (const [id, folder] of folderOf) if (existsSync(join(store, folder, '_SUCCESS'))) done.add(id);
  for (const m of MODELS) {
    const p = join(store, 'releases', m, 'index.json');
    if (!existsSync(p)) continue;
    const idx = readIndex(store, m);
    const cur = idx.releases.find((r) => r.version === idx.current);
    if (cur && `models/${m}/${cur.trainKey}` === folderOf.get(`train(${m})`)) done.add(`release(${m})`);
  }
  return done;
}

const allStages = (): string[] => [...folderOf.keys(), ...MODELS.map((m) => `release(${m})`)];

/** Every folder that has _SUCCESS also has its manifest (for this very key) and the files the manifest speaks of. */
function expectCompleteFoldersWhole(repo: string): void {
  const store = localStore(repo);
  for (const [folder, files] of outputFolders(listFiles(store))) {
    if (!files.includes('_SUCCESS')) continue;
    expect(files, folder).toContain('manifest.json');
    const manifest = JSON.parse(readFileSync(join(store, folder, 'manifest.json'), 'utf8')) as { key: string };
    expect(folder.endsWith(`/${manifest.key}`), folder).toBe(true);
    if (folder.startsWith('models/')) expect(files, folder).toEqual(expect.arrayContaining(['bundle.tar.gz', 'metrics.json', 'schema.json', 'validation.parquet']));
    else expect(files.some((f) => /^data\/.+\.parquet$/.test(f)), folder).toBe(true);
  }
}

describe('quiver run, killed and resumed', () => {
  it('finishes what is missing after SIGKILLs after the first stage and in the middle of training, then has nothing to do', async () => {
    const b = templateCopy();
    try {
      // 1. Killed as soon as the first stage reports done.
      const first = await runQuiver(b.dir, (l) => /^\[\d+\/18\] .+ done in /.test(l));
      expect(first.killedAt, first.stderr).toBeDefined();
      expect(first.signal).toBe('SIGKILL');
      const afterFirst = completeStages(b.dir);
      expect(afterFirst.size).toBeGreaterThanOrEqual(1);
      expect(afterFirst.size).toBeLessThan(18);
      expectCompleteFoldersWhole(b.dir);
      console.log(`killed at "${first.killedAt}": complete ${[...afterFirst].join(', ')}`);

      // What an upload cut short leaves: data and a manifest, no _SUCCESS. It must be redone, not read.
      const victim = [...folderOf.keys()].find((id) => id.startsWith('features(') && !afterFirst.has(id)) as string;
      expect(victim, 'a features stage was not done yet').toBeDefined();
      const victimDir = join(localStore(b.dir), folderOf.get(victim) as string);
      mkdirSync(join(victimDir, 'data'), { recursive: true });
      writeFileSync(join(victimDir, 'data', 'part-stale.parquet'), 'PAR1 this is not a Parquet file');
      writeFileSync(join(victimDir, 'manifest.json'), '{"stage": "left by a killed upload"}\n');

      // 2. Run again, killed while a model trains.
      const second = await runQuiver(b.dir, (l) => /^ {2}train\([^)]+\): training /.test(l));
      expect(second.killedAt, second.stderr).toBeDefined();
      const p2 = planned(second.stderr);
      const expected2 = allStages().filter((id) => !afterFirst.has(id));
      expect(p2.total).toBe(18);
      expect(p2.toRun).toBe(expected2.length);
      expect(new Set(p2.ids)).toEqual(new Set(expected2));
      expect(p2.ids).toContain(victim);
      expect(new Set(p2.reasons)).toEqual(new Set(['output missing in the store']));
      for (const id of ran(second.stderr)) expect(afterFirst.has(id), `${id} ran again although its output was complete`).toBe(false);
      const training = /train\(([^)]+)\)/.exec(second.killedAt ?? '')?.[1] as string;
      const afterSecond = completeStages(b.dir);
      console.log(`killed at "${second.killedAt?.trim()}": ${afterSecond.size} of 18 stages complete`);
      expect(afterSecond.has(`train(${training})`), 'the killed training published nothing').toBe(false);
      expect(existsSync(join(localStore(b.dir), folderOf.get(`train(${training})`) as string, '_SUCCESS'))).toBe(false);
      expectCompleteFoldersWhole(b.dir);

      // 3. Run to the end.
      const third = await runQuiver(b.dir);
      expect(third.code, third.stderr).toBe(0);
      const p3 = planned(third.stderr);
      const expected3 = allStages().filter((id) => !afterSecond.has(id));
      expect(new Set(p3.ids)).toEqual(new Set(expected3));
      expect(p3.ids).toContain(`train(${training})`);
      expect(new Set(ran(third.stderr))).toEqual(new Set(expected3));
      expect(completeStages(b.dir)).toEqual(new Set(allStages()));
      expectCompleteFoldersWhole(b.dir);
      // The stale file of the cut-short upload is gone: the folder was cleared and republished.
      expect(existsSync(join(victimDir, 'data', 'part-stale.parquet'))).toBe(false);
      expect(existsSync(join(victimDir, '_SUCCESS'))).toBe(true);

      // The same releases as the clean run, byte for byte (training is deterministic).
      for (const m of MODELS) {
        const idx = readIndex(localStore(b.dir), m);
        expect(idx.current, m).toBe(1);
        expect(idx.releases.map((r) => r.version), m).toEqual([1]);
        expect(idx.releases[0]?.digest, m).toBe(cleanDigest.get(m));
        expect(existsSync(join(localStore(b.dir), idx.releases[0]?.bundle ?? 'missing')), m).toBe(true);
        expect(idx.attempts.map((a) => a.outcome), m).toEqual(['released']);
      }
      expect(third.stdout).toMatch(/5 models/);

      // 4. Nothing changed: nothing runs.
      const fourth = await runQuiver(b.dir);
      expect(fourth.code, fourth.stderr).toBe(0);
      expect(planned(fourth.stderr)).toEqual({ total: 18, toRun: 0, ids: [], reasons: [] });
      expect(ran(fourth.stderr)).toEqual([]);
      for (const m of MODELS) expect(fourth.stdout).toMatch(new RegExp(`^${m} +v1 .* up to date +v1 is current$`, 'm'));
    } finally {
      b.cleanup();
    }
  }, 400_000);

  it('a release whose version was claimed but not yet indexed (killed between the two writes) is finished on the next run', async () => {
    // A copy of the clean run, store included.
    const c = { dir: mkdtempSync(join(tmpdir(), 'quiver-repo-')), cleanup: () => rmSync(c.dir, { recursive: true, force: true }) };
    try {
      cpSync(clean.dir, c.dir, { recursive: true });
      // The state a kill between writing releases/<m>/v1.json and releases/<m>/index.json leaves.
      const store = localStore(c.dir);
      const claimed = readFileSync(join(store, 'releases', 'web-attack', 'v1.json'), 'utf8');
      rmSync(join(store, 'releases', 'web-attack', 'index.json'));
      const r = expectCode(await quiver(['run', '--repo', c.dir, '--output', 'json'], { cwd: c.dir }), 0, 'run after the cut');
      expect(r.err).toContain('1 to run');
      const idx = readIndex(store, 'web-attack');
      expect(idx.current).toBe(1);
      expect(idx.releases[0]?.digest).toBe(cleanDigest.get('web-attack'));
      expect(readFileSync(join(store, 'releases', 'web-attack', 'v1.json'), 'utf8')).toBe(claimed);
      const summary = JSON.parse(r.out) as { models: Array<{ model: string; status: string; version: number }> };
      expect(summary.models.find((m) => m.model === 'web-attack')).toMatchObject({ status: 'released', version: 1 });
    } finally {
      c.cleanup();
    }
  }, 60_000);
});
