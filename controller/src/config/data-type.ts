/** Mirrors quiver.v1.DataType (proto/quiver/v1/types.proto); names are the enum value names. */
export const DATA_TYPES = ['STRING', 'BOOLEAN', 'INT', 'LONG', 'DOUBLE', 'TIMESTAMP', 'DATE', 'ARRAY_STRING'] as const;
export type DataType = (typeof DATA_TYPES)[number];

export function isDataType(s: string): s is DataType {
  return (DATA_TYPES as readonly string[]).includes(s);
}

/** Types a model can take as input columns. */
export const NUMERIC_TYPES: readonly DataType[] = ['BOOLEAN', 'INT', 'LONG', 'DOUBLE'];
