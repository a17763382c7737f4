/**
 * Uniswap v3 price math, exact: connect's uniswapv3/math.go (ConvertSquareRootX96Price,
 * ScalePrice) and pkg/math/math.go (GetScalingFactor) computed as a BigInt fraction instead
 * of Go's big.Float (about 19 significant digits).
 * Background: https://docs.uniswap.org/contracts/v3/reference/core/libraries/SqrtPriceMath and
 * https://blog.uniswap.org/uniswap-v3-math-primer
 *
 *   raw   = (sqrtPriceX96 / 2^96)^2        token1 per token0, in smallest units
 *   scale = 10^(base_decimals − quote_decimals)
 *   price = raw × scale (invert false)  or  scale / raw (invert true)
 *
 * The fraction is exact; it is rendered with SIGNIFICANT_DIGITS significant digits,
 * truncated toward zero (the error is below one unit in the 40th digit, a relative 1e-39).
 * A zero sqrtPriceX96 has no price (connect returned 0, or +Inf when inverted).
 */

/** Significant digits of a rendered price (truncated). */
export const SIGNIFICANT_DIGITS = 40;

const Q192 = 1n << 192n;

/** What the math needs of a pool's metadata. */
export interface PriceTerms {
  readonly baseDecimals: number;
  readonly quoteDecimals: number;
  readonly invert: boolean;
}

/** The exact price as numerator / denominator (both > 0), or an Error for a zero sqrt price. */
export function priceFraction(sqrtPriceX96: bigint, terms: PriceTerms): { num: bigint; den: bigint } | Error {
  if (sqrtPriceX96 <= 0n) return new Error('sqrtPriceX96 is zero: the pool has no price');
  const squared = sqrtPriceX96 * sqrtPriceX96;
  const diff = terms.baseDecimals - terms.quoteDecimals;
  const up = 10n ** BigInt(Math.max(0, diff));
  const down = 10n ** BigInt(Math.max(0, -diff));
  return terms.invert ? { num: Q192 * up, den: squared * down } : { num: squared * up, den: Q192 * down };
}

/** The price of a pool as plain decimal text (see the header for the rounding). */
export function poolPrice(sqrtPriceX96: bigint, terms: PriceTerms): string | Error {
  const f = priceFraction(sqrtPriceX96, terms);
  return f instanceof Error ? f : toDecimal(f.num, f.den);
}

/**
 * num / den (both > 0) as plain decimal text with `digits` significant digits, truncated
 * toward zero, without trailing fraction zeros.
 */
export function toDecimal(num: bigint, den: bigint, digits = SIGNIFICANT_DIGITS): string {
  // num/den lies in (10^(k-1), 10^(k+1)) with k = len(num) − len(den); scaling by 10^shift
  // leaves an integer part of `digits` or `digits + 1` digits.
  let shift = digits - (num.toString().length - den.toString().length);
  let q = shift >= 0 ? (num * 10n ** BigInt(shift)) / den : num / (den * 10n ** BigInt(-shift));
  if (q.toString().length > digits) {
    q /= 10n;
    shift -= 1;
  }
  return formatScaled(q, shift);
}

/** q / 10^scale as plain text. */
function formatScaled(q: bigint, scale: number): string {
  const s = q.toString();
  if (scale <= 0) return s === '0' ? '0' : s + '0'.repeat(-scale);
  const padded = s.padStart(scale + 1, '0');
  const point = padded.length - scale;
  const frac = padded.slice(point).replace(/0+$/, '');
  return frac === '' ? padded.slice(0, point) : `${padded.slice(0, point)}.${frac}`;
}

/** floor(sqrt(n)) for n ≥ 0 (Newton's method on BigInt). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('square root of a negative number');
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * The sqrtPriceX96 of a pool whose ticker price is the plain decimal `price`:
 * floor(sqrt(raw) × 2^96) exactly, where raw (token1 per token0 in smallest units) is
 * price × 10^(decimals1 − decimals0), or its inverse when `invert` (the ticker is
 * token1/token0).
 */
export function sqrtPriceX96Of(price: string, decimals0: number, decimals1: number, invert = false): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(price);
  if (!m) throw new RangeError(`not a plain decimal: ${price}`);
  const frac = m[2] ?? '';
  const mantissa = BigInt((m[1] ?? '') + frac);
  const unit = 10n ** BigInt(frac.length);
  const diff = decimals1 - decimals0;
  const num = (invert ? unit : mantissa) * Q192 * 10n ** BigInt(Math.max(0, diff));
  const den = (invert ? mantissa : unit) * 10n ** BigInt(Math.max(0, -diff));
  if (den === 0n) throw new RangeError('cannot invert a zero price');
  // floor(sqrt(x)) = floor(sqrt(floor(x))) for x ≥ 0.
  return isqrt(num / den);
}
