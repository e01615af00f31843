import { describe, expect, it } from 'vitest';
import { floatValue, intMagnitude, is64Bit, isIntType, specialFloat, toFieldFloat } from './numbers.js';

describe('numbers', () => {
  it('reads magnitudes in every base, ignoring leading zeros', () => {
    expect(intMagnitude({ kind: 'int', base: 'dec', text: '18446744073709551615', start: 0, end: 0 })).toBe(18446744073709551615n);
    expect(intMagnitude({ kind: 'int', base: 'hex', text: '0x00000000000000000000000000ff', start: 0, end: 0 })).toBe(255n);
    expect(intMagnitude({ kind: 'int', base: 'oct', text: '0000777', start: 0, end: 0 })).toBe(511n);
    expect(intMagnitude({ kind: 'int', base: 'oct', text: '00', start: 0, end: 0 })).toBe(0n);
    expect(intMagnitude({ kind: 'int', base: 'dec', text: '1'.repeat(30), start: 0, end: 0 })).toBeUndefined();
  });

  it('reads floats and the special names', () => {
    expect(floatValue('1.5f')).toBe(1.5);
    expect(floatValue('1.')).toBe(1);
    expect(floatValue('.5e1F')).toBe(5);
    expect(specialFloat('InFiNiTy')).toBe(Infinity);
    expect(specialFloat('NAN')).toBeNaN();
    expect(specialFloat('infinite')).toBeUndefined();
  });

  it('overflows float32 to infinity only for float fields', () => {
    expect(toFieldFloat('float', 3.5e38)).toBe(Infinity);
    expect(toFieldFloat('float', -3.5e38)).toBe(-Infinity);
    expect(toFieldFloat('float', 3.4e38)).toBe(3.4e38);
    expect(toFieldFloat('double', 3.5e38)).toBe(3.5e38);
  });

  it('knows the integer types', () => {
    expect(['int32', 'uint64', 'sfixed32', 'fixed64', 'sint64'].every(isIntType)).toBe(true);
    expect(isIntType('double') || isIntType('toString')).toBe(false);
    expect(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64'].every(is64Bit)).toBe(true);
    expect(is64Bit('int32')).toBe(false);
  });
});
