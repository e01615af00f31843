/**
 * The definition cache (.quiver/cache) must never change what validate says:
 * for each case the output with a cache primed by the valid template, with
 * that cache warm, and with --no-cache are identical. The cases put the
 * error in a file that did NOT change, so its def comes from the cache and
 * its positions from the lazy re-parse (a rule's locate(), an expression's
 * origin), which is where a cache could go wrong.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../controller/src/cli/main.js';
import { gitBlobId, WorkingTreeFiles } from '../../controller/src/config/repo-files.js';
import { GitRevisionFiles } from '../../controller/src/plan/git-revision.js';
import { applyEdits, replaceOnce, templateCopy, type Edit } from '../helpers/config-repo.js';
import { git, gitInit } from '../pipeline/helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

async function quiver(args: string[], dir: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: dir, env: {} });
  return { code, out, err };
}

function primedCopy(): string {
  const { dir, cleanup } = templateCopy();
  cleanups.push(cleanup);
  return dir;
}

describe('definition cache', () => {
  it('a warm validate reads the cache and says exactly what an uncached one says', async () => {
    const dir = primedCopy();
    const cold = await quiver(['validate', '--repo', dir, '--output', 'json'], dir);
    expect(cold.code).toBe(0);
    expect(existsSync(join(dir, '.quiver', 'cache', 'definitions.json'))).toBe(true);
    // validate needs diagnostics only: the compiled plans are not written (or read).
    expect(existsSync(join(dir, '.quiver', 'cache', 'plans.json'))).toBe(false);
    const warm = await quiver(['validate', '--repo', dir, '--output', 'json'], dir);
    const none = await quiver(['validate', '--repo', dir, '--output', 'json', '--no-cache'], dir);
    expect(warm).toEqual(cold);
    expect(none).toEqual(cold);
  });

  it.each<[string, Record<string, Edit>, string]>([
    [
      // models/ssh-bruteforce.yaml is unchanged: its position comes from the cached def's lazy locate().
      'a dataset renamed: the unchanged model that uses it reports the reference',
      { 'datasets/ssh-auth.yaml': replaceOnce('name: ssh-auth', 'name: ssh-auth-v2') },
      'models/ssh-bruteforce.yaml:3:10: error',
    ],
    [
      // features/ssh_auth_hourly.pbtxt is unchanged; its compile is redone (its source changed) and
      // the error position inside the definition string comes from the lazy origin.
      'a source field renamed: the unchanged feature set fails to compile at the reference',
      { 'sources/openssh.pbtxt': replaceOnce('name: "repeats"', 'name: "repeat_count"') },
      'features/ssh_auth_hourly.pbtxt:8:88: error QV4',
    ],
    [
      'a feature set edited to an error: its own position',
      { 'features/ssh_auth_hourly.pbtxt': replaceOnce('definition: "sum(repeats)"', 'definition: "sum(repeatz)"') },
      'features/ssh_auth_hourly.pbtxt:8:88: error QV4',
    ],
  ])('%s', async (_name, edits, expected) => {
    const dir = primedCopy();
    expect((await quiver(['validate', '--repo', dir], dir)).code).toBe(0);
    applyEdits(dir, edits);
    const first = await quiver(['validate', '--repo', dir], dir);
    const warm = await quiver(['validate', '--repo', dir], dir);
    const none = await quiver(['validate', '--repo', dir, '--no-cache'], dir);
    expect(first.code).toBe(1);
    expect(first.out).toContain(expected);
    expect(first).toEqual(none);
    expect(warm).toEqual(none);
  });

  it('plan gives the same plan with the cache cold, warm and off', async () => {
    const dir = primedCopy();
    // No git here: every stage is new, which still exercises every compiled plan and key.
    const cold = await quiver(['plan', '--repo', dir, '--output', 'json'], dir);
    expect(cold.code).toBe(0);
    // plan needs canonical forms, not SQL: the plans section is never written by it.
    expect(existsSync(join(dir, '.quiver', 'cache', 'canonical.json'))).toBe(true);
    expect(existsSync(join(dir, '.quiver', 'cache', 'plans.json'))).toBe(false);
    const warm = await quiver(['plan', '--repo', dir, '--output', 'json'], dir);
    const none = await quiver(['plan', '--repo', dir, '--output', 'json', '--no-cache'], dir);
    expect(JSON.parse(cold.out).stages.length).toBeGreaterThan(10);
    expect(warm).toEqual(cold);
    expect(none).toEqual(cold);
  });

  it('a corrupt cache file is ignored and replaced', async () => {
    const dir = primedCopy();
    const before = await quiver(['validate', '--repo', dir, '--output', 'json'], dir);
    const file = join(dir, '.quiver', 'cache', 'definitions.json');
    writeFileSync(file, '{"salt": "x", "entr');
    const after = await quiver(['validate', '--repo', dir, '--output', 'json'], dir);
    expect(after).toEqual(before);
    expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
  });

  it('QUIVER_CACHE_DIR moves the cache out of the repository', async () => {
    const dir = primedCopy();
    const elsewhere = primedCopy();
    let err = '';
    const code = await main(['validate', '--repo', dir], { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, cwd: dir, env: { QUIVER_CACHE_DIR: join(elsewhere, 'cache') } });
    expect(code, err).toBe(0);
    expect(existsSync(join(dir, '.quiver', 'cache'))).toBe(false);
    expect(existsSync(join(elsewhere, 'cache', 'definitions.json'))).toBe(true);
  });

  it('keys files by their git blob id, so a commit and the working tree share entries', () => {
    const dir = primedCopy();
    const file = join(dir, 'models', 'ssh-bruteforce.yaml');
    expect(gitBlobId(readFileSync(file))).toBe(execFileSync('git', ['hash-object', file], { encoding: 'utf8' }).trim());
    expect(gitBlobId(new Uint8Array())).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'); // git's empty blob
  });

  it('a data file rewritten in place, same size, is re-fingerprinted although its old fingerprint is cached', async () => {
    const dir = primedCopy();
    gitInit(dir);
    const data = 'data/ssh/benign.log';
    const files = new WorkingTreeFiles(dir);
    // Freshly written files are never stat-cached (their mtime tick may not be over yet).
    expect(files.statKey(data)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2100));
    const before = files.statKey(data);
    expect(before).toBeDefined();
    const clean = await quiver(['plan', '--repo', dir, '--output', 'json'], dir);
    expect(JSON.parse(clean.out).stages.filter((s: { action: string }) => s.action === 'run')).toEqual([]);
    // Same length, different bytes: only the stat key (mtime, ctime) can tell.
    const text = readFileSync(join(dir, data), 'utf8');
    writeFileSync(join(dir, data), text.replace(/\d/, (d) => String((Number(d) + 1) % 10)));
    expect(readFileSync(join(dir, data)).length).toBe(Buffer.byteLength(text));
    const edited = await quiver(['plan', '--repo', dir, '--output', 'json'], dir);
    const run = (JSON.parse(edited.out).stages as Array<{ id: string; action: string }>).filter((s) => s.action === 'run').map((s) => s.id);
    expect(run).toContain('parse(ssh-auth)');
    expect(run.every((id) => !id.includes('zeek') && !id.includes('web'))).toBe(true);
    git(dir, 'status', '--short'); // the repository is still a valid git checkout
  });

  it("an invalid commit's errors keep their positions when its files come from the cache (read back from git)", async () => {
    const dir = primedCopy();
    applyEdits(dir, { 'datasets/ssh-auth.yaml': replaceOnce('name: ssh-auth', 'name: ssh-auth-v2') });
    gitInit(dir);
    const first = await quiver(['plan', '--repo', dir, '--head', 'HEAD'], dir);
    const warm = await quiver(['plan', '--repo', dir, '--head', 'HEAD'], dir);
    const none = await quiver(['plan', '--repo', dir, '--head', 'HEAD', '--no-cache'], dir);
    expect(first.code).toBe(1);
    expect(first.err).toContain('models/ssh-bruteforce.yaml:3:10: error');
    expect(warm).toEqual(none);
    expect(first).toEqual(none);
  });

  it("remembers the base commit's whole stage graph, and plans an edit the same with it as without", async () => {
    const dir = primedCopy();
    gitInit(dir);
    applyEdits(dir, { 'features/ssh_auth_hourly.pbtxt': replaceOnce('definition: "sum(repeats)"', 'definition: "sum(repeats) * 2"') });
    const first = await quiver(['plan', '--repo', dir, '--output', 'json'], dir);
    expect(existsSync(join(dir, '.quiver', 'cache', 'revisions.json'))).toBe(true);
    const warm = await quiver(['plan', '--repo', dir, '--output', 'json'], dir);
    const none = await quiver(['plan', '--repo', dir, '--output', 'json', '--no-cache'], dir);
    const run = (JSON.parse(first.out).stages as Array<{ id: string; action: string }>).filter((s) => s.action === 'run').map((s) => s.id);
    expect(run).toEqual(['features(ssh-auth, ssh_auth_hourly)', 'train(ssh-bruteforce)', 'release(ssh-bruteforce)']);
    expect(warm).toEqual(none);
    expect(first).toEqual(none);
  });

  it('does not remember the graph of a commit whose datasets read s3:// (its objects change under the same tree)', async () => {
    const dir = primedCopy();
    applyEdits(dir, { 'datasets/ssh-auth.yaml': replaceOnce('paths: ["data/ssh/benign.log"]', 'paths: ["s3://bucket/ssh/benign.log"]') });
    gitInit(dir);
    const r = await quiver(['plan', '--repo', dir, '--output', 'json'], dir);
    expect(r.code, r.err).toBe(0);
    const file = join(dir, '.quiver', 'cache', 'revisions.json');
    expect(!existsSync(file) || Object.keys(JSON.parse(readFileSync(file, 'utf8')).entries).length === 0).toBe(true);
  });

  it('reads a config repository kept in a subfolder of a git repository, by blob id and tree', async () => {
    const outer = mkdtempSync(join(tmpdir(), 'quiver-outer-'));
    cleanups.push(() => rmSync(outer, { recursive: true, force: true }));
    const dir = primedCopy();
    cpSync(dir, join(outer, 'detection', 'config'), { recursive: true });
    writeFileSync(join(outer, 'OUTER.md'), 'not config\n');
    gitInit(outer);
    const sub = join(outer, 'detection', 'config');
    const { files, prefix } = await GitRevisionFiles.open(sub, 'HEAD');
    try {
      expect(prefix).toBe('detection/config/');
      const list = await files.list();
      expect(list).toContain('models/ssh-bruteforce.yaml');
      expect(list).not.toContain('OUTER.md');
      expect(list.some((p) => p.startsWith('detection/'))).toBe(false);
      expect(files.blobId('models/ssh-bruteforce.yaml')).toBe(gitBlobId(readFileSync(join(sub, 'models', 'ssh-bruteforce.yaml'))));
      expect(files.readSync('models/ssh-bruteforce.yaml').equals(readFileSync(join(sub, 'models', 'ssh-bruteforce.yaml')))).toBe(true);
      expect(files.treeId).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      files.close();
    }
    const r = await quiver(['plan', '--repo', sub, '--output', 'json'], sub);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).stages).toEqual([]);
  });
});
