import { describe, expect, it } from 'vitest';
import { main } from '../../controller/src/cli/main.js';
import { templateDir } from '../helpers/config-repo.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: templateDir, env: {} });
  return { code, out, err };
}

describe('config-repo-template', () => {
  it('is valid, with no warnings', async () => {
    const r = await run(['validate', '--repo', templateDir, '--output', 'json']);
    const parsed = JSON.parse(r.out) as { valid: boolean; diagnostics: unknown[] };
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.valid).toBe(true);
    expect(r.code).toBe(0);
  });

  it('passes its own tests/*.yaml on the embedded engine', async () => {
    const r = await run(['test', '--repo', templateDir, '--output', 'json']);
    const parsed = JSON.parse(r.out) as { passed: number; failed: number };
    expect(parsed.failed).toBe(0);
    expect(parsed.passed).toBeGreaterThanOrEqual(11);
    expect(r.code).toBe(0);
  }, 120_000);
});

import { templateCopy, replaceOnce } from '../helpers/config-repo.js';
import { afterAll } from 'vitest';

describe('quiver test failures and definition errors', () => {
  const copies: Array<() => void> = [];
  afterAll(() => copies.forEach((c) => c()));

  it('reports a wrong expectation at its position in the test file and exits 1', async () => {
    const { dir, cleanup } = templateCopy({ 'tests/openssh.yaml': replaceOnce('        user: admin\n', '        user: root\n') });
    copies.push(cleanup);
    let out = '';
    const code = await main(['test', '--repo', dir], { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, cwd: dir, env: {} });
    expect(out.trim()).toBe(`tests/openssh.yaml:12:15: error QV5010: case 'failed password for an unknown user', record 1: user is "admin", expected "root"`);
    expect(code).toBe(1);
  }, 60_000);

  it('reports a definition error inside an escaped string at its file position', async () => {
    // The definition text holds `\\n` escapes before the error, so columns only match if positions map through escapes.
    const { dir, cleanup } = templateCopy({
      'sources/web_http.pbtxt': replaceOnce("regexp_extract(headers, '(?:^|\\\\n)User-Agent: ([^\\\\n]*)', 1)", "regexp_extract(headers, '(?:^|\\\\n)User-Agent: ([^\\\\n]*)', 1) + nosuchfield"),
    });
    copies.push(cleanup);
    let out = '';
    const code = await main(['validate', '--repo', dir], { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, cwd: dir, env: {} });
    const line = out.split('\n').find((l) => l.includes('nosuchfield')) ?? out;
    expect(line).toMatch(/^sources\/web_http\.pbtxt:35:79: error QV4022: /);
    expect(code).toBe(1);
  });
});

describe('field references', () => {
  it.each<[string, string, RegExp]>([
    ['a later field', 'definition: "nullif(regexp_extract(message, ', /^sources\/openssh\.pbtxt:\d+:\d+: error QV4050: field 'src_ip' refers to 'event', which is declared after it/],
    ['itself', 'definition: "nullif(regexp_extract(message, ', /^sources\/openssh\.pbtxt:\d+:\d+: error QV4051: field 'src_ip' refers to itself/],
  ])('reports a reference to %s', async (what, anchor, expected) => {
    const ref = what === 'itself' ? 'src_ip' : 'event';
    const { dir, cleanup } = templateCopy({ 'sources/openssh.pbtxt': replaceOnce(`${anchor}'(?:from |by |rhost=)`, `definition: "nullif(regexp_extract(${ref}, '(?:from |by |rhost=)`) });
    try {
      let out = '';
      const code = await main(['validate', '--repo', dir], { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, cwd: dir, env: {} });
      expect(out.split('\n').filter(Boolean)).toEqual([expect.stringMatching(expected)]);
      expect(code).toBe(1);
    } finally {
      cleanup();
    }
  });
});
