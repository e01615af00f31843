import { spawn } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleGit } from 'simple-git';
import { repoRoot, templateCopy } from '../helpers/config-repo.js';

/** `quiver dev` as a user runs it: a real process watching a real git checkout. */
describe('quiver dev', () => {
  let dir = '';
  let cleanup = () => {};
  beforeAll(async () => {
    ({ dir, cleanup } = templateCopy());
    const git = simpleGit(dir);
    await git.init();
    await git.addConfig('user.email', 'dev@example.com');
    await git.addConfig('user.name', 'dev');
    await git.add('.');
    await git.commit('template');
  });
  afterAll(() => cleanup());

  it('validates and plans again within a second of each save', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'quiver.js'), 'dev', '--repo', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    const waitFor = async (re: RegExp, from: number, ms: number): Promise<number> => {
      const t0 = Date.now();
      for (;;) {
        const m = re.exec(out.slice(from));
        if (m) return Date.now();
        if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${re}; output:\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      await waitFor(/Nothing to run/, 0, 30_000);
      // 1. an edit that breaks the config: the error, with its position
      let mark = out.length;
      const file = join(dir, 'models', 'web-attack.yaml');
      const original = readFileSync(file, 'utf8');
      let saved = Date.now();
      writeFileSync(file, original.replace('algorithm: gradient_boosting', 'algorithm: gradient_bosting'));
      let seen = await waitFor(/models\/web-attack\.yaml:6:12: error QV2006/, mark, 5_000);
      expect(seen - saved).toBeLessThan(1_000);
      // 2. a valid edit: the plan names exactly the affected stages
      mark = out.length;
      saved = Date.now();
      writeFileSync(file, original.replace('n_estimators: 100, max_depth: 3', 'n_estimators: 120, max_depth: 3'));
      seen = await waitFor(/release\(web-attack\)/, mark, 5_000);
      expect(seen - saved).toBeLessThan(1_000);
      const block = out.slice(mark);
      expect(block).toContain('2 stages to run');
      expect(block).toContain('models/web-attack.yaml: params.n_estimators modified');
      expect(block).not.toContain('parse(');
    } finally {
      child.kill('SIGINT');
    }
  }, 60_000);
});
