/**
 * Shared by the test/pipeline tests: the CLI in process and as a subprocess,
 * real git repositories, and reading what a run left in a file:// store.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { main } from '../../controller/src/cli/main.js';
import type { ReleaseIndex } from '../../controller/src/release/release-index.js';
import { repoRoot } from '../helpers/config-repo.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** The environment a user's shell would give quiver: no signing key (the dev key is used), no trainer override. */
export function userEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, ...extra };
  delete env['QUIVER_SIGNING_KEY'];
  return env;
}

/** `quiver <args>` in process, with buffered stdout/stderr. */
export async function quiver(args: string[], opts: { cwd: string; env?: Record<string, string | undefined> }): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await main(args, {
    stdout: { write: (s: string) => void (out += s) },
    stderr: { write: (s: string) => void (err += s) },
    cwd: opts.cwd,
    env: opts.env ?? userEnv(),
  } as Parameters<typeof main>[1]);
  return { code, out, err };
}

/** Fails with stderr in the message unless the exit code is `code`. */
export function expectCode(r: CliResult, code: number, what: string): CliResult {
  if (r.code !== code) throw new Error(`${what}: exit ${r.code}, expected ${code}\n--- stderr ---\n${r.err}\n--- stdout ---\n${r.out.slice(0, 4000)}`);
  return r;
}

/** The launcher that runs the CLI from this checkout's sources (see quiver-cli.ts). */
export const CLI_ENTRY = join(repoRoot, 'test', 'pipeline', 'quiver-cli.ts');
/** tsx's loader by URL: `--import tsx` would resolve the package from the subprocess's cwd (a temp repo). */
const TSX_LOADER = import.meta.resolve('tsx');

/** Starts `quiver <args>` as a subprocess in its own process group (so a kill takes the trainer with it). */
export function spawnQuiver(args: string[], opts: { cwd: string; env?: Record<string, string | undefined> }): ChildProcess {
  return spawn(process.execPath, ['--import', TSX_LOADER, CLI_ENTRY, ...args], {
    cwd: opts.cwd,
    env: (opts.env ?? userEnv()) as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

export function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=Quiver Test', '-c', 'user.email=test@quiver.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} in ${dir}: exit ${r.status}\n${r.stderr}`);
  return r.stdout.trim();
}

/** Makes `dir` a git repository with everything committed (`.quiver/`, the local store, ignored). Returns HEAD. */
export function gitInit(dir: string, message = 'config repository'): string {
  writeFileSync(join(dir, '.gitignore'), '.quiver/\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** Every file under `root`, relative, '/'-separated, sorted. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) visit(p);
      else out.push(relative(root, p).split(sep).join('/'));
    }
  };
  if (existsSync(root)) visit(root);
  return out.sort();
}

export const localStore = (repo: string): string => join(repo, '.quiver', 'store');

export function readIndex(storeRoot: string, model: string): ReleaseIndex {
  return JSON.parse(readFileSync(join(storeRoot, 'releases', model, 'index.json'), 'utf8')) as ReleaseIndex;
}

/** Output folders of stages in a store listing: datasets/<ds>/parsed/<key>, features/<ds>/<fs>/<key>, models/<m>/<key>. */
export function outputFolders(files: string[]): Map<string, string[]> {
  const folders = new Map<string, string[]>();
  for (const f of files) {
    const m = /^(datasets\/[^/]+\/parsed\/[0-9a-f]{64}|features\/[^/]+\/[^/]+\/[0-9a-f]{64}|models\/[^/]+\/[0-9a-f]{64})\/(.+)$/.exec(f);
    if (!m) continue;
    const list = folders.get(m[1] as string) ?? [];
    list.push(m[2] as string);
    folders.set(m[1] as string, list);
  }
  return folders;
}

/** Runs one SQL query in a fresh in-memory DuckDB (for reading Parquet outputs). */
export async function query(sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Array<Record<string, unknown>>;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export function fileSize(p: string): number {
  return statSync(p).size;
}
