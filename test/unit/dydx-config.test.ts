/**
 * The five market-map providers' built-in defaults (connect providers/apis/dydx/utils.go),
 * --marketmap-provider selection, and each provider's endpoint checks with and without
 * --market-map-endpoint.
 */
import { describe, expect, it } from 'vitest';
import { CONNECT_PRICE_PROVIDERS, MARKET_MAP_PROVIDERS } from '../../src/config/defaults.js';
import { loadOracleConfig } from '../../src/config/oracle-config.js';
import type { OracleConfig } from '../../src/config/types.js';
import { applyMarketMapEndpoint, selectMarketMapProvider } from '../../src/providers/marketmap/endpoint.js';
import { exchangeProviderConfigs } from '../../src/exchanges/config.js';

const load = (env: Record<string, string> = {}): OracleConfig => loadOracleConfig({ priceProviders: exchangeProviderConfigs(), env, flags: {} });
const urls = (c: OracleConfig, name: string) => c.providers[name]?.api.endpoints.map((e) => e.url);
const RESEARCH = ['https://dydx-api.lavenderfive.com', 'https://raw.githubusercontent.com/dydxprotocol/v4-web/main/public/configs/otherMarketData.json'];
const P = 'CONNECT_CONFIG_PROVIDERS_';

describe('market-map provider defaults', () => {
  const c = load();

  it.each([
    ['marketmap_api', ['localhost:9090']],
    ['dydx_api', ['http://localhost:1317']],
    ['dydx_migration_api', ['http://localhost:1317', 'localhost:9090']],
    ['dydx_research_json_api', RESEARCH],
    ['dydx_research_coinmarketcap_api', RESEARCH],
  ])('%s: market_map_provider, atomic, 1 query, 10 s / 20 s / 2 s, endpoints %j', (name, endpoints) => {
    const p = c.providers[name];
    expect(p?.type).toBe('market_map_provider');
    expect(p?.api).toMatchObject({ name, enabled: true, atomic: true, maxQueries: 1, interval: 10_000, timeout: 20_000, reconnectTimeout: 2000 });
    expect(p?.webSocket.enabled).toBe(false);
    expect(urls(c, name)).toEqual(endpoints);
  });

  it('lists the five names, none of them warned about as unimplemented', () => {
    expect(MARKET_MAP_PROVIDERS).toEqual(['marketmap_api', 'dydx_api', 'dydx_migration_api', 'dydx_research_json_api', 'dydx_research_coinmarketcap_api']);
    for (const name of MARKET_MAP_PROVIDERS) expect(CONNECT_PRICE_PROVIDERS.has(name)).toBe(false);
  });

  it('takes oracle.json-style env overrides of the second endpoint (dYdX docs set [REST, gRPC])', () => {
    const warnings: string[] = [];
    const e = loadOracleConfig({ priceProviders: exchangeProviderConfigs(), env: { [`${P}DYDX_MIGRATION_API_API_ENDPOINTS_1_URL`]: 'node:9090' }, flags: {}, warn: (w) => warnings.push(w) });
    expect(urls(e, 'dydx_migration_api')).toEqual(['http://localhost:1317', 'node:9090']);
    expect(warnings).toEqual([]);
  });
});

describe('selectMarketMapProvider', () => {
  it('keeps only the chosen market-map provider, and every price provider', () => {
    const c = load();
    const prices = Object.keys(c.providers).filter((k) => c.providers[k]?.type === 'price_provider');
    expect(selectMarketMapProvider(c, 'dydx_migration_api')).toEqual([]);
    expect(Object.keys(c.providers).sort()).toEqual([...prices, 'dydx_migration_api'].sort());
  });

  it('rejects an unknown name, listing the five', () => {
    const c = load();
    expect(selectMarketMapProvider(c, 'dydx')).toEqual([
      '--marketmap-provider: market map provider "dydx" not found; one of marketmap_api, dydx_api, dydx_migration_api, dydx_research_json_api, dydx_research_coinmarketcap_api',
    ]);
    expect(c.providers.dydx_api).toBeDefined();
  });
});

describe('applyMarketMapEndpoint per provider', () => {
  const selected = (name: string, env: Record<string, string> = {}) => {
    const c = load(env);
    expect(selectMarketMapProvider(c, name)).toEqual([]);
    return c;
  };

  it('accepts every default', () => {
    for (const name of MARKET_MAP_PROVIDERS) expect(applyMarketMapEndpoint(selected(name), undefined)).toEqual([]);
  });

  it('dydx_api: the flag sets the REST URL, which must be http(s)', () => {
    const c = selected('dydx_api');
    expect(applyMarketMapEndpoint(c, 'http://node:1317')).toEqual([]);
    expect(urls(c, 'dydx_api')).toEqual(['http://node:1317']);
    expect(applyMarketMapEndpoint(selected('dydx_api'), 'node:9090')).toEqual([
      'providers.dydx_api.api.endpoints[0].url: expected an HTTP endpoint but got "node:9090"; give http://HOST:PORT, e.g. http://mynode:1317 (flag --market-map-endpoint)',
    ]);
  });

  it('dydx_api: checks every endpoint (it fails over between them)', () => {
    const c = selected('dydx_api');
    c.providers.dydx_api!.api.endpoints.push({ url: 'node:9090', authentication: { apiKey: '', apiKeyHeader: '' } });
    expect(applyMarketMapEndpoint(c, undefined)).toEqual([
      'providers.dydx_api.api.endpoints[1].url: expected an HTTP endpoint but got "node:9090"; give http://HOST:PORT, e.g. http://mynode:1317 (oracle config)',
    ]);
  });

  it('dydx_migration_api: the flag is an error (two endpoints needed)', () => {
    expect(applyMarketMapEndpoint(selected('dydx_migration_api'), 'node:9090')).toEqual([
      'providers.dydx_migration_api.api.endpoints: dydx_migration_api needs 2 endpoints [REST x/prices, gRPC x/marketmap] from oracle.json; --market-map-endpoint sets only one (flag --market-map-endpoint)',
    ]);
  });

  it('dydx_migration_api: [REST, gRPC] in that order, a scheme on the gRPC one allowed', () => {
    const env = (a: string, b: string) => ({ [`${P}DYDX_MIGRATION_API_API_ENDPOINTS_0_URL`]: a, [`${P}DYDX_MIGRATION_API_API_ENDPOINTS_1_URL`]: b });
    expect(applyMarketMapEndpoint(selected('dydx_migration_api', env('http://n:1317', 'http://n:9090')), undefined)).toEqual([]);
    expect(applyMarketMapEndpoint(selected('dydx_migration_api', env('n:9090', 'http://n:1317')), undefined)).toEqual([
      'providers.dydx_migration_api.api.endpoints[0].url: REST x/prices: expected an HTTP endpoint but got "n:9090"; give http://HOST:PORT, e.g. http://mynode:1317 (oracle config)',
    ]);
    expect(applyMarketMapEndpoint(selected('dydx_migration_api', env('http://n:1317', 'n')), undefined)).toEqual([
      'providers.dydx_migration_api.api.endpoints[1].url: gRPC x/marketmap: Must specify port for the gRPC endpoint "n", e.g. mynode:9090 (oracle config)',
    ]);
  });

  it('dydx_migration_api: exactly two endpoints', () => {
    const c = selected('dydx_migration_api');
    c.providers.dydx_migration_api!.api.endpoints.pop();
    expect(applyMarketMapEndpoint(c, undefined)).toEqual([
      'providers.dydx_migration_api.api.endpoints: dydx_migration_api needs exactly 2 endpoints [REST x/prices, gRPC x/marketmap], got 1 (oracle config)',
    ]);
  });

  it('research providers: the flag is an error; both endpoints must be http(s)', () => {
    expect(applyMarketMapEndpoint(selected('dydx_research_json_api'), 'http://x')).toHaveLength(1);
    const c = selected('dydx_research_coinmarketcap_api', { [`${P}DYDX_RESEARCH_COINMARKETCAP_API_API_ENDPOINTS_1_URL`]: 'file.json' });
    expect(applyMarketMapEndpoint(c, undefined)).toEqual([
      'providers.dydx_research_coinmarketcap_api.api.endpoints[1].url: research JSON: expected an HTTP endpoint but got "file.json"; give http://HOST:PORT, e.g. http://mynode:1317 (oracle config)',
    ]);
  });

  it('before a selection, checks marketmap_api as before', () => {
    expect(applyMarketMapEndpoint(load(), 'http://node:9090')[0]).toMatch(/^providers\.marketmap_api\.api\.endpoints\[0\]\.url: expected gRPC endpoint/);
  });
});
