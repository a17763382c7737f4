/**
 * Symbol and number formats shared by the simulated exchanges. Each exchange file decides
 * its own spelling (BTCUSDT, BTC-USD, XXBTZUSD); these helpers only do the splitting and
 * the decimal rendering.
 */

export interface Pair {
  base: string;
  quote: string;
}

/** Quote assets every simulated exchange lists against every base asset in the book. */
export const QUOTES: readonly string[] = ['USDT', 'USDC', 'USD', 'BTC'];

/** Quotes by decreasing length, so BTCUSDT splits as BTC+USDT and never BTCU+SDT. */
const QUOTES_LONGEST_FIRST = [...QUOTES].sort((a, b) => b.length - a.length);

/** All listable pairs for the given assets: every base against every quote, base ≠ quote. */
export function listPairs(assets: readonly string[]): Pair[] {
  const pairs: Pair[] = [];
  for (const base of assets) {
    if (base === 'USD') continue;
    for (const quote of QUOTES) {
      if (base !== quote) pairs.push({ base, quote });
    }
  }
  return pairs;
}

/** Split a separator-less symbol (BTCUSDT) against the known quotes and assets. */
export function splitJoined(symbol: string, known: (asset: string) => boolean): Pair | undefined {
  for (const quote of QUOTES_LONGEST_FIRST) {
    if (!symbol.endsWith(quote)) continue;
    const base = symbol.slice(0, symbol.length - quote.length);
    if (base !== '' && base !== quote && base !== 'USD' && known(base)) return { base, quote };
  }
  return undefined;
}

/** Split a dashed symbol (BTC-USD); exact case, as both Coinbase and OKX use upper case. */
export function splitDashed(symbol: string, known: (asset: string) => boolean): Pair | undefined {
  const parts = symbol.split('-');
  if (parts.length !== 2) return undefined;
  const [base, quote] = parts as [string, string];
  if (!QUOTES.includes(quote) || base === quote || base === 'USD' || !known(base)) return undefined;
  return { base, quote };
}

/**
 * Render a positive price as a plain decimal string (never exponent notation).
 *
 * Rounding contract: the value is first rounded to `significant` significant digits
 * (relative error ≤ 0.5 × 10^(1−significant), i.e. ≤ 5e-8 for 8 digits), then printed with
 * exactly `minDecimals` decimals (padding with zeros) plus as many more as the significant
 * digits need, without trailing zeros past `minDecimals`. So `Number(render(x))` is within
 * 5e-8 relative of x for 8 digits; tests should compare within 1e-6.
 */
export function renderDecimal(value: number, significant: number, minDecimals: number): string {
  if (!Number.isFinite(value) || value <= 0) return '0';
  const exp = value.toExponential(significant - 1);
  const rounded = Number(exp);
  const exponent = Number(exp.slice(exp.indexOf('e') + 1));
  const decimals = Math.min(100, Math.max(minDecimals, significant - 1 - exponent, 0));
  const text = rounded.toFixed(decimals);
  const point = text.indexOf('.');
  if (point < 0) return text;
  let end = text.length;
  while (end > point + minDecimals + 1 && text[end - 1] === '0') end -= 1;
  if (end === point + 1) end = point;
  return text.slice(0, end);
}
