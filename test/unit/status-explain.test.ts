/**
 * /status explains the last tick from what the tick left in its plan: every market state and
 * feed reason, the conversions, and the same numbers as the served snapshot, never numbers
 * recomputed from quotes that arrived after the tick.
 */
import { describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { Aggregator, type TickObserver } from '../../src/oracle/aggregator.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { ProviderState } from '../../src/providers/state.js';
import { ErrorCode } from '../../src/providers/types.js';
import { StatusEndpoint } from '../../src/status/endpoint.js';
import { explain, type StatusSource } from '../../src/status/explain.js';
import type { FeedStatus, MarketStatus, StatusReport } from '../../src/status/types.js';
import { feed, market, marketMap } from '../helpers/market.js';

const NOW = 1_700_000_000_000;
const MAX_AGE = 60_000;
const idle: TickObserver = { setPlan: () => undefined, record: () => undefined };

const MAP = marketMap(
  market('USDT/USD', 9, 1, [feed('okx_ws', 'USDT-USD')]),
  market('BTC/USD', 5, 2, [
    feed('coinbase_ws', 'BTC-USD'),
    feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' }),
    feed('kraken_api', 'USD-BTC', { invert: true }),
    feed('bybit_ws', 'BTCUSD'),
    feed('gate_ws', 'BTC_USD'),
    feed('mexc_ws', 'BTCUSD'),
    feed('nowhere_api', 'BTC-USD'),
  ]),
  market('ETH/USD', 6, 3, [feed('coinbase_ws', 'ETH-USD'), feed('bybit_ws', 'ETHUSD'), feed('huobi_ws', 'ethusd')]),
  market('EUR/USD', 6, 1, [feed('coinbase_ws', 'EUR-USD')], false),
  market('GBP/USD', 6, 1, [feed('okx_ws', 'GBP-EUR', { normalize: 'EUR/USD' })]),
  market('SOL/USD', 6, 1, [feed('okx_ws', 'SOL-USD')]),
  market('DOGE/USD', 8, 1, [feed('okx_ws', 'DOGE-SOL', { normalize: 'SOL/USD' }), feed('okx_ws', 'DOGE-ZERO')]),
  market('ZZZ/USD', 6, 1, [feed('nowhere_api', 'ZZZ-USD')]),
);

function setup(map: MarketMap = MAP) {
  const store = new QuoteStore();
  const agg = new Aggregator(map, store, idle, MAX_AGE);
  const providers = new Map<string, ProviderState>();
  let current = map;
  const source = (): StatusSource => ({
    version: '9.9.9',
    marketMap: current,
    lastTick: agg.lastTick(),
    updateIntervalMs: 250,
    maxPriceAgeMs: MAX_AGE,
    providers,
    unavailable: new Map([['nowhere_api', 'not_implemented']]),
    unsupported: new Set(['ZZZ/USD']),
  });
  const setMap = (m: MarketMap) => {
    current = m;
    agg.setMarketMap(m);
  };
  return { store, agg, providers, source, setMap };
}

const find = (r: StatusReport | undefined, id: string): MarketStatus => {
  const m = r?.markets.find((x) => x.market === id);
  if (!m) throw new Error(`no ${id} in the report`);
  return m;
};
const feedOf = (m: MarketStatus, provider: string, ticker?: string): FeedStatus => {
  const f = m.feeds.find((x) => x.provider === provider && (ticker === undefined || x.ticker === ticker));
  if (!f) throw new Error(`no ${provider} feed in ${m.market}`);
  return f;
};

/** Two ticks: the first prices USDT/USD, the second uses its median to normalise. */
function priced() {
  const s = setup();
  const { store } = s;
  store.update('okx_ws', 'USDT-USD', '1.0002', NOW);
  store.update('coinbase_ws', 'BTC-USD', '64000.5', NOW);
  store.update('binance_ws', 'BTCUSDT', '63990', NOW);
  store.update('kraken_api', 'USD-BTC', '0.0000156', NOW);
  store.update('bybit_ws', 'BTCUSD', '64100', NOW - MAX_AGE - 5000);
  store.fail('mexc_ws', 'BTCUSD', ErrorCode.RateLimitExceeded, NOW - 1000);
  store.update('coinbase_ws', 'ETH-USD', '3400', NOW);
  store.update('okx_ws', 'GBP-EUR', '1.17', NOW);
  store.update('okx_ws', 'DOGE-SOL', '0.001', NOW);
  store.update('okx_ws', 'DOGE-ZERO', '0', NOW);
  s.agg.tick(NOW - 250);
  const snapshot = s.agg.tick(NOW);
  return { ...s, snapshot };
}

describe('/status: markets', () => {
  it('a served market shows the served integer, the exact median and the tick time, as the snapshot has them', () => {
    const { source, snapshot } = priced();
    const btc = find(explain(source(), NOW + 10), 'BTC/USD');
    expect(btc.state).toBe('served');
    expect(btc.price).toBe(snapshot.prices['BTC/USD']);
    expect(btc.price).not.toBeNull();
    expect(btc.tick).toBe(new Date(NOW).toISOString());
    expect(btc.providers_used).toBe(3);
    expect(btc.min_providers).toBe(2);
    // 64000.5, 63990 × 1.0002 = 64002.798, 1 / 0.0000156 = 64102.56…: the middle one.
    expect(btc.median).toBe('64002.798');
    expect(btc.price).toBe('6400279800');
  });

  it('each state has its reason: below min, normaliser missing, unsupported, disabled', () => {
    const { source } = priced();
    const r = explain(source(), NOW + 10);
    expect(find(r, 'ETH/USD')).toMatchObject({ state: 'below_min_providers', price: null, providers_used: 1, min_providers: 3 });
    expect(find(r, 'ETH/USD').reason).toMatch(/1 fresh provider prices, min_provider_count is 3/);
    expect(find(r, 'GBP/USD')).toMatchObject({ state: 'normalizer_missing', price: null });
    expect(find(r, 'ZZZ/USD')).toMatchObject({ state: 'unsupported', price: null });
    expect(find(r, 'EUR/USD')).toMatchObject({ state: 'disabled', enabled: false, price: null, tick: null });
    expect(find(r, 'SOL/USD')).toMatchObject({ state: 'below_min_providers' });
    expect(find(r, 'DOGE/USD')).toMatchObject({ state: 'normalizer_missing' });
    expect(r?.summary).toEqual({
      markets: 8,
      enabled: 7,
      served: 2,
      not_served: ['DOGE/USD', 'ETH/USD', 'GBP/USD', 'SOL/USD', 'ZZZ/USD'],
    });
  });

  it('markets are sorted by id; one market by name, in any case; an unknown one is undefined', () => {
    const { source } = priced();
    const all = explain(source(), NOW);
    expect(all?.markets.map((m) => m.market)).toEqual([...(all?.markets.map((m) => m.market) ?? [])].sort());
    const one = explain(source(), NOW, 'btc/usd');
    expect(one?.markets.map((m) => m.market)).toEqual(['BTC/USD']);
    expect(one?.providers.map((p) => p.name)).toEqual(['binance_ws', 'bybit_ws', 'coinbase_ws', 'gate_ws', 'kraken_api', 'mexc_ws', 'nowhere_api']);
    expect(explain(source(), NOW, 'NOPE/USD')).toBeUndefined();
  });

  it('every market is pending between a new market map and its first tick', () => {
    const s = priced();
    s.setMap(marketMap(...Object.entries(MAP.markets).filter(([k]) => k !== 'ETH/USD')));
    const r = explain(s.source(), NOW + 10);
    expect(r?.markets.every((m) => m.state === 'pending' || m.state === 'disabled')).toBe(true);
    expect(r?.markets.map((m) => m.market)).not.toContain('ETH/USD');
    s.agg.tick(NOW + 250);
    expect(find(explain(s.source(), NOW + 260), 'BTC/USD').state).toBe('served');
  });
});

describe('/status: feeds', () => {
  it('used feeds show the raw quote, its age at the tick, the inversion, the normaliser and the deviation', () => {
    const { source } = priced();
    const btc = find(explain(source(), NOW + 10), 'BTC/USD');
    expect(feedOf(btc, 'coinbase_ws')).toMatchObject({ state: 'used', reason: null, quote: '64000.5', quote_age_seconds: 0, value: 64000.5, inverted: null, normalizer: null });
    expect(feedOf(btc, 'binance_ws')).toMatchObject({ state: 'used', quote: '63990', normalize_by: 'USDT/USD', normalizer: '1.0002' });
    expect(feedOf(btc, 'binance_ws').value).toBeCloseTo(63990 * 1.0002, 6);
    expect(feedOf(btc, 'binance_ws').deviation).toBeCloseTo(0, 12);
    const kraken = feedOf(btc, 'kraken_api');
    expect(kraken).toMatchObject({ state: 'used', invert: true, quote: '0.0000156' });
    expect(kraken.inverted).toBeCloseTo(1 / 0.0000156, 6);
    expect(kraken.deviation).toBeCloseTo((1 / 0.0000156 - 64002.798) / 64002.798, 12);
  });

  it('every feed has the same keys in the same order, however it was written', () => {
    const { source } = priced();
    const r = explain(source(), NOW + 10);
    const keys = (f: FeedStatus) => Object.keys(f).join(',');
    const btc = find(r, 'BTC/USD');
    const expected = 'provider,ticker,invert,normalize_by,state,reason,detail,quote,quote_age_seconds,inverted,normalizer,value,deviation,error';
    for (const f of [...btc.feeds, ...find(r, 'ETH/USD').feeds, ...find(r, 'EUR/USD').feeds]) expect(keys(f)).toBe(expected);
    expect(feedOf(find(r, 'ETH/USD'), 'coinbase_ws')).toMatchObject({ state: 'priced', quote: '3400', deviation: null, error: null });
  });

  it('excluded feeds say why: stale, not received, error code, unavailable provider, normaliser, invalid price', () => {
    const { source } = priced();
    const r = explain(source(), NOW + 10);
    const btc = find(r, 'BTC/USD');
    expect(feedOf(btc, 'bybit_ws')).toMatchObject({ state: 'excluded', reason: 'stale', quote: '64100', quote_age_seconds: 65, value: null });
    expect(feedOf(btc, 'bybit_ws').detail).toMatch(/max_price_age 60 s/);
    expect(feedOf(btc, 'gate_ws')).toMatchObject({ state: 'excluded', reason: 'not_received', quote: null, error: null });
    expect(feedOf(btc, 'mexc_ws')).toMatchObject({ state: 'excluded', reason: 'error', detail: '1: rate limit exceeded' });
    expect(feedOf(btc, 'mexc_ws').error).toEqual({ code: 1, message: 'rate limit exceeded', seconds_ago: 1.01 });
    expect(feedOf(btc, 'nowhere_api')).toMatchObject({ state: 'excluded', reason: 'provider_unavailable', detail: 'not_implemented' });
    expect(feedOf(find(r, 'GBP/USD'), 'okx_ws')).toMatchObject({ reason: 'normalizer_missing', quote: '1.17', value: null });
    expect(feedOf(find(r, 'DOGE/USD'), 'okx_ws', 'DOGE-SOL')).toMatchObject({ reason: 'normalizer_unpriced' });
    expect(feedOf(find(r, 'DOGE/USD'), 'okx_ws', 'DOGE-ZERO')).toMatchObject({ reason: 'invalid_price', quote: '0' });
    expect(feedOf(find(r, 'ETH/USD'), 'coinbase_ws')).toMatchObject({ state: 'priced', value: 3400, deviation: null });
    expect(feedOf(find(r, 'EUR/USD'), 'coinbase_ws')).toMatchObject({ state: 'excluded', reason: 'market_disabled' });
  });

  it('an error older than the quote held does not replace the reason; a fresh quote keeps the feed used', () => {
    const s = priced();
    s.store.fail('coinbase_ws', 'BTC-USD', 500, NOW - 5);
    s.store.update('bybit_ws', 'BTCUSD', '64100', NOW - MAX_AGE - 1000);
    s.store.fail('bybit_ws', 'BTCUSD', 500, NOW - MAX_AGE - 2000);
    s.agg.tick(NOW + 250);
    const btc = find(explain(s.source(), NOW + 260), 'BTC/USD');
    expect(feedOf(btc, 'coinbase_ws')).toMatchObject({ state: 'used', reason: null });
    expect(feedOf(btc, 'coinbase_ws').error?.code).toBe(500);
    expect(feedOf(btc, 'bybit_ws')).toMatchObject({ reason: 'stale' });
  });

  it('shows the quotes the last tick used, not quotes that arrived after it', () => {
    const s = priced();
    const before = find(explain(s.source(), NOW + 10), 'BTC/USD');
    s.store.update('coinbase_ws', 'BTC-USD', '70000', NOW + 100);
    s.store.update('gate_ws', 'BTC_USD', '70001', NOW + 100);
    expect(find(explain(s.source(), NOW + 10), 'BTC/USD')).toEqual(before);
    const next = s.agg.tick(NOW + 250);
    const after = find(explain(s.source(), NOW + 260), 'BTC/USD');
    expect(feedOf(after, 'coinbase_ws').quote).toBe('70000');
    expect(feedOf(after, 'gate_ws').state).toBe('used');
    expect(after.price).toBe(next.prices['BTC/USD']);
    expect(after.price).not.toBe(before.price);
  });
});

describe('/status: providers', () => {
  it('WebSocket up, degraded, down; API up, failing, starting; unavailable with its reason', () => {
    const s = priced();
    const ws = (healthy: number, configured: number) => Object.assign(new ProviderState('websockets'), { healthy, configured });
    const api = (delivered: number, failed: number, code = 0) =>
      Object.assign(new ProviderState('api'), { lastDeliveryAt: delivered, lastErrorAt: failed, lastErrorCode: code });
    s.providers.set('coinbase_ws', ws(2, 2));
    s.providers.set('binance_ws', ws(1, 2));
    s.providers.set('bybit_ws', ws(0, 1));
    s.providers.set('kraken_api', api(NOW - 2000, 0));
    s.providers.set('mexc_ws', ws(1, 1));
    s.providers.set('gate_ws', api(NOW - 9000, NOW - 1000, 429));
    const byName = new Map(explain(s.source(), NOW, 'BTC/USD')?.providers.map((p) => [p.name, p]));
    expect(byName.get('coinbase_ws')).toMatchObject({ state: 'up', connections: { healthy: 2, configured: 2 } });
    expect(byName.get('binance_ws')).toMatchObject({ state: 'degraded', connections: { healthy: 1, configured: 2 } });
    expect(byName.get('bybit_ws')).toMatchObject({ state: 'down' });
    expect(byName.get('kraken_api')).toMatchObject({ state: 'up', transport: 'api', connections: null, last_delivery_seconds_ago: 2, last_error: null });
    expect(byName.get('gate_ws')).toMatchObject({ state: 'failing', last_error: { code: 429, message: 'unknown error', seconds_ago: 1 } });
    expect(byName.get('nowhere_api')).toMatchObject({ state: 'unavailable', reason: 'not_implemented', transport: null });
    s.providers.set('kraken_api', new ProviderState('api'));
    expect(explain(s.source(), NOW, 'BTC/USD')?.providers.find((p) => p.name === 'kraken_api')?.state).toBe('starting');
  });
});

describe('/status endpoint', () => {
  const text = (body: readonly Buffer[]) => Buffer.concat(body).toString('utf8');

  it('the whole map, built in slices, is the report explain() gives', async () => {
    const s = priced();
    const endpoint = new StatusEndpoint(s.source, { sliceMs: 0 });
    const answer = await endpoint.answer(undefined, NOW + 10);
    expect(answer.code).toBe(200);
    expect(JSON.parse(text(answer.body))).toEqual(JSON.parse(JSON.stringify(explain(s.source(), NOW + 10))));
  });

  it('yields to the event loop between slices: a tick during the build shows in the markets built after it', async () => {
    const s = priced();
    const endpoint = new StatusEndpoint(s.source, { sliceMs: 0 });
    const pending = endpoint.answer(undefined, NOW + 10);
    setImmediate(() => s.agg.tick(NOW + 250));
    const r = JSON.parse(text((await pending).body)) as StatusReport;
    const ticks = r.markets.map((m) => m.tick).filter((t) => t !== null);
    expect(ticks[0]).toBe(new Date(NOW).toISOString());
    expect(ticks.at(-1)).toBe(new Date(NOW + 250).toISOString());
  });

  it('is built once per tick: asked again in the same tick it answers the same bytes, after a tick anew', async () => {
    const s = priced();
    const endpoint = new StatusEndpoint(s.source, { sliceMs: 0 });
    const [a, b] = await Promise.all([endpoint.answer(undefined, NOW + 10), endpoint.answer(undefined, NOW + 20)]);
    expect(b.body).toBe(a.body);
    expect((await endpoint.answer(undefined, NOW + 30)).body).toBe(a.body);
    s.agg.tick(NOW + 250);
    const c = await endpoint.answer(undefined, NOW + 260);
    expect(c.body).not.toBe(a.body);
    expect(JSON.parse(text(c.body)).tick).toBe(new Date(NOW + 250).toISOString());
  });

  it('reuses the buffer of an answer only once every response writing it has released it', async () => {
    const s = priced();
    const endpoint = new StatusEndpoint(s.source, { sliceMs: 0 });
    const a = await endpoint.answer(undefined, NOW + 10);
    const aText = text(a.body);
    s.agg.tick(NOW + 250);
    const b = await endpoint.answer(undefined, NOW + 260);
    const bText = text(b.body);
    expect(text(a.body)).toBe(aText);
    expect(b.body[1]?.buffer).not.toBe(a.body[1]?.buffer);
    a.release();
    a.release();
    s.agg.tick(NOW + 500);
    const c = await endpoint.answer(undefined, NOW + 510);
    expect(c.body[1]?.buffer).toBe(a.body[1]?.buffer);
    expect(text(b.body)).toBe(bText);
    expect(JSON.parse(text(c.body)).tick).toBe(new Date(NOW + 500).toISOString());
    b.release();
    c.release();
  });

  it('one market: 200 with that market, 404 naming an unknown one', async () => {
    const s = priced();
    const endpoint = new StatusEndpoint(s.source);
    const one = await endpoint.answer('eth/usd', NOW);
    expect(JSON.parse(text(one.body)).markets.map((m: MarketStatus) => m.market)).toEqual(['ETH/USD']);
    const missing = await endpoint.answer('XYZ/USD', NOW);
    expect(missing.code).toBe(404);
    expect(JSON.parse(text(missing.body))).toEqual({ error: 'market XYZ/USD is not in the market map', market: 'XYZ/USD' });
  });
});
