/** Builders for market maps in tests. */
import type { CurrencyPair, Market, MarketMap, MarketProviderConfig } from '../../src/config/types.js';

export function pair(s: string): CurrencyPair {
  const [Base = '', Quote = ''] = s.split('/');
  return { Base, Quote };
}

export function feed(name: string, ticker: string, o: { invert?: boolean; normalize?: string } = {}): MarketProviderConfig {
  return {
    name,
    off_chain_ticker: ticker,
    normalize_by_pair: o.normalize ? pair(o.normalize) : null,
    invert: o.invert ?? false,
    metadata_JSON: '',
  };
}

export function market(key: string, decimals: number, min: number, feeds: MarketProviderConfig[], enabled = true): [string, Market] {
  return [
    key,
    {
      ticker: { currency_pair: pair(key), decimals, min_provider_count: min, enabled, metadata_JSON: '' },
      provider_configs: feeds,
    },
  ];
}

export function marketMap(...markets: Array<[string, Market]>): MarketMap {
  return { markets: Object.fromEntries(markets) };
}
