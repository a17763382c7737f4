/**
 * MarketMapPoller running the dYdX market-map providers against the simulated dYdX node
 * (src/sim/dydx-node.ts) over real sockets: dydx_api, dydx_migration_api through its
 * switch-over (v1-only node, as dYdX v7), and both research providers.
 */
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { marketMapProviderDefaults, type MarketMapProviderName } from '../../src/config/defaults.js';
import type { MarketMap } from '../../src/config/types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { MarketMapPoller } from '../../src/providers/marketmap/poller.js';
import { startDydxNode, type DydxMarket, type DydxNode } from '../../src/sim/dydx-node.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { histogramCount, sample, waitFor } from '../helpers/metrics.js';
import { silentLog } from '../helpers/silent-log.js';

const BTC: DydxMarket = { pair: 'BTC-USD', exponent: -5, minExchanges: 1, cmcId: 1, exchanges: [{ exchangeName: 'CoinbasePro', ticker: 'BTC-USD' }, { exchangeName: 'Kraken', ticker: 'XXBTZUSD' }] };
const ETH: DydxMarket = { pair: 'ETH-USD', exponent: -6, minExchanges: 1, cmcId: 1027, exchanges: [{ exchangeName: 'Kraken', ticker: 'XETHZUSD' }] };
const SOL: DydxMarket = { pair: 'SOL-USD', exponent: -8, minExchanges: 1, exchanges: [{ exchangeName: 'Kraken', ticker: 'SOLUSD' }] };
const btc = market('BTC/USD', 5, 1, [feed('coinbase_ws', 'BTC-USD'), feed('kraken_api', 'XXBTZUSD')]);
const eth = market('ETH/USD', 6, 1, [feed('kraken_api', 'XETHZUSD')]);
const sol = market('SOL/USD', 8, 1, [feed('kraken_api', 'SOLUSD')]);

let node: DydxNode | undefined;
let poller: MarketMapPoller | undefined;

afterEach(async () => {
  await poller?.stop();
  await node?.close();
  poller = undefined;
});

async function setup(provider: MarketMapProviderName, markets: DydxMarket[], o: { research?: DydxMarket[]; timeout?: number; interval?: number; before?: string } = {}) {
  node = await startDydxNode({ markets, research: o.research ?? [] });
  const registry = new Registry();
  const metrics = createMetrics(registry);
  const overrides = node.oracleOverride().providers[provider] as { api: { endpoints: Array<{ url: string }> } };
  const defaults = marketMapProviderDefaults(provider).api;
  const urls = [...(o.before === undefined ? [] : [o.before]), ...overrides.api.endpoints.map((e) => e.url)];
  const endpoints = urls.map((url) => ({ ...defaults.endpoints[0]!, url }));
  const config = { ...defaults, endpoints, timeout: o.timeout ?? 2000, interval: o.interval ?? 100_000 };
  let current: MarketMap = { markets: {} };
  const applied: MarketMap[] = [];
  poller = new MarketMapPoller({
    provider, config, metrics, log: silentLog(),
    current: () => current,
    apply: (map) => {
      applied.push(map);
      current = map;
      return Promise.resolve(true);
    },
  });
  const base = (status: string, code: string) => sample(registry, 'side_car_provider_status_responses_per_id', { provider, id: 'dydx-node', status, code, type: 'api' });
  const http = (status_code_exact: string) => sample(registry, 'side_car_api_http_status_code', { provider, status_code_exact });
  const internal = (p: string, internal_status: string) => sample(registry, 'side_car_api_response_internal_status', { provider: p, id: 'dydx-node', internal_status });
  return { registry, node, poller, applied, current: () => current, base, http, internal };
}

describe('dydx_api', () => {
  it('applies the converted x/prices map, then follows added and removed markets', async () => {
    const t = await setup('dydx_api', [BTC, ETH]);
    expect(await t.poller.poll()).toBe('applied');
    expect(t.current()).toEqual(marketMap(btc, eth));
    expect(await t.poller.poll()).toBe('unchanged');
    t.node.addMarket(SOL);
    t.node.removeMarket('ETH-USD');
    expect(await t.poller.poll()).toBe('applied');
    expect(t.current()).toEqual(marketMap(btc, sol));
    expect(await t.base('success', '0')).toBe(3);
    expect(await t.http('200')).toBe(3);
    expect(await t.internal('dydx_api', 'success')).toBe(3);
    expect(await histogramCount(t.registry, 'side_car_api_response_latency', { provider: 'dydx_api', endpoint: 'redacted_url' })).toBe(3);
    expect(await sample(t.registry, 'side_car_provider_last_updated_id', { provider: 'dydx_api', id: 'dydx-node', type: 'api' })).toBeGreaterThan(Date.now() / 1000 - 10);
  });

  it('drops only the bad markets of an answer (connect rejected it whole)', async () => {
    const unsupported = { ...SOL, minExchanges: 2, exchanges: [...SOL.exchanges, { exchangeName: 'Nowhere', ticker: 'SOLUSD' }] };
    const t = await setup('dydx_api', [BTC, ETH, { ...SOL, pair: 'BAD-USD', exponent: 0 }, unsupported,
      { ...ETH, pair: 'DUP-USD', exchanges: [{ exchangeName: 'Binance', ticker: 'X' }, { exchangeName: 'BinanceUS', ticker: 'X' }] },
      { ...ETH, pair: 'ADJ-USD', exchanges: [{ exchangeName: 'Kraken', ticker: 'ADJUSDT', adjustByMarket: 'USDT-USD' }] },
      { ...ETH, pair: 'RAW-USD', rawExchangeConfigJson: '{"exchanges":' }]);
    expect(await t.poller.poll()).toBe('applied');
    expect(t.current()).toEqual(marketMap(btc, eth));
  });

  it('keeps the last good map through 429, 500, malformed JSON, a slow answer and the node going down', async () => {
    const t = await setup('dydx_api', [BTC], { timeout: 300 });
    expect(await t.poller.poll()).toBe('applied');
    t.node.setFault('prices', { mode: 'status', status: 429 });
    expect(await t.poller.poll()).toBe('request_error');
    expect(await t.base('failure', '1')).toBe(1);
    t.node.setFault('prices', { mode: 'status', status: 500 });
    expect(await t.poller.poll()).toBe('request_error');
    expect(await t.base('failure', '500')).toBe(1);
    t.node.setFault('prices', { mode: 'malformed' });
    expect(await t.poller.poll()).toBe('invalid_response');
    expect(await t.base('failure', '12')).toBe(1);
    expect(await t.internal('dydx_api', 'failed to decode message')).toBe(1);
    t.node.setFault('prices', { mode: 'slow', delayMs: 2000 });
    const t0 = Date.now();
    expect(await t.poller.poll()).toBe('request_error');
    expect(Date.now() - t0).toBeLessThan(1500);
    t.node.setFault('prices', { mode: 'none' });
    await t.node.stop();
    expect(await t.poller.poll()).toBe('request_error');
    expect(await t.base('failure', '2')).toBe(2);
    expect(await t.http('500')).toBe(3); // the real 500 plus the two answers that never came
    expect(t.current()).toEqual(marketMap(btc));
    t.node.setMarkets([BTC, ETH]);
    await t.node.restart();
    expect(await t.poller.poll()).toBe('applied');
    expect(t.current()).toEqual(marketMap(btc, eth));
  });
});

describe('dydx_api with two endpoints', () => {
  it('moves to the next endpoint when one does not answer (connect used only the first)', async () => {
    const down = await startDydxNode();
    await down.stop();
    const t = await setup('dydx_api', [BTC], { before: down.restUrl });
    expect(await t.poller.poll()).toBe('request_error');
    expect(await t.poller.poll()).toBe('applied');
    expect(t.current()).toEqual(marketMap(btc));
    await down.close();
  });
});

describe('dydx_migration_api on a v1-only node', () => {
  it('serves x/prices until x/marketmap holds markets, then switches for good', async () => {
    const t = await setup('dydx_migration_api', [BTC]);
    const rpc = (status_code: string) => sample(t.registry, 'side_car_api_rpc_status_code', { provider: 'dydx_migration_api', status_code, endpoint: 'redacted_url' });
    expect(await t.poller.poll()).toBe('applied');
    expect(t.current()).toEqual(marketMap(btc));
    expect(await rpc('request_error')).toBe(1); // UNIMPLEMENTED on v2, then on v1
    t.node.setMarketMap({ markets: {} });
    expect(await t.poller.poll()).toBe('unchanged'); // an empty x/marketmap is not a reason to switch
    t.node.setMarketMap(marketMap(eth, sol));
    expect(await t.poller.poll()).toBe('applied');
    expect(t.current()).toEqual(marketMap(eth, sol));
    t.node.setMarkets([BTC, ETH, SOL]);
    t.node.setMarketMap(marketMap(sol));
    expect(await t.poller.poll()).toBe('applied');
    expect(t.current()).toEqual(marketMap(sol));
    const prices = t.node.calls().prices;
    expect(prices).toBe(2);
    expect(t.node.calls().v1).toBe(4);
    expect(await rpc('ok')).toBe(3);
    expect(await t.internal('dydx_api', 'success')).toBe(2);
    expect(await t.internal('marketmap_api', 'success')).toBe(2);
    expect(await t.internal('dydx_migration_api', 'success')).toBe(4);
    expect(await t.http('200')).toBe(2);
    await t.node.stop();
    expect(await t.poller.poll()).toBe('request_error'); // after the switch, x/marketmap only
    expect(t.current()).toEqual(marketMap(sol));
    expect(t.node.calls().prices).toBe(prices);
    expect(await t.base('failure', '15')).toBe(1);
  });
});

describe('dydx research providers', () => {
  const research: DydxMarket[] = [{ ...ETH, exponent: -9, cmcId: 1027 }, SOL, { pair: 'DOGE-USD', exponent: -10, minExchanges: 1, cmcId: 74, exchanges: [{ exchangeName: 'Kraken', ticker: 'XDGUSD' }] }];

  it('dydx_research_json_api: mainnet markets plus research markets mainnet lacks', async () => {
    const t = await setup('dydx_research_json_api', [BTC, ETH], { research });
    expect(await t.poller.poll()).toBe('applied');
    expect(t.current()).toEqual(marketMap(btc, eth, sol, market('DOGE/USD', 10, 1, [feed('kraken_api', 'XDGUSD')])));
    expect(t.node.calls()).toMatchObject({ prices: 1, research: 1 });
    expect(await t.http('200')).toBe(2);
  });

  it('dydx_research_coinmarketcap_api: one CoinMarketCap feed per market, by the research cmcId', async () => {
    const t = await setup('dydx_research_coinmarketcap_api', [BTC, ETH], { research });
    expect(await t.poller.poll()).toBe('applied');
    expect(t.current()).toEqual(marketMap(
      market('ETH/USD', 6, 1, [feed('coinmarketcap_api', '1027')]),
      market('DOGE/USD', 10, 1, [feed('coinmarketcap_api', '74')]),
    )); // BTC: no research entry, no id; SOL: a research entry without cmcId
  });

  it('a failing research JSON keeps the current map', async () => {
    const t = await setup('dydx_research_json_api', [BTC], { research });
    expect(await t.poller.poll()).toBe('applied');
    t.node.setFault('research', { mode: 'status', status: 503 });
    expect(await t.poller.poll()).toBe('request_error');
    expect(await t.base('failure', '503')).toBe(1);
    expect(Object.keys(t.current().markets)).toHaveLength(4);
  });
});

describe('start() and stop()', () => {
  it('polls every interval and stops at once', async () => {
    const t = await setup('dydx_api', [BTC], { interval: 50 });
    t.poller.start();
    await waitFor(() => t.node.calls().prices >= 3, 5000);
    await t.poller.stop();
    const calls = t.node.calls().prices;
    await new Promise((r) => setTimeout(r, 200));
    expect(t.node.calls().prices).toBe(calls);
    expect(t.applied).toHaveLength(1);
  });
});
