/**
 * Names that are refused with a specific reason. Nothing here is needed for safety: a
 * function that is not in the catalog never passes. The list only makes the error say
 * why a well-known engine function is out of bounds, instead of "unknown function".
 */
const REASONS = {
  files: 'reads files',
  network: 'reads from the network',
  env: 'reads the environment, settings or secrets of the engine',
  sql: 'runs SQL text',
  jvm: 'calls into the JVM',
  nondeterministic: 'gives a different answer on each run, which would break cached results',
  rows: 'is a table function or generator (it produces rows, not a value)',
  fails: 'can fail the whole job on purpose',
  session: 'exposes information about the session or the machine',
  xml: 'parses XML (external-entity attacks)',
} as const;

const BY_REASON: Record<keyof typeof REASONS, string[]> = {
  files: [
    'read_csv', 'read_csv_auto', 'read_text', 'read_blob', 'read_parquet', 'parquet_scan', 'read_json', 'read_json_auto',
    'read_json_objects', 'read_json_objects_auto', 'read_ndjson', 'read_ndjson_auto', 'read_ndjson_objects', 'read_xlsx',
    'sniff_csv', 'glob', 'parquet_metadata', 'parquet_schema', 'parquet_file_metadata', 'parquet_kv_metadata',
    'iceberg_scan', 'iceberg_metadata', 'delta_scan', 'sqlite_scan', 'sqlite_attach', 'read_file', 'read_files',
    'input_file_name', 'input_file_block_start', 'input_file_block_length', 'file_search_path', 'load',
  ],
  network: ['http_get', 'http_post', 'postgres_scan', 'postgres_query', 'mysql_scan', 'mysql_query', 'httpfs'],
  env: [
    'getenv', 'current_setting', 'getvariable', 'set_variable', 'duckdb_settings', 'duckdb_secrets', 'which_secret',
    'duckdb_extensions', 'duckdb_databases', 'duckdb_tables', 'duckdb_columns', 'secret', 'spark_conf', 'get_config',
  ],
  sql: ['query', 'query_table', 'pragma', 'json_execute_serialized_sql', 'sql_auto_complete', 'execute'],
  jvm: ['reflect', 'java_method', 'try_reflect', 'udf', 'invoke', 'static_invoke'],
  nondeterministic: [
    'rand', 'random', 'randn', 'randstr', 'uniform', 'uuid', 'gen_random_uuid', 'shuffle', 'now', 'current_timestamp',
    'current_date', 'current_time', 'localtimestamp', 'curdate', 'current_timezone', 'get_current_timestamp',
    'monotonically_increasing_id', 'spark_partition_id', 'nextval', 'currval', 'setseed', 'unix_micros_now',
  ],
  rows: [
    'explode', 'explode_outer', 'posexplode', 'posexplode_outer', 'inline', 'inline_outer', 'stack', 'json_tuple',
    'range', 'generate_series', 'unnest', 'sql_keywords', 'repeat_row', 'values',
  ],
  fails: ['assert_true', 'raise_error', 'error'],
  session: [
    'current_user', 'user', 'session_user', 'current_database', 'current_catalog', 'current_schema', 'version',
    'current_query', 'pg_backend_pid', 'txid_current', 'current_schemas', 'current_role',
  ],
  xml: ['xpath', 'xpath_string', 'xpath_boolean', 'xpath_int', 'xpath_long', 'xpath_double', 'xpath_float', 'xpath_number', 'xpath_short', 'from_xml', 'schema_of_xml'],
};

const DENIED = new Map<string, string>();
for (const [reason, names] of Object.entries(BY_REASON) as Array<[keyof typeof REASONS, string[]]>) {
  for (const n of names) DENIED.set(n, REASONS[reason]);
}

/** Why a known engine function is refused, or undefined if it is merely unknown. */
export function deniedReason(name: string): string | undefined {
  const n = name.toLowerCase();
  if (DENIED.has(n)) return DENIED.get(n);
  if (n.startsWith('read_') || n.endsWith('_scan')) return REASONS.files;
  if (n.startsWith('pragma_') || n.startsWith('duckdb_')) return REASONS.env;
  return undefined;
}
