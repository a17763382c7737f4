/**
 * Exact decimal arithmetic for prices (decimal.js, 64 significant digits, round half up):
 * medians, inversions, normalisation and scaling never go through float64.
 *
 * decimal.js is the engine behind mathjs's BigNumber; it is used directly because importing
 * mathjs evaluates its whole function graph (~90 MB of resident memory for one number type).
 */
import { Decimal as DecimalJs } from 'decimal.js';

const Exact = DecimalJs.clone({ precision: 64, rounding: DecimalJs.ROUND_HALF_UP });

export type Decimal = InstanceType<typeof Exact>;

export function dec(value: string | number): Decimal {
  return new Exact(value);
}

/** Median of a non-empty list: the middle value, or the mean of the two middle values. */
export function median(values: readonly Decimal[]): Decimal {
  const sorted = [...values].sort((a, b) => a.comparedTo(b));
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid];
  if (hi === undefined) throw new Error('median of an empty list');
  if (sorted.length % 2 === 1) return hi;
  const lo = sorted[mid - 1] as Decimal;
  return lo.plus(hi).div(2);
}

const powersOfTen = new Map<number, Decimal>();

/** trunc(value × 10^decimals) as a plain base-10 integer string (no exponent). */
export function scaleTruncate(value: Decimal, decimals: number): string {
  let scale = powersOfTen.get(decimals);
  if (!scale) {
    scale = new Exact(10).pow(decimals);
    powersOfTen.set(decimals, scale);
  }
  return value.times(scale).trunc().toFixed(0);
}
