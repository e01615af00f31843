import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface SessionOptions {
  /** Folders the session may read or write; everything else is refused by DuckDB itself. */
  allowedDirectories: string[];
  /** Spill folder (inside an allowed directory). */
  tempDirectory: string;
  threads?: number;
  memoryLimit?: string;
  /** DuckDB optimizer passes to turn off for the whole session (set before the settings lock). */
  disabledOptimizers?: string[];
}

/**
 * A fresh in-process DuckDB for one stage, locked down before any compiled
 * SQL runs: the compiler already admits only catalog functions, and this is
 * the second wall — no file outside the stage's folders, no extension
 * downloads, and the settings cannot be changed back.
 */
export async function openSession(opts: SessionOptions): Promise<{ conn: DuckDBConnection; close: () => void }> {
  await mkdir(opts.tempDirectory, { recursive: true });
  const settings: Record<string, string> = {};
  if (opts.threads) settings['threads'] = String(opts.threads);
  if (opts.memoryLimit) settings['memory_limit'] = opts.memoryLimit;
  const instance = await DuckDBInstance.create(':memory:', settings);
  const conn = await instance.connect();
  const dirs = [...new Set([...opts.allowedDirectories, opts.tempDirectory])];
  const list = dirs.map((d) => `'${d.replace(/'/g, "''")}'`).join(', ');
  for (const stmt of [
    `SET temp_directory = '${opts.tempDirectory.replace(/'/g, "''")}'`,
    `SET allowed_directories = [${list}]`,
    `SET enable_external_access = false`,
    `SET autoinstall_known_extensions = false`,
    `SET autoload_known_extensions = false`,
    `SET preserve_insertion_order = true`,
    `SET TimeZone = 'UTC'`,
    ...(opts.disabledOptimizers?.length ? [`SET disabled_optimizers = '${opts.disabledOptimizers.join(',')}'`] : []),
    `SET lock_configuration = true`,
  ]) {
    await conn.run(stmt);
  }
  return {
    conn,
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

export function sqlPath(p: string): string {
  return `'${p.replace(/'/g, "''")}'`;
}

export function tempIn(dir: string): string {
  return join(dir, 'duckdb-tmp');
}
