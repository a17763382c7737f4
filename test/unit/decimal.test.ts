/**
 * The exact arithmetic of src/oracle/decimal.ts against decimal.js at 64 significant digits,
 * half up (an independent implementation of the same semantics): fixed cases at the rounding
 * boundaries, and random operands from 1 to 90 digits with and without fractions.
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { compare, invert, midpoint, PLAIN_DECIMAL, times, toPlain, truncateScaled } from '../../src/oracle/decimal.js';
import { rng } from '../helpers/rng.js';

const Exact = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_HALF_UP });
const plain = (d: Decimal): string => d.toFixed();

describe('truncateScaled: trunc(value × 10^decimals) as an integer string', () => {
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
    ['007.50', 2, '750'],
  ] as const)('%s at %i decimals → %s', (value, decimals, want) => {
    expect(truncateScaled(toPlain(value), decimals)).toBe(want);
  });

  it('truncates an inverse at its 64th significant digit, never rounding up', () => {
    expect(truncateScaled(invert('1.5'), 36)).toBe('6'.repeat(36));
    expect(truncateScaled(invert('7'), 18)).toBe('142857142857142857');
  });
});

describe('toPlain: the exact value of a price as plain decimal text', () => {
  it.each([
    ['42', '42'],
    ['0.000100', '0.000100'],
    ['1e-8', '0.00000001'],
    ['1.25E+3', '1250'],
    ['+2.5', '2.5'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['  7.25 ', '7.25'],
    ['0x1A', '26'],
    ['12345678901234567890123456789012345', '12345678901234567890123456789012345'],
  ] as const)('%j → %s', (price, want) => {
    expect(toPlain(price)).toBe(want);
  });

  it.each(['-1', 'abc', '', ' ', 'Infinity', '1e99999', '0x'])('%j is refused with the text in the message', (price) => {
    expect(() => toPlain(price)).toThrow(`"${price}"`);
  });

  it('PLAIN_DECIMAL accepts what exchanges write and nothing that needs conversion', () => {
    for (const ok of ['1', '70000.5', '0.00012', '1'.repeat(30)]) expect(PLAIN_DECIMAL.test(ok), ok).toBe(true);
    for (const no of ['1e5', '+1', '-1', '.5', '5.', ' 1', '1'.repeat(31), '1,5', '0x10']) expect(PLAIN_DECIMAL.test(no), no).toBe(false);
  });
});

/** A random positive plain decimal of 1 to 90 digits, the point anywhere (or nowhere). */
function randomPlain(r: () => number): string {
  const len = 1 + Math.floor(r() ** 2 * 90);
  let digits = String(1 + Math.floor(r() * 9));
  for (let i = 1; i < len; i++) digits += String(Math.floor(r() * 10));
  const roll = r();
  if (roll < 0.3) return digits;
  if (roll < 0.5) return `0.${'0'.repeat(Math.floor(r() * 12))}${digits}`;
  const point = 1 + Math.floor(r() * digits.length);
  return point >= digits.length ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`;
}

describe('arithmetic agrees with decimal.js at 64 digits, half up', () => {
  const r = rng(7);
  const pairs = Array.from({ length: 3000 }, () => [randomPlain(r), randomPlain(r)] as const);

  it('invert, times, midpoint and compare over 3,000 random operand pairs', () => {
    for (const [a, b] of pairs) {
      const x = new Exact(a);
      const y = new Exact(b);
      expect(invert(a), `1 / ${a}`).toBe(plain(new Exact(1).div(x)));
      expect(times(a, b), `${a} × ${b}`).toBe(plain(x.times(y)));
      expect(midpoint(a, b), `(${a} + ${b}) / 2`).toBe(plain(x.plus(y).div(2)));
      expect(compare(a, b), `${a} <> ${b}`).toBe(x.comparedTo(y));
      expect(Number(midpoint(a, b)), 'float64 of the midpoint').toBe(x.plus(y).div(2).toNumber());
    }
  });

  it('midpoint of 5,000 pairs of short prices (at most 14 places: the float64 integer path)', () => {
    const short = (): string => {
      const v = 10 ** (Math.floor(r() * 12) - 6) * (1 + r() * 9);
      return v.toFixed(Math.max(0, Math.min(13, 13 - Math.max(0, Math.floor(Math.log10(v))) - Math.floor(r() * 4))));
    };
    const places = (x: string): [number, number] => {
      const [int = '', frac = ''] = x.split('.');
      return [int.length, frac.length];
    };
    let fast = 0;
    let odd = 0;
    for (let i = 0; i < 5000; i++) {
      const a = short();
      const b = r() < 0.1 ? a : short();
      const got = midpoint(a, b);
      expect(got, `(${a} + ${b}) / 2`).toBe(plain(new Exact(a).plus(b).div(2)));
      const [ia, fa] = places(a);
      const [ib, fb] = places(b);
      if (Math.max(ia, ib) + Math.max(fa, fb) <= 14) fast += 1;
      if (places(got)[1] > Math.max(fa, fb)) odd += 1;
    }
    expect(fast).toBeGreaterThan(2500);
    expect(odd).toBeGreaterThan(500);
  });

  it('rounds half up where the 65th digit is exactly 5, and carries into a new digit', () => {
    const half = `1${'0'.repeat(62)}15`; // 65 digits ending in 5
    expect(times(half, '1')).toBe(`1${'0'.repeat(62)}20`);
    expect(times(half, '1')).toBe(plain(new Exact(half).times(1)));
    const nines = '9'.repeat(65);
    expect(times(nines, '1')).toBe(`1${'0'.repeat(65)}`);
    expect(times(nines, '1')).toBe(plain(new Exact(nines).times(1)));
    // The sum is rounded before halving, as decimal arithmetic does it.
    const a = '9'.repeat(40);
    const b = `0.${'0'.repeat(30)}5`;
    expect(midpoint(a, b)).toBe(plain(new Exact(a).plus(b).div(2)));
  });

  it('is exact for prices as exchanges write them (the midpoint of two 30-character values)', () => {
    const a = `${'9'.repeat(29)}.`.slice(0, 29);
    const b = `0.${'1'.repeat(28)}`;
    const unbounded = Decimal.clone({ precision: 1000 });
    expect(midpoint(a, b)).toBe(plain(new unbounded(a).plus(b).div(2)));
    expect(midpoint(a, b)).toBe(`4${'9'.repeat(28)}.${'5'.repeat(29)}`);
  });
});
