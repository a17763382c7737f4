/** The --update-market-config-path file: connect's MarshalIndent form with omitempty. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMarketMap } from '../../src/config/market-map.js';
import { marketMapFileText, writeMarketMapFile } from '../../src/providers/marketmap/writer.js';
import { tempFile } from '../helpers/daemon.js';
import { feed, market, marketMap } from '../helpers/market.js';

const map = marketMap(
  market('USDT/USD', 9, 1, [feed('okx_ws', 'USDC-USDT', { invert: true })]),
  market('BTC/USD', 5, 2, [feed('coinbase_ws', 'BTC-USD'), { ...feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' }), metadata_JSON: '{"a":"<b>&"}' }]),
);

describe('marketMapFileText', () => {
  it('writes Go struct order, sorted keys, 2-space indent and omits zero values', () => {
    expect(marketMapFileText(map)).toBe(`{
  "markets": {
    "BTC/USD": {
      "ticker": {
        "currency_pair": {
          "Base": "BTC",
          "Quote": "USD"
        },
        "decimals": 5,
        "min_provider_count": 2,
        "enabled": true
      },
      "provider_configs": [
        {
          "name": "coinbase_ws",
          "off_chain_ticker": "BTC-USD"
        },
        {
          "name": "binance_ws",
          "off_chain_ticker": "BTCUSDT",
          "normalize_by_pair": {
            "Base": "USDT",
            "Quote": "USD"
          },
          "metadata_JSON": "{\\"a\\":\\"\\u003cb\\u003e\\u0026\\"}"
        }
      ]
    },
    "USDT/USD": {
      "ticker": {
        "currency_pair": {
          "Base": "USDT",
          "Quote": "USD"
        },
        "decimals": 9,
        "min_provider_count": 1,
        "enabled": true
      },
      "provider_configs": [
        {
          "name": "okx_ws",
          "off_chain_ticker": "USDC-USDT",
          "invert": true
        }
      ]
    }
  }
}`);
  });

  it('omits a disabled market\'s enabled flag and zero counts', () => {
    const text = marketMapFileText(marketMap(market('OLD/USD', 0, 0, [feed('kraken_api', 'OLDUSD')], false)));
    const ticker = (JSON.parse(text) as { markets: Record<string, { ticker: object }> }).markets['OLD/USD']?.ticker;
    expect(ticker).toEqual({ currency_pair: { Base: 'OLD', Quote: 'USD' } });
  });

  it('writes an empty map as {"markets": {}}', () => {
    expect(marketMapFileText({ markets: {} })).toBe('{\n  "markets": {}\n}');
  });

  it('writes a file that --market-config-path reads back as the same map', () => {
    const path = tempFile('written.json', '');
    writeMarketMapFile(path, map);
    expect(parseMarketMap(JSON.parse(readFileSync(path, 'utf8')), 'written')).toEqual(map);
  });
});
