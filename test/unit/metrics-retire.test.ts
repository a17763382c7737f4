/**
 * retireRemoved (src/metrics/retire.ts) on a fresh registry written by the real writers (tick,
 * provider, price-age metrics): every series of a removed or disabled market, a removed feed or
 * provider config, a removed provider and an old `decimals` leaves the exposition; every other
 * series keeps its value, market-map providers' series included.
 */
import { describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.js';
import { PriceAges } from '../../src/metrics/price-age.js';
import { ProviderMetrics } from '../../src/metrics/provider.js';
import { SidecarRegistry } from '../../src/metrics/registry.js';
import { retireRemoved } from '../../src/metrics/retire.js';
import { TickMetrics } from '../../src/metrics/tick.js';
import { Aggregator } from '../../src/oracle/aggregator.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { providerTickers } from '../../src/providers/manager.js';
import { parseExposition } from '../helpers/daemon.js';
import { feed, market, marketMap } from '../helpers/market.js';

const PREV = marketMap(
  market('BTC/USD', 8, 1, [feed('binance_ws', 'BTCUSDT'), feed('kraken_api', 'XXBTZUSD'), feed('okx_ws', 'BTC-USDT')]),
  market('ETH/USD', 8, 1, [feed('kraken_api', 'XETHZUSD'), feed('okx_ws', 'ETH-USDT'), feed('coinbase_ws', 'ETH-USD')]),
  // A market-map provider's name (dydx_api) and a custom one (oracle.json type) referenced as feeds.
  market('SOL/USD', 6, 1, [feed('okx_ws', 'SOL-USDT'), feed('raydium_api', 'SOL,USDC'), feed('dydx_api', 'SOL-USD'), feed('my_chain_api', 'SOL')]),
  market('DOGE/USD', 8, 1, [feed('bitstamp_api', 'dogeusd'), feed('binance_ws', 'DOGEUSDT')]),
  market('ATOM/USD', 6, 1, [feed('okx_ws', 'ATOM-USDT')]),
);
const NEXT = marketMap(
  market('BTC/USD', 8, 1, [feed('binance_ws', 'BTCUSDT'), feed('kraken_api', 'XXBTZUSD'), feed('okx_ws', 'BTC-USDT')]),
  market('ETH/USD', 8, 1, [feed('okx_ws', 'ETH-USDT')]),
  market('DOGE/USD', 8, 1, [feed('bitstamp_api', 'dogeusd'), feed('binance_ws', 'DOGEUSDT')], false),
  market('ATOM/USD', 8, 1, [feed('okx_ws', 'ATOM-USDT')]),
);
const ORACLE = { providers: { my_chain_api: { type: 'market_map_provider' } } } as unknown as Parameters<typeof retireRemoved>[3];

/** What must go, spelled out by hand (not derived from the maps). */
const REMOVED_MARKETS = new Set(['sol/usd', 'doge/usd']);
const REMOVED_PRICES = new Set(['sol/usd 6', 'doge/usd 8', 'atom/usd 6']);
const REMOVED_FEEDS = new Set([
  'kraken_api eth/usd', 'coinbase_ws eth/usd', 'okx_ws sol/usd', 'raydium_api sol/usd', 'dydx_api sol/usd', 'my_chain_api sol/usd',
  'bitstamp_api doge/usd', 'binance_ws doge/usd',
]);
const REMOVED_TICKERS = new Set(['kraken_api xethzusd', 'coinbase_ws eth-usd', 'okx_ws sol-usdt', 'raydium_api sol,usdc', 'bitstamp_api dogeusd', 'binance_ws dogeusdt']);
const REMOVED_PROVIDERS = new Set(['coinbase_ws', 'raydium_api', 'bitstamp_api']);

type Labels = Record<string, string>;
const l = (x: Labels, ...names: string[]) => names.map((n) => x[n]).join(' ');

/** Family → whether a series of it must be retired. */
const RULES: Record<string, (x: Labels) => boolean> = {
  side_car_health_check_ticker_updates_total: (x) => REMOVED_MARKETS.has(l(x, 'id')),
  side_car_health_check_market_providers: (x) => REMOVED_MARKETS.has(l(x, 'id')),
  side_car_market_price_served: (x) => REMOVED_MARKETS.has(l(x, 'id')),
  side_car_market_min_provider_count: (x) => REMOVED_MARKETS.has(l(x, 'id')),
  side_car_market_unsupported: (x) => REMOVED_MARKETS.has(l(x, 'id')),
  side_car_aggregated_price: (x) => REMOVED_PRICES.has(l(x, 'id', 'decimals')),
  side_car_provider_price: (x) => REMOVED_FEEDS.has(l(x, 'provider', 'id')) || REMOVED_PRICES.has(l(x, 'id', 'decimals')),
  side_car_health_check_provider_updates_total: (x) => REMOVED_FEEDS.has(l(x, 'provider', 'id')),
  side_car_provider_price_deviation_ratio: (x) => REMOVED_FEEDS.has(l(x, 'provider', 'id')),
  side_car_provider_status_responses_per_id: (x) => REMOVED_TICKERS.has(l(x, 'provider', 'id')),
  side_car_provider_last_updated_id: (x) => REMOVED_TICKERS.has(l(x, 'provider', 'id')),
  side_car_api_response_internal_status: (x) => REMOVED_TICKERS.has(l(x, 'provider', 'id')),
  side_car_provider_price_age_seconds: (x) => REMOVED_TICKERS.has(l(x, 'provider', 'id')),
  side_car_provider_status_responses: (x) => REMOVED_PROVIDERS.has(l(x, 'provider')),
  side_car_api_http_status_code: (x) => REMOVED_PROVIDERS.has(l(x, 'provider')),
  side_car_api_rpc_status_code: (x) => REMOVED_PROVIDERS.has(l(x, 'provider')),
  side_car_api_response_latency: (x) => REMOVED_PROVIDERS.has(l(x, 'provider')),
  side_car_web_socket_connection_status: (x) => REMOVED_PROVIDERS.has(l(x, 'provider')),
  side_car_web_socket_data_handler_status: (x) => REMOVED_PROVIDERS.has(l(x, 'provider')),
  side_car_web_socket_response_time: (x) => REMOVED_PROVIDERS.has(l(x, 'provider')),
  side_car_web_socket_connections: (x) => REMOVED_PROVIDERS.has(l(x, 'provider')),
  side_car_web_socket_connections_configured: (x) => REMOVED_PROVIDERS.has(l(x, 'provider')),
  side_car_provider_unavailable: (x) => REMOVED_PROVIDERS.has(l(x, 'provider')),
};

const QUOTES: Record<string, string> = {
  BTCUSDT: '60000', XXBTZUSD: '60010', 'BTC-USDT': '59990', XETHZUSD: '3000', 'ETH-USDT': '3001', 'ETH-USD': '2999',
  'SOL-USDT': '150', 'SOL,USDC': '150.5', dogeusd: '0.1', DOGEUSDT: '0.11', 'ATOM-USDT': '9',
};
const KIND: Record<string, 'api' | 'websockets'> = {
  binance_ws: 'websockets', okx_ws: 'websockets', coinbase_ws: 'websockets', kraken_api: 'api', raydium_api: 'api', bitstamp_api: 'api',
};

interface World {
  m: Metrics;
  registry: SidecarRegistry;
  store: QuoteStore;
  aggregator: Aggregator;
  providers: Map<string, ProviderMetrics>;
  ages: PriceAges;
}

/** Write every family for `map` the way the running side-car does. */
function run(map: MarketMap): World {
  const registry = new SidecarRegistry();
  const m = createMetrics(registry, false);
  const store = new QuoteStore();
  const now = Date.now();
  const aggregator = new Aggregator(map, store, new TickMetrics(m), 60_000);
  const providers = new Map<string, ProviderMetrics>();
  for (const [name, tickers] of providerTickers(map)) {
    const kind = KIND[name];
    if (!kind) continue;
    const p = new ProviderMetrics(m, name, kind);
    providers.set(name, p);
    for (const { offChainTicker: t } of tickers) {
      store.update(name, t, QUOTES[t] ?? '1', now);
      p.delivered(p.deliverySeries(t), 1_700_000_000);
      p.priceFailed(t, 3);
      if (kind === 'api') p.apiTickerStatus(t, 'success');
    }
    if (kind === 'api') {
      p.apiLatency(12);
      p.apiHttpStatus(200);
      if (name === 'raydium_api') p.rpcCall(0, true, 8);
    } else {
      p.wsConnection('dial_success');
      p.wsHandler('create_message_success');
      p.wsMessageRead();
      p.wsResponseTime(40);
      p.wsConnectionUp();
      p.wsConfigured(1);
    }
  }
  // A market-map provider's own series (providers/marketmap/): its chain id as `id`.
  for (const provider of ['dydx_api', 'my_chain_api']) {
    m.statusResponsesPerId.inc({ provider, id: 'dydx-node', status: 'success', code: '0', type: 'api' });
    m.statusResponses.inc({ provider, status: 'success', code: '0', type: 'api' });
    m.lastUpdatedId.set({ provider, id: 'dydx-node', type: 'api' }, 1_700_000_000);
    m.apiInternalStatus.inc({ provider, id: 'dydx-node', internal_status: 'success' });
    m.apiHttpStatus.inc({ provider, status_code: '2XX', status_code_exact: '200' });
    m.apiRpcStatus.inc({ provider, status_code: 'ok', endpoint: 'redacted_url' });
    m.apiLatency.observe({ provider, endpoint: 'redacted_url' }, 30);
  }
  // support.ts's families.
  for (const id of ['sol/usd', 'btc/usd']) m.marketUnsupported.set({ id }, 1);
  for (const provider of ['raydium_api', 'binance_ws', 'dydx_api']) m.providerUnavailable.set({ provider, reason: 'not_implemented' }, 1);
  const ages = new PriceAges(m.priceAge, store, now);
  ages.setFeeds(providerTickers(map));
  ages.write(now);
  aggregator.tick(now);
  aggregator.tick(now);
  return { m, registry, store, aggregator, providers, ages };
}

type Sample = { family: string; key: string; labels: Labels; value: number };

async function scrape(registry: SidecarRegistry): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const [family, f] of parseExposition(await registry.metrics())) {
    for (const s of f.samples) {
      const labels = Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
      out.push({ family, key: `${s.name}{${labels}}`, labels: s.labels, value: s.value });
    }
  }
  return out;
}

describe('retireRemoved', () => {
  it('drops every series of what the new map no longer references and leaves the rest untouched', async () => {
    const w = run(PREV);
    const before = await scrape(w.registry);
    const retired = await retireRemoved(w.m, PREV, NEXT, ORACLE);
    const after = new Map((await scrape(w.registry)).map((s) => [s.key, s.value]));

    for (const family of Object.keys(RULES)) {
      const own = before.filter((s) => s.family === family);
      const gone = own.filter((s) => RULES[family]?.(s.labels));
      // Each family had series of both kinds, so the assertions below test something.
      expect(gone.length, `${family}: series to retire`).toBeGreaterThan(0);
      expect(own.length - gone.length, `${family}: series to keep`).toBeGreaterThan(0);
    }
    let expectedGone = 0;
    for (const s of before) {
      const rule = RULES[s.family];
      if (rule?.(s.labels)) {
        expectedGone += 1;
        expect(after.has(s.key), `${s.key} retired`).toBe(false);
      } else {
        expect(after.get(s.key), `${s.key} kept`).toBe(s.value);
      }
    }
    expect(after.size).toBe(before.length - expectedGone);
    // The market-map providers' own series are all still there.
    for (const provider of ['dydx_api', 'my_chain_api']) {
      expect(before.filter((s) => s.key.includes(`provider=${provider}`) && !s.key.includes('id=sol/usd')).every((s) => after.get(s.key) === s.value)).toBe(true);
    }
    // The count of exposed series retired (a histogram counts once).
    expect(retired).toBeGreaterThan(50);
  });

  it('a retired series comes back from zero only when written again, and ticks over the new map do not revive it', async () => {
    const w = run(PREV);
    await retireRemoved(w.m, PREV, NEXT, ORACLE);
    w.aggregator.setMarketMap(NEXT);
    w.aggregator.tick();
    w.ages.setFeeds(providerTickers(NEXT));
    w.ages.write();
    const now = await scrape(w.registry);
    const keys = new Set(now.map((s) => s.key));
    for (const { key, labels: x } of now) {
      expect(REMOVED_MARKETS.has(x.id ?? '') || REMOVED_PRICES.has(`${x.id} ${x.decimals}`), key).toBe(false);
    }
    const atom = now.filter((s) => s.family === 'side_car_aggregated_price' && s.labels.id === 'atom/usd').map((s) => s.labels.decimals);
    expect(atom).toEqual(['8']);
    // kraken_api still runs (BTC/USD) and holds its XETHZUSD handle: it reappears only when
    // delivered again, counting from zero.
    const perId = 'side_car_provider_status_responses_per_id{code=0,id=xethzusd,provider=kraken_api,status=success,type=api}';
    expect(keys.has(perId)).toBe(false);
    const kraken = w.providers.get('kraken_api');
    kraken?.delivered(kraken.deliverySeries('XETHZUSD'), 1_700_000_100);
    expect(new Map((await scrape(w.registry)).map((s) => [s.key, s.value])).get(perId)).toBe(1);
    // A kept counter went on counting.
    const btc = (await scrape(w.registry)).find((s) => s.key === 'side_car_health_check_ticker_updates_total{id=btc/usd}');
    expect(btc?.value).toBe(3);
  });

  it('retires nothing when the map only grows, and what it added when it shrinks back', async () => {
    const grown: MarketMap = { markets: { ...NEXT.markets, 'SOL/USD': PREV.markets['SOL/USD'] as MarketMap['markets'][string] } };
    const w = run(NEXT);
    const before = await scrape(w.registry);
    expect(await retireRemoved(w.m, NEXT, grown, ORACLE)).toBe(0);
    expect(await scrape(w.registry)).toEqual(before);
    w.aggregator.setMarketMap(grown);
    w.aggregator.tick();
    expect((await scrape(w.registry)).filter((s) => s.labels.id === 'sol/usd').length).toBeGreaterThan(0);
    w.aggregator.setMarketMap(NEXT);
    expect(await retireRemoved(w.m, grown, NEXT, ORACLE)).toBeGreaterThan(0);
    expect((await scrape(w.registry)).filter((s) => s.labels.id === 'sol/usd')).toEqual([]);
  });
});
