/**
 * side_car_provider_price_age_seconds: the age of every feed the market map asks for, written
 * when Prometheus scrapes. The feeds (their quote slots and series) are compiled once per market
 * map from the provider manager's providerTickers, so a scrape costs two field reads and one
 * write per feed; ages are whole milliseconds, which the exposition writes digit by digit.
 */
import type { QuoteSlot, QuoteStore } from '../oracle/store.js';
import type { Series, SeriesFamily } from './series.js';

interface AgedFeed {
  readonly slot: QuoteSlot;
  readonly series: Series;
}

export class PriceAges {
  private feeds: AgedFeed[] = [];

  constructor(
    private readonly family: SeriesFamily<'provider' | 'id'>,
    private readonly store: QuoteStore,
    /** The age of a feed that never delivered counts from here. */
    private readonly startedAt: number,
  ) {}

  /** The feeds to age: each provider's off-chain tickers, unique case-insensitively. */
  setFeeds(tickers: ReadonlyMap<string, ReadonlyArray<{ readonly offChainTicker: string }>>): void {
    const feeds: AgedFeed[] = [];
    for (const [provider, list] of tickers) {
      for (const t of list) {
        feeds.push({ slot: this.store.slot(provider, t.offChainTicker), series: this.family.child({ provider, id: t.offChainTicker.toLowerCase() }) });
      }
    }
    this.feeds = feeds;
  }

  /** Write every feed's age at `now`; feeds no longer in the map leave the exposition. */
  write(now = Date.now()): void {
    this.family.reset();
    for (const f of this.feeds) {
      const at = f.slot.held ? f.slot.at : this.startedAt;
      f.series.set(Math.max(0, now - at) / 1000);
    }
  }
}
