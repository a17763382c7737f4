/**
 * Exact decimal arithmetic for prices (mathjs BigNumber, i.e. decimal.js, 64 significant
 * digits): medians, inversions, normalisation and scaling never go through float64.
 */
import { bignumberDependencies, create, type BigNumber, type FactoryFunctionMap } from 'mathjs';

const math = create({ bignumberDependencies } as FactoryFunctionMap, { number: 'BigNumber', precision: 64 });

export type Decimal = BigNumber;

export function dec(value: string | number): Decimal {
  return math.bignumber(value);
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

/** trunc(value × 10^decimals) as a plain base-10 integer string (no exponent). */
export function scaleTruncate(value: Decimal, decimals: number): string {
  return value.times(dec(10).pow(decimals)).trunc().toFixed(0);
}
