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

  it('finds no conflict when the metadata is the same, or the other market is disabled', () => {
    expect(metadataConflicts(marketMap(market('A/USD', 8, 1, [pool('0x1')]), market('B/USD', 8, 1, [pool('0x1')])))).toEqual([]);
    expect(metadataConflicts(marketMap(market('A/USD', 8, 1, [pool('0x1')]), market('B/USD', 8, 1, [pool('0x2')], false)))).toEqual([]);
  });
});
