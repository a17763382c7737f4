/**
 * The built-in oracle configuration: the schema's top-level defaults, the price providers'
 * entries the caller passes in (exchanges/config.ts builds them from the exchange registry, so
 * config/ never imports the layers above it) and the five market-map providers (connect's
 * `DefaultOracleConfig`, which pre-seeds them all so that a chosen dydx provider works
 * without an oracle.json entry).
 */
import { apiDefaults, disabledWs, endpoint } from './provider-defaults.js';
import { providerDefaults, topLevelDefaults } from './schema.js';
import type { OracleConfig, ProviderConfig } from './types.js';

/** The default market-map provider: reads the market map from the chain node over gRPC
 *  (src/providers/marketmap/). */
export const MARKET_MAP_PROVIDER = 'marketmap_api';

/** Every market-map provider connect ships (cmd/constants/providers.go
 *  MarketMapProviderNames), the default first. `--marketmap-provider` picks one; the
 *  others are removed from the configuration (selectMarketMapProvider). */
export const MARKET_MAP_PROVIDERS = [
  MARKET_MAP_PROVIDER, 'dydx_api', 'dydx_migration_api', 'dydx_research_json_api', 'dydx_research_coinmarketcap_api',
] as const;
export type MarketMapProviderName = (typeof MARKET_MAP_PROVIDERS)[number];

export function isMarketMapProviderName(name: string): name is MarketMapProviderName {
  return (MARKET_MAP_PROVIDERS as readonly string[]).includes(name);
}

/** The endpoints of each market-map provider, in order (connect providers/apis/dydx/utils.go
 *  Default*APIConfig; spec §2.8 for marketmap_api). dydx_migration_api: REST x/prices first,
 *  gRPC x/marketmap second. The research pair: dYdX mainnet REST, then the research JSON. */
const RESEARCH_JSON = 'https://raw.githubusercontent.com/dydxprotocol/v4-web/main/public/configs/otherMarketData.json';
const MARKET_MAP_ENDPOINTS: Record<MarketMapProviderName, string[]> = {
  marketmap_api: ['localhost:9090'],
  dydx_api: ['http://localhost:1317'],
  dydx_migration_api: ['http://localhost:1317', 'localhost:9090'],
  dydx_research_json_api: ['https://dydx-api.lavenderfive.com', RESEARCH_JSON],
  dydx_research_coinmarketcap_api: ['https://dydx-api.lavenderfive.com', RESEARCH_JSON],
};

/** A market-map provider's built-in entry (type `market_map_provider`): atomic, one query
 *  at a time, every 10 s with a 20 s timeout, reconnectTimeout 2 s, the endpoints above. */
export function marketMapProviderDefaults(name: MarketMapProviderName = MARKET_MAP_PROVIDER): ProviderConfig {
  const [first = '', ...rest] = MARKET_MAP_ENDPOINTS[name];
  const api = apiDefaults(name, first, { atomic: true, timeout: 20_000, interval: 10_000 });
  api.endpoints.push(...rest.map(endpoint));
  return providerDefaults({ name, type: 'market_map_provider', api, webSocket: disabledWs(name) });
}

/** Every price provider name connect ships (cmd/constants/providers.go). An override of one
 *  of them that this side-car has no entry for (and that carries no `name`) is ignored with
 *  a warning instead of failing. */
export const CONNECT_PRICE_PROVIDERS: ReadonlySet<string> = new Set([
  'binance_api', 'binance_ws', 'bitfinex_ws', 'bitstamp_api', 'bitstamp_ws', 'bybit_ws', 'coinbase_api',
  'coinbase_ws', 'coingecko_api', 'coinmarketcap_api', 'crypto_dot_com_ws', 'gate_ws', 'gecko_terminal_api',
  'huobi_ws', 'kraken_api', 'kraken_ws', 'kucoin_ws', 'mexc_ws', 'okx_ws', 'osmosis_api', 'polymarket_api',
  'raydium_api', 'uniswapv3_api-base', 'uniswapv3_api-ethereum', 'volatile-exchange-provider',
]);

/** Zero values: what a provider absent from the defaults starts from (as in connect, a
 *  new entry must then spell out its whole configuration to pass validation). */
export function zeroProvider(): ProviderConfig {
  const zero = (): ProviderConfig['api'] => ({
    enabled: false, timeout: 0, interval: 0, reconnectTimeout: 0, maxQueries: 0, atomic: false,
    endpoints: [], batchSize: 0, name: '', maxBlockHeightAge: 0,
  });
  const ws: ProviderConfig['webSocket'] = {
    enabled: false, maxBufferSize: 0, reconnectionTimeout: 0, postConnectionTimeout: 0, endpoints: [],
    name: '', readBufferSize: 0, writeBufferSize: 0, handshakeTimeout: 0, enableCompression: false,
    readTimeout: 0, writeTimeout: 0, pingInterval: 0, writeInterval: 0, maxReadErrorCount: 0,
    maxSubscriptionsPerConnection: 0, maxSubscriptionsPerBatch: 0,
  };
  return { name: '', type: '', api: zero(), webSocket: ws };
}

/** The complete built-in configuration over the given price providers (fresh copies). */
export function defaultOracleConfig(priceProviders: Readonly<Record<string, ProviderConfig>>): OracleConfig {
  const providers: Record<string, ProviderConfig> = {};
  for (const [name, p] of Object.entries(priceProviders)) providers[name] = providerDefaults(p);
  for (const name of MARKET_MAP_PROVIDERS) providers[name] = marketMapProviderDefaults(name);
  return { ...topLevelDefaults(), providers };
}
