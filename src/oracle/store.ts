/**
 * The latest quote per (provider, off-chain ticker) with its receive time
 * (connect providers/base/fetch.go updateData semantics).
 *
 * Each (provider, ticker) has one slot, updated in place. The aggregation plan holds the slots of
 * the feeds it reads, so a tick reads a quote without a lookup; a price is read as a number once,
 * when it arrives, not by every tick that uses it.
 */
import { PLAIN_DECIMAL } from './decimal.js';

export interface Quote {
  /** Positive decimal string as the exchange sent it. */
  readonly price: string;
  /** Receive time, ms since the epoch. */
  readonly at: number;
  /** Number(price): NaN when it is not a number. */
  readonly value: number;
  /** Whether `price` is PLAIN_DECIMAL text (then `value` is its nearest float64). */
  readonly plain: boolean;
}

/** One (provider, ticker)'s quote, updated in place (a live view: read it, do not keep it). */
export class QuoteSlot implements Quote {
  price = '';
  at = 0;
  value = Number.NaN;
  plain = false;
  /** Whether a price is held. */
  held = false;
  /** Bumped whenever the price changes or is dropped. */
  version = 0;
  /** The provider's last error code for this ticker and when it came (0: none); /status shows
   *  it as the reason of a feed whose last word was an error. */
  errorCode = 0;
  errorAt = 0;
}

export class QuoteStore {
  private readonly byProvider = new Map<string, Map<string, QuoteSlot>>();

  /**
   * Record a result. `price === null` is an "unchanged" heartbeat: it refreshes the time of a
   * price already held and is ignored otherwise. A result older than the stored one is ignored.
   */
  update(provider: string, ticker: string, price: string | null, at: number): void {
    const quotes = this.quotesOf(provider);
    let slot = quotes.get(ticker);
    if (slot === undefined) {
      if (price === null) return;
      slot = new QuoteSlot();
      quotes.set(ticker, slot);
    }
    QuoteStore.record(slot, price, at);
  }

  /**
   * `update` on a slot already held (from `slot()`): what a provider's sink calls per price, with
   * no lookup. An empty slot given a null price stays empty.
   */
  static record(slot: QuoteSlot, price: string | null, at: number): void {
    if (!slot.held) {
      if (price === null) return;
    } else if (at < slot.at) {
      return;
    }
    slot.at = at;
    if (price === null || (slot.held && price === slot.price)) return;
    slot.held = true;
    slot.price = price;
    slot.value = Number(price);
    slot.plain = PLAIN_DECIMAL.test(price);
    slot.version += 1;
  }

  /** Record that the provider reported error `code` for `ticker` at `at` (the price held stays). */
  fail(provider: string, ticker: string, code: number, at: number): void {
    const slot = this.slot(provider, ticker);
    slot.errorCode = code;
    slot.errorAt = at;
  }

  /** The slot of a (provider, ticker), created empty if need be; it stays valid for good. */
  slot(provider: string, ticker: string): QuoteSlot {
    const quotes = this.quotesOf(provider);
    let slot = quotes.get(ticker);
    if (slot === undefined) {
      slot = new QuoteSlot();
      quotes.set(ticker, slot);
    }
    return slot;
  }

  /** The quote held for a ticker, fresh or not (a live view). */
  get(provider: string, ticker: string): Quote | undefined {
    const slot = this.byProvider.get(provider)?.get(ticker);
    return slot?.held ? slot : undefined;
  }

  /** Drop everything held for tickers a provider no longer serves (their slots stay, empty). */
  retain(provider: string, tickers: ReadonlySet<string>): void {
    const quotes = this.byProvider.get(provider);
    if (!quotes) return;
    for (const [t, slot] of quotes) {
      if (tickers.has(t)) continue;
      slot.errorCode = 0;
      slot.errorAt = 0;
      if (!slot.held) continue;
      slot.held = false;
      slot.price = '';
      slot.at = 0;
      slot.value = Number.NaN;
      slot.plain = false;
      slot.version += 1;
    }
  }

  private quotesOf(provider: string): Map<string, QuoteSlot> {
    let quotes = this.byProvider.get(provider);
    if (!quotes) {
      quotes = new Map();
      this.byProvider.set(provider, quotes);
    }
    return quotes;
  }
}
