import { describe, expect, it } from 'vitest';
import { dec, scaleTruncate } from '../../src/oracle/decimal.js';

describe('scaleTruncate: trunc(value × 10^decimals) as an integer string', () => {
  it.each([
    ['70000', 8, '7000000000000'],
    ['3338.0899999', 2, '333808'],
    ['0.000012345678901234567890123', 36, '12345678901234567890123000000000'],
    ['0.000000001', 8, '0'],
    ['0.99999999999', 1, '9'],
    ['1e-18', 18, '1'],
    ['1e-18', 17, '0'],
    ['1000000000000000', 36, `1${'0'.repeat(51)}`],
    ['12.5', 0, '12'],
  ] as const)('%s at %i decimals → %s', (value, decimals, want) => {
    expect(scaleTruncate(dec(value), decimals)).toBe(want);
  });

  it('truncates a result of division at its 64th significant digit, never rounding up', () => {
    expect(scaleTruncate(dec(2).div(3), 36)).toBe(`${'6'.repeat(36)}`);
    expect(scaleTruncate(dec(1).div(7), 18)).toBe('142857142857142857');
  });
});
