/**
 * Where a driver delivers what an exchange said: updates the quote store and counts the
 * base-provider metrics per ticker (connect providers/base/fetch.go recv).
 */
import type { ProviderMetrics } from '../metrics/provider.js';
import type { QuoteStore } from '../oracle/store.js';
import type { ProviderResponse } from './types.js';

export class ProviderSink {
  readonly provider: string;

  constructor(
    private readonly store: QuoteStore,
    private readonly metrics: ProviderMetrics,
  ) {
    this.provider = metrics.provider;
  }

  deliver(response: ProviderResponse, now = Date.now()): void {
    const { provider, metrics } = this;
    const seconds = Math.floor(now / 1000);
    for (const r of response.resolved) {
      this.store.update(provider, r.ticker, r.price, now);
      metrics.priceDelivered(r.ticker, seconds);
    }
    for (const u of response.unresolved) metrics.priceFailed(u.ticker, u.code);
  }
}
