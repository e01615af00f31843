// Child-process plumbing for the global setup: free loopback ports, start with a log file,
// wait for a health URL, stop by PID (SIGTERM, then SIGKILL after a grace period).
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer, type Server } from 'node:net';

export interface Managed {
  name: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<string>;
  done: boolean;
  /** Exit code or signal once done. */
  status?: string;
}

/** n distinct free loopback ports; all are held open until every one is chosen. */
export async function freePorts(n: number, max = 55_000): Promise<number[]> {
  const servers: Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < n) {
      const srv = createServer();
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve());
      });
      servers.push(srv);
      const addr = srv.address();
      // SeaweedFS derives gRPC ports as port+10000, so stay below 65535-10000.
      if (addr && typeof addr === 'object' && addr.port < max) ports.push(addr.port);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
  return ports;
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd?: string,
): Managed {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', fd, fd], env, cwd });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${command}`);
  const managed: Managed = {
    name,
    pid: child.pid,
    logFile,
    child,
    done: false,
    exited: new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => {
        managed.done = true;
        managed.status = signal ? `signal ${signal}` : `exit code ${String(code)}`;
        resolve(signal ?? String(code));
      });
      child.once('error', (err) => {
        managed.done = true;
        managed.status = `spawn error: ${err.message}`;
        resolve(`spawn error: ${err.message}`);
      });
    }),
  };
  return managed;
}

export function logTail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface HttpResult {
  status: number;
  body: string;
}

export function httpGet(url: string, opts: { token?: string; ca?: string } = {}): Promise<HttpResult> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.get(
      u,
      {
        headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {},
        ...(opts.ca ? { ca: opts.ca } : {}),
        timeout: 5_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Polls `probe` until it returns true; fails early if the process exits, or after timeoutMs. */
export async function waitFor(proc: Managed, what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc.done) {
      throw new Error(`${proc.name} (pid ${proc.pid}) exited (${proc.status ?? 'unknown status'}) before ${what}; log ${proc.logFile}:\n${logTail(proc.logFile)}`);
    }
    try {
      if (await probe()) return;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${proc.name} (pid ${proc.pid}) not ${what} after ${timeoutMs / 1000}s (last probe error: ${last || 'none'}); log ${proc.logFile}:\n${logTail(proc.logFile)}`,
  );
}

/** SIGTERM by PID, SIGKILL after graceMs; resolves once the process is gone. */
export async function stopProcess(proc: Managed, graceMs = 10_000): Promise<void> {
  if (proc.done) return;
  try {
    process.kill(proc.pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
  if ((await Promise.race([proc.exited, timer])) === 'timeout' && !proc.done) {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      return;
    }
    await proc.exited;
  }
}
