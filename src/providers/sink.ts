/**
 * Where a driver delivers what an exchange said: updates the quote store (prices, and the last
 * error code per ticker) and counts the base-provider metrics per ticker (connect
 * providers/base/fetch.go recv).
 */
import type { ProviderMetrics } from '../metrics/provider.js';
import type { QuoteStore } from '../oracle/store.js';
import { ProviderState } from './state.js';
import type { ProviderResponse } from './types.js';

export class ProviderSink {
  readonly provider: string;
  readonly state: ProviderState;

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
      store.update(provider, r.ticker, r.price, now);
      metrics.priceDelivered(r.ticker, seconds);
    }
    if (response.resolved.length > 0) this.state.lastDeliveryAt = now;
    for (const u of response.unresolved) {
      store.fail(provider, u.ticker, u.code, now);
      metrics.priceFailed(u.ticker, u.code);
      this.state.lastErrorCode = u.code;
      this.state.lastErrorAt = now;
    }
  }
}
