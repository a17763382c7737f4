/**
 * Exact decimal arithmetic for prices, on plain decimal text ("70000.5": digits, an optional
 * fraction, no sign or exponent) computed with BigInt: the served median, inversion,
 * normalisation and scaling never go through float64.
 *
 * Results are those of decimal arithmetic at 64 significant digits, rounding half up (the
 * semantics of decimal.js with `precision: 64`, which the tests use as the reference): sums and
 * products are exact unless they exceed 64 significant digits, and an inverse is rounded to 64.
 * That is far more than the 64-bit binary mantissa of connect's big.Float (about 19 digits).
 */

const DIGITS = 64;

/**
 * Plain decimal text of at most 30 characters, as exchanges write prices. Such a quote is its own
 * exact value; the midpoint of two spans at most 62 digits, so it is never rounded.
 */
export const PLAIN_DECIMAL = /^(?=.{1,30}$)\d+(?:\.\d+)?$/;

/** A decimal literal, possibly with an exponent: integer digits, fraction digits, exponent. */
const LITERAL = /^\+?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;

/** n / 10^scale. */
interface Fixed {
  readonly n: bigint;
  readonly scale: number;
}

/**
 * The exact value of a positive price as plain decimal text. A spelling that is not a decimal
 * literal but that Number() reads (padded, hex) is taken as its float64 value. Throws, naming the
 * text, when it is not a number ≥ 0.
 */
export function toPlain(price: string): string {
  if (PLAIN_DECIMAL.test(price)) return price;
  let m = LITERAL.exec(price);
  if (!m || (m[1] === '' && !m[2])) {
    const n = Number(price);
    if (!(n >= 0 && n < Infinity) || price.trim() === '') throw new RangeError(`not a price: "${price}"`);
    m = LITERAL.exec(String(n)) as RegExpExecArray;
  }
  const int = m[1] ?? '';
  const frac = m[2] ?? '';
  return format({ n: BigInt(int + frac || '0'), scale: frac.length - Number(m[3] ?? 0) });
}

/** 1 / x, rounded to 64 significant digits. */
export function invert(x: string): string {
  const { n, scale } = parse(x);
  if (n === 0n) throw new RangeError('cannot invert 0');
  // 10^(scale + e) / n has at least 65 digits, enough to round to 64 (half up needs only the 65th).
  const e = DIGITS + n.toString().length;
  return format(round(10n ** BigInt(scale + e) / n, e));
}

/** a × b, rounded to 64 significant digits. */
export function times(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  // The product has at most a.length + b.length digits.
  if (a.length + b.length <= DIGITS) return format({ n: x.n * y.n, scale: x.scale + y.scale });
  return format(round(x.n * y.n, x.scale + y.scale));
}

/** (a + b) / 2 as decimal arithmetic computes it: the sum rounded to 64 digits, then halved. */
export function midpoint(a: string, b: string): string {
  const short = shortMidpoint(a, b);
  if (short !== undefined) return short;
  const x = parse(a);
  const y = parse(b);
  const f = Math.max(x.scale, y.scale);
  const exact = x.n * 10n ** BigInt(f - x.scale) + y.n * 10n ** BigInt(f - y.scale);
  // sum / 2 = 5 × sum at one more fraction digit. The sum has at most a.length + b.length + 1
  // digits, so for prices as exchanges write them neither step rounds.
  if (a.length + b.length <= 62) return format({ n: exact * 5n, scale: f + 1 });
  const sum = round(exact, f);
  return format(round(sum.n * 5n, sum.scale + 1));
}

/**
 * The midpoint of two values whose digits, aligned at the point, span at most 14 places (most
 * prices): the scaled integers and 5 × their sum stay below 2^53, so float64 integer arithmetic
 * is exact and needs no BigInt. Undefined for longer values.
 */
function shortMidpoint(a: string, b: string): string | undefined {
  const pa = pointOf(a);
  const pb = pointOf(b);
  const f = Math.max(fractionLength(a, pa), fractionLength(b, pb));
  if (Math.max(pa, pb) + f > 14) return undefined;
  const sum = scaledInteger(a, pa, f) + scaledInteger(b, pb, f);
  // sum / 2 at f fraction digits when even, else 5 × sum at f + 1.
  return sum % 2 === 0 ? formatDigits(String(sum / 2), f) : formatDigits(String(sum * 5), f + 1);
}

/** Index of the decimal point, or the length when there is none. */
function pointOf(x: string): number {
  const dot = x.indexOf('.');
  return dot < 0 ? x.length : dot;
}

function fractionLength(x: string, point: number): number {
  return point < x.length ? x.length - point - 1 : 0;
}

/** x × 10^f as an integer (exact below 2^53), for plain text x with `point` from pointOf. */
function scaledInteger(x: string, point: number, f: number): number {
  let n = 0;
  let places = 0;
  for (let i = 0; i < x.length; i++) {
    const c = x.charCodeAt(i);
    if (c === 46) continue;
    n = n * 10 + (c - 48);
    if (i > point) places += 1;
  }
  for (; places < f; places++) n *= 10;
  return n;
}

/** Sign of a − b. */
export function compare(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  const f = Math.max(x.scale, y.scale);
  const d = x.n * 10n ** BigInt(f - x.scale) - y.n * 10n ** BigInt(f - y.scale);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

/** trunc(x × 10^decimals) as a base-10 integer string without leading zeros. */
export function truncateScaled(x: string, decimals: number): string {
  const dot = x.indexOf('.');
  const int = dot < 0 ? x : x.slice(0, dot);
  const frac = dot < 0 ? '' : x.slice(dot + 1);
  const digits = int + (frac.length >= decimals ? frac.slice(0, decimals) : frac.padEnd(decimals, '0'));
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i += 1;
  return digits.slice(i);
}

function parse(x: string): Fixed {
  const dot = x.indexOf('.');
  if (dot < 0) return { n: BigInt(x), scale: 0 };
  return { n: BigInt(x.slice(0, dot) + x.slice(dot + 1)), scale: x.length - dot - 1 };
}

/** n / 10^scale rounded to 64 significant digits, half up. */
function round(n: bigint, scale: number): Fixed {
  const s = n.toString();
  const extra = s.length - DIGITS;
  if (extra <= 0) return { n, scale };
  const kept = BigInt(s.slice(0, DIGITS));
  return { n: s.charCodeAt(DIGITS) >= 53 ? kept + 1n : kept, scale: scale - extra };
}

/** Plain text without superfluous zeros. */
function format({ n, scale }: Fixed): string {
  return formatDigits(n.toString(), scale);
}

/** digits / 10^scale (digits: a non-negative integer without leading zeros) as plain text. */
function formatDigits(s: string, scale: number): string {
  if (s === '0') return '0';
  if (scale <= 0) return s + '0'.repeat(-scale);
  const digits = s.padStart(scale + 1, '0');
  const point = digits.length - scale;
  let end = digits.length;
  while (end > point && digits.charCodeAt(end - 1) === 48) end -= 1;
  return end === point ? digits.slice(0, point) : `${digits.slice(0, point)}.${digits.slice(point, end)}`;
}
