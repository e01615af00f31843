// The Spark runner's process handling against a fake spark-submit (a shell script): the command
// line, the spec files, stats lines, the job's error line, other failures, timeouts. Real Spark:
// test/integration/spark-job.test.ts.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeaturePlan, ParsePlan } from '../../compile/index.js';
import { runSparkJobs, runSparkParse, SparkJobError, type SparkSubmitOptions } from './index.js';

const parsePlan: ParsePlan = { kind: 'parse', source: 'openssh', compilerVersion: '1', labelTables: [], fields: [], sql: { duckdb: 'SELECT 1', spark: 'SELECT 1' } };
const featurePlan: FeaturePlan = {
  kind: 'features',
  featureSet: 'logins',
  source: 'openssh',
  compilerVersion: '1',
  grain: 'event',
  features: [],
  sql: { duckdb: 'SELECT 1', spark: 'SELECT 1' },
};

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'quiver-fake-spark-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A fake spark-submit: records its arguments and the spec files, then runs `body`. */
function fake(body: string): SparkSubmitOptions {
  const path = join(dir, 'spark-submit');
  writeFileSync(
    path,
    `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${dir}/args"\nfor a in "$@"; do case "$a" in *.json) cat "$a" >> "${dir}/specs"; echo >> "${dir}/specs";; esac; done\n${body}\n`,
  );
  chmodSync(path, 0o755);
  return { sparkSubmit: path, args: ['--master', 'local[2]'], jobPath: '/opt/job.py', workDir: join(dir, 'work') };
}

describe('runSparkJobs', () => {
  it('passes the flags, the job and one --spec per spec, and returns the stats lines in order', async () => {
    const opts = fake(`echo 'some log line'\necho '{"records":3,"written":2,"rejected":1,"filtered":0,"skipped":0,"files":1}'\necho '{"read":2,"written":2}'`);
    const inputs = [{ part: 'main', file: 'a.log', path: 'data/a.log', localPath: '/data/a.log', label: 'benign' }];
    const stats = await runSparkJobs(
      [
        { plan: parsePlan, inputs, labelFiles: { quiver_labels_0: '/data/l.csv' }, output: '/out/parsed' },
        { plan: featurePlan, parsedFiles: ['/out/parsed/data/part-00000.parquet'], output: '/out/features' },
      ],
      opts,
    );
    expect(stats.map(({ seconds, ...rest }) => (expect(seconds).toBeGreaterThanOrEqual(0), rest))).toEqual([
      { records: 3, written: 2, rejected: 1, filtered: 0, skipped: 0, files: 1 },
      { read: 2, written: 2 },
    ]);
    const args = readFileSync(join(dir, 'args'), 'utf8').trim().split('\n');
    expect(args).toEqual(['--master', 'local[2]', '/opt/job.py', '--spec', join(dir, 'work', 'spark-spec-0.json'), '--spec', join(dir, 'work', 'spark-spec-1.json')]);
    const specs = readFileSync(join(dir, 'specs'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(specs).toEqual([
      { plan: parsePlan, output: '/out/parsed', inputs, labelFiles: { quiver_labels_0: '/data/l.csv' }, parsedFiles: [] },
      { plan: featurePlan, output: '/out/features', inputs: [], labelFiles: {}, parsedFiles: ['/out/parsed/data/part-00000.parquet'] },
    ]);
  });

  it("throws the job's one-line error (printed on stdout under spark-submit) with its exit code and the finished specs", async () => {
    const opts = fake(`echo '{"read":1,"written":1}'\necho 'quiver-spark-job: error: feature set logins: Spark failed: [CAST_INVALID_INPUT] nope'\necho 'INFO shutting down' >&2\nexit 3`);
    const err = await runSparkJobs(
      [
        { plan: featurePlan, parsedFiles: ['/p.parquet'], output: '/out/a' },
        { plan: featurePlan, parsedFiles: ['/p.parquet'], output: '/out/b' },
      ],
      opts,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SparkJobError);
    const e = err as SparkJobError;
    expect(e.exitCode).toBe(3);
    expect(e.jobError).toBe('feature set logins: Spark failed: [CAST_INVALID_INPUT] nope');
    expect(e.message).toBe('Spark job for feature set logins (spec 2 of 2) exited with code 3: feature set logins: Spark failed: [CAST_INVALID_INPUT] nope');
    expect(e.completed.map((c) => c['written'])).toEqual([1]);
    expect(e.stderrTail).toContain('INFO shutting down');
  });

  it('reports a failure without a job error line with the end of the output', async () => {
    const opts = fake(`echo 'JAVA_HOME is not set' >&2\nexit 1`);
    const err = await runSparkParse(parsePlan, [], {}, '/out/x', opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SparkJobError);
    expect((err as SparkJobError).exitCode).toBe(1);
    expect((err as SparkJobError).jobError).toBe('');
    expect((err as SparkJobError).message).toBe('Spark job for source openssh exited with code 1:\nJAVA_HOME is not set');
  });

  it('fails when the job exits 0 without a stats line per spec', async () => {
    const err = await runSparkParse(parsePlan, [], {}, '/out/x', fake('echo nothing')).catch((e: unknown) => e);
    expect((err as SparkJobError).message).toBe('Spark job exited 0 but printed 0 stats line(s) for 1 spec(s)');
  });

  it('kills the whole process group on timeout', async () => {
    const opts = { ...fake(`sleep 30 &\necho $! > "${dir}/child"\nwait`), timeoutMs: 300 };
    const started = Date.now();
    const err = await runSparkParse(parsePlan, [], {}, '/out/x', opts).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((err as SparkJobError).signal).toBe('SIGTERM');
    expect((err as SparkJobError).message).toMatch(/^Spark job for source openssh was killed \(SIGTERM, timed out\)/);
    const child = Number(readFileSync(join(dir, 'child'), 'utf8'));
    // Gone, or a zombie: orphans are reparented to PID 1, which in a container may never reap them.
    const alive = (): boolean => {
      try {
        process.kill(child, 0);
      } catch {
        return false;
      }
      const stat = existsSync(`/proc/${child}/stat`) ? readFileSync(`/proc/${child}/stat`, 'utf8') : '';
      return !/^\d+ \(.*\) Z/.test(stat);
    };
    for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(), `pid ${child} (the job's own child) still runs`).toBe(false);
  });

  it('refuses a relative output before starting anything, and removes its own spec folder', async () => {
    const opts = fake('exit 0');
    await expect(runSparkParse(parsePlan, [], {}, 'relative/out', opts)).rejects.toThrow("the Spark job's output must be an absolute path, got relative/out");
    expect(existsSync(join(dir, 'args'))).toBe(false);
    // without workDir: a temp folder for the spec, gone afterwards
    await runSparkParse(parsePlan, [], {}, '/out/x', { sparkSubmit: opts.sparkSubmit, jobPath: '/opt/job.py' }).catch(() => undefined);
    const spec = readFileSync(join(dir, 'args'), 'utf8').trim().split('\n').pop() as string;
    expect(spec).toMatch(/quiver-spark-spec-.*spark-spec\.json$/);
    expect(existsSync(dirname(spec))).toBe(false);
  });
});
