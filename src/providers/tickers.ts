/**
 * Symbol lookup shared by adapters: an exchange symbol resolves to a configured off-chain
 * ticker only if it equals the configured spelling, its lower-case or its upper-case form
 * (connect oracle/types/provider.go NewProviderTickers).
 */
import type { ProviderTicker } from './types.js';

export class TickerIndex {
  private readonly bySpelling = new Map<string, ProviderTicker>();

  constructor(tickers: readonly ProviderTicker[]) {
    for (const t of tickers) {
      for (const s of [t.offChainTicker, t.offChainTicker.toLowerCase(), t.offChainTicker.toUpperCase()]) {
        if (!this.bySpelling.has(s)) this.bySpelling.set(s, t);
      }
    }
  }

  /** The configured ticker for an exchange symbol, or undefined when it is not ours. */
  lookup(symbol: string): ProviderTicker | undefined {
    return this.bySpelling.get(symbol);
  }

  /** Every accepted spelling with its ticker. */
  entries(): IterableIterator<[string, ProviderTicker]> {
    return this.bySpelling.entries();
  }
}

/**
 * Plausible price range. No traded pair is quoted above 1e15 or below 1e-18 of its quote
 * asset; a value outside is a broken feed (a unit mix-up, an overflow), never served.
 */
export const MAX_PRICE = 1e15;
export const MIN_PRICE = 1e-18;

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Validate a price at the adapter boundary: a plain decimal string or a finite JSON number,
 * strictly positive and within [MIN_PRICE, MAX_PRICE]. Returns the canonical decimal string,
 * or an Error naming the problem. Connect accepted zero, negative and (via 1/0) infinite
 * prices; we reject them here.
 */
export function toPrice(value: unknown): string | Error {
  let text: string;
  if (typeof value === 'string') {
    text = value.trim();
    if (!DECIMAL.test(text)) return new Error(`price ${JSON.stringify(value).slice(0, 40)} is not a decimal number`);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return new Error(`price ${value} is not finite`);
    text = String(value);
  } else {
    return new Error(`price has type ${value === null ? 'null' : typeof value}, expected a decimal`);
  }
  const n = Number(text);
  if (!Number.isFinite(n)) return new Error(`price ${text.slice(0, 40)} is out of range`);
  if (n <= 0) return new Error(`price ${text.slice(0, 40)} is not positive`);
  if (n > MAX_PRICE || n < MIN_PRICE) return new Error(`price ${text.slice(0, 40)} is outside the plausible range [${MIN_PRICE}, ${MAX_PRICE}]`);
  return text.startsWith('+') ? text.slice(1) : text;
}
