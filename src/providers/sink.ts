/**
 * Where a driver delivers what an exchange said: updates the quote store and counts the
 * base-provider metrics per ticker (connect providers/base/fetch.go recv).
 */
import type { Metrics, ProviderType } from '../metrics/metrics.js';
import type { QuoteStore } from '../oracle/store.js';
import type { ProviderResponse } from './types.js';

export class ProviderSink {
  constructor(
    readonly provider: string,
    readonly type: ProviderType,
    private readonly store: QuoteStore,
    private readonly metrics: Metrics,
  ) {}

  deliver(response: ProviderResponse, now = Date.now()): void {
    const { provider, type, metrics: m } = this;
    for (const r of response.resolved) {
      this.store.update(provider, r.ticker, r.price, now);
      const id = r.ticker.toLowerCase();
      m.statusResponsesPerId.inc({ provider, id, status: 'success', code: '0', type });
      m.statusResponses.inc({ provider, status: 'success', code: '0', type });
      m.lastUpdatedId.set({ provider, id, type }, Math.floor(now / 1000));
    }
    for (const u of response.unresolved) {
      const code = String(u.code);
      m.statusResponsesPerId.inc({ provider, id: u.ticker.toLowerCase(), status: 'failure', code, type });
      m.statusResponses.inc({ provider, status: 'failure', code, type });
    }
  }
}
