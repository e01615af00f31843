/**
 * Generates the sample data of config-repo-template/data: small, deterministic
 * (seeded), with realistic attack and benign patterns in the same formats as the
 * public logs under ../shared/datasets (syslog auth.log, raw HTTP requests with
 * CRLF line endings, Zeek conn.log TSV).
 *
 *   npx tsx tools/gen-template-data.ts [OUT_DIR]     (default: config-repo-template/data)
 *
 * A test regenerates into a temp folder and compares with the committed files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** mulberry32: tiny, fast, and identical on every platform. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pad2 = (n: number): string => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function syslogTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

function publicIp(r: Rand): string {
  for (;;) {
    const a = int(r, 1, 223);
    if (a === 10 || a === 127 || a === 172 || a === 192 || a === 169 || a === 100) continue;
    return `${a}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
  }
}

// ---------------------------------------------------------------- ssh ----

interface LogLine {
  t: number;
  text: string;
  label: 'attack' | 'benign';
}

const HOST = 'bastion-01';
const ATTACK_USERS = ['root', 'admin', 'test', 'oracle', 'pi', 'ubnt', 'user', 'guest', 'postgres', 'ftpuser', 'git', 'support', 'nagios', 'deploy1', 'a', 'admin123', 'tomcat', 'hadoop'];

function sshLine(t: number, pid: number, msg: string, program = 'sshd'): string {
  return `${syslogTime(t)} ${HOST} ${program}[${pid}]: ${msg}`;
}

/** A brute-force or spraying campaign from one internet address. */
function attackSession(r: Rand, start: number, ip: string, out: LogLine[]): void {
  let t = start;
  const kind = r();
  const attempts = kind < 0.15 ? int(r, 1, 3) : int(r, 5, 24);
  for (let i = 0; i < attempts; i++) {
    const pid = int(r, 2000, 32000);
    const port = int(r, 30000, 65000);
    const user = kind < 0.6 ? 'root' : pick(r, ATTACK_USERS);
    const invalid = user !== 'root' && r() < 0.8;
    if (kind >= 0.15 && kind < 0.25) {
      // scanner probe: no authentication at all
      out.push({ t, text: sshLine(t, pid, `Did not receive identification string from ${ip} port ${port}`), label: 'attack' });
      t += int(r, 1, 30) * 1000;
      continue;
    }
    if (invalid) {
      out.push({ t, text: sshLine(t, pid, `Invalid user ${user} from ${ip} port ${port}`), label: 'attack' });
      out.push({ t, text: sshLine(t, pid, `input_userauth_request: invalid user ${user} [preauth]`), label: 'attack' });
      out.push({ t, text: sshLine(t, pid, `pam_unix(sshd:auth): check pass; user unknown`), label: 'attack' });
    }
    out.push({
      t: t + 1000,
      text: sshLine(t + 1000, pid, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}${invalid ? '' : `  user=${user}`}`),
      label: 'attack',
    });
    out.push({ t: t + 2000, text: sshLine(t + 2000, pid, `Failed password for ${invalid ? 'invalid user ' : ''}${user} from ${ip} port ${port} ssh2`), label: 'attack' });
    if (r() < 0.25) {
      const n = int(r, 2, 5);
      out.push({ t: t + 4000, text: sshLine(t + 4000, pid, `message repeated ${n} times: [ Failed password for ${invalid ? 'invalid user ' : ''}${user} from ${ip} port ${port} ssh2]`), label: 'attack' });
      if (r() < 0.5) {
        out.push({ t: t + 5000, text: sshLine(t + 5000, pid, `error: maximum authentication attempts exceeded for ${invalid ? 'invalid user ' : ''}${user} from ${ip} port ${port} ssh2 [preauth]`), label: 'attack' });
        out.push({ t: t + 5000, text: sshLine(t + 5000, pid, `Disconnecting: Too many authentication failures [preauth]`), label: 'attack' });
      }
    }
    out.push({ t: t + 6000, text: sshLine(t + 6000, pid, `Connection closed by ${ip} port ${port} [preauth]`), label: 'attack' });
    t += int(r, 3, 90) * 1000;
  }
}

const ADMINS = [
  { user: 'ubuntu', ip: '10.20.1.15', key: true },
  { user: 'deploy', ip: '10.20.4.2', key: true },
  { user: 'maria', ip: '192.168.10.44', key: false },
  { user: 'backup', ip: '10.20.4.3', key: true },
  { user: 'jenkins', ip: '172.16.5.9', key: false },
  { user: 'ops', ip: '81.2.69.160', key: true }, // a home office on a public address
];

function benignSession(r: Rand, start: number, who: (typeof ADMINS)[number], out: LogLine[]): void {
  let t = start;
  const pid = int(r, 2000, 32000);
  const port = int(r, 40000, 65000);
  if (!who.key && r() < 0.2) {
    // a typo before the right password
    out.push({ t, text: sshLine(t, pid, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${who.ip}  user=${who.user}`), label: 'benign' });
    out.push({ t: t + 2000, text: sshLine(t + 2000, pid, `Failed password for ${who.user} from ${who.ip} port ${port} ssh2`), label: 'benign' });
    t += 5000;
  }
  const method = who.key ? 'publickey' : 'password';
  const fp = who.key ? `: RSA SHA256:${Buffer.from(who.user.padEnd(32, '#')).toString('base64').slice(0, 43)}` : '';
  out.push({ t, text: sshLine(t, pid, `Accepted ${method} for ${who.user} from ${who.ip} port ${port} ssh2${fp}`), label: 'benign' });
  out.push({ t, text: sshLine(t, pid, `pam_unix(sshd:session): session opened for user ${who.user} by (uid=0)`), label: 'benign' });
  out.push({ t, text: `${syslogTime(t)} ${HOST} systemd-logind[1118]: New session ${int(r, 1, 900)} of user ${who.user}.`, label: 'benign' });
  const cmds = int(r, 0, 3);
  for (let i = 0; i < cmds; i++) {
    t += int(r, 10, 600) * 1000;
    const cmd = pick(r, ['/usr/bin/apt-get update', '/bin/systemctl restart nginx', '/usr/bin/tail -n 100 /var/log/syslog', '/usr/bin/docker ps']);
    out.push({ t, text: `${syslogTime(t)} ${HOST} sudo:   ${who.user} : TTY=pts/0 ; PWD=/home/${who.user} ; USER=root ; COMMAND=${cmd}`, label: 'benign' });
  }
  t += int(r, 60, 3600) * 1000;
  out.push({ t, text: sshLine(t, pid, `Received disconnect from ${who.ip} port ${port}:11: disconnected by user`), label: 'benign' });
  out.push({ t, text: sshLine(t, pid, `Disconnected from ${who.ip} port ${port}`), label: 'benign' });
  out.push({ t, text: sshLine(t, pid, `pam_unix(sshd:session): session closed for user ${who.user}`), label: 'benign' });
}

function cronLines(r: Rand, day0: number, days: number, out: LogLine[]): void {
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < 24; h += int(r, 1, 3)) {
      const t = day0 + d * 86_400_000 + h * 3_600_000 + 17 * 60_000;
      const pid = int(r, 2000, 32000);
      out.push({ t, text: `${syslogTime(t)} ${HOST} CRON[${pid}]: pam_unix(cron:session): session opened for user root by (uid=0)`, label: 'benign' });
      out.push({ t: t + 1000, text: `${syslogTime(t + 1000)} ${HOST} CRON[${pid}]: pam_unix(cron:session): session closed for user root`, label: 'benign' });
    }
  }
}

function render(lines: LogLine[]): string {
  return lines
    .sort((a, b) => a.t - b.t)
    .map((l) => l.text)
    .join('\n') + '\n';
}

export function generateSsh(): Record<string, string> {
  const r = rng(20240301);
  const day0 = Date.UTC(2024, 2, 4, 0, 0, 0); // Mon 4 Mar 2024
  const files: Record<string, string> = {};
  for (let c = 1; c <= 2; c++) {
    const out: LogLine[] = [];
    const ips = Array.from({ length: 14 }, () => publicIp(r));
    for (const ip of ips) {
      const sessions = int(r, 1, 4);
      for (let s = 0; s < sessions; s++) attackSession(r, day0 + int(r, 0, 6) * 86_400_000 + int(r, 0, 86_399) * 1000, ip, out);
    }
    files[`ssh/attack-0${c}.log`] = render(out);
  }
  const benign: LogLine[] = [];
  for (let d = 0; d < 7; d++) {
    for (const who of ADMINS) {
      const n = int(r, 0, 4);
      for (let i = 0; i < n; i++) benignSession(r, day0 + d * 86_400_000 + int(r, 7 * 3600, 20 * 3600) * 1000, who, benign);
    }
  }
  cronLines(r, day0, 7, benign);
  files['ssh/benign.log'] = render(benign);

  // A busy day with both, labelled per line (as an analyst would).
  const mixed: LogLine[] = [];
  const mixedDay = Date.UTC(2024, 2, 11, 0, 0, 0);
  for (const who of ADMINS) for (let i = 0; i < int(r, 1, 3); i++) benignSession(r, mixedDay + int(r, 7 * 3600, 20 * 3600) * 1000, who, mixed);
  for (let i = 0; i < 12; i++) attackSession(r, mixedDay + int(r, 0, 86_399) * 1000, publicIp(r), mixed);
  cronLines(r, mixedDay, 1, mixed);
  mixed.sort((a, b) => a.t - b.t);
  files['ssh/mixed.log'] = mixed.map((l) => l.text).join('\n') + '\n';
  files['ssh/mixed-labels.csv'] = 'file,line,label\n' + mixed.map((l, i) => `mixed.log,${i + 1},${l.label}`).join('\n') + '\n';
  return files;
}

// ---------------------------------------------------------------- web ----

const PAGES = [
  { path: '/shop/public/index.jsp', params: [] as string[] },
  { path: '/shop/public/search.jsp', params: ['q', 'page'] },
  { path: '/shop/public/product.jsp', params: ['id', 'name', 'price', 'qty', 'B1'] },
  { path: '/shop/public/cart.jsp', params: ['mode', 'id', 'qty'] },
  { path: '/shop/public/login.jsp', params: ['mode', 'login', 'pwd', 'remember', 'B1'] },
  { path: '/shop/public/register.jsp', params: ['mode', 'name', 'surname', 'email', 'dni', 'address', 'city', 'zip', 'phone', 'B1'] },
  { path: '/shop/public/pay.jsp', params: ['mode', 'price', 'card', 'B1'] },
  { path: '/shop/images/logo.gif', params: [] },
  { path: '/shop/css/main.css', params: [] },
];
const NAMES = ['Ana', 'Luis', 'Marta', 'Jorge', 'Lucia', 'Pablo', 'Elena', 'Diego', 'Sofia', 'Hugo'];
const SURNAMES = ['Garcia', 'Lopez', 'Martin', 'Sanchez', 'Perez', 'Gomez', 'Ruiz', 'Diaz', 'Moreno', 'Alvarez'];
const PRODUCTS = ['Jam%F3n+Ib%E9rico', 'Queso+Manchego', 'Aceite+de+oliva', 'Vino+Rioja', 'Turr%F3n', 'Chorizo'];

function benignValue(r: Rand, p: string): string {
  switch (p) {
    case 'q':
      return pick(r, ['queso', 'vino+tinto', 'aceite', 'jamon', 'regalo+navidad', 'oferta']);
    case 'page':
    case 'id':
    case 'qty':
      return String(int(r, 1, 40));
    case 'name':
      return r() < 0.5 ? pick(r, PRODUCTS) : pick(r, NAMES);
    case 'surname':
      return pick(r, SURNAMES);
    case 'price':
      return String(int(r, 5, 300));
    case 'B1':
      return pick(r, ['Entrar', 'Comprar', 'A%F1adir+al+carrito', 'Registrar']);
    case 'mode':
      return pick(r, ['entrar', 'insertar', 'ver', 'registro']);
    case 'login':
      return pick(r, NAMES).toLowerCase() + int(r, 1, 99);
    case 'pwd':
      return Array.from({ length: int(r, 6, 12) }, () => pick(r, 'abcdefghijkmnpqrstuvwxyz0123456789'.split(''))).join('');
    case 'remember':
      return pick(r, ['on', 'off']);
    case 'email':
      return `${pick(r, NAMES).toLowerCase()}.${pick(r, SURNAMES).toLowerCase()}%40example.${pick(r, ['com', 'es', 'org'])}`;
    case 'dni':
      return `${int(r, 10000000, 99999999)}${pick(r, 'ABCDEFGHJKLMNPQRSTVWXYZ'.split(''))}`;
    case 'address':
      return `Calle+${pick(r, SURNAMES)}+${int(r, 1, 200)}`;
    case 'city':
      return pick(r, ['Madrid', 'Sevilla', 'Bilbao', 'Valencia', 'C%E1diz']);
    case 'zip':
      return String(int(r, 10000, 52999));
    case 'phone':
      return String(int(r, 600000000, 699999999));
    case 'card':
      return String(int(r, 1000, 9999)) + String(int(r, 100000000000, 999999999999));
    default:
      return String(int(r, 0, 9));
  }
}

const SQLI = ['%27+OR+%271%27%3D%271', '%27%3B+DROP+TABLE+usuarios%3B+--', '1+UNION+SELECT+login%2Cpassword+FROM+users', "%27+AND+1%3D0+UNION+ALL+SELECT+NULL%2CNULL--", '1%27+WAITFOR+DELAY+%270%3A0%3A5%27--'];
const XSS = ['%3Cscript%3Ealert%28document.cookie%29%3C%2Fscript%3E', '%22%3E%3Cimg+src%3Dx+onerror%3Dalert%281%29%3E', 'javascript%3Aalert%28%27XSS%27%29', '%3CSCRipt%3Ealert%28Paros%29%3C%2FscrIPT%3E'];
const OTHER = ['..%2F..%2F..%2Fetc%2Fpasswd', '%0D%0ASet-Cookie%3A+session%3Dattacker', '%3C%21--%23exec+cmd%3D%22%2Fbin%2Fls%22--%3E', 'A'.repeat(300), '-1', '99999999999'];
const PROBE_PATHS = ['/shop/public/login.jsp.bak', '/shop/WEB-INF/web.xml', '/shop/public/../../etc/passwd', '/shop/config.inc', '/shop/public/product.jsp.old', '/shop/admin/backup.sql'];

interface Request {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  args: string;
}

function benignRequest(r: Rand): Request {
  const page = pick(r, PAGES);
  const args = page.params.filter((_, i) => i === 0 || r() < 0.9).map((p) => `${p}=${benignValue(r, p)}`).join('&');
  const method = args && r() < 0.3 ? 'POST' : 'GET';
  return { method, path: page.path, args };
}

function attackRequest(r: Rand): Request {
  const kind = r();
  if (kind < 0.15) return { method: pick(r, ['GET', 'GET', 'PUT'] as const), path: pick(r, PROBE_PATHS), args: '' };
  const page = pick(r, PAGES.filter((p) => p.params.length > 0));
  const victim = pick(r, page.params);
  const payload = kind < 0.5 ? pick(r, SQLI) : kind < 0.8 ? pick(r, XSS) : pick(r, OTHER);
  const args = page.params.map((p) => `${p}=${p === victim ? payload : benignValue(r, p)}`).join('&');
  return { method: r() < 0.5 ? 'POST' : 'GET', path: page.path, args };
}

function renderRequest(r: Rand, q: Request): string {
  const base = 'http://localhost:8080';
  const url = q.method === 'GET' && q.args ? `${base}${q.path}?${q.args}` : `${base}${q.path}`;
  const session = Array.from({ length: 32 }, () => pick(r, '0123456789ABCDEF'.split(''))).join('');
  const lines = [
    `${q.method} ${url} HTTP/1.1`,
    'User-Agent: Mozilla/5.0 (compatible; Konqueror/3.5; Linux) KHTML/3.5.8 (like Gecko)',
    'Pragma: no-cache',
    'Cache-control: no-cache',
    'Accept: text/xml,application/xml,application/xhtml+xml,text/html;q=0.9,text/plain;q=0.8,image/png,*/*;q=0.5',
    'Accept-Encoding: x-gzip, x-deflate, gzip, deflate',
    'Accept-Charset: utf-8, utf-8;q=0.5, *;q=0.5',
    'Accept-Language: en',
    'Host: localhost:8080',
    `Cookie: JSESSIONID=${session}`,
  ];
  if (q.method !== 'GET') {
    lines.push('Content-Type: application/x-www-form-urlencoded', 'Connection: close', `Content-Length: ${q.args.length}`, '', q.args, '', '');
  } else {
    lines.push('Connection: close', '', '', '');
  }
  // CRLF, as the CSIC 2010 captures have it.
  return lines.join('\r\n');
}

export function generateWeb(): Record<string, string | Buffer> {
  const r = rng(2010);
  const normal = Array.from({ length: 360 }, () => renderRequest(r, benignRequest(r))).join('');
  const anomalous = Array.from({ length: 240 }, () => renderRequest(r, attackRequest(r))).join('');
  return { 'web/normal.txt': normal, 'web/anomalous.txt.gz': gzipSync(Buffer.from(anomalous), { level: 9 }) };
}

// --------------------------------------------------------------- zeek ----

const ZEEK_HEADER = (open: string): string =>
  [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\tconn',
    `#open\t${open}`,
    '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents',
    '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]',
  ].join('\n') + '\n';

interface Flow {
  ts: number;
  orig: string;
  origP: number;
  resp: string;
  respP: number;
  proto: 'tcp' | 'udp' | 'icmp';
  service: string;
  duration: number | null;
  ob: number | null;
  rb: number | null;
  state: string;
  history: string;
  op: number;
  rp: number;
  label: 'malicious' | 'benign' | 'background';
}

function uid(r: Rand): string {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return 'C' + Array.from({ length: 17 }, () => pick(r, abc.split(''))).join('');
}

function zeekRow(r: Rand, f: Flow): string {
  const priv = (ip: string): string => (/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip) ? 'T' : 'F');
  const cols = [
    f.ts.toFixed(6),
    uid(r),
    f.orig,
    String(f.origP),
    f.resp,
    String(f.respP),
    f.proto,
    f.service || '-',
    f.duration === null ? '-' : f.duration.toFixed(6),
    f.ob === null ? '-' : String(f.ob),
    f.rb === null ? '-' : String(f.rb),
    f.state,
    priv(f.orig),
    priv(f.resp),
    '0',
    f.history || '-',
    String(f.op),
    String(f.op * 40 + (f.ob ?? 0)),
    String(f.rp),
    String(f.rp * 40 + (f.rb ?? 0)),
    '(empty)',
  ];
  return cols.join('\t');
}

export function generateZeek(): Record<string, string> {
  const r = rng(4040);
  const monitored = '10.0.0.5';
  const infected = '10.0.0.23';
  const c2 = '41.108.179.197';
  const files: Record<string, string> = {};
  const labels: string[] = ['uid,label'];
  for (let d = 0; d < 2; d++) {
    const t0 = Date.UTC(2024, 2, 4 + d, 0, 0, 0) / 1000;
    const flows: Flow[] = [];
    for (let i = 0; i < 1100; i++) {
      const ts = t0 + r() * 86_400;
      const k = r();
      if (k < 0.3) {
        flows.push({ ts, orig: monitored, origP: int(r, 49152, 65535), resp: '10.0.0.1', respP: 53, proto: 'udp', service: 'dns', duration: r() * 0.05, ob: int(r, 30, 60), rb: int(r, 60, 300), state: 'SF', history: 'Dd', op: 1, rp: 1, label: 'benign' });
      } else if (k < 0.55) {
        const ob = int(r, 500, 20_000);
        flows.push({ ts, orig: pick(r, [monitored, '10.0.0.7', '10.0.0.9', '10.0.0.11', '10.0.0.12', '10.0.0.14']), origP: int(r, 49152, 65535), resp: publicIp(r), respP: pick(r, [443, 443, 443, 80]), proto: 'tcp', service: pick(r, ['ssl', 'ssl', 'http']), duration: r() * 30, ob, rb: int(r, 1_000, 400_000), state: 'SF', history: 'ShADadFf', op: int(r, 6, 60), rp: int(r, 6, 400), label: 'benign' });
      } else if (k < 0.8) {
        // unsolicited inbound: scans and brute force against the monitored host
        const port = pick(r, [22, 23, 445, 3389, 8080, 5900, int(r, 1, 65535)]);
        const answered = r() < 0.2;
        flows.push({ ts, orig: publicIp(r), origP: int(r, 1024, 65535), resp: monitored, respP: port, proto: 'tcp', service: answered && port === 22 ? 'ssh' : '', duration: answered ? r() * 3 : null, ob: answered ? int(r, 0, 2000) : null, rb: answered ? int(r, 0, 3000) : null, state: answered ? 'RSTO' : pick(r, ['S0', 'S0', 'REJ']), history: answered ? 'ShAdR' : 'S', op: answered ? int(r, 3, 12) : int(r, 1, 2), rp: answered ? int(r, 2, 10) : 0, label: 'malicious' });
      } else if (k < 0.88) {
        // implant beaconing to its command-and-control server
        flows.push({ ts, orig: infected, origP: int(r, 49152, 65535), resp: c2, respP: 1177, proto: 'tcp', service: '', duration: 0.2 + r() * 2, ob: int(r, 60, 400), rb: int(r, 20, 200), state: 'SF', history: 'ShADadfF', op: int(r, 4, 10), rp: int(r, 3, 8), label: 'malicious' });
      } else {
        // multicast, NTP, and whatever else nobody labelled
        flows.push({ ts, orig: pick(r, ['10.0.0.50', '10.0.0.51', '10.0.0.52']), origP: pick(r, [123, 5353, 137]), resp: pick(r, ['224.0.0.251', '10.0.0.255', publicIp(r)]), respP: pick(r, [123, 5353, 137]), proto: 'udp', service: pick(r, ['dns', 'ntp', '']), duration: null, ob: null, rb: null, state: 'S0', history: 'D', op: 1, rp: 0, label: 'background' });
      }
    }
    flows.sort((a, b) => a.ts - b.ts);
    const rows = flows.map((f) => {
      const row = zeekRow(r, f);
      labels.push(`${row.split('\t')[1]},${f.label}`);
      return row;
    });
    const open = new Date(t0 * 1000).toISOString().slice(0, 19).replace('T', '-').replace(/:/g, '-');
    files[`zeek/conn-0${d + 1}.log`] = ZEEK_HEADER(open) + rows.join('\n') + '\n';
  }
  files['zeek/labels.csv'] = labels.join('\n') + '\n';
  return files;
}

export function generateAll(): Record<string, string | Buffer> {
  return { ...generateSsh(), ...generateWeb(), ...generateZeek() };
}

export function writeAll(outDir: string): string[] {
  const files = generateAll();
  for (const [name, body] of Object.entries(files)) {
    const p = join(outDir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, body);
  }
  return Object.keys(files).sort();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const out = resolve(process.argv[2] ?? join(root, 'config-repo-template', 'data'));
  for (const f of writeAll(out)) process.stdout.write(`wrote ${join(out, f)}\n`);
}
