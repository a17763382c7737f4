/**
 * The validated, fully merged configuration as the rest of the side-car sees it.
 * Key names follow connect's oracle.json and market.json exactly. Every duration is held
 * in milliseconds (oracle.json accepts Go duration strings or integer nanoseconds).
 */

export interface Authentication {
  apiKey: string;
  apiKeyHeader: string;
}

export interface Endpoint {
  url: string;
  authentication: Authentication;
}

export interface ApiConfig {
  enabled: boolean;
  timeout: number;
  interval: number;
  reconnectTimeout: number;
  maxQueries: number;
  atomic: boolean;
  endpoints: Endpoint[];
  batchSize: number;
  name: string;
  maxBlockHeightAge: number;
}

export interface WebSocketConfig {
  enabled: boolean;
  maxBufferSize: number;
  reconnectionTimeout: number;
  postConnectionTimeout: number;
  endpoints: Endpoint[];
  name: string;
  readBufferSize: number;
  writeBufferSize: number;
  handshakeTimeout: number;
  enableCompression: boolean;
  readTimeout: number;
  writeTimeout: number;
  pingInterval: number;
  writeInterval: number;
  maxReadErrorCount: number;
  maxSubscriptionsPerConnection: number;
  maxSubscriptionsPerBatch: number;
}

export interface ProviderConfig {
  name: string;
  type: string;
  api: ApiConfig;
  webSocket: WebSocketConfig;
}

export interface MetricsConfig {
  enabled: boolean;
  prometheusServerAddress: string;
  telemetry: { disabled: boolean; pushAddress: string };
}

export interface OracleConfig {
  updateInterval: number;
  maxPriceAge: number;
  providers: Record<string, ProviderConfig>;
  metrics: MetricsConfig;
  host: string;
  port: string;
}

export interface CurrencyPair {
  Base: string;
  Quote: string;
}

export interface Ticker {
  currency_pair: CurrencyPair;
  decimals: number;
  min_provider_count: number;
  enabled: boolean;
  metadata_JSON: string;
}

export interface MarketProviderConfig {
  name: string;
  off_chain_ticker: string;
  normalize_by_pair: CurrencyPair | null;
  invert: boolean;
  metadata_JSON: string;
}

export interface Market {
  ticker: Ticker;
  provider_configs: MarketProviderConfig[];
}

export interface MarketMap {
  markets: Record<string, Market>;
}

/** `BASE/QUOTE`, the market-map key and the /prices key. */
export function pairString(p: CurrencyPair): string {
  return `${p.Base}/${p.Quote}`;
}
