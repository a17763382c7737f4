import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { TickMetrics } from '../../src/metrics/tick.js';
import { Aggregator } from '../../src/oracle/aggregator.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { feed, market, marketMap } from '../helpers/market.js';

const NOW = 1_700_000_000_000;
const MAX_AGE = 120_000;

function setup(map: MarketMap, quotes: Array<[string, string, string, number?]>) {
  const registry = new Registry();
  const metrics = createMetrics(registry, false);
  const store = new QuoteStore();
  for (const [provider, ticker, price, age = 0] of quotes) store.update(provider, ticker, price, NOW - age);
  return { agg: new Aggregator(map, store, new TickMetrics(metrics), MAX_AGE), registry, store };
}

async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const m = await registry.getSingleMetric(name)?.get();
  const hit = m?.values.find((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
  return hit?.value;
}

describe('aggregation golden vectors (connect pkg/math/oracle/aggregator_test.go)', () => {
  it('drops a market whose single feed is below min_provider_count', () => {
    const map = marketMap(market('BTC/USD', 8, 2, [feed('coinbase_api', 'BTC-USD'), feed('kraken_api', 'XXBTZUSD')]));
    const { agg } = setup(map, [['coinbase_api', 'BTC-USD', '70000']]);
    const s = agg.tick(NOW);
    expect(s.prices).toEqual({});
    expect(s.missing).toEqual(['BTC/USD']);
  });

  it('normalises USDT feeds by the previous tick index: 70000, 70000×1.1, 69000×1.1 → 75900', () => {
    const map = marketMap(
      market('BTC/USD', 8, 1, [
        feed('coinbase_api', 'BTC-USD'),
        feed('coinbase_ws', 'BTC-USDT', { normalize: 'USDT/USD' }),
        feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' }),
      ]),
      market('USDT/USD', 9, 1, [feed('coinbase_ws', 'USDT-USD')]),
    );
    const { agg } = setup(map, [
      ['coinbase_api', 'BTC-USD', '70000'],
      ['coinbase_ws', 'BTC-USDT', '70000'],
      ['binance_ws', 'BTCUSDT', '69000'],
      ['coinbase_ws', 'USDT-USD', '1.1'],
    ]);
    const first = agg.tick(NOW);
    // First tick: no index yet, only the direct feed counts.
    expect(first.prices).toEqual({ 'BTC/USD': '7000000000000', 'USDT/USD': '1100000000' });
    const second = agg.tick(NOW + 250);
    expect(second.prices['BTC/USD']).toBe('7590000000000');
  });

  it('averages the two middle values of an even count: 1.1 and 1.2 → 1.15', () => {
    const map = marketMap(market('USDT/USD', 9, 1, [feed('coinbase_ws', 'USDT-USD'), feed('okx_ws', 'USDT-USDC')]));
    const { agg, registry } = setup(map, [
      ['coinbase_ws', 'USDT-USD', '1.1'],
      ['okx_ws', 'USDT-USDC', '1.2'],
    ]);
    expect(agg.tick(NOW).prices).toEqual({ 'USDT/USD': '1150000000' });
    return expect(value(registry, 'side_car_aggregated_price', { id: 'usdt/usd', decimals: '9' })).resolves.toBe(1.15);
  });

  it('inverts first, then normalises: (1/70000) × 77000 = 1.1, averaged with 1.0 → 1.05', () => {
    const map = marketMap(
      market('BTC/USD', 8, 1, [feed('coinbase_api', 'BTC-USD')]),
      market('USDT/USD', 9, 1, [
        feed('kucoin_ws', 'BTC-USDT', { invert: true, normalize: 'BTC/USD' }),
        feed('coinbase_ws', 'USDT-USD'),
      ]),
    );
    const { agg } = setup(map, [
      ['coinbase_api', 'BTC-USD', '77000'],
      ['kucoin_ws', 'BTC-USDT', '70000'],
      ['coinbase_ws', 'USDT-USD', '1.0'],
    ]);
    expect(agg.tick(NOW).prices['USDT/USD']).toBe('1000000000');
    expect(agg.tick(NOW + 250).prices['USDT/USD']).toBe('1050000000');
  });
});

describe('aggregation details', () => {
  it('truncates toward zero instead of rounding', () => {
    const map = marketMap(market('ETH/USD', 2, 1, [feed('kraken_api', 'XETHZUSD')]));
    const { agg } = setup(map, [['kraken_api', 'XETHZUSD', '3338.0899999']]);
    expect(agg.tick(NOW).prices).toEqual({ 'ETH/USD': '333808' });
  });

  it('keeps every digit at 36 decimals where float64 would not', () => {
    const map = marketMap(market('PEPE/USD', 36, 1, [feed('kraken_api', 'PEPEUSD')]));
    const { agg } = setup(map, [['kraken_api', 'PEPEUSD', '0.000012345678901234567890123']]);
    expect(agg.tick(NOW).prices['PEPE/USD']).toBe('12345678901234567890123000000000');
  });

  it('ignores quotes older than maxPriceAge and counts them as failed updates', async () => {
    const map = marketMap(market('BTC/USD', 8, 1, [feed('coinbase_api', 'BTC-USD'), feed('kraken_api', 'XXBTZUSD')]));
    const { agg, registry } = setup(map, [
      ['coinbase_api', 'BTC-USD', '70000', MAX_AGE + 1],
      ['kraken_api', 'XXBTZUSD', '71000', MAX_AGE],
    ]);
    expect(agg.tick(NOW).prices).toEqual({ 'BTC/USD': '7100000000000' });
    const labels = { provider: 'coinbase_api', id: 'btc/usd' };
    expect(await value(registry, 'side_car_health_check_provider_updates_total', { ...labels, success: 'false' })).toBe(1);
    expect(await value(registry, 'side_car_health_check_provider_updates_total', { provider: 'kraken_api', id: 'btc/usd', success: 'true' })).toBe(1);
    expect(await value(registry, 'side_car_health_check_market_providers', { id: 'btc/usd' })).toBe(1);
  });

  it('skips disabled markets entirely and counts every tick', async () => {
    const map = marketMap(market('BTC/USD', 8, 1, [feed('coinbase_api', 'BTC-USD')], false));
    const { agg, registry } = setup(map, [['coinbase_api', 'BTC-USD', '70000']]);
    expect(agg.tick(NOW).missing).toEqual([]);
    agg.tick(NOW + 1);
    expect(await value(registry, 'side_car_health_check_system_updates_total', {})).toBe(2);
    expect(await value(registry, 'side_car_health_check_market_providers', { id: 'btc/usd' })).toBeUndefined();
  });

  it('loses a normalised feed on the tick after its index market went missing', () => {
    const map = marketMap(
      market('BTC/USD', 8, 1, [feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' })]),
      market('USDT/USD', 9, 1, [feed('coinbase_ws', 'USDT-USD')]),
    );
    const { agg, store } = setup(map, [
      ['binance_ws', 'BTCUSDT', '70000'],
      ['coinbase_ws', 'USDT-USD', '1.001'],
    ]);
    agg.tick(NOW);
    expect(agg.tick(NOW + 1).prices['BTC/USD']).toBe('7007000000000');
    store.update('coinbase_ws', 'USDT-USD', '1.001', NOW - 10 * MAX_AGE); // ignored: older than held
    const later = NOW + MAX_AGE + 10;
    store.update('binance_ws', 'BTCUSDT', '70000', later);
    // USDT/USD is stale now, but BTC/USD still uses the index of the tick before…
    expect(agg.tick(later).prices).toEqual({ 'BTC/USD': '7007000000000' });
    // …and loses it one tick later.
    expect(agg.tick(later + 1).prices).toEqual({});
  });
});

describe('monitoring metrics set by the tick', () => {
  it('marks served and missing markets, records minimums and deviations from the median', async () => {
    const map = marketMap(
      market('BTC/USD', 8, 1, [feed('coinbase_api', 'BTC-USD'), feed('kraken_api', 'XXBTZUSD'), feed('okx_ws', 'BTC-USD')]),
      market('ETH/USD', 8, 2, [feed('coinbase_api', 'ETH-USD'), feed('kraken_api', 'XETHZUSD')]),
    );
    const { agg, registry } = setup(map, [
      ['coinbase_api', 'BTC-USD', '100'],
      ['kraken_api', 'XXBTZUSD', '102'],
      ['okx_ws', 'BTC-USD', '99'],
      ['coinbase_api', 'ETH-USD', '10'],
    ]);
    agg.tick(NOW);
    expect(await value(registry, 'side_car_market_price_served', { id: 'btc/usd' })).toBe(1);
    expect(await value(registry, 'side_car_market_price_served', { id: 'eth/usd' })).toBe(0);
    expect(await value(registry, 'side_car_market_min_provider_count', { id: 'eth/usd' })).toBe(2);
    expect(await value(registry, 'side_car_provider_price_deviation_ratio', { provider: 'kraken_api', id: 'btc/usd' })).toBeCloseTo(0.02, 12);
    expect(await value(registry, 'side_car_provider_price_deviation_ratio', { provider: 'okx_ws', id: 'btc/usd' })).toBeCloseTo(-0.01, 12);
    expect(await value(registry, 'side_car_provider_price_deviation_ratio', { provider: 'coinbase_api', id: 'eth/usd' })).toBeUndefined();
    expect(await value(registry, 'side_car_last_tick_timestamp_seconds', {})).toBe(NOW / 1000);
  });
});

describe('market map changes', () => {
  it('keeps normalising across a reload with the last tick\'s index; kept markets keep their series', async () => {
    const btc = market('BTC/USD', 8, 1, [feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' })]);
    const usdt = market('USDT/USD', 9, 1, [feed('coinbase_ws', 'USDT-USD')]);
    const eth = market('ETH/USD', 8, 1, [feed('coinbase_ws', 'ETH-USD'), feed('kraken_api', 'XETHZUSD')]);
    const { agg, registry } = setup(marketMap(btc, usdt, eth), [
      ['binance_ws', 'BTCUSDT', '70000'],
      ['coinbase_ws', 'USDT-USD', '1.001'],
      ['coinbase_ws', 'ETH-USD', '3000'],
      ['kraken_api', 'XETHZUSD', '3010'],
    ]);
    agg.tick(NOW);
    expect(await value(registry, 'side_car_provider_price_deviation_ratio', { provider: 'kraken_api', id: 'eth/usd' })).toBeCloseTo(5 / 3005, 12);
    agg.setMarketMap(marketMap(btc, usdt));
    // Between the reload and the next tick a scrape still sees the kept markets.
    expect(await value(registry, 'side_car_market_price_served', { id: 'usdt/usd' })).toBe(1);
    // The first tick after the reload normalises with the medians of the tick before it.
    expect(agg.tick(NOW + 250).prices).toEqual({ 'BTC/USD': '7007000000000', 'USDT/USD': '1001000000' });
    expect(await value(registry, 'side_car_market_price_served', { id: 'btc/usd' })).toBe(1);
    expect(await value(registry, 'side_car_market_min_provider_count', { id: 'usdt/usd' })).toBe(1);
    // The removed market's series are retired at reload by the side-car (retire.ts, metrics-retire.test.ts).
  });

  it('follows a quote that changes between ticks and clears the deviation of a feed that went stale', async () => {
    const map = marketMap(market('BTC/USD', 8, 1, [feed('coinbase_api', 'BTC-USD'), feed('kraken_api', 'XXBTZUSD'), feed('okx_ws', 'BTC-USDT')]));
    const { agg, registry, store } = setup(map, [
      ['coinbase_api', 'BTC-USD', '100'],
      ['kraken_api', 'XXBTZUSD', '101'],
      ['okx_ws', 'BTC-USDT', '102'],
    ]);
    expect(agg.tick(NOW).prices['BTC/USD']).toBe('10100000000');
    store.update('kraken_api', 'XXBTZUSD', '103', NOW + 1);
    expect(agg.tick(NOW + 2).prices['BTC/USD']).toBe('10200000000');
    expect(await value(registry, 'side_car_provider_price', { provider: 'kraken_api', id: 'btc/usd', decimals: '8' })).toBe(103);
    const later = NOW + MAX_AGE + 5;
    store.update('kraken_api', 'XXBTZUSD', '104', later);
    store.update('okx_ws', 'BTC-USDT', '102', later);
    expect(agg.tick(later).prices['BTC/USD']).toBe('10300000000');
    expect(await value(registry, 'side_car_provider_price_deviation_ratio', { provider: 'coinbase_api', id: 'btc/usd' })).toBeUndefined();
    expect(await value(registry, 'side_car_provider_price_deviation_ratio', { provider: 'okx_ws', id: 'btc/usd' })).toBeCloseTo(-1 / 103, 12);
  });

  it('reads a quote the adapter keyed by another spelling, and one dropped and delivered again', () => {
    const map = marketMap(market('BTC/USD', 2, 1, [feed('coinbase_api', 'BTC-USD'), feed('okx_ws', 'btc-usdt'), feed('kraken_api', 'XBT/USD', { invert: true })]));
    const { agg, store } = setup(map, [
      ['coinbase_api', 'btc-usd', '100'],
      ['okx_ws', 'BTC-USDT', '102'],
      ['kraken_api', 'XBT/USD', '0.0099'],
    ]);
    // 1 / 0.0099 = 101.0101…: the median of 100, 101.0101… and 102.
    expect(agg.tick(NOW).prices['BTC/USD']).toBe('10101');
    store.retain('kraken_api', new Set());
    expect(agg.tick(NOW + 1).prices['BTC/USD']).toBe('10100');
    // The same price as before the drop is served again.
    store.update('kraken_api', 'XBT/USD', '0.0099', NOW + 2);
    expect(agg.tick(NOW + 3).prices['BTC/USD']).toBe('10101');
    store.update('kraken_api', 'XBT/USD', '0.0098', NOW + 4);
    expect(agg.tick(NOW + 5).prices['BTC/USD']).toBe('10200');
  });
});
