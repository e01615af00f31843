/**
 * `quiver run --model NAME`: only the stages that model's release needs run, and the
 * summary is about the selected models; an unknown name is a usage error with a suggestion.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateCopy } from '../helpers/config-repo.js';
import { expectCode, gitInit, listFiles, localStore, quiver } from './helpers.js';

let repo: { dir: string; cleanup: () => void };
beforeAll(() => {
  repo = templateCopy();
  gitInit(repo.dir);
});
afterAll(() => repo?.cleanup());

describe('quiver run --model', () => {
  it('rejects an unknown model with a suggestion, before running anything', async () => {
    const r = await quiver(['run', '--repo', repo.dir, '--model', 'ssh-evnt'], { cwd: repo.dir });
    expect(r.code).toBe(2);
    expect(r.err).toContain("--model ssh-evnt: no such model; did you mean 'ssh-event'?");
    expect(existsSync(localStore(repo.dir)) ? listFiles(localStore(repo.dir)) : []).toEqual([]);
  });

  it('runs exactly the stages of the selected model and reports only it', async () => {
    const r = expectCode(await quiver(['run', '--repo', repo.dir, '--model', 'ssh-event', '--jobs', '2', '--output', 'json'], { cwd: repo.dir }), 0, 'quiver run --model ssh-event');
    const report = JSON.parse(r.out) as { stages: Record<string, { status: string }>; models: Array<{ model: string; status: string; version: number }> };
    expect(Object.keys(report.stages).sort()).toEqual(['features(ssh-auth, ssh_auth_event)', 'parse(ssh-auth)', 'release(ssh-event)', 'train(ssh-event)']);
    expect(report.models).toEqual([expect.objectContaining({ model: 'ssh-event', status: 'released', version: 1 })]);
    const manifests = listFiles(localStore(repo.dir)).filter((f) => f.endsWith('/manifest.json') || f.endsWith('index.json'));
    expect(manifests.map((f) => f.split('/').slice(0, 2).join('/')).sort()).toEqual(['datasets/ssh-auth', 'features/ssh-auth', 'models/ssh-event', 'releases/ssh-event']);

    // The rest of the pipeline then runs without redoing the shared parse stage.
    const all = expectCode(await quiver(['run', '--repo', repo.dir, '--jobs', '2', '--output', 'json'], { cwd: repo.dir }), 0, 'quiver run');
    const rest = JSON.parse(all.out) as { stages: Record<string, { status: string }> };
    expect(Object.keys(rest.stages)).not.toContain('parse(ssh-auth)');
    expect(Object.keys(rest.stages)).not.toContain('train(ssh-event)');
    expect(Object.keys(rest.stages)).toContain('train(ssh-bruteforce)');
  });
});
