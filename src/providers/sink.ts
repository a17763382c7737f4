/**
 * Where a driver delivers what an exchange said: updates the quote store and counts the
 * base-provider metrics per ticker (connect providers/base/fetch.go recv). The metric series
 * of each ticker are looked up once and held, so a delivered price costs no label work.
 */
import type { Metrics, ProviderType } from '../metrics/metrics.js';
import type { Series } from '../metrics/series.js';
import type { QuoteStore } from '../oracle/store.js';
import type { ProviderResponse } from './types.js';

interface TickerSeries {
  readonly success: Series;
  readonly lastUpdated: Series;
}

export class ProviderSink {
  private readonly tickers = new Map<string, TickerSeries>();
  private readonly successes: Series;

  constructor(
    readonly provider: string,
    readonly type: ProviderType,
    private readonly store: QuoteStore,
    private readonly metrics: Metrics,
  ) {
    this.successes = metrics.statusResponses.child({ provider, status: 'success', code: '0', type });
  }

  deliver(response: ProviderResponse, now = Date.now()): void {
    const { provider, type, metrics: m } = this;
    const seconds = Math.floor(now / 1000);
    for (const r of response.resolved) {
      this.store.update(provider, r.ticker, r.price, now);
      const s = this.series(r.ticker);
      s.success.inc();
      this.successes.inc();
      s.lastUpdated.set(seconds);
    }
    for (const u of response.unresolved) {
      const code = String(u.code);
      m.statusResponsesPerId.inc({ provider, id: u.ticker.toLowerCase(), status: 'failure', code, type });
      m.statusResponses.inc({ provider, status: 'failure', code, type });
    }
  }

  private series(ticker: string): TickerSeries {
    let s = this.tickers.get(ticker);
    if (!s) {
      const { provider, type, metrics: m } = this;
      const id = ticker.toLowerCase();
      s = {
        success: m.statusResponsesPerId.child({ provider, id, status: 'success', code: '0', type }),
        lastUpdated: m.lastUpdatedId.child({ provider, id, type }),
      };
      this.tickers.set(ticker, s);
    }
    return s;
  }
}
