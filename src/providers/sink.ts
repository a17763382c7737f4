/**
 * Where a driver delivers what an exchange said: updates the quote store (prices, and the last
 * error code per ticker) and counts the base-provider metrics per ticker (connect
 * providers/base/fetch.go recv).
 *
 * A delivered price is on the per-message path (every WebSocket ticker frame): the sink holds
 * each ticker's quote slot and metric series, so a price costs one map lookup, not one per
 * store level and metric.
 */
import type { DeliverySeries, ProviderMetrics } from '../metrics/provider.js';
import { QuoteStore, type QuoteSlot } from '../oracle/store.js';
import { ProviderState } from './state.js';
import type { ProviderResponse } from './types.js';

/** What a price of one ticker writes: its quote slot and its delivery series. */
interface Feed {
  readonly slot: QuoteSlot;
  readonly series: DeliverySeries;
}

export class ProviderSink {
  readonly provider: string;
  readonly state: ProviderState;
  private readonly feeds = new Map<string, Feed>();

  constructor(
    private readonly store: QuoteStore,
    private readonly metrics: ProviderMetrics,
  ) {
    this.provider = metrics.provider;
    this.state = new ProviderState(metrics.type);
  }

  deliver(response: ProviderResponse, now = Date.now()): void {
    const { provider, metrics, store } = this;
    const seconds = Math.floor(now / 1000);
    for (const r of response.resolved) {
      const feed = this.feeds.get(r.ticker) ?? this.feed(r.ticker);
      QuoteStore.record(feed.slot, r.price, now);
      metrics.delivered(feed.series, seconds);
    }
    if (response.resolved.length > 0) this.state.lastDeliveryAt = now;
    for (const u of response.unresolved) {
      store.fail(provider, u.ticker, u.code, now);
      metrics.priceFailed(u.ticker, u.code);
      this.state.lastErrorCode = u.code;
      this.state.lastErrorAt = now;
    }
  }

  private feed(ticker: string): Feed {
    const feed = { slot: this.store.slot(this.provider, ticker), series: this.metrics.deliverySeries(ticker) };
    this.feeds.set(ticker, feed);
    return feed;
  }
}
