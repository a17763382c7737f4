/**
 * The latest quote per (provider, off-chain ticker) with its receive time
 * (connect providers/base/fetch.go updateData semantics).
 */

export interface Quote {
  /** Positive decimal string as the exchange sent it. */
  readonly price: string;
  /** Receive time, ms since the epoch. */
  readonly at: number;
}

export class QuoteStore {
  private readonly byProvider = new Map<string, Map<string, Quote>>();

  /**
   * Record a result. `price === null` is an "unchanged" heartbeat: it refreshes the time of a
   * price already held and is ignored otherwise. A result older than the stored one is ignored.
   */
  update(provider: string, ticker: string, price: string | null, at: number): void {
    const quotes = this.quotesOf(provider) as Map<string, Quote>;
    const held = quotes.get(ticker);
    if (held && at < held.at) return;
    if (price === null) {
      if (held) quotes.set(ticker, { price: held.price, at });
      return;
    }
    quotes.set(ticker, { price, at });
  }

  /** A provider's quotes by ticker: a live view that stays valid while the store is updated. */
  quotesOf(provider: string): ReadonlyMap<string, Quote> {
    let quotes = this.byProvider.get(provider);
    if (!quotes) {
      quotes = new Map();
      this.byProvider.set(provider, quotes);
    }
    return quotes;
  }

  /** The quote held for a ticker, fresh or not. */
  get(provider: string, ticker: string): Quote | undefined {
    return this.byProvider.get(provider)?.get(ticker);
  }

  /** Quotes of one provider no older than `maxAgeMs` at `now` (age > maxAge is stale). */
  fresh(provider: string, now: number, maxAgeMs: number): Map<string, Quote> {
    const out = new Map<string, Quote>();
    const quotes = this.byProvider.get(provider);
    if (!quotes) return out;
    for (const [ticker, q] of quotes) {
      if (now - q.at <= maxAgeMs) out.set(ticker, q);
    }
    return out;
  }

  /** Drop everything held for tickers a provider no longer serves. */
  retain(provider: string, tickers: ReadonlySet<string>): void {
    const quotes = this.byProvider.get(provider);
    if (!quotes) return;
    for (const t of quotes.keys()) if (!tickers.has(t)) quotes.delete(t);
  }
}
