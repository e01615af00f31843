import { describe, expect, it } from 'vitest';
import { DATA_TYPES } from '../../config/data-type.js';
import { castKind, commonType, renderCast, sqlTypeOf, unsupportedCastReason } from './index.js';

describe('conversions', () => {
  it('widen implicitly along INT -> LONG -> DOUBLE and DATE -> TIMESTAMP, and from NULL', () => {
    expect(castKind('INT', 'LONG')).toBe('implicit');
    expect(castKind('INT', 'DOUBLE')).toBe('implicit');
    expect(castKind('LONG', 'DOUBLE')).toBe('implicit');
    expect(castKind('DATE', 'TIMESTAMP')).toBe('implicit');
    expect(castKind('NULL', 'ARRAY_STRING')).toBe('implicit');
    expect(castKind('LONG', 'INT')).toBe('explicit');
    expect(castKind('STRING', 'LONG')).toBe('explicit');
    expect(castKind('DOUBLE', 'STRING')).toBeUndefined();
    expect(castKind('TIMESTAMP', 'LONG')).toBeUndefined();
    expect(castKind('ARRAY_STRING', 'STRING')).toBeUndefined();
  });

  it('find common types', () => {
    expect(commonType(['INT', 'NULL', 'LONG'])).toBe('LONG');
    expect(commonType(['DOUBLE', 'INT'])).toBe('DOUBLE');
    expect(commonType(['DATE', 'TIMESTAMP'])).toBe('TIMESTAMP');
    expect(commonType(['NULL'])).toBe('NULL');
    expect(commonType(['STRING', 'INT'])).toBeUndefined();
  });

  it('render every offered cast for both engines, and refuse the rest with a reason', () => {
    for (const from of [...DATA_TYPES, 'NULL' as const]) {
      for (const to of DATA_TYPES) {
        const k = castKind(from, to);
        if (k === undefined) {
          expect(unsupportedCastReason(from, to)).toBeTruthy();
          expect(() => renderCast('x', from, to, 'duckdb')).toThrow();
        } else {
          expect(renderCast('x', from, to, 'duckdb')).toBeTruthy();
          expect(renderCast('x', from, to, 'spark')).toBeTruthy();
        }
      }
    }
  });

  it('name engine types', () => {
    expect(DATA_TYPES.map((t) => sqlTypeOf(t, 'duckdb'))).toEqual(['VARCHAR', 'BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'TIMESTAMP', 'DATE', 'VARCHAR[]']);
    expect(DATA_TYPES.map((t) => sqlTypeOf(t, 'spark'))).toEqual(['STRING', 'BOOLEAN', 'INT', 'BIGINT', 'DOUBLE', 'TIMESTAMP', 'DATE', 'ARRAY<STRING>']);
  });

  it('parse text strictly, through a guard both engines read alike', () => {
    expect(renderCast('s', 'STRING', 'LONG', 'duckdb')).toBe("TRY_CAST(NULLIF(regexp_extract(s, '^ *([+-]?[0-9]+) *\\z', 1), '') AS BIGINT)");
    expect(renderCast('s', 'STRING', 'LONG', 'spark')).toBe("try_cast(NULLIF(regexp_extract(s, '^ *([+-]?[0-9]+) *\\\\z', 1), '') AS BIGINT)");
    expect(renderCast('d', 'DOUBLE', 'INT', 'duckdb')).toBe('TRY_CAST(trunc(d) AS INTEGER)');
  });
});
