/**
 * Way (c) of bench/engine, the limit: one hand-written DuckDB query per
 * format that goes from the raw log straight to the feature set's rows,
 * written the way someone tuning it for this data would (no parse stage
 * materialized, no reject bookkeeping, only the columns the features need,
 * typed CSV reading for Zeek, prefix tests instead of the general
 * is_private_ip pattern). It must yield the same rows as Quiver's plan; the
 * bench checks that by row count and checksum (engine-check.ts) and prints it.
 * Written against the scaled logs of scale-logs.ts: the shortcuts hold for
 * them (and are noted where taken), not for arbitrary input.
 */
import { mkdir } from 'node:fs/promises';
import { openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { LogFormat } from './scale-logs.js';

const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The first bytes of a file. */
function head(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(65536);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/**
 * DuckDB's `new_line` for a file, by its first line ending (the rule Quiver's
 * runner uses too; DuckDB reads a CR LF as two line breaks under '\\n').
 */
function newLine(path: string): string {
  const h = head(path);
  const lf = h.indexOf('\n');
  return lf > 0 && h[lf - 1] === '\r' ? '\\r\\n' : '\\n';
}

/**
 * Raw lines of a file, the way DuckDB reads a text file fastest. DuckDB's default max_line_size
 * (2 MB) holds every line of these logs; Quiver's 32 MB (for any log) makes buffers of at least
 * that size, so a 100 MB file splits into a few parallel chunks: ssh at 1M took 4.0 s with it,
 * 2.4 s without.
 */
function rawLines(path: string): string {
  return `read_csv(${lit(path)}, columns = {'line': 'VARCHAR'}, delim = chr(0), quote = '', escape = '', header = false, auto_detect = false, strict_mode = false, new_line = '${newLine(path)}')`;
}

/** Raw lines with their 1-based line numbers. */
function linesOf(path: string): string {
  return `SELECT row_number() OVER () AS ln, line FROM ${rawLines(path)}`;
}

/**
 * is_private_ip for the addresses in these logs: RFC 1918, loopback,
 * link-local, IPv6 ULA / link-local / ::1 and IPv4-mapped forms, by prefix.
 * (Quiver's pattern also validates every octet; these logs only hold valid addresses.)
 */
const PRIVATE_MACRO = `CREATE MACRO is_priv(x) AS (
  starts_with(x, '10.') OR starts_with(x, '192.168.') OR starts_with(x, '127.') OR starts_with(x, '169.254.')
  OR (starts_with(x, '172.') AND regexp_matches(x, '^172\\.(1[6-9]|2[0-9]|3[01])\\.'))
  OR (contains(x, ':') AND (regexp_matches(x, '^([fF][cCdD][0-9a-fA-F]{2}:|[fF][eE][89aAbB][0-9a-fA-F]:|::[fF]{4}:(10|127|192\\.168|169\\.254|172\\.(1[6-9]|2[0-9]|3[01]))\\.)') OR x = '::1'))
)`;

/** Number of leading '#' lines of a file (what someone writing a query for one Zeek log looks up). */
function headerLines(path: string): number {
  let count = 0;
  for (const l of head(path).split('\n')) {
    if (!l.startsWith('#')) break;
    count++;
  }
  return count;
}

const SSH_RE = String.raw`^([A-Z][a-z]{2} +[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}) \S+ ([^\[:]+)(?:\[[0-9]+\])?: (.*)$`;

/** The template's src_ip pattern (config-repo-template/sources/openssh.pbtxt), '$' as the compiler renders it. */
const SSH_SRC_RE = String.raw`(?:from |by |rhost=)([0-9]{1,3}(?:[.][0-9]{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:]*[0-9a-fA-F])(?:[ :]|\z)`;

/** openssh -> ssh_auth_hourly. A trailing CR (the loghub part) stays in `message`: no output column depends on it. */
function sshSql(path: string): string {
  return `WITH m AS (
  SELECT regexp_extract(line, ${lit(SSH_RE)}, ['ts', 'program', 'message']) AS g FROM ${rawLines(path)}
),
e AS (
  SELECT strptime('2024 ' || replace(g.ts, '  ', ' '), '%Y %b %d %H:%M:%S') AS ts, g.message AS msg,
    nullif(regexp_extract(g.message, ${lit(SSH_SRC_RE)}, 1), '') AS src_ip
  FROM m WHERE g.program = 'sshd'
),
s AS (
  SELECT src_ip, date_trunc('hour', ts) AS w, msg,
    nullif(regexp_extract(msg, '(?:for|user) (?:invalid user )?([^ ]*) from ', 1), '') AS usr,
    CASE WHEN starts_with(msg, 'message repeated ') THEN coalesce(TRY_CAST(nullif(regexp_extract(msg, '^message repeated ([0-9]+) times', 1), '') AS BIGINT), 1) ELSE 1 END AS rep,
    CASE WHEN starts_with(msg, 'Failed password') OR msg LIKE 'message repeated%Failed password%' THEN 'failed_password'
      WHEN starts_with(msg, 'Invalid user') THEN 'invalid_user'
      WHEN starts_with(msg, 'Accepted password') THEN 'accepted_password'
      WHEN starts_with(msg, 'Accepted publickey') THEN 'accepted_publickey'
      WHEN contains(msg, 'authentication failure') OR contains(msg, 'Too many authentication failures') OR contains(msg, 'maximum authentication attempts exceeded') THEN 'auth_failure'
      WHEN starts_with(msg, 'Connection closed') OR starts_with(msg, 'Disconnected from') OR starts_with(msg, 'Received disconnect') THEN 'disconnect'
      ELSE 'other' END AS ev
  FROM e WHERE src_ip IS NOT NULL
)
SELECT concat(src_ip, '|', strftime(w, '%Y-%m-%dT%H:%M:%SZ')) AS _row_key, w AS _time, CAST([] AS VARCHAR[]) AS _labels,
  src_ip AS _entity, w AS _window_start, count(*) AS _events,
  sum(rep) AS events,
  sum(CASE WHEN ev = 'failed_password' THEN rep ELSE 0 END) AS failed_logins,
  count_if(contains(msg, 'nvalid user') AND regexp_matches(msg, '[Ii]nvalid user')) AS invalid_users,
  count_if(ev = 'auth_failure') AS auth_failures,
  count_if(ev IN ('accepted_password', 'accepted_publickey')) AS accepted_logins,
  count_if(ev = 'accepted_publickey') AS publickey_logins,
  count(DISTINCT usr) AS distinct_users,
  count_if(ev = 'disconnect') AS disconnects,
  CAST(count_if(ev IN ('failed_password', 'invalid_user', 'auth_failure')) AS DOUBLE) / count(*) AS failure_ratio,
  max(is_priv(src_ip)) AS private_source
FROM s GROUP BY src_ip, w`;
}

/** zeek_conn -> zeek_conn_event: typed tab-separated reading, '-' as NULL, '#' lines skipped; line = header lines + row number. */
function zeekSql(path: string, ref: string): string {
  const skip = headerLines(path);
  const cols = {
    ts: 'DOUBLE', uid: 'VARCHAR', orig_h: 'VARCHAR', orig_p: 'INTEGER', resp_h: 'VARCHAR', resp_p: 'INTEGER', proto: 'VARCHAR', service: 'VARCHAR',
    duration: 'DOUBLE', orig_bytes: 'BIGINT', resp_bytes: 'BIGINT', conn_state: 'VARCHAR', local_orig: 'VARCHAR', local_resp: 'VARCHAR', missed_bytes: 'BIGINT',
    history: 'VARCHAR', orig_pkts: 'BIGINT', orig_ip_bytes: 'BIGINT', resp_pkts: 'BIGINT', resp_ip_bytes: 'BIGINT', tunnel_parents: 'VARCHAR', label: 'VARCHAR', detailed: 'VARCHAR',
  };
  const struct = `{${Object.entries(cols).map(([k, v]) => `'${k}': '${v}'`).join(', ')}}`;
  return `WITH c AS (
  SELECT row_number() OVER () + ${skip} AS ln, * FROM read_csv(${lit(path)}, columns = ${struct}, delim = '\\t', quote = '', escape = '', header = false, auto_detect = false, comment = '#', nullstr = '-', new_line = '\\n')
)
SELECT concat(${lit(ref)}, ':', CAST(ln AS VARCHAR)) AS _row_key,
  make_timestamp(CAST(trunc(ts) AS BIGINT) * 1000000) AS _time,
  CAST([] AS VARCHAR[]) AS _labels,
  NOT is_priv(orig_h) AND is_priv(resp_h) AS inbound,
  is_priv(orig_h) AND NOT is_priv(resp_h) AS outbound,
  proto = 'tcp' AS is_tcp, proto = 'udp' AS is_udp,
  resp_p AS resp_port, resp_p < 1024 AS well_known_port,
  coalesce(duration, 0.0) AS duration, coalesce(orig_bytes, 0) AS orig_bytes, coalesce(resp_bytes, 0) AS resp_bytes,
  coalesce(orig_pkts, 0) AS orig_pkts, coalesce(resp_pkts, 0) AS resp_pkts,
  conn_state IN ('S0', 'REJ', 'OTH', 'RSTOS0', 'SH') AS no_reply,
  service IS NOT NULL AS has_service,
  coalesce(length(history), 0) AS history_length
FROM c`;
}

const WEB_RE = String.raw`(?s)^([A-Z]+) (\S+) (HTTP/[0-9.]+)\n(.*?)(?:\n\n(.*))?$`;

/** web_http -> web_request: records by a running count of request lines, then one regex per record (string_agg ORDER BY: in this one streaming query no slower than Quiver's sorted-list join, measured). */
function webSql(path: string, ref: string): string {
  return `WITH l AS (
  SELECT ln, CASE WHEN suffix(line, chr(13)) THEN left(line, length(line) - 1) ELSE coalesce(line, '') END AS t FROM (${linesOf(path)})
),
g AS (
  SELECT ln, t, sum(CASE WHEN regexp_matches(t, '^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|TRACE) ') THEN 1 ELSE 0 END) OVER (ORDER BY ln ROWS UNBOUNDED PRECEDING) AS rec FROM l
),
r AS (
  SELECT min(ln) AS ln, rtrim(string_agg(t, chr(10) ORDER BY ln), chr(10)) AS txt FROM g WHERE rec > 0 GROUP BY rec HAVING count(*) <= 200
),
m AS (
  SELECT ln, regexp_extract(txt, ${lit(WEB_RE)}, ['method', 'url', 'protocol', 'headers', 'body']) AS x FROM r
),
p AS (
  SELECT ln, x.method AS method, x.url AS url, x.body AS body,
    regexp_extract(x.url, '^(?:[a-z]+://[^/]+)?([^?]*)', 1) AS path,
    CASE WHEN contains(x.url, '?') THEN substr(x.url, strpos(x.url, '?') + 1) ELSE '' END AS query
  FROM m WHERE x.method <> ''
),
a AS (SELECT *, query || body AS args, lower(query || body) AS largs FROM p)
SELECT concat(${lit(ref)}, ':', CAST(ln AS VARCHAR)) AS _row_key, CAST(NULL AS TIMESTAMP) AS _time, CAST([] AS VARCHAR[]) AS _labels,
  method = 'GET' AS is_get, method = 'POST' AS is_post,
  CAST(length(path) AS BIGINT) AS path_length,
  CAST(length(query) + length(body) AS BIGINT) AS args_length,
  CAST(length(args) - length(replace(args, '=', '')) AS BIGINT) AS arg_count,
  CAST(length(regexp_replace(args, '[A-Za-z0-9]+', '', 'g')) AS BIGINT) AS args_special,
  CAST(length(regexp_replace(args, '[^0-9]+', '', 'g')) AS BIGINT) AS args_digits,
  CAST(length(regexp_replace(args, '[^A-Z]+', '', 'g')) AS BIGINT) AS args_upper,
  CAST(length(args) - length(replace(args, '%', '')) AS BIGINT) AS percent_escapes,
  CASE WHEN length(args) = 0 THEN 0.0 ELSE list_sum(list_transform(map_values(list_aggregate(string_split(args, ''), 'histogram')), lambda n: -(n / length(args)) * log2(n / length(args)))) END AS args_entropy,
  regexp_matches(largs, '(select|union|insert|drop|delete|update|where|--|%27|%22)') AS sql_keywords,
  regexp_matches(largs, '(script|%3c|%3e|javascript|alert|onerror)') AS script_tags,
  regexp_matches(lower(url), '([.][.]/|%2e%2e|[.](bak|old|inc|cnf|ini|log|sql|tmp)$|/etc/|passwd)') AS path_traversal,
  ends_with(path, '.jsp') AS is_jsp
FROM a`;
}

export function handSql(format: LogFormat, path: string, ref: string): string {
  return format === 'ssh' ? sshSql(path) : format === 'zeek' ? zeekSql(path, ref) : webSql(path, ref);
}

export interface HandRun {
  ms: number;
  rows: number;
  output: string[];
}

/** Runs the hand-written query into `<workDir>/features.parquet` (zstd, as Quiver writes). */
export async function runHand(format: LogFormat, logPath: string, ref: string, workDir: string): Promise<HandRun> {
  await mkdir(workDir, { recursive: true });
  const out = join(workDir, 'features.parquet');
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`SET TimeZone = 'UTC'`);
    await conn.run(`SET temp_directory = ${lit(join(workDir, 'spill'))}`);
    await conn.run(PRIVATE_MACRO);
    await conn.run(`COPY (${handSql(format, logPath, ref)}) TO ${lit(out)} (FORMAT parquet, COMPRESSION zstd)`);
    const ms = performance.now() - t0;
    const n = (await conn.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${lit(out)})`)).getRowObjectsJson()[0]?.['n'];
    return { ms, rows: Number(n ?? 0), output: [out] };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
