/** The simulated dYdX node itself (src/sim/dydx-node.ts): its wire formats, gRPC versions,
 *  faults, control routes, and going down and back on the same ports. */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createMarketMapClient, type MarketMapClient, type MarketMapQuery } from '../../src/providers/marketmap/client.js';
import { startDydxNode, type DydxMarket, type DydxNode } from '../../src/sim/dydx-node.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { waitFor } from '../helpers/metrics.js';

const BTC: DydxMarket = { pair: 'BTC-USD', exponent: -5, minExchanges: 1, cmcId: 1, exchanges: [{ exchangeName: 'Kraken', ticker: 'XXBTZUSD' }, { exchangeName: 'Binance', ticker: 'BTCUSDT', adjustByMarket: 'USDT-USD' }] };
const ETH: DydxMarket = { pair: 'ETH-USD', exponent: -6, minExchanges: 1, exchanges: [{ exchangeName: 'Kraken', ticker: 'XETHZUSD' }] };

let node: DydxNode | undefined;
let client: MarketMapClient | undefined;

afterEach(async () => {
  client?.close();
  client = undefined;
  await node?.close();
});

const get = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, text: await r.text() };
};
const post = async (path: string, body: unknown) => {
  const r = await fetch(`${node!.restUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

describe('simulated dYdX node: REST', () => {
  it('serves x/prices market params with exchange_config_json as a JSON string, honouring pagination.limit', async () => {
    node = await startDydxNode({ markets: [BTC, ETH] });
    const r = await get(`${node.restUrl}/dydxprotocol/prices/params/market?pagination.limit=10000`);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text) as { market_params: Array<Record<string, unknown>>; pagination: object };
    expect(body.market_params[0]).toEqual({
      id: 0, pair: 'BTC-USD', exponent: -5, min_exchanges: 1, min_price_change_ppm: 1000,
      exchange_config_json: '{"exchanges":[{"exchangeName":"Kraken","ticker":"XXBTZUSD"},{"exchangeName":"Binance","ticker":"BTCUSDT","adjustByMarket":"USDT-USD"}]}',
    });
    expect(body.pagination).toEqual({ next_key: null, total: '2' });
    const one = JSON.parse((await get(`${node.restUrl}/dydxprotocol/prices/params/market?pagination.limit=1`)).text) as { market_params: unknown[] };
    expect(one.market_params).toHaveLength(1);
    expect((await get(`${node.restUrl}/cosmos/base/tendermint/v1beta1/node_info`)).status).toBe(404);
  });

  it('serves the research JSON keyed by base asset with a real exchange array and cmcId', async () => {
    node = await startDydxNode({ research: [BTC, ETH] });
    const body = JSON.parse((await get(node.researchUrl)).text) as Record<string, { params: Record<string, unknown>; meta: object }>;
    expect(Object.keys(body)).toEqual(['BTC', 'ETH']);
    expect(body.BTC?.params).toMatchObject({ ticker: 'BTC-USD', priceExponent: -5, minExchanges: 1, exchangeConfigJson: BTC.exchanges });
    expect(body.BTC?.meta).toEqual({ cmcId: 1 });
    expect(body.ETH?.meta).toEqual({});
  });

  it('injects 429, malformed JSON and slow answers per route', async () => {
    node = await startDydxNode({ markets: [BTC], research: [BTC] });
    const prices = `${node.restUrl}/dydxprotocol/prices/params/market`;
    node.setFault('prices', { mode: 'status', status: 429 });
    expect((await get(prices)).status).toBe(429);
    expect((await get(node.researchUrl)).status).toBe(200);
    node.setFault('prices', { mode: 'malformed' });
    const malformed = (await get(prices)).text;
    expect(() => JSON.parse(malformed) as unknown).toThrow();
    node.setFault('prices', { mode: 'slow', delayMs: 300 });
    const t0 = Date.now();
    expect((await get(prices)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(node.calls()).toMatchObject({ prices: 3, research: 1 });
  });

  it('goes down and comes back on the same ports', async () => {
    node = await startDydxNode({ markets: [BTC] });
    const url = `${node.restUrl}/dydxprotocol/prices/params/market`;
    await node.stop();
    await expect(fetch(url)).rejects.toThrow();
    await node.restart();
    expect((await get(url)).status).toBe(200);
  });
});

describe('simulated dYdX node: gRPC x/marketmap', () => {
  const mm = marketMap(market('ETH/USD', 6, 1, [feed('kraken_api', 'XETHZUSD', { normalize: 'USDT/USD' })]));

  it('answers UNIMPLEMENTED while x/marketmap is off, then v1 only by default', async () => {
    node = await startDydxNode();
    const heard: MarketMapQuery[] = [];
    client = createMarketMapClient(node.grpcAddress, { maxReconnectBackoffMs: 200, onVersion: (q) => heard.push(q) });
    await expect(client.marketMap(1000)).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    node.setMarketMap(mm);
    const r = (await client.marketMap(1000)) as { market_map: { markets: Record<string, { ticker: { decimals: string }; provider_configs: Array<{ normalize_by_pair: unknown }> }> } };
    expect(r.market_map.markets['ETH/USD']?.ticker.decimals).toBe('6');
    expect(r.market_map.markets['ETH/USD']?.provider_configs[0]?.normalize_by_pair).toEqual({ Base: 'USDT', Quote: 'USD' });
    expect(heard).toEqual(['slinky.marketmap.v1.Query']);
    expect(node.calls()).toMatchObject({ v1: 2, v2: 2 });
  });

  it('serves v2 when asked to, and comes back after going down', async () => {
    node = await startDydxNode({ marketMap: mm, versions: ['v2'] });
    const heard: MarketMapQuery[] = [];
    client = createMarketMapClient(node.grpcAddress, { maxReconnectBackoffMs: 200, onVersion: (q) => heard.push(q) });
    await client.marketMap(1000);
    expect(heard).toEqual(['connect.marketmap.v2.Query']);
    await node.stop();
    await expect(client.marketMap(300)).rejects.toBeDefined();
    await node.restart();
    const c = client;
    await waitFor(() => c.marketMap(300).then(() => true, () => false), 10_000, 100);
    expect(node.calls().v2).toBeGreaterThanOrEqual(2);
  });
});

describe('simulated dYdX node: control routes', () => {
  it('drives markets, x/marketmap, versions and faults over HTTP, rejecting bad input by field', async () => {
    node = await startDydxNode();
    expect((await post('/sim/markets', { markets: [BTC] })).status).toBe(200);
    expect((await post('/sim/add-market', { market: ETH })).status).toBe(200);
    expect((await post('/sim/remove-market', { pair: 'BTC-USD' })).status).toBe(200);
    expect(node.markets().map((m) => m.pair)).toEqual(['ETH-USD']);
    expect((await post('/sim/marketmap', { market_map: { markets: { 'ETH/USD': { ticker: { currency_pair: { Base: 'ETH', Quote: 'USD' }, decimals: 6, min_provider_count: 1, enabled: true }, provider_configs: [] } } } })).status).toBe(200);
    expect((await post('/sim/versions', { versions: ['v2', 'v1'] })).status).toBe(200);
    expect((await post('/sim/fault', { route: 'prices', fault: { mode: 'status', status: 500 } })).status).toBe(200);
    expect((await get(`${node.restUrl}/dydxprotocol/prices/params/market`)).status).toBe(500);
    expect(await post('/sim/markets', { markets: [{ ...ETH, exponent: 'x' }] })).toEqual({ status: 400, body: { error: 'markets[0].exponent must be an integer', field: 'markets[0].exponent' } });
    expect((await post('/sim/fault', { route: 'nope', fault: { mode: 'none' } })).body.field).toBe('route');
    expect((await post('/sim/nothing', {})).status).toBe(404);
    const state = JSON.parse((await get(`${node.restUrl}/sim/state`)).text) as { markets: DydxMarket[] };
    expect(state.markets.map((m) => m.pair)).toEqual(['ETH-USD']);
  });
});
