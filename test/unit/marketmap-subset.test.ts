/** connect's GetValidSubset for maps read from the chain. */
import { describe, expect, it } from 'vitest';
import { parseMarketMap } from '../../src/config/market-map.js';
import { validSubset } from '../../src/providers/marketmap/valid-subset.js';
import { feed, market, marketMap } from '../helpers/market.js';

const usdt = market('USDT/USD', 9, 1, [feed('coinbase_ws', 'USDT-USD')]);
const eth = market('ETH/USD', 6, 1, [feed('okx_ws', 'ETH-USD')]);

describe('validSubset', () => {
  it('keeps a valid map as it is', () => {
    const map = marketMap(usdt, eth, market('BTC/USD', 5, 2, [feed('coinbase_ws', 'BTC-USD'), feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' })]));
    expect(validSubset(map)).toEqual({ map, removed: {}, droppedFeeds: [] });
  });

  it('drops a provider config normalised by a missing market and keeps the market', () => {
    const map = marketMap(eth, market('BTC/USD', 5, 1, [feed('coinbase_ws', 'BTC-USD'), feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' })]));
    const r = validSubset(map);
    expect(r.map.markets['BTC/USD']?.provider_configs).toEqual([feed('coinbase_ws', 'BTC-USD')]);
    expect(r.droppedFeeds).toEqual(['markets["BTC/USD"].provider_configs[1]: normalize_by_pair market "USDT/USD" is not in the valid market map']);
    expect(r.removed).toEqual({});
    expect(map.markets['BTC/USD']?.provider_configs).toHaveLength(2); // input untouched
  });

  it('drops a config normalised by a disabled market when the referrer is enabled, but not when both are disabled', () => {
    const off = market('USDT/USD', 9, 1, [feed('coinbase_ws', 'USDT-USD')], false);
    const map = marketMap(off,
      market('BTC/USD', 5, 1, [feed('coinbase_ws', 'BTC-USD'), feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' })]),
      market('SOL/USD', 8, 1, [feed('binance_ws', 'SOLUSDT', { normalize: 'USDT/USD' })], false));
    const r = validSubset(map);
    expect(r.map.markets['BTC/USD']?.provider_configs.map((pc) => pc.name)).toEqual(['coinbase_ws']);
    expect(r.map.markets['SOL/USD']?.provider_configs.map((pc) => pc.name)).toEqual(['binance_ws']);
    expect(r.droppedFeeds).toEqual(['markets["BTC/USD"].provider_configs[1]: normalize_by_pair market "USDT/USD" is disabled while this market is enabled']);
  });

  it('removes an invalid market with its problems and keeps the others', () => {
    const map = marketMap(usdt, eth, market('BAD/USD', 0, 3, [feed('kraken_api', 'BADUSD')]), market('low/USD', 8, 1, [feed('kraken_api', 'X')]));
    const r = validSubset(map);
    expect(Object.keys(r.map.markets).sort()).toEqual(['ETH/USD', 'USDT/USD']);
    expect(r.removed['BAD/USD']).toEqual([
      'markets["BAD/USD"].ticker.decimals: must be between 1 and 36, got 0',
      'markets["BAD/USD"].provider_configs: has 1 entries, fewer than min_provider_count 3',
    ]);
    expect(r.removed['low/USD']).toEqual(['markets["low/USD"].ticker.currency_pair.Base: must be upper-case, got "low"']);
  });

  it('removes a market left below min_provider_count by a dropped normalisation', () => {
    const map = marketMap(eth, market('BTC/USD', 5, 2, [feed('coinbase_ws', 'BTC-USD'), feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' })]));
    const r = validSubset(map);
    expect(Object.keys(r.map.markets)).toEqual(['ETH/USD']);
    expect(r.removed['BTC/USD']).toEqual(['markets["BTC/USD"].provider_configs: has 1 entries, fewer than min_provider_count 2']);
  });

  it('follows a chain of removals until the result validates (connect gave up here)', () => {
    // USDT/USD is invalid; BTC/USD is normalised by it and then has too few feeds; ETH/BTC is normalised by BTC/USD.
    const map = marketMap(
      market('USDT/USD', 40, 1, [feed('coinbase_ws', 'USDT-USD')]),
      market('BTC/USD', 5, 2, [feed('coinbase_ws', 'BTC-USD'), feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' })]),
      market('ETH/BTC', 8, 1, [feed('kraken_api', 'XETHXXBT'), feed('okx_ws', 'ETH-BTC', { normalize: 'BTC/USD' })]),
    );
    const r = validSubset(map);
    expect(Object.keys(r.map.markets)).toEqual(['ETH/BTC']);
    expect(r.map.markets['ETH/BTC']?.provider_configs.map((pc) => pc.off_chain_ticker)).toEqual(['XETHXXBT']);
    expect(Object.keys(r.removed).sort()).toEqual(['BTC/USD', 'USDT/USD']);
    expect(() => parseMarketMap(r.map, 'subset')).not.toThrow();
  });
});
