/**
 * The Raydium AMM v4 price from the pool's balances (connect providers/apis/defi/raydium/
 * price_fetcher.go `getScaledTokenBalance`, `calculatePrice`):
 *   base  = vault(base)  − need_take_pnl_coin + open_orders.native_base_total
 *   quote = vault(quote) − need_take_pnl_pc   + open_orders.native_quote_total
 *   price = (quote / base) × 10^(base_decimals − quote_decimals)
 * connect divides with a 64-bit-mantissa big.Float (about 19 digits) and gives +Inf for a zero
 * base (or panics when both are zero). Here the ratio is exact and written as a decimal of
 * SIGNIFICANT_DIGITS significant digits, truncated toward zero; a zero base or quote is an Error.
 */

/** Significant digits of a Raydium price: far beyond the ~20 digits of a u64 balance. */
export const SIGNIFICANT_DIGITS = 40;

/** vault − pnl + open-orders total; may be negative (the caller rejects that). */
export function adjustedBalance(vault: bigint, pnl: bigint, openOrders: bigint): bigint {
  return vault - pnl + openOrders;
}

/** num / den (both > 0) as plain decimal text of `digits` significant digits, truncated. */
export function ratioToDecimal(num: bigint, den: bigint, digits = SIGNIFICANT_DIGITS): string {
  const lengthGap = num.toString().length - den.toString().length;
  // num/den ≥ 10^(lengthGap − 1), so this shift leaves at least `digits` integer digits.
  let scale = Math.max(0, digits - lengthGap + 1);
  let text = ((num * 10n ** BigInt(scale)) / den).toString();
  if (text.length > digits) {
    scale -= text.length - digits;
    text = text.slice(0, digits);
  }
  if (scale < 0) {
    text += '0'.repeat(-scale);
    scale = 0;
  }
  if (scale === 0) return text;
  text = text.padStart(scale + 1, '0');
  const int = text.slice(0, text.length - scale);
  const frac = text.slice(text.length - scale).replace(/0+$/, '');
  return frac === '' ? int : `${int}.${frac}`;
}

/** The pool's price of base in quote, or an Error when a balance is zero or negative. */
export function poolPrice(base: bigint, quote: bigint, baseDecimals: number, quoteDecimals: number): string | Error {
  if (base <= 0n) return new Error(`base balance is ${base}: no price`);
  if (quote <= 0n) return new Error(`quote balance is ${quote}: no price`);
  const shift = baseDecimals - quoteDecimals;
  const num = shift > 0 ? quote * 10n ** BigInt(shift) : quote;
  const den = shift < 0 ? base * 10n ** BigInt(-shift) : base;
  return ratioToDecimal(num, den);
}
