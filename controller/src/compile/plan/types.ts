import type { DataType } from '../../config/index.js';

/** The same stage logic rendered for both engines. */
export interface StageSql {
  duckdb: string;
  spark: string;
}

export interface ColumnSpec {
  name: string;
  type: DataType;
}

/**
 * A compiled source: SQL over the relations every engine runner provides
 * (the runner contract, identical for DuckDB and Spark):
 *
 *   quiver_lines(_fid INT, _line BIGINT, line STRING)   every line of every input file, in order;
 *                                                       _line counts from 1 per file; empty lines are ''
 *   quiver_inputs(_fid INT, _part STRING, _file STRING, _path STRING, _label STRING)
 *                                                       one row per input file (_file: base name)
 *   <labelTables[i].table>                              a label CSV (header row, every column text)
 *
 * The SQL yields one row per record with Quiver's columns (_part, _file, _path,
 * _line, _label), the fields, `_status` ('ok' | 'rejected' | 'filtered' |
 * 'skipped') and, for rejected records, `_reason` and `_raw`. Runners write it
 * partitioned by _status; the `ok` partition is the parsed data.
 */
export interface ParsePlan {
  kind: 'parse';
  source: string;
  compilerVersion: string;
  labelTables: Array<{ table: string; part: string; file: string; columns: string[] }>;
  fields: ColumnSpec[];
  sql: StageSql;
  /** Set for a multi-line source: its SQL groups lines into records before parsing them. */
  multiline?: true;
  /** The DuckDB query in pieces, for fusing it with a feature plan (fuse-parse.ts). Absent in older plans. */
  parts?: ParseParts;
}

/** A boolean condition over parsed fields (DuckDB), with the fields it reads. */
export interface FieldCondition {
  duckdb: string;
  reads: string[];
}

/**
 * A parse plan's DuckDB query taken apart, so a fused run can compute each field only on the records
 * that still need it (fusedParseSql).
 */
export interface ParseParts {
  /** WITH entries up to `_raw`: the lines (records), the raw fields, `_status`. */
  ctes: string[];
  /** Every field, in declaration order: its expression over `_raw`'s columns and the fields it reads. */
  fields: Array<{ name: string; duckdb: string; reads: string[] }>;
  /** The source's own filter (records it fails are 'filtered'). */
  filter?: FieldCondition;
  /** The final SELECT over `_fields` (every field computed): Quiver's columns and the fields, no status columns. */
  select: string;
}

/**
 * A compiled feature set: SQL over `quiver_parsed` (the ok rows of a parse
 * stage). Every output row has _row_key (the join key across feature sets),
 * _time (event time or window start), _labels (distinct labels behind the
 * row), then — for aggregate sets — _entity, _window_start and _events, then
 * the features in declaration order.
 */
export interface FeaturePlan {
  kind: 'features';
  featureSet: string;
  source: string;
  compilerVersion: string;
  grain: 'event' | 'aggregate';
  entity?: string;
  windowSeconds?: number;
  features: ColumnSpec[];
  sql: StageSql;
  /**
   * The filter's top-level AND terms (DuckDB), in the order written; [] without a filter. A fused run
   * applies each as soon as the fields it reads are computed. Absent in older plans.
   */
  filterTerms?: FieldCondition[];
}

export const PARSE_META_COLUMNS = ['_part', '_file', '_path', '_line', '_label'] as const;
export const STATUS_COLUMNS = ['_status', '_reason', '_raw'] as const;
