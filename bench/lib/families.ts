/**
 * Source families for the generated config repositories: how a kind of log is
 * parsed (format, fields), which features make sense over it, and how to write
 * a few plausible raw lines of it. Definitions use only the compiler's catalog
 * (controller/src/compile/catalog/entries), modelled on config-repo-template/.
 */
import type { Rng } from './prng.js';

export type FieldType = 'STRING' | 'BOOLEAN' | 'INT' | 'LONG' | 'DOUBLE' | 'TIMESTAMP';
export type FeatureType = 'BOOLEAN' | 'INT' | 'LONG' | 'DOUBLE';

export interface FieldSpec {
  name: string;
  display: string;
  type: FieldType;
  index?: number[];
  path?: string[];
  definition?: string;
  nullValues?: string[];
}

export interface FeatureSpec {
  name: string;
  display: string;
  type: FeatureType;
  definition: string;
  /** Optional fields the definition reads (required fields are always there). */
  needs?: string[];
}

export interface Family {
  kind: 'syslog' | 'zeek' | 'firewall' | 'dns' | 'http';
  description: string;
  /** The pbtxt `format { ... }` block. */
  format: string;
  required: FieldSpec[];
  optional: FieldSpec[];
  eventFeatures: FeatureSpec[];
  aggregateFeatures: FeatureSpec[];
  /** Entities for aggregate sets; empty when the source has no event time. */
  entities: string[];
  filters: string[];
  /** File extension of raw data. */
  ext: string;
  /** Label-file join for a part: record field → CSV column, and how to make the CSV. */
  labelJoin: 'file_line' | 'uid';
  /** Raw text of one data file with `records` records, and each record's label-join key (its uid, or its first line number). */
  makeData(rng: Rng, records: number): { text: string; keys: string[] };
}

/** A pbtxt string literal. */
export function pb(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const USERS = ['root', 'admin', 'ubuntu', 'oracle', 'test', 'git', 'postgres', 'deploy', 'user1', 'guest', 'pi', 'ftpuser'];
const HOSTS = ['bastion-01', 'web-02', 'db-01', 'ip-10-77-20-248', 'jump-eu-1', 'build-7'];
const two = (n: number): string => String(n).padStart(2, '0');

function syslogTime(rng: Rng): string {
  return `${rng.pick(MONTHS)} ${String(rng.int(1, 28)).padStart(2, ' ')} ${two(rng.int(0, 23))}:${two(rng.int(0, 59))}:${two(rng.int(0, 59))}`;
}

function uid(rng: Rng): string {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = 'C';
  for (let i = 0; i < 17; i++) s += abc[rng.int(0, abc.length - 1)];
  return s;
}

const SYSLOG_EVENT =
  "CASE WHEN message LIKE 'Failed password%' OR message LIKE 'message repeated%Failed password%' THEN 'failed_password' WHEN message LIKE 'Invalid user%' THEN 'invalid_user' WHEN message LIKE 'Accepted password%' THEN 'accepted_password' WHEN message LIKE 'Accepted publickey%' THEN 'accepted_publickey' WHEN message LIKE '%authentication failure%' OR message LIKE '%Too many authentication failures%' THEN 'auth_failure' WHEN message LIKE 'Connection closed%' OR message LIKE 'Disconnected from%' OR message LIKE 'Received disconnect%' THEN 'disconnect' ELSE 'other' END";

export const SYSLOG: Family = {
  kind: 'syslog',
  description: 'Linux auth.log (syslog framing): sshd authentication events and other auth programs',
  format: `format {\n  regex {\n    pattern: ${pb('^([A-Z][a-z]{2} +[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}) (\\S+) ([^\\[:]+)(?:\\[([0-9]+)\\])?: (.*)$')}\n  }\n}`,
  required: [
    { name: 'ts', display: 'Event time', type: 'TIMESTAMP', index: [1], definition: "to_timestamp(concat('2024 ', regexp_replace($1, ' +', ' ')), 'yyyy MMM d HH:mm:ss')" },
    { name: 'host', display: 'Host', type: 'STRING', index: [2] },
    { name: 'program', display: 'Program', type: 'STRING', index: [3] },
    { name: 'pid', display: 'Process id', type: 'LONG', index: [4] },
    { name: 'message', display: 'Message', type: 'STRING', index: [5] },
    { name: 'src_ip', display: 'Source IP', type: 'STRING', definition: "nullif(regexp_extract(message, '(?:from|by) ([0-9a-fA-F.:]+) port [0-9]+', 1), '')" },
    { name: 'user', display: 'User', type: 'STRING', definition: "nullif(regexp_extract(message, '(?:for|user) (?:invalid user )?([^ ]*) from ', 1), '')" },
    { name: 'event', display: 'Event type', type: 'STRING', definition: SYSLOG_EVENT },
  ],
  optional: [
    { name: 'invalid_user', display: 'Unknown user name', type: 'BOOLEAN', definition: "message RLIKE '[Ii]nvalid user'" },
    { name: 'repeats', display: 'Repeat count', type: 'LONG', definition: "coalesce(CAST(nullif(regexp_extract(message, '^message repeated ([0-9]+) times', 1), '') AS LONG), 1)" },
    { name: 'src_port', display: 'Source port', type: 'INT', definition: "TRY_CAST(nullif(regexp_extract(message, ' port ([0-9]+)', 1), '') AS INT)" },
    { name: 'msg_length', display: 'Message length', type: 'INT', definition: 'length(message)' },
    { name: 'user_lower', display: 'User (lower case)', type: 'STRING', definition: 'lower(user)' },
    { name: 'is_sshd', display: 'From sshd', type: 'BOOLEAN', definition: "program = 'sshd'" },
    { name: 'auth_method', display: 'Auth method', type: 'STRING', definition: "nullif(regexp_extract(message, '^(?:Accepted|Failed) ([a-z-]+) for', 1), '')" },
  ],
  eventFeatures: [
    { name: 'is_failed', display: 'Failed password', type: 'BOOLEAN', definition: "event = 'failed_password'" },
    { name: 'is_invalid_user', display: 'Unknown user', type: 'BOOLEAN', definition: 'coalesce(invalid_user, false)', needs: ['invalid_user'] },
    { name: 'is_root', display: 'Targets root', type: 'BOOLEAN', definition: "coalesce(user = 'root', false)" },
    { name: 'user_length', display: 'User name length', type: 'LONG', definition: 'coalesce(length(user), 0)' },
    { name: 'user_digits', display: 'Digits in user name', type: 'LONG', definition: "coalesce(count_chars(user, 'digit'), 0)" },
    { name: 'user_entropy', display: 'User name entropy', type: 'DOUBLE', definition: 'coalesce(shannon_entropy(user), 0.0)' },
    { name: 'hour_of_day', display: 'Hour', type: 'INT', definition: 'hour(ts)' },
    { name: 'day_of_week', display: 'Day of week', type: 'INT', definition: 'dayofweek(ts)' },
    { name: 'private_source', display: 'Private address', type: 'BOOLEAN', definition: 'coalesce(is_private_ip(src_ip), false)' },
    { name: 'repeats', display: 'Repeats', type: 'LONG', definition: 'repeats', needs: ['repeats'] },
    { name: 'message_length', display: 'Message length', type: 'LONG', definition: 'length(message)' },
    { name: 'message_upper', display: 'Upper case in message', type: 'LONG', definition: "count_chars(message, 'upper')" },
    { name: 'high_port', display: 'Ephemeral source port', type: 'BOOLEAN', definition: 'coalesce(src_port >= 32768, false)', needs: ['src_port'] },
    { name: 'is_publickey', display: 'Public key', type: 'BOOLEAN', definition: "coalesce(auth_method = 'publickey', false)", needs: ['auth_method'] },
  ],
  aggregateFeatures: [
    { name: 'events', display: 'Events', type: 'LONG', definition: 'count(*)' },
    { name: 'failed_logins', display: 'Failed logins', type: 'LONG', definition: "count_if(event = 'failed_password')" },
    { name: 'distinct_users', display: 'Distinct user names', type: 'LONG', definition: 'count(DISTINCT user)' },
    { name: 'invalid_users', display: 'Unknown-user attempts', type: 'LONG', definition: 'count_if(invalid_user)', needs: ['invalid_user'] },
    { name: 'accepted_logins', display: 'Successful logins', type: 'LONG', definition: "count_if(event IN ('accepted_password', 'accepted_publickey'))" },
    { name: 'disconnects', display: 'Disconnects', type: 'LONG', definition: "count_if(event = 'disconnect')" },
    { name: 'failure_ratio', display: 'Failed share', type: 'DOUBLE', definition: "CAST(count_if(event IN ('failed_password', 'invalid_user', 'auth_failure')) AS DOUBLE) / count(*)" },
    { name: 'private_source', display: 'Private address', type: 'BOOLEAN', definition: 'max(is_private_ip(src_ip))' },
    { name: 'mean_message_length', display: 'Mean message length', type: 'DOUBLE', definition: 'coalesce(avg(length(message)), 0.0)' },
    { name: 'distinct_hosts', display: 'Distinct hosts', type: 'LONG', definition: 'count(DISTINCT host)' },
    { name: 'total_repeats', display: 'Events incl. repeats', type: 'LONG', definition: 'sum(repeats)', needs: ['repeats'] },
    { name: 'approx_users', display: 'Approx. distinct users', type: 'LONG', definition: 'approx_count_distinct(user)' },
    { name: 'user_length_std', display: 'User length spread', type: 'DOUBLE', definition: 'coalesce(stddev(length(user)), 0.0)' },
    { name: 'distinct_ports', display: 'Distinct source ports', type: 'LONG', definition: 'count(DISTINCT src_port)', needs: ['src_port'] },
  ],
  entities: ['src_ip'],
  filters: ["program = 'sshd' AND src_ip IS NOT NULL", 'src_ip IS NOT NULL'],
  ext: 'log',
  labelJoin: 'file_line',
  makeData(rng, records) {
    const lines: string[] = [];
    for (let i = 0; i < records; i++) {
      const t = syslogTime(rng);
      const host = rng.pick(HOSTS);
      const pid = rng.int(100, 65000);
      const ip = rng.ip();
      const user = rng.pick(USERS);
      const port = rng.int(1024, 65535);
      const msg = rng.pick([
        `Failed password for ${user} from ${ip} port ${port} ssh2`,
        `Failed password for invalid user ${user} from ${ip} port ${port} ssh2`,
        `Invalid user ${user} from ${ip} port ${port}`,
        `Accepted publickey for ${user} from ${ip} port ${port} ssh2: RSA SHA256:abc`,
        `Accepted password for ${user} from ${ip} port ${port} ssh2`,
        `Connection closed by ${ip} port ${port} [preauth]`,
        `message repeated ${rng.int(2, 5)} times: [ Failed password for ${user} from ${ip} port ${port} ssh2]`,
      ]);
      lines.push(rng.chance(0.9) ? `${t} ${host} sshd[${pid}]: ${msg}` : `${t} ${host} CRON[${pid}]: pam_unix(cron:session): session opened for user root by (uid=0)`);
    }
    return { text: lines.join('\n') + '\n', keys: lines.map((_, i) => String(i + 1)) };
  },
};

export const ZEEK: Family = {
  kind: 'zeek',
  description: 'Zeek conn.log (TSV with # header lines): one row per network connection',
  format: `format {\n  delimited { delimiter: "\\t" comment_prefix: "#" }\n}`,
  required: [
    { name: 'ts', display: 'Start time', type: 'TIMESTAMP', index: [1], definition: 'timestamp_seconds(CAST(CAST($1 AS DOUBLE) AS LONG))' },
    { name: 'uid', display: 'Connection id', type: 'STRING', index: [2] },
    { name: 'orig_h', display: 'Originator address', type: 'STRING', index: [3] },
    { name: 'orig_p', display: 'Originator port', type: 'INT', index: [4] },
    { name: 'resp_h', display: 'Responder address', type: 'STRING', index: [5] },
    { name: 'resp_p', display: 'Responder port', type: 'INT', index: [6] },
    { name: 'proto', display: 'Transport protocol', type: 'STRING', index: [7] },
    { name: 'conn_state', display: 'Connection state', type: 'STRING', index: [12] },
  ],
  optional: [
    { name: 'service', display: 'Application protocol', type: 'STRING', index: [8], nullValues: ['-'] },
    { name: 'duration', display: 'Duration (s)', type: 'DOUBLE', index: [9], nullValues: ['-'] },
    { name: 'orig_bytes', display: 'Originator payload bytes', type: 'LONG', index: [10], nullValues: ['-'] },
    { name: 'resp_bytes', display: 'Responder payload bytes', type: 'LONG', index: [11], nullValues: ['-'] },
    { name: 'history', display: 'State history', type: 'STRING', index: [16], nullValues: ['-'] },
    { name: 'orig_pkts', display: 'Originator packets', type: 'LONG', index: [17], nullValues: ['-'] },
    { name: 'resp_pkts', display: 'Responder packets', type: 'LONG', index: [19], nullValues: ['-'] },
  ],
  eventFeatures: [
    { name: 'inbound', display: 'External to internal', type: 'BOOLEAN', definition: 'NOT is_private_ip(orig_h) AND is_private_ip(resp_h)' },
    { name: 'outbound', display: 'Internal to external', type: 'BOOLEAN', definition: 'is_private_ip(orig_h) AND NOT is_private_ip(resp_h)' },
    { name: 'is_tcp', display: 'TCP', type: 'BOOLEAN', definition: "proto = 'tcp'" },
    { name: 'is_udp', display: 'UDP', type: 'BOOLEAN', definition: "proto = 'udp'" },
    { name: 'resp_port', display: 'Responder port', type: 'INT', definition: 'resp_p' },
    { name: 'well_known_port', display: 'Port below 1024', type: 'BOOLEAN', definition: 'resp_p < 1024' },
    { name: 'duration', display: 'Duration', type: 'DOUBLE', definition: 'coalesce(duration, 0.0)', needs: ['duration'] },
    { name: 'orig_bytes', display: 'Bytes sent', type: 'LONG', definition: 'coalesce(orig_bytes, 0)', needs: ['orig_bytes'] },
    { name: 'resp_bytes', display: 'Bytes received', type: 'LONG', definition: 'coalesce(resp_bytes, 0)', needs: ['resp_bytes'] },
    { name: 'orig_pkts', display: 'Packets sent', type: 'LONG', definition: 'coalesce(orig_pkts, 0)', needs: ['orig_pkts'] },
    { name: 'no_reply', display: 'No reply', type: 'BOOLEAN', definition: "conn_state IN ('S0', 'REJ', 'OTH', 'RSTOS0', 'SH')" },
    { name: 'has_service', display: 'Service identified', type: 'BOOLEAN', definition: 'service IS NOT NULL', needs: ['service'] },
    { name: 'history_length', display: 'History length', type: 'LONG', definition: 'coalesce(length(history), 0)', needs: ['history'] },
    { name: 'hour_of_day', display: 'Hour', type: 'INT', definition: 'hour(ts)' },
  ],
  aggregateFeatures: [
    { name: 'connections', display: 'Connections', type: 'LONG', definition: 'count(*)' },
    { name: 'distinct_dst', display: 'Distinct responders', type: 'LONG', definition: 'count(DISTINCT resp_h)' },
    { name: 'distinct_ports', display: 'Distinct responder ports', type: 'LONG', definition: 'count(DISTINCT resp_p)' },
    { name: 'no_reply_ratio', display: 'Share without reply', type: 'DOUBLE', definition: "CAST(count_if(conn_state IN ('S0', 'REJ', 'OTH', 'RSTOS0', 'SH')) AS DOUBLE) / count(*)" },
    { name: 'bytes_out', display: 'Bytes sent', type: 'LONG', definition: 'coalesce(sum(orig_bytes), 0)', needs: ['orig_bytes'] },
    { name: 'bytes_in', display: 'Bytes received', type: 'LONG', definition: 'coalesce(sum(resp_bytes), 0)', needs: ['resp_bytes'] },
    { name: 'mean_duration', display: 'Mean duration', type: 'DOUBLE', definition: 'coalesce(avg(duration), 0.0)', needs: ['duration'] },
    { name: 'p95_duration', display: '95th percentile duration', type: 'DOUBLE', definition: 'coalesce(percentile_approx(duration, 0.95), 0.0)', needs: ['duration'] },
    { name: 'external_source', display: 'External address', type: 'BOOLEAN', definition: 'NOT max(is_private_ip(orig_h))' },
    { name: 'tcp_share', display: 'TCP share', type: 'DOUBLE', definition: "CAST(count_if(proto = 'tcp') AS DOUBLE) / count(*)" },
    { name: 'max_port', display: 'Highest port', type: 'INT', definition: 'max(resp_p)' },
    { name: 'approx_dst', display: 'Approx. distinct responders', type: 'LONG', definition: 'approx_count_distinct(resp_h)' },
  ],
  entities: ['orig_h'],
  filters: ["proto <> 'icmp'"],
  ext: 'log',
  labelJoin: 'uid',
  makeData(rng, records) {
    const header = [
      '#separator \\x09',
      '#set_separator\t,',
      '#empty_field\t(empty)',
      '#unset_field\t-',
      '#path\tconn',
      '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents',
      '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]',
    ];
    const uids: string[] = [];
    const lines: string[] = [];
    let t = 1_700_000_000 + rng.int(0, 86_400 * 30);
    for (let i = 0; i < records; i++) {
      t += rng.next() * 30;
      const u = uid(rng);
      uids.push(u);
      const proto = rng.pick(['tcp', 'tcp', 'udp', 'icmp']);
      const state = rng.pick(['SF', 'S0', 'REJ', 'OTH', 'RSTO', 'SH']);
      const unset = state === 'S0' || state === 'REJ';
      lines.push(
        [
          t.toFixed(6), u, rng.ip(0.6), rng.int(1024, 65535), rng.ip(0.5), rng.pick([22, 53, 80, 443, 8080, 3389, rng.int(1, 65535)]), proto,
          unset ? '-' : rng.pick(['http', 'ssl', 'dns', '-']), unset ? '-' : rng.next().toFixed(6), unset ? '-' : rng.int(0, 9000), unset ? '-' : rng.int(0, 90000),
          state, '-', '-', 0, rng.pick(['S', 'ShADadFf', 'Dd', '-']), rng.int(1, 40), rng.int(40, 9000), rng.int(0, 40), rng.int(0, 90000), '(empty)',
        ].join('\t'),
      );
    }
    return { text: [...header, ...lines, '#close\t2024-01-01-00-00-00'].join('\n') + '\n', keys: uids };
  },
};

export const FIREWALL: Family = {
  kind: 'firewall',
  description: 'Firewall flow export (CSV with a header row, quoted values)',
  format: `format {\n  delimited { delimiter: "," quote: "\\"" skip_header_lines: 1 }\n}`,
  required: [
    { name: 'ts', display: 'Time', type: 'TIMESTAMP', index: [1], definition: "to_timestamp($1, 'yyyy-MM-dd HH:mm:ss')" },
    { name: 'action', display: 'Action', type: 'STRING', index: [2] },
    { name: 'src_ip', display: 'Source address', type: 'STRING', index: [3] },
    { name: 'src_port', display: 'Source port', type: 'INT', index: [4] },
    { name: 'dst_ip', display: 'Destination address', type: 'STRING', index: [5] },
    { name: 'dst_port', display: 'Destination port', type: 'INT', index: [6] },
    { name: 'proto', display: 'Protocol', type: 'STRING', definition: 'lower($1)', index: [7] },
    { name: 'bytes', display: 'Bytes', type: 'LONG', index: [8] },
  ],
  optional: [
    { name: 'packets', display: 'Packets', type: 'LONG', index: [9] },
    { name: 'rule', display: 'Rule', type: 'STRING', index: [10] },
    { name: 'user', display: 'User', type: 'STRING', index: [11], nullValues: [''] },
    { name: 'app', display: 'Application', type: 'STRING', index: [12], nullValues: ['', 'unknown'] },
    { name: 'country', display: 'Source country', type: 'STRING', index: [13] },
    { name: 'allowed', display: 'Allowed', type: 'BOOLEAN', definition: "action = 'allow'" },
    { name: 'dst_private', display: 'Private destination', type: 'BOOLEAN', definition: 'coalesce(is_private_ip(dst_ip), false)' },
  ],
  eventFeatures: [
    { name: 'is_deny', display: 'Denied', type: 'BOOLEAN', definition: "action = 'deny'" },
    { name: 'dst_port', display: 'Destination port', type: 'INT', definition: 'dst_port' },
    { name: 'well_known_port', display: 'Port below 1024', type: 'BOOLEAN', definition: 'dst_port < 1024' },
    { name: 'bytes', display: 'Bytes', type: 'LONG', definition: 'coalesce(bytes, 0)' },
    { name: 'log_bytes', display: 'log(1 + bytes)', type: 'DOUBLE', definition: 'coalesce(ln(CAST(bytes AS DOUBLE) + 1.0), 0.0)' },
    { name: 'private_dst', display: 'Private destination', type: 'BOOLEAN', definition: 'coalesce(is_private_ip(dst_ip), false)' },
    { name: 'is_udp', display: 'UDP', type: 'BOOLEAN', definition: "proto = 'udp'" },
    { name: 'has_user', display: 'User known', type: 'BOOLEAN', definition: 'user IS NOT NULL', needs: ['user'] },
    { name: 'packets', display: 'Packets', type: 'LONG', definition: 'coalesce(packets, 0)', needs: ['packets'] },
    { name: 'hour_of_day', display: 'Hour', type: 'INT', definition: 'hour(ts)' },
    { name: 'src_high_port', display: 'Ephemeral source port', type: 'BOOLEAN', definition: 'src_port >= 32768' },
  ],
  aggregateFeatures: [
    { name: 'flows', display: 'Flows', type: 'LONG', definition: 'count(*)' },
    { name: 'denies', display: 'Denied flows', type: 'LONG', definition: "count_if(action = 'deny')" },
    { name: 'distinct_dst_ips', display: 'Distinct destinations', type: 'LONG', definition: 'count(DISTINCT dst_ip)' },
    { name: 'distinct_dst_ports', display: 'Distinct destination ports', type: 'LONG', definition: 'count(DISTINCT dst_port)' },
    { name: 'total_bytes', display: 'Bytes', type: 'LONG', definition: 'coalesce(sum(bytes), 0)' },
    { name: 'mean_bytes', display: 'Mean bytes', type: 'DOUBLE', definition: 'coalesce(avg(bytes), 0.0)' },
    { name: 'deny_ratio', display: 'Denied share', type: 'DOUBLE', definition: "CAST(count_if(action = 'deny') AS DOUBLE) / count(*)" },
    { name: 'distinct_apps', display: 'Distinct applications', type: 'LONG', definition: 'count(DISTINCT app)', needs: ['app'] },
    { name: 'max_packets', display: 'Largest flow (packets)', type: 'LONG', definition: 'coalesce(max(packets), 0)', needs: ['packets'] },
    { name: 'low_ports', display: 'Flows to ports below 1024', type: 'LONG', definition: 'count_if(dst_port < 1024)' },
  ],
  entities: ['src_ip'],
  filters: ["action IN ('allow', 'deny')"],
  ext: 'csv',
  labelJoin: 'file_line',
  makeData(rng, records) {
    const lines = ['time,action,src,sport,dst,dport,proto,bytes,packets,rule,user,app,country'];
    for (let i = 0; i < records; i++) {
      const ts = `2024-${two(rng.int(1, 12))}-${two(rng.int(1, 28))} ${two(rng.int(0, 23))}:${two(rng.int(0, 59))}:${two(rng.int(0, 59))}`;
      const rule = rng.chance(0.3) ? `"allow web, dns"` : rng.pick(['default-deny', 'egress', 'dmz-in']);
      lines.push(
        [ts, rng.pick(['allow', 'allow', 'deny', 'drop']), rng.ip(0.5), rng.int(1024, 65535), rng.ip(0.5), rng.pick([22, 53, 80, 443, rng.int(1, 65535)]), rng.pick(['TCP', 'UDP', 'tcp']),
          rng.int(40, 200000), rng.int(1, 300), rule, rng.chance(0.5) ? rng.pick(USERS) : '', rng.pick(['web-browsing', 'ssl', 'dns', 'unknown']), rng.pick(['US', 'DE', 'CN', 'BR', 'RU'])].join(','),
      );
    }
    return { text: lines.join('\n') + '\n', keys: lines.slice(1).map((_, i) => String(i + 2)) };
  },
};

export const DNS: Family = {
  kind: 'dns',
  description: 'Zeek dns.log as JSON lines: one DNS query and its answer per line',
  format: 'format {\n  json_lines {}\n}',
  required: [
    { name: 'ts', display: 'Query time', type: 'TIMESTAMP', path: ['$.ts'], definition: 'timestamp_seconds(CAST(CAST($1 AS DOUBLE) AS LONG))' },
    { name: 'uid', display: 'Connection id', type: 'STRING', path: ['$.uid'] },
    { name: 'orig_h', display: 'Client address', type: 'STRING', path: ["$['id.orig_h']"] },
    { name: 'resp_h', display: 'Resolver address', type: 'STRING', path: ["$['id.resp_h']"] },
    { name: 'query', display: 'Query name', type: 'STRING', path: ['$.query'] },
    { name: 'qtype', display: 'Query type', type: 'STRING', path: ['$.qtype_name'] },
    { name: 'rcode', display: 'Response code', type: 'STRING', path: ['$.rcode_name'] },
    { name: 'proto', display: 'Transport', type: 'STRING', path: ['$.proto'] },
  ],
  optional: [
    { name: 'rtt', display: 'Round trip (s)', type: 'DOUBLE', path: ['$.rtt'] },
    { name: 'trans_id', display: 'Transaction id', type: 'LONG', path: ['$.trans_id'] },
    { name: 'orig_p', display: 'Client port', type: 'INT', path: ["$['id.orig_p']"] },
    { name: 'query_length', display: 'Query length', type: 'INT', definition: 'length(query)' },
    { name: 'tld', display: 'Top-level domain', type: 'STRING', definition: "regexp_extract(query, '([a-z0-9-]+)$', 1)" },
    { name: 'is_nx', display: 'NXDOMAIN', type: 'BOOLEAN', definition: "rcode = 'NXDOMAIN'" },
    { name: 'labels', display: 'Labels in name', type: 'INT', definition: "size(split(query, '[.]'))" },
  ],
  eventFeatures: [
    { name: 'query_len', display: 'Query length', type: 'INT', definition: 'coalesce(length(query), 0)' },
    { name: 'query_digits', display: 'Digits in query', type: 'INT', definition: "coalesce(count_chars(query, 'digit'), 0)" },
    { name: 'query_entropy', display: 'Query entropy', type: 'DOUBLE', definition: 'coalesce(shannon_entropy(query), 0.0)' },
    { name: 'nxdomain', display: 'NXDOMAIN', type: 'BOOLEAN', definition: "coalesce(rcode = 'NXDOMAIN', false)" },
    { name: 'is_txt', display: 'TXT query', type: 'BOOLEAN', definition: "coalesce(qtype = 'TXT', false)" },
    { name: 'private_resolver', display: 'Internal resolver', type: 'BOOLEAN', definition: 'coalesce(is_private_ip(resp_h), false)' },
    { name: 'rtt', display: 'Round trip', type: 'DOUBLE', definition: 'coalesce(rtt, 0.0)', needs: ['rtt'] },
    { name: 'name_labels', display: 'Labels', type: 'INT', definition: 'coalesce(labels, 0)', needs: ['labels'] },
    { name: 'hour_of_day', display: 'Hour', type: 'INT', definition: 'hour(ts)' },
    { name: 'over_tcp', display: 'Over TCP', type: 'BOOLEAN', definition: "proto = 'tcp'" },
  ],
  aggregateFeatures: [
    { name: 'queries', display: 'Queries', type: 'LONG', definition: 'count(*)' },
    { name: 'distinct_queries', display: 'Distinct names', type: 'LONG', definition: 'count(DISTINCT query)' },
    { name: 'nx_count', display: 'NXDOMAIN answers', type: 'LONG', definition: "count_if(rcode = 'NXDOMAIN')" },
    { name: 'mean_query_len', display: 'Mean name length', type: 'DOUBLE', definition: 'coalesce(avg(length(query)), 0.0)' },
    { name: 'max_entropy', display: 'Highest name entropy', type: 'DOUBLE', definition: 'coalesce(max(shannon_entropy(query)), 0.0)' },
    { name: 'txt_share', display: 'TXT share', type: 'DOUBLE', definition: "CAST(count_if(qtype = 'TXT') AS DOUBLE) / count(*)" },
    { name: 'distinct_resolvers', display: 'Distinct resolvers', type: 'LONG', definition: 'count(DISTINCT resp_h)' },
    { name: 'distinct_tlds', display: 'Distinct TLDs', type: 'LONG', definition: 'count(DISTINCT tld)', needs: ['tld'] },
    { name: 'mean_rtt', display: 'Mean round trip', type: 'DOUBLE', definition: 'coalesce(avg(rtt), 0.0)', needs: ['rtt'] },
  ],
  entities: ['orig_h'],
  filters: ['query IS NOT NULL'],
  ext: 'json',
  labelJoin: 'file_line',
  makeData(rng, records) {
    const lines: string[] = [];
    let t = 1_700_000_000 + rng.int(0, 86_400 * 30);
    for (let i = 0; i < records; i++) {
      t += rng.next() * 10;
      const name = rng.chance(0.2)
        ? `${Array.from({ length: rng.int(8, 30) }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[rng.int(0, 35)]).join('')}.${rng.pick(['com', 'net', 'xyz'])}`
        : rng.pick(['www.example.com', 'mail.google.com', 'api.github.com', 'updates.vendor.net', 'cdn.site.org']);
      lines.push(
        JSON.stringify({
          ts: Number(t.toFixed(6)), uid: uid(rng), 'id.orig_h': rng.ip(0.8), 'id.orig_p': rng.int(1024, 65535), 'id.resp_h': rng.ip(0.5), 'id.resp_p': 53,
          proto: rng.pick(['udp', 'udp', 'tcp']), trans_id: rng.int(0, 65535), rtt: Number(rng.next().toFixed(6)), query: name,
          qtype_name: rng.pick(['A', 'AAAA', 'TXT', 'MX']), rcode_name: rng.pick(['NOERROR', 'NOERROR', 'NXDOMAIN']),
        }),
      );
    }
    return { text: lines.join('\n') + '\n', keys: lines.map((_, i) => String(i + 1)) };
  },
};

export const HTTP: Family = {
  kind: 'http',
  description: 'Raw HTTP requests (request line, headers, body), several lines per record',
  format: `format {\n  multiline {\n    start_pattern: ${pb('^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|TRACE) ')}\n    max_lines: 200\n    inner {\n      regex {\n        pattern: ${pb('(?s)^([A-Z]+) (\\S+) (HTTP/[0-9.]+)\\n(.*?)(?:\\n\\n(.*))?$')}\n      }\n    }\n  }\n}`,
  required: [
    { name: 'method', display: 'Method', type: 'STRING', index: [1] },
    { name: 'url', display: 'URL', type: 'STRING', index: [2] },
    { name: 'protocol', display: 'Protocol', type: 'STRING', index: [3] },
    { name: 'headers', display: 'Header block', type: 'STRING', index: [4] },
    { name: 'body', display: 'Body', type: 'STRING', index: [5], definition: "coalesce($1, '')" },
    { name: 'path', display: 'Path', type: 'STRING', definition: "regexp_extract(url, '^(?:[a-z]+://[^/]+)?([^?]*)', 1)" },
    { name: 'query', display: 'Query string', type: 'STRING', definition: "regexp_extract(url, '[?](.*)$', 1)" },
    { name: 'user_agent', display: 'User-Agent', type: 'STRING', definition: "regexp_extract(headers, '(?:^|\\n)User-Agent: ([^\\n]*)', 1)" },
  ],
  optional: [
    { name: 'session', display: 'Session cookie', type: 'STRING', definition: "nullif(regexp_extract(headers, 'JSESSIONID=([0-9A-Fa-f]+)', 1), '')" },
    { name: 'content_length', display: 'Content-Length', type: 'LONG', definition: "TRY_CAST(nullif(regexp_extract(headers, '(?:^|\\n)Content-Length: ([0-9]+)', 1), '') AS LONG)" },
    { name: 'host_header', display: 'Host header', type: 'STRING', definition: "regexp_extract(headers, '(?:^|\\n)Host: ([^\\n]*)', 1)" },
    { name: 'args', display: 'Query and body', type: 'STRING', definition: 'concat(query, body)' },
    { name: 'header_count', display: 'Header lines', type: 'INT', definition: "size(split(headers, '\\n'))" },
  ],
  eventFeatures: [
    { name: 'is_get', display: 'GET', type: 'BOOLEAN', definition: "method = 'GET'" },
    { name: 'is_post', display: 'POST', type: 'BOOLEAN', definition: "method = 'POST'" },
    { name: 'path_length', display: 'Path length', type: 'LONG', definition: 'length(path)' },
    { name: 'args_length', display: 'Query + body length', type: 'LONG', definition: 'length(query) + length(body)' },
    { name: 'args_special', display: 'Special characters in args', type: 'LONG', definition: "count_chars(concat(query, body), 'special')" },
    { name: 'args_digits', display: 'Digits in args', type: 'LONG', definition: "count_chars(concat(query, body), 'digit')" },
    { name: 'args_entropy', display: 'Args entropy', type: 'DOUBLE', definition: 'coalesce(shannon_entropy(concat(query, body)), 0.0)' },
    { name: 'sql_keywords', display: 'SQL keywords', type: 'BOOLEAN', definition: "lower(concat(query, body)) RLIKE '(select|union|insert|drop|delete|update|where|--|%27|%22)'" },
    { name: 'script_tags', display: 'Script or markup', type: 'BOOLEAN', definition: "lower(concat(query, body)) RLIKE '(script|%3c|%3e|javascript|alert|onerror)'" },
    { name: 'is_jsp', display: 'JSP page', type: 'BOOLEAN', definition: "endswith(path, '.jsp')" },
    { name: 'has_session', display: 'Has a session', type: 'BOOLEAN', definition: 'session IS NOT NULL', needs: ['session'] },
    { name: 'headers_n', display: 'Header lines', type: 'INT', definition: 'coalesce(header_count, 0)', needs: ['header_count'] },
  ],
  aggregateFeatures: [],
  entities: [],
  filters: ["method <> 'OPTIONS'"],
  ext: 'txt',
  labelJoin: 'file_line',
  makeData(rng, records) {
    const out: string[] = [];
    const starts: string[] = [];
    for (let i = 0; i < records; i++) {
      starts.push(String(out.length + 1));
      const post = rng.chance(0.3);
      const q = rng.chance(0.2) ? "id=1%27+OR+%271%27%3D%271" : `q=${rng.pick(['aceite', 'queso', 'vino'])}&page=${rng.int(1, 30)}`;
      out.push(`${post ? 'POST' : 'GET'} http://localhost:8080/shop/public/${rng.pick(['search', 'product', 'login'])}.jsp${post ? '' : `?${q}`} HTTP/1.1`);
      out.push(`User-Agent: Mozilla/5.0 (compatible; Konqueror/3.5; Linux)`);
      out.push('Host: localhost:8080');
      if (rng.chance(0.7)) out.push(`Cookie: JSESSIONID=${rng.int(1e8, 9e8).toString(16).toUpperCase()}ABCDEF`);
      if (post) out.push(`Content-Length: ${q.length}`);
      out.push('');
      if (post) out.push(q);
      out.push('');
    }
    return { text: out.join('\n') + '\n', keys: starts };
  },
};

export const FAMILIES: readonly Family[] = [SYSLOG, ZEEK, FIREWALL, DNS, HTTP];
