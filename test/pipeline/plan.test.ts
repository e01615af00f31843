/**
 * `quiver plan` on a real git repository (a copy of the template): for each
 * kind of change, the exact stages that would run, with the file and field
 * that caused them, compared both ways a user compares — the edited working
 * tree against HEAD, and two commits with --base/--head (with the working
 * tree left at the base, so only the refs can give the answer).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEdits, replaceOnce, templateCopy, type Edit } from '../helpers/config-repo.js';
import { expectCode, git, gitInit, quiver } from './helpers.js';

interface PlanStage {
  id: string;
  action: 'run' | 'reuse';
  reasons: Array<{ kind: string; file?: string; field?: string; detail?: string }>;
  reasonsText: string[];
}
interface PlanJson {
  base: string | null;
  head: string;
  stages: PlanStage[];
  deleted: string[];
  releases: string[];
  environments: Array<{ name: string; wave: number; models: string[] }>;
  unaffected: { models: string[]; stages: string[] };
}

const ALL_MODELS = ['ssh-bruteforce', 'ssh-event', 'web-attack', 'zeek-conn', 'zeek-scanner'];
const TOTAL_STAGES = 18; // 3 parse + 5 features + 5 train + 5 release

let repo: { dir: string; cleanup: () => void };
let base: string;
let caseNo = 0;

beforeAll(() => {
  repo = templateCopy();
  base = gitInit(repo.dir);
});
afterAll(() => repo?.cleanup());

async function planJson(args: string[]): Promise<PlanJson> {
  const r = expectCode(await quiver(['plan', '--repo', repo.dir, '--output', 'json', ...args], { cwd: repo.dir }), 0, `quiver plan ${args.join(' ')}`);
  return JSON.parse(r.out) as PlanJson;
}

/**
 * Applies `edits` on a branch from the base commit and plans it twice: the
 * working tree against HEAD (= base), then, once committed, --base <base>
 * --head <branch> from a working tree checked out at the base.
 */
async function planBothWays(edits: Record<string, Edit>): Promise<{ worktree: PlanJson; refs: PlanJson; branch: string }> {
  const branch = `case-${++caseNo}`;
  git(repo.dir, 'checkout', '-q', '-B', branch, base);
  applyEdits(repo.dir, edits);
  const worktree = await planJson([]);
  git(repo.dir, 'add', '-A');
  git(repo.dir, 'commit', '-q', '--allow-empty', '-m', branch);
  git(repo.dir, 'checkout', '-q', '--detach', base);
  expect(git(repo.dir, 'status', '--porcelain'), 'the working tree is back at the base').toBe('');
  const refs = await planJson(['--base', base, '--head', branch]);
  expect(refs.base).toContain(base.slice(0, 12));
  expect(refs.head).toContain(branch);
  return { worktree, refs, branch };
}

const ids = (p: PlanJson): string[] => p.stages.map((s) => s.id);

function expectNothing(p: PlanJson): void {
  expect(ids(p)).toEqual([]);
  expect(p.releases).toEqual([]);
  expect(p.environments).toEqual([]);
  expect(p.unaffected.models).toEqual(ALL_MODELS);
  expect(p.unaffected.stages).toHaveLength(TOTAL_STAGES);
}

describe('quiver plan: edits that change no key run nothing', () => {
  const cases: Array<[string, Record<string, Edit>]> = [
    ['a display_name in a source', { 'sources/openssh.pbtxt': replaceOnce('display_name: "Source IP"', 'display_name: "Client address"') }],
    ['a comment in a source', { 'sources/openssh.pbtxt': replaceOnce('# syslog has no year and pads single-digit days with a space.', '# syslog lines carry no year; days are space-padded.\n  # (a second comment line)') }],
    ['a display_name in a feature set', { 'features/ssh_auth_hourly.pbtxt': replaceOnce('display_name: "Failed logins"', 'display_name: "Failed password attempts"') }],
    ['a comment in a feature set', { 'features/zeek_src_hourly.pbtxt': replaceOnce('# Per originator, per hour: fan-out and failure rates reveal scanners.', '# Scanners fan out and fail.') }],
    ['a description in a dataset YAML', { 'datasets/ssh-auth.yaml': replaceOnce('description: A day of a busy bastion host, labelled line by line by an analyst.', 'description: One day of a bastion host, labelled by an analyst.') }],
    ['a description in a model YAML', { 'models/web-attack.yaml': replaceOnce('description: Flags injection and tampering in HTTP requests.', 'description: Injection and tampering.') }],
    ['a description in an environment YAML', { 'environments/acme-prod.yaml': replaceOnce("description: ACME's production SOC; receives every model after staging.", 'description: ACME production.') }],
    [
      'a field reorder in a source',
      {
        'sources/openssh.pbtxt': replaceOnce(
          'fields { name: "host" display_name: "Host" data_type: STRING index: 2 }\nfields { name: "program" display_name: "Program" data_type: STRING index: 3 }',
          'fields { name: "program" display_name: "Program" data_type: STRING index: 3 }\nfields { name: "host" display_name: "Host" data_type: STRING index: 2 }',
        ),
      },
    ],
    ['whitespace inside a feature definition', { 'features/ssh_auth_hourly.pbtxt': replaceOnce('definition: "count_if(invalid_user)"', 'definition: "count_if(  invalid_user )"') }],
    ['whitespace inside a source definition', { 'sources/web_http.pbtxt': replaceOnce(`definition: "coalesce($1, '')"`, `definition: "coalesce( $1 ,\\n   '' )"`) }],
    ['a new file that matches no part', { 'data/ssh/notes.txt': 'not a log, and no part glob matches it\n' }],
  ];

  it.each(cases)('%s', async (_name, edits) => {
    const { worktree, refs } = await planBothWays(edits);
    expectNothing(worktree);
    expectNothing(refs);
  });

  it('no change at all', async () => {
    const { worktree, refs, branch } = await planBothWays({});
    expectNothing(worktree);
    expectNothing(refs);
    expectNothing(await planJson(['--base', branch, '--head', branch]));
    const text = expectCode(await quiver(['plan', '--repo', repo.dir], { cwd: repo.dir }), 0, 'quiver plan (text)');
    expect(text.out).toContain('Nothing to run: no stage is affected.');
    const md = expectCode(await quiver(['plan', '--repo', repo.dir, '--output', 'markdown'], { cwd: repo.dir }), 0, 'quiver plan (markdown)');
    expect(md.out).toContain('**Nothing to run**');
    expect(md.out).not.toContain('| stage | action | key | why |');
  });
});

describe('quiver plan: edits that change keys run exactly their downstream', () => {
  it('one feature definition: that feature set on the datasets that use it, and only the models that use it', async () => {
    const edits = { 'features/zeek_src_hourly.pbtxt': replaceOnce('definition: "count(DISTINCT resp_p)"', 'definition: "count(DISTINCT resp_p) + 0"') };
    const { worktree, refs } = await planBothWays(edits);
    for (const p of [worktree, refs]) {
      expect(ids(p)).toEqual(['features(zeek-conn, zeek_src_hourly)', 'train(zeek-scanner)', 'release(zeek-scanner)']);
      expect(p.stages.every((s) => s.action === 'run')).toBe(true);
      expect(p.stages[0]?.reasons).toEqual([{ kind: 'modified', file: 'features/zeek_src_hourly.pbtxt', field: 'features[distinct_ports].definition' }]);
      expect(p.stages[0]?.reasonsText).toEqual(['features/zeek_src_hourly.pbtxt: features[distinct_ports].definition modified']);
      expect(p.stages[1]?.reasons).toEqual([{ kind: 'upstream changed', detail: 'features(zeek-conn, zeek_src_hourly)' }]);
      expect(p.stages[2]?.reasons).toEqual([{ kind: 'upstream changed', detail: 'train(zeek-scanner)' }]);
      expect(p.releases).toEqual(['zeek-scanner']);
      // zeek-scanner is only in acme-prod; globex-staging does not subscribe to it.
      expect(p.environments).toEqual([{ name: 'acme-prod', wave: 1, models: ['zeek-scanner'] }]);
      expect(p.unaffected.models).toEqual(['ssh-bruteforce', 'ssh-event', 'web-attack', 'zeek-conn']);
      expect(p.unaffected.stages).toHaveLength(TOTAL_STAGES - 3);
      expect(p.unaffected.stages).toContain('parse(zeek-conn)');
      expect(p.unaffected.stages).toContain('features(zeek-conn, zeek_conn_event)');
    }
  });

  it('a feature definition of an SSH feature set: both environments receive the model', async () => {
    const { worktree, refs } = await planBothWays({ 'features/ssh_auth_hourly.pbtxt': replaceOnce('definition: "count_if(invalid_user)"', 'definition: "count_if(invalid_user AND repeats > 0)"') });
    for (const p of [worktree, refs]) {
      expect(ids(p)).toEqual(['features(ssh-auth, ssh_auth_hourly)', 'train(ssh-bruteforce)', 'release(ssh-bruteforce)']);
      expect(p.stages[0]?.reasons).toEqual([{ kind: 'modified', file: 'features/ssh_auth_hourly.pbtxt', field: 'features[invalid_users].definition' }]);
      expect(p.environments).toEqual([
        { name: 'globex-staging', wave: 0, models: ['ssh-bruteforce'] },
        { name: 'acme-prod', wave: 1, models: ['ssh-bruteforce'] },
      ]);
    }
  });

  it("a new example file in one dataset: that dataset's parse, its features and its models", async () => {
    const attack = readFileSync(join(repo.dir, 'data', 'ssh', 'attack-01.log'), 'utf8').split('\n').slice(0, 40).join('\n') + '\n';
    const { worktree, refs } = await planBothWays({ 'data/ssh/attack-03.log': attack.replace(/\d+\.\d+\.\d+\.\d+/g, '198.51.100.77') });
    for (const p of [worktree, refs]) {
      expect(ids(p)).toEqual([
        'parse(ssh-auth)',
        'features(ssh-auth, ssh_auth_event)',
        'features(ssh-auth, ssh_auth_hourly)',
        'train(ssh-bruteforce)',
        'release(ssh-bruteforce)',
        'train(ssh-event)',
        'release(ssh-event)',
      ]);
      expect(p.stages[0]?.reasons).toEqual([{ kind: 'modified', file: 'datasets/ssh-auth.yaml', field: 'parts[bruteforce].paths', detail: 'data/ssh/attack-03.log added' }]);
      expect(p.stages[1]?.reasons).toEqual([{ kind: 'upstream changed', detail: 'parse(ssh-auth)' }]);
      expect(p.releases).toEqual(['ssh-bruteforce', 'ssh-event']);
      expect(p.environments).toEqual([
        { name: 'globex-staging', wave: 0, models: ['ssh-bruteforce'] },
        { name: 'acme-prod', wave: 1, models: ['ssh-bruteforce', 'ssh-event'] },
      ]);
      expect(p.unaffected.models).toEqual(['web-attack', 'zeek-conn', 'zeek-scanner']);
    }
  });

  it("a model parameter: that model's train and release only", async () => {
    const { worktree, refs } = await planBothWays({ 'models/web-attack.yaml': replaceOnce('n_estimators: 100', 'n_estimators: 150') });
    for (const p of [worktree, refs]) {
      expect(ids(p)).toEqual(['train(web-attack)', 'release(web-attack)']);
      expect(p.stages[0]?.reasons).toEqual([{ kind: 'modified', file: 'models/web-attack.yaml', field: 'params.n_estimators' }]);
      expect(p.stages[0]?.reasonsText).toEqual(['models/web-attack.yaml: params.n_estimators modified']);
      expect(p.stages[1]?.reasons).toEqual([{ kind: 'upstream changed', detail: 'train(web-attack)' }]);
      expect(p.environments).toEqual([
        { name: 'globex-staging', wave: 0, models: ['web-attack'] },
        { name: 'acme-prod', wave: 1, models: ['web-attack'] },
      ]);
    }
  });

  it('a release gate: only the release stage', async () => {
    const { worktree, refs } = await planBothWays({ 'models/ssh-event.yaml': replaceOnce('min_roc_auc: 0.75', 'min_roc_auc: 0.8') });
    for (const p of [worktree, refs]) {
      expect(ids(p)).toEqual(['release(ssh-event)']);
      expect(p.stages[0]?.reasons).toEqual([{ kind: 'modified', file: 'models/ssh-event.yaml', field: 'gates.min_roc_auc' }]);
    }
  });

  it('a source field definition: everything downstream of it', async () => {
    const { worktree, refs } = await planBothWays({
      'sources/zeek_conn.pbtxt': replaceOnce('definition: "timestamp_seconds(CAST(CAST($1 AS DOUBLE) AS LONG))"', 'definition: "timestamp_seconds(CAST(floor(CAST($1 AS DOUBLE)) AS LONG))"'),
    });
    for (const p of [worktree, refs]) {
      expect(ids(p)).toEqual([
        'parse(zeek-conn)',
        'features(zeek-conn, zeek_conn_event)',
        'features(zeek-conn, zeek_src_hourly)',
        'train(zeek-conn)',
        'release(zeek-conn)',
        'train(zeek-scanner)',
        'release(zeek-scanner)',
      ]);
      expect(p.stages[0]?.reasons).toEqual([{ kind: 'modified', file: 'sources/zeek_conn.pbtxt', field: 'fields[ts].definition' }]);
      expect(p.stages[0]?.reasonsText).toEqual(['sources/zeek_conn.pbtxt: fields[ts].definition modified']);
      expect(p.releases).toEqual(['zeek-conn', 'zeek-scanner']);
      expect(p.environments).toEqual([{ name: 'acme-prod', wave: 1, models: ['zeek-conn', 'zeek-scanner'] }]);
      expect(p.unaffected.models).toEqual(['ssh-bruteforce', 'ssh-event', 'web-attack']);
    }
  });

  it('markdown and text: the stage table with reasons, and the environments that receive releases', async () => {
    const { branch } = await planBothWays({ 'sources/openssh.pbtxt': replaceOnce(`definition: "message RLIKE '[Ii]nvalid user'"`, `definition: "message RLIKE '[Ii]nvalid  user'"`) });
    const md = expectCode(await quiver(['plan', '--repo', repo.dir, '--base', base, '--head', branch, '--output', 'markdown'], { cwd: repo.dir }), 0, 'quiver plan --output markdown').out;
    const table = md.split('\n').filter((l) => l.startsWith('| `'));
    expect(md).toContain('| stage | action | key | why |');
    expect(md).toContain('**7** stages to run.');
    const stageRows = table.filter((l) => / \| run \| /.test(l));
    expect(stageRows.map((l) => /^\| `([^`]+)`/.exec(l)?.[1])).toEqual([
      'parse(ssh-auth)',
      'features(ssh-auth, ssh_auth_event)',
      'features(ssh-auth, ssh_auth_hourly)',
      'train(ssh-bruteforce)',
      'release(ssh-bruteforce)',
      'train(ssh-event)',
      'release(ssh-event)',
    ]);
    expect(stageRows[0]).toContain('sources/openssh.pbtxt: fields[invalid_user].definition modified');
    expect(md).toContain('| environment | wave | receives |');
    expect(md).toContain('| `globex-staging` | 0 | `ssh-bruteforce` |');
    expect(md).toContain('| `acme-prod` | 1 | `ssh-bruteforce`, `ssh-event` |');

    const text = expectCode(await quiver(['plan', '--repo', repo.dir, '--base', base, '--head', branch], { cwd: repo.dir }), 0, 'quiver plan --output text').out;
    expect(text).toContain('7 stages to run:');
    expect(text).toContain('sources/openssh.pbtxt: fields[invalid_user].definition modified');
    expect(text).toContain('environment acme-prod (wave 1) receives ssh-bruteforce, ssh-event');
  });
});
