/**
 * Exact decimal arithmetic for prices (decimal.js, 64 significant digits, round half up):
 * the served median, inversions, normalisation and scaling never go through float64.
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

/** trunc(value × 10^decimals) as a plain base-10 integer string (no exponent). */
export function scaleTruncate(value: Decimal, decimals: number): string {
  const digits = value.toFixed(decimals, Exact.ROUND_DOWN).replace('.', '').replace(/^(-?)0+(?=\d)/, '$1');
  return digits === '-0' ? '0' : digits;
}
