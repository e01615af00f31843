import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRepo } from '../config/load-repo.js';
import { WorkingTreeFiles } from '../config/repo-files.js';
import { compileRepo } from '../compile/plan/compile-repo.js';
import { packageRoot } from '../paths.js';
import { FileContentCache, MemoryContentCache } from './content-cache.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop() as string, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'quiver-cache-'));
  dirs.push(d);
  return d;
}

describe('content cache', () => {
  it('keys separate their parts and their kinds', () => {
    const c = new MemoryContentCache('salt');
    expect(c.key('k', 'ab', 'c')).not.toBe(c.key('k', 'a', 'bc'));
    expect(c.key('k', 'a')).not.toBe(c.key('j', 'a'));
    expect(c.key('k', Buffer.from('a'))).toBe(c.key('k', Buffer.from('a')));
    expect(c.key('k', Buffer.from('ab'), 'c')).not.toBe(c.key('k', Buffer.from('a'), 'bc'));
    expect(c.key('plans:x', 'a').startsWith('plans/')).toBe(true);
    expect(c.key('yaml:model', 'a').startsWith('defs/')).toBe(true);
  });

  it('saves per section, reloads, and keeps only what was used', async () => {
    const dir = join(tempDir(), 'cache');
    const a = FileContentCache.open(dir);
    const kd = a.key('yaml:model', 'x');
    const kp = a.key('plans:source', 'y');
    a.set(kd, { v: 1 });
    a.set(kp, { sql: 'SELECT 1' });
    await a.save();
    const b = FileContentCache.open(dir);
    expect(b.get(kd)).toEqual({ v: 1 });
    expect(b.hits).toBe(1);
    await b.save(); // used only the defs section: plans.json is left alone
    expect(JSON.parse(readFileSync(join(dir, 'plans.json'), 'utf8')).entries[kp]).toEqual({ sql: 'SELECT 1' });
    const c = FileContentCache.open(dir);
    const other = c.key('yaml:model', 'z');
    c.set(other, { v: 2 });
    await c.save(); // kd was not used by c: dropped
    const d = FileContentCache.open(dir);
    expect(d.get(kd)).toBeUndefined();
    expect(d.get(other)).toEqual({ v: 2 });
  });

  it('does not rewrite an unchanged, fully used section', async () => {
    const dir = join(tempDir(), 'cache');
    const a = FileContentCache.open(dir);
    const k = a.key('yaml:model', 'x');
    a.set(k, 1);
    await a.save();
    const file = join(dir, 'definitions.json');
    writeFileSync(file, readFileSync(file)); // a known mtime
    const before = statSync(file).mtimeMs;
    const b = FileContentCache.open(dir);
    expect(b.get(k)).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    await b.save();
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('ignores a file written by another version', async () => {
    const dir = join(tempDir(), 'cache');
    const a = FileContentCache.open(dir);
    const k = a.key('yaml:model', 'x');
    a.set(k, 1);
    await a.save();
    const file = join(dir, 'definitions.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as { salt: string };
    writeFileSync(file, JSON.stringify({ ...data, salt: `${data.salt} (older)` }));
    expect(FileContentCache.open(dir).get(k)).toBeUndefined();
  });

  it('a second load and compile of the template are all hits, with equal results', async () => {
    const root = join(packageRoot(), 'config-repo-template');
    const cache = new MemoryContentCache();
    const first = await loadRepo(new WorkingTreeFiles(root), root, { cache });
    const compiled1 = await compileRepo(first.config, { cache });
    const misses = cache.misses;
    expect(misses).toBeGreaterThan(0);
    const second = await loadRepo(new WorkingTreeFiles(root), root, { cache });
    const compiled2 = await compileRepo(second.config, { cache });
    expect(cache.misses).toBe(misses);
    expect(second.diagnostics).toEqual(first.diagnostics);
    expect([...compiled2.featureSets.keys()]).toEqual([...compiled1.featureSets.keys()]);
    expect(JSON.stringify([...compiled2.datasets])).toBe(JSON.stringify([...compiled1.datasets]));
    // A cached def answers positions like the parsed one.
    const src = 'openssh';
    const a = first.config.sources.get(src);
    const b = second.config.sources.get(src);
    expect(a?.fields[5]?.definition?.text).toBeTruthy();
    expect(b?.locate(['fields', 5, 'definition'])).toEqual(a?.locate(['fields', 5, 'definition']));
    expect(b?.fields[5]?.definition?.origin.positionAt(3)).toEqual(a?.fields[5]?.definition?.origin.positionAt(3));
  });
});
