import { describe, expect, it } from 'vitest';
import { metadataConflicts, providerTickers } from '../../src/providers/manager.js';
import { feed, market, marketMap } from '../helpers/market.js';

const pool = (address: string, invert = false) => ({
  ...feed('uniswapv3_api-ethereum', 'ETH/USDC'),
  metadata_JSON: JSON.stringify({ address, base_decimals: 18, quote_decimals: 6, invert }),
});

describe('provider tickers and metadata conflicts', () => {
  it('gives each provider its tickers with their metadata, the first market in key order winning', () => {
    const map = marketMap(
      market('ETH/USD', 8, 1, [pool('0xbbbb'), feed('coinbase_ws', 'ETH-USD')]),
      market('AETH/USD', 8, 1, [pool('0xaaaa')]),
    );
    expect(providerTickers(map).get('uniswapv3_api-ethereum')).toEqual([
      { offChainTicker: 'ETH/USDC', metadataJSON: pool('0xaaaa').metadata_JSON },
    ]);
    expect(metadataConflicts(map)).toEqual([{ provider: 'uniswapv3_api-ethereum', ticker: 'ETH/USDC', used: 'AETH/USD', ignored: 'ETH/USD' }]);
  });

  it('lists first the tickers of markets others normalise by, then the rest in market-key order', () => {
    const map = marketMap(
      market('AAA/USD', 8, 1, [feed('okx_ws', 'AAA-USDT', { normalize: 'USDT/USD' }), feed('coinbase_ws', 'AAA-USD')]),
      market('BBB/USD', 8, 1, [feed('okx_ws', 'BBB-USDT', { normalize: 'USDT/USD' }), feed('coinbase_ws', 'BBB-USD')]),
      market('USDC/USD', 8, 1, [feed('okx_ws', 'USDC-USDT'), feed('coinbase_ws', 'USDC-USD')]),
      market('USDT/USD', 8, 1, [feed('okx_ws', 'USDT-USDC', { invert: false }), feed('coinbase_ws', 'USDT-USD')]),
      market('ZZZ/USD', 8, 1, [feed('coinbase_ws', 'ZZZ-USD', { normalize: 'AAA/USD' })]),
    );
    const order = (p: string) => providerTickers(map).get(p)?.map((t) => t.offChainTicker);
    expect(order('coinbase_ws')).toEqual(['AAA-USD', 'USDT-USD', 'BBB-USD', 'USDC-USD', 'ZZZ-USD']);
    expect(order('okx_ws')).toEqual(['AAA-USDT', 'USDT-USDC', 'BBB-USDT', 'USDC-USDT']);
  });

  it('finds no conflict when the metadata is the same, or the other market is disabled', () => {
    expect(metadataConflicts(marketMap(market('A/USD', 8, 1, [pool('0x1')]), market('B/USD', 8, 1, [pool('0x1')])))).toEqual([]);
    expect(metadataConflicts(marketMap(market('A/USD', 8, 1, [pool('0x1')]), market('B/USD', 8, 1, [pool('0x2')], false)))).toEqual([]);
  });
});
