/** connect.marketmap.v2.MarketMapResponse (decoded from real protobuf bytes) → MarketMap. */
import { describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { service } from '../../src/grpc/protos.js';
import { marketMapFromResponse, uint64 } from '../../src/providers/marketmap/convert.js';
import { marketMapJson } from '../../src/grpc/market-map.js';
import { feed, market, marketMap } from '../helpers/market.js';

const method = service('connect.marketmap.v2.Query').service['MarketMap'];

/** Encodes a response object to protobuf bytes and decodes it as the client would. */
function wire(response: object): unknown {
  if (!method) throw new Error('no MarketMap method');
  return method.responseDeserialize(method.responseSerialize(response));
}

const map: MarketMap = marketMap(
  market('BTC/USD', 5, 2, [feed('coinbase_ws', 'BTC-USD'), feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' })]),
  market('USDT/USD', 9, 1, [feed('okx_ws', 'USDC-USDT', { invert: true })]),
  market('OLD/USD', 8, 1, [feed('kraken_api', 'OLDUSD')], false),
);

describe('marketMapFromResponse', () => {
  it('round-trips our map through the wire format', () => {
    const decoded = wire({ market_map: marketMapJson(map), last_updated: '42', chain_id: 'c' });
    expect(marketMapFromResponse(decoded)).toEqual({ ok: true, map });
  });

  it('turns uint64 strings into numbers, unset normalize_by_pair into null and metadata into ""', () => {
    const decoded = wire({ market_map: { markets: { 'ETH/USD': {
      ticker: { currency_pair: { Base: 'ETH', Quote: 'USD' }, decimals: '18', min_provider_count: '1', enabled: true, metadata_JSON: '{"a":1}' },
      provider_configs: [{ name: 'okx_ws', off_chain_ticker: 'ETH-USD' }],
    } } } });
    const r = marketMapFromResponse(decoded);
    if (!r.ok) throw new Error(r.error);
    expect(r.map.markets['ETH/USD']?.ticker).toEqual({ currency_pair: { Base: 'ETH', Quote: 'USD' }, decimals: 18, min_provider_count: 1, enabled: true, metadata_JSON: '{"a":1}' });
    expect(r.map.markets['ETH/USD']?.provider_configs).toEqual([{ name: 'okx_ws', off_chain_ticker: 'ETH-USD', normalize_by_pair: null, invert: false, metadata_JSON: '' }]);
  });

  it('decodes a market without a ticker to zero values (rejected later by validation)', () => {
    const r = marketMapFromResponse(wire({ market_map: { markets: { 'X/Y': { provider_configs: [] } } } }));
    expect(r).toEqual({ ok: true, map: { markets: { 'X/Y': {
      ticker: { currency_pair: { Base: '', Quote: '' }, decimals: 0, min_provider_count: 0, enabled: false, metadata_JSON: '' },
      provider_configs: [],
    } } } });
  });

  it('an empty map is a map; a response without market_map is an error', () => {
    expect(marketMapFromResponse(wire({ market_map: {} }))).toEqual({ ok: true, map: { markets: {} } });
    expect(marketMapFromResponse(wire({ chain_id: 'c' }))).toEqual({ ok: false, error: 'response has no market_map' });
    expect(marketMapFromResponse(undefined)).toEqual({ ok: false, error: 'response has no market_map' });
  });

  it.each([['7', 7], [7, 7], ['18446744073709551615', 2 ** 64], ['-1', 0], ['x', 0], [-3, 0], [1.5, 0], [null, 0]])('uint64(%j) = %d', (v, n) => {
    expect(uint64(v)).toBe(n);
  });
});

describe('a "__proto__" market key from the chain', () => {
  it('stays an own market (validation then names it) instead of replacing the prototype', () => {
    const response = JSON.parse('{"market_map":{"markets":{"__proto__":{"ticker":{},"provider_configs":[]}}}}') as unknown;
    const r = marketMapFromResponse(response);
    if (!r.ok) throw new Error(r.error);
    expect(Object.keys(r.map.markets)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(r.map.markets)).toBe(Object.prototype);
  });
});
