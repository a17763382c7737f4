import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { loadOracleConfig } from '../../src/config/oracle-config.js';
import type { OracleConfig } from '../../src/config/types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { exchanges } from '../../src/exchanges/index.js';
import { exportSupport, providerProblem, summaryFields, summaryMessage, supportSummary } from '../../src/validate/support.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { exchangeProviderConfigs } from '../../src/exchanges/config.js';

const base = loadOracleConfig({ priceProviders: exchangeProviderConfigs(), env: {}, flags: {} });

function oracle(patch: (o: OracleConfig) => void = () => undefined): OracleConfig {
  const o = structuredClone(base);
  patch(o);
  return o;
}

describe('providerProblem', () => {
  it('names why a provider cannot run, in the order the provider manager checks', () => {
    const o = oracle((c) => {
      delete c.providers.kraken_api;
      if (c.providers.okx_ws) c.providers.okx_ws.webSocket.enabled = false;
      if (c.providers.coinbase_api) c.providers.coinbase_api.api.enabled = false;
      if (c.providers.binance_api) c.providers.binance_api.type = 'market_map_provider';
    });
    expect(providerProblem('volatile-exchange-provider', o, exchanges)).toBe('not_implemented');
    expect(providerProblem('kraken_api', o, exchanges)).toBe('not_configured');
    expect(providerProblem('binance_api', o, exchanges)).toBe('not_price_provider');
    expect(providerProblem('okx_ws', o, exchanges)).toBe('disabled');
    expect(providerProblem('coinbase_api', o, exchanges)).toBe('disabled');
    // coinbase_ws reads its webSocket transport only: a disabled api does not matter to it.
    expect(providerProblem('coinbase_ws', o, exchanges)).toBeUndefined();
  });
});

describe('supportSummary', () => {
  it('lists each unusable provider once, with the number of enabled markets using it', () => {
    const markets = Array.from({ length: 50 }, (_, i) => market(`T${i}/USD`, 8, 1, [feed('volatile-exchange-provider', `T${i}`), feed('coinbase_ws', `T${i}-USD`)]));
    const s = supportSummary(base, marketMap(...markets), exchanges);
    expect(s.providers).toEqual([{ name: 'volatile-exchange-provider', reason: 'not_implemented', markets: 50 }]);
    expect(s.markets).toEqual([]);
  });

  it('names the enabled markets that cannot reach min_provider_count, and only those', () => {
    const map = marketMap(
      market('BTC/USD', 5, 2, [feed('coinbase_ws', 'BTC-USD'), feed('volatile-exchange-provider', 'BTC'), feed('hyperliquid_api', 'BTC')]),
      market('ETH/USD', 5, 2, [feed('coinbase_ws', 'ETH-USD'), feed('kraken_api', 'XETHZUSD'), feed('volatile-exchange-provider', 'ETH')]),
      market('SOL/USD', 5, 1, [feed('zz_dex_api', 'SOL')]),
      market('OFF/USD', 5, 1, [feed('nowhere_api', 'OFF')], false),
    );
    const s = supportSummary(base, map, exchanges);
    expect(s.markets).toEqual([
      { id: 'BTC/USD', usable: 1, min: 2 },
      { id: 'SOL/USD', usable: 0, min: 1 },
    ]);
    // The disabled market's provider is not referenced: the provider manager never runs it.
    expect(s.providers.map((p) => p.name)).toEqual(['hyperliquid_api', 'volatile-exchange-provider', 'zz_dex_api']);
  });

  it('follows normalize_by_pair: a feed normalised by an unsupported market never prices', () => {
    const map = marketMap(
      market('USDT/USD', 6, 1, [feed('volatile-exchange-provider', 'USDT')]),
      market('BTC/USD', 5, 1, [feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' })]),
      market('ETH/USD', 5, 1, [feed('binance_ws', 'ETHUSDT', { normalize: 'BTC/USD' }), feed('coinbase_ws', 'ETH-USD')]),
    );
    const s = supportSummary(base, map, exchanges);
    expect(s.markets).toEqual([
      { id: 'BTC/USD', usable: 0, min: 1 },
      { id: 'USDT/USD', usable: 0, min: 1 },
    ]);
  });

  it('counts a market with min_provider_count 0 as needing one price, as the aggregator does', () => {
    const s = supportSummary(base, marketMap(market('X/USD', 5, 0, [feed('volatile-exchange-provider', 'X')])), exchanges);
    expect(s.markets).toEqual([{ id: 'X/USD', usable: 0, min: 0 }]);
  });

  it('is empty for a map every provider of which can run, and says so', () => {
    const s = supportSummary(base, marketMap(market('BTC/USD', 5, 1, [feed('coinbase_ws', 'BTC-USD')])), exchanges);
    expect(s).toEqual({ providers: [], markets: [] });
    expect(summaryMessage(s)).toMatch(/^every provider/);
  });
});

describe('summary log and metrics', () => {
  const map = marketMap(
    market('BTC/USD', 5, 1, [feed('coinbase_ws', 'BTC-USD'), feed('volatile-exchange-provider', 'BTC')]),
    market('RAY/USD', 5, 1, [feed('volatile-exchange-provider', 'RAY')]),
  );

  it('gives one line of lists', () => {
    const o = oracle((c) => {
      if (c.providers.okx_ws) c.providers.okx_ws.webSocket.enabled = false;
    });
    const s = supportSummary(o, marketMap(...Object.entries(map.markets), market('ETH/USD', 5, 1, [feed('okx_ws', 'ETH-USDT')])), exchanges);
    expect(summaryFields(s)).toEqual({
      providers_not_implemented: ['volatile-exchange-provider'],
      providers_not_configured: [],
      providers_not_price_provider: [],
      providers_disabled: ['okx_ws'],
      unsupported_markets: ['ETH/USD', 'RAY/USD'],
    });
    expect(summaryMessage(s)).toBe('market map: 2 referenced provider(s) cannot run here; 2 enabled market(s) can never reach min_provider_count');
  });

  it('exports one series per unsupported market and removes it when the market leaves the set', async () => {
    const metrics = createMetrics(new Registry(), false);
    exportSupport(metrics, supportSummary(base, map, exchanges));
    expect((await metrics.marketUnsupported.get()).values).toEqual([{ labels: { id: 'ray/usd' }, value: 1 }]);
    expect((await metrics.providerUnavailable.get()).values).toEqual([{ labels: { provider: 'volatile-exchange-provider', reason: 'not_implemented' }, value: 1 }]);
    exportSupport(metrics, supportSummary(base, marketMap(market('BTC/USD', 5, 1, [feed('coinbase_ws', 'BTC-USD')])), exchanges));
    expect((await metrics.marketUnsupported.get()).values).toEqual([]);
    expect((await metrics.providerUnavailable.get()).values).toEqual([]);
  });
});
