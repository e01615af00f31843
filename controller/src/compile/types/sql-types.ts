import type { DataType } from '../../config/data-type.js';

export type Engine = 'duckdb' | 'spark';
export const ENGINES: readonly Engine[] = ['duckdb', 'spark'];

/** A compiled expression's type: a Quiver data type, or 'NULL' for an untyped NULL literal. */
export type ExprType = DataType | 'NULL';

const DUCKDB: Record<DataType, string> = {
  STRING: 'VARCHAR',
  BOOLEAN: 'BOOLEAN',
  INT: 'INTEGER',
  LONG: 'BIGINT',
  DOUBLE: 'DOUBLE',
  // Naive TIMESTAMP holding UTC wall time: DuckDB's TIMESTAMPTZ would make results depend on the session TimeZone.
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'DATE',
  ARRAY_STRING: 'VARCHAR[]',
};

const SPARK: Record<DataType, string> = {
  STRING: 'STRING',
  BOOLEAN: 'BOOLEAN',
  INT: 'INT',
  LONG: 'BIGINT',
  DOUBLE: 'DOUBLE',
  // Spark TIMESTAMP is an instant; the Spark job pins spark.sql.session.timeZone=UTC so it reads as UTC wall time.
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'DATE',
  ARRAY_STRING: 'ARRAY<STRING>',
};

/** The engine's SQL type name for a Quiver data type (what a compiled expression of that type evaluates to). */
export function sqlTypeOf(t: DataType, engine: Engine): string {
  return engine === 'duckdb' ? DUCKDB[t] : SPARK[t];
}
