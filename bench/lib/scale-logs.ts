/**
 * Scales the real logs in ../shared/datasets up to N lines by repeating them
 * with perturbations, so the engine bench reads data that looks like
 * production: copy k shifts every timestamp by k hours, rewrites the last two
 * octets of every IPv4 address (private addresses stay private), and varies
 * Zeek uids and HTTP session ids. Copy 0 is the original. The output is cut at
 * exactly N lines and cached (written to a .partial file, then renamed) as
 * `<dataDir>/<format>-<N>.log`: the name is the whole cache key, so delete the
 * folder after changing a recipe.
 *
 * The inputs keep their line endings: ssh mixes LF (elastic) and CR LF
 * (loghub) lines, web is CR LF with bare-LF blank lines, as the real files are.
 */
import { createWriteStream, existsSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { repoRoot } from './measure.js';

export type LogFormat = 'ssh' | 'zeek' | 'web';

export function sharedDatasets(): string | undefined {
  const dir = resolve(repoRoot, '..', 'shared', 'datasets');
  return existsSync(dir) ? dir : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IPV4 = /\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b/g;
const SYSLOG_TS = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})/;

function perturbIps(line: string, k: number): string {
  if (k === 0) return line;
  const hi = (k >> 8) & 255;
  const lo = k & 255;
  return line.replace(IPV4, (m, a: string, b: string, c: string, d: string) => {
    const [na, nb, nc, nd] = [Number(a), Number(b), Number(c), Number(d)];
    if (na > 255 || nb > 255 || nc > 255 || nd > 255) return m;
    return `${a}.${b}.${nc ^ hi}.${nd ^ lo}`;
  });
}

function shiftSyslog(line: string, k: number): string {
  if (k === 0) return line;
  const m = SYSLOG_TS.exec(line);
  if (!m) return line;
  const month = MONTHS.indexOf(m[1] ?? '');
  if (month < 0) return line;
  const t = new Date(Date.UTC(2024, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) + k * 3_600_000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${MONTHS[t.getUTCMonth()]} ${String(t.getUTCDate()).padStart(2, ' ')} ${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())}`;
  return stamp + line.slice(m[0].length);
}

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function b62(k: number, width: number): string {
  let s = '';
  for (let i = 0; i < width; i++) {
    s = (B62[k % 62] ?? 'A') + s;
    k = Math.floor(k / 62);
  }
  return s;
}

function lines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

interface Recipe {
  header: string[];
  body: string[];
  footer: string[];
  perturb(line: string, k: number): string;
}

function recipe(format: LogFormat, shared: string): Recipe {
  if (format === 'ssh') {
    const body = [...lines(join(shared, 'ssh-auth', 'elastic_auth.log')), ...lines(join(shared, 'ssh-auth', 'loghub_OpenSSH_2k.log'))];
    return { header: [], body, footer: [], perturb: (l, k) => perturbIps(shiftSyslog(l, k), k) };
  }
  if (format === 'zeek') {
    const dir = join(shared, 'zeek-conn-stratosphere');
    const files = ['001-njrat_conn.log.labeled', '008-mixed_conn.log.labeled', '010-mixed_conn.log.labeled', '011-mixed_conn.log.labeled', '012-mixed_conn.log.labeled'];
    const all = files.map((f) => lines(join(dir, f)));
    const first = all[0] ?? [];
    const header = first.filter((l) => l.startsWith('#') && !l.startsWith('#close'));
    const body = all.flatMap((ls) => ls.filter((l) => !l.startsWith('#')));
    return {
      header,
      body,
      footer: ['#close\t2022-06-18-00-00-00'],
      perturb: (l, k) => {
        if (k === 0) return l;
        const cols = l.split('\t');
        const ts = Number(cols[0]);
        if (Number.isFinite(ts)) cols[0] = (ts + k * 3600).toFixed(6);
        if (cols[1]) cols[1] = cols[1].slice(0, 1) + b62(k, 3) + cols[1].slice(4);
        if (cols[2]) cols[2] = perturbIps(cols[2], k);
        if (cols[4]) cols[4] = perturbIps(cols[4], k);
        return cols.join('\t');
      },
    };
  }
  const dir = join(shared, 'web-http-csic2010');
  const body = [...lines(join(dir, 'normal_test.txt')), ...lines(join(dir, 'anomalous_test.txt'))];
  return {
    header: [],
    body,
    footer: [],
    perturb: (l, k) => (k === 0 ? l : l.replace(/JSESSIONID=([0-9A-F]{8})/, () => `JSESSIONID=${(k * 2654435761 >>> 0).toString(16).toUpperCase().padStart(8, '0')}`)),
  };
}

export function scaledPath(dataDir: string, format: LogFormat, n: number): string {
  return join(dataDir, `${format}-${n}.log`);
}

/** Writes (or reuses) `<dataDir>/<format>-<n>.log` with exactly n lines. */
export async function ensureScaledLog(shared: string, dataDir: string, format: LogFormat, n: number): Promise<{ path: string; generated: boolean; copies: number }> {
  const path = scaledPath(dataDir, format, n);
  const r = recipe(format, shared);
  const perCopy = r.body.length;
  const copies = Math.ceil(Math.max(0, n - r.header.length - r.footer.length) / perCopy);
  if (existsSync(path)) return { path, generated: false, copies };
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  let written = 0;
  let buf: string[] = [];
  const flush = async (): Promise<void> => {
    if (!buf.length) return;
    if (!out.write(buf.join('\n') + '\n')) await once(out, 'drain');
    buf = [];
  };
  for (const l of r.header) {
    if (written >= n) break;
    buf.push(l);
    written++;
  }
  const bodyTarget = n - Math.min(r.footer.length, Math.max(0, n - written));
  for (let k = 0; written < bodyTarget; k++) {
    for (const l of r.body) {
      if (written >= bodyTarget) break;
      buf.push(r.perturb(l, k));
      written++;
      if (buf.length >= 50_000) await flush();
    }
  }
  for (const l of r.footer) {
    if (written >= n) break;
    buf.push(l);
    written++;
  }
  await flush();
  out.end();
  await once(out, 'finish');
  renameSync(partial, path);
  return { path, generated: true, copies };
}
