/**
 * A synthetic side-car state for the in-process benchmarks: `markets` markets × `providers`
 * provider configs, one market in eight with an inverted feed and one in four with a feed
 * normalised by USDT/USD (so both conversions are in the mix), every quote fresh in the store,
 * and every feed delivered once through the ProviderSink so the per-ticker series exist; the
 * price-age series are written at scrape time as in the daemon.
 */
import { SidecarRegistry } from '../src/metrics/registry.js';
import type { MarketMap, MarketProviderConfig } from '../src/config/types.js';
import { createMetrics, type Metrics } from '../src/metrics/metrics.js';
import { ProviderMetrics } from '../src/metrics/provider.js';
import { TickMetrics } from '../src/metrics/tick.js';
import { PriceAges } from '../src/metrics/price-age.js';
import { Aggregator } from '../src/oracle/aggregator.js';
import { QuoteStore } from '../src/oracle/store.js';
import { providerTickers } from '../src/providers/manager.js';
import { ProviderSink } from '../src/providers/sink.js';

export const PROVIDERS = ['binance_ws', 'okx_ws', 'coinbase_ws', 'bybit_ws', 'kraken_api', 'gate_ws', 'huobi_ws', 'mexc_ws'];

export interface Fixture {
  registry: SidecarRegistry;
  metrics: Metrics;
  store: QuoteStore;
  aggregator: Aggregator;
  map: MarketMap;
  /** Re-deliver every feed (fresh receive times, same prices). */
  refresh(now?: number): void;
  /** Deliver a new price for `count` feeds from the `from`-th on, cyclically (default: every feed),
   *  each moved by up to ±0.05 % (new strings). */
  move(now?: number, from?: number, count?: number): void;
  /** Number of feeds. */
  readonly feeds: number;
}

export function buildFixture(markets = 1000, providers = 8): Fixture {
  const registry = new SidecarRegistry();
  const metrics = createMetrics(registry, true);
  const store = new QuoteStore();
  const names = PROVIDERS.slice(0, providers);
  const map: MarketMap = { markets: {} };
  const feeds: Array<{ provider: string; ticker: string; price: string }> = [];
  const add = (base: string, quote: string, usd: number, i: number) => {
    const configs: MarketProviderConfig[] = names.map((name, j) => {
      const invert = i % 8 === 1 && j === 0;
      const normalize = base !== 'USDT' && i % 4 === 2 && j === 1;
      const ticker = invert ? `${quote}-${base}` : normalize ? `${base}-USDT` : `${base}-${quote}`;
      const p = (invert ? 1 / usd : normalize ? usd / 1.0002 : usd) * (1 + (j - 3.5) / 10_000);
      feeds.push({ provider: name, ticker, price: p.toPrecision(8) });
      return { name, off_chain_ticker: ticker, normalize_by_pair: normalize ? { Base: 'USDT', Quote: 'USD' } : null, invert, metadata_JSON: '' };
    });
    map.markets[`${base}/${quote}`] = {
      ticker: { currency_pair: { Base: base, Quote: quote }, decimals: 8, min_provider_count: 3, enabled: true, metadata_JSON: '' },
      provider_configs: configs,
    };
  };
  add('USDT', 'USD', 1.0002, 0);
  for (let i = 1; i < markets; i++) add(`A${i}`, 'USD', 0.01 + ((i * 7919) % 100_000) / 7, i);
  const sinks = new Map(names.map((n) => [n, new ProviderSink(store, new ProviderMetrics(metrics, n, 'websockets'))]));
  const refresh = (now = Date.now()) => {
    for (const f of feeds) sinks.get(f.provider)?.deliver({ resolved: [{ ticker: f.ticker, price: f.price }], unresolved: [] }, now);
  };
  const move = (now = Date.now(), from = 0, count = feeds.length) => {
    for (let i = 0; i < count; i++) {
      const f = feeds[(from + i) % feeds.length] as (typeof feeds)[number];
      const p = Number(f.price) * (1 + (Math.random() - 0.5) / 1000);
      f.price = p.toPrecision(8);
      sinks.get(f.provider)?.deliver({ resolved: [{ ticker: f.ticker, price: f.price }], unresolved: [] }, now);
    }
  };
  refresh();
  const aggregator = new Aggregator(map, store, new TickMetrics(metrics), 120_000);
  const ages = new PriceAges(metrics.priceAge, store, Date.now());
  ages.setFeeds(providerTickers(map));
  metrics.setPriceAgeWriter(() => ages.write());
  return { registry, metrics, store, aggregator, map, refresh, move, feeds: feeds.length };
}
