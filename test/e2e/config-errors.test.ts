/**
 * Start-up with bad configuration, through the built binary: every case exits non-zero
 * (2) before serving, with a message naming the key, variable or flag at fault.
 */
import { describe, expect, it } from 'vitest';
import { runCli, tempFile } from '../helpers/daemon.js';
import { feed, market, marketMap } from '../helpers/market.js';

const goodMarket = marketMap(
  market('BTC/USD', 8, 1, [feed('kraken_api', 'XXBTZUSD'), feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' })]),
  market('USDT/USD', 9, 1, [feed('kraken_api', 'USDTZUSD')]),
);

interface Case {
  name: string;
  oracle?: unknown;
  market?: unknown;
  env?: Record<string, string>;
  args?: string[];
  expect: string | RegExp;
}

const btc = (patch: (m: Record<string, unknown>) => void) => {
  const m = JSON.parse(JSON.stringify(goodMarket)) as { markets: Record<string, Record<string, unknown>> };
  patch(m.markets['BTC/USD'] as Record<string, unknown>);
  return m;
};
const ticker = (patch: Record<string, unknown>) => btc((m) => Object.assign(m.ticker as object, patch));

const cases: Case[] = [
  // oracle.json
  { name: 'updateInterval zero', oracle: { updateInterval: '0s' }, expect: 'updateInterval' },
  { name: 'maxPriceAge not a duration', oracle: { maxPriceAge: 'soon' }, expect: 'maxPriceAge' },
  { name: 'unknown top-level key', oracle: { updateIntervall: '1s' }, expect: 'updateIntervall: unknown key' },
  { name: 'unknown provider key', oracle: { providers: { kraken_api: { api: { intervl: '1s' } } } }, expect: 'providers.kraken_api.api.intervl' },
  { name: 'negative timeout', oracle: { providers: { kraken_api: { api: { timeout: '-1s' } } } }, expect: 'providers.kraken_api.api.timeout' },
  { name: 'maxQueries zero', oracle: { providers: { kraken_api: { api: { maxQueries: 0 } } } }, expect: 'providers.kraken_api.api.maxQueries' },
  { name: 'batchSize with atomic', oracle: { providers: { kraken_api: { api: { batchSize: 5 } } } }, expect: 'providers.kraken_api.api.batchSize' },
  { name: 'both transports enabled', oracle: { providers: { okx_ws: { api: { enabled: true, endpoints: [{ url: 'http://x' }] } } } }, expect: 'okx_ws' },
  { name: 'no endpoint', oracle: { providers: { kraken_api: { api: { endpoints: [] } } } }, expect: 'providers.kraken_api.api.endpoints' },
  { name: 'half authentication', oracle: { providers: { kraken_api: { api: { endpoints: [{ url: 'http://x', authentication: { apiKey: 'k' } }] } } } }, expect: 'authentication' },
  { name: 'metrics address without host', oracle: { metrics: { prometheusServerAddress: ':8002' } }, expect: 'metrics.prometheusServerAddress' },
  { name: 'unknown provider without name', oracle: { providers: { my_exchange: { api: { interval: '1s' } } } }, expect: 'providers.my_exchange' },
  { name: 'wrong type', oracle: { providers: { okx_ws: { webSocket: { maxSubscriptionsPerBatch: 'many' } } } }, expect: 'providers.okx_ws.webSocket.maxSubscriptionsPerBatch' },
  { name: 'oracle.json not JSON', oracle: '{"updateInterval": ', expect: 'oracle.json' },
  // market.json
  { name: 'key differs from pair', market: btc((m) => Object.assign(m.ticker as object, { currency_pair: { Base: 'ETH', Quote: 'USD' } })), expect: 'markets["BTC/USD"]' },
  { name: 'lower-case asset', market: ticker({ currency_pair: { Base: 'BTC', Quote: 'usd' } }), expect: 'currency_pair.Quote' },
  { name: 'decimals zero', market: ticker({ decimals: 0 }), expect: 'markets["BTC/USD"].ticker.decimals' },
  { name: 'decimals 37', market: ticker({ decimals: 37 }), expect: 'markets["BTC/USD"].ticker.decimals' },
  { name: 'min_provider_count zero', market: ticker({ min_provider_count: 0 }), expect: 'min_provider_count' },
  { name: 'min_provider_count above configs', market: ticker({ min_provider_count: 3 }), expect: 'min_provider_count' },
  { name: 'duplicate provider config', market: btc((m) => (m.provider_configs as unknown[]).push(feed('kraken_api', 'XXBTZUSD'))), expect: 'duplicate' },
  { name: 'normalize_by_pair market missing', market: btc((m) => (m.provider_configs as unknown[]).push(feed('okx_ws', 'BTC-USDC', { normalize: 'USDC/USD' }))), expect: 'USDC/USD' },
  { name: 'metadata_JSON not an object', market: ticker({ metadata_JSON: '[1,2]' }), expect: 'metadata_JSON' },
  { name: 'empty off_chain_ticker', market: btc((m) => (m.provider_configs as unknown[]).push(feed('okx_ws', ''))), expect: 'off_chain_ticker' },
  { name: 'market.json not JSON', market: '{"markets": {', expect: 'market.json' },
  // environment and flags
  { name: 'env duration', env: { CONNECT_CONFIG_UPDATEINTERVAL: 'soon' }, expect: 'CONNECT_CONFIG_UPDATEINTERVAL' },
  { name: 'env unknown variable', env: { CONNECT_CONFIG_NO_SUCH_KEY: '1' }, expect: 'CONNECT_CONFIG_NO_SUCH_KEY' },
  { name: 'env bool', env: { CONNECT_CONFIG_METRICS_ENABLED: 'maybe' }, expect: 'CONNECT_CONFIG_METRICS_ENABLED' },
  { name: 'env endpoint index gap', env: { CONNECT_CONFIG_PROVIDERS_KRAKEN_API_API_ENDPOINTS_3_URL: 'http://x' }, expect: 'CONNECT_CONFIG_PROVIDERS_KRAKEN_API_API_ENDPOINTS_3_URL' },
  { name: 'flag update interval', args: ['--update-interval', 'often'], expect: '--update-interval' },
  { name: 'unknown flag', args: ['--frobnicate'], expect: '--frobnicate' },
  { name: 'missing market path', args: ['--market-config-path'], expect: '--market-config-path' },
  { name: 'market file missing', args: ['--market-config-path', '/nonexistent/market.json'], expect: '/nonexistent/market.json' },
];

describe.concurrent('start-up configuration errors', () => {
  it('has at least 25 cases', () => expect(cases.length).toBeGreaterThanOrEqual(25));
  for (const c of cases) {
    it(c.name, async () => {
      const args = ['--market-config-path', tempFile('market.json', c.market ?? goodMarket), '--port', '0'];
      // Flags override the file: only pin the metrics address when the case does not test it.
      if (!JSON.stringify(c.oracle ?? '').includes('prometheusServerAddress')) args.push('--metrics-prometheus-address', '127.0.0.1:0');
      if (c.oracle !== undefined) args.push('--oracle-config', tempFile('oracle.json', c.oracle));
      const r = await runCli([...args, ...(c.args ?? [])], c.env);
      expect(r.code, r.stderr).toBe(2);
      if (typeof c.expect === 'string') expect(r.stderr).toContain(c.expect);
      else expect(r.stderr).toMatch(c.expect);
      expect(r.stdout).not.toContain('oracle side-car started');
    }, 20_000);
  }
});
