/**
 * The oracle.json schema, declared once with convict: the top-level keys (whose defaults
 * live here) and one provider entry (whose defaults are passed in: a registry exchange's
 * built-in block, or zero values for a provider we do not ship). Durations are held in
 * milliseconds here; parsing Go durations happens before values reach convict.
 */
import convict from 'convict';
import type { ApiConfig, Endpoint, OracleConfig, ProviderConfig, WebSocketConfig } from './types.js';

export type TopLevelConfig = Omit<OracleConfig, 'providers'>;

/** Never let convict read process.env or process.argv: every source is handled explicitly. */
const NO_IMPORT = { env: {}, args: [] };

function msDuration(x: unknown): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error('must be a duration');
}

function endpointList(x: unknown): void {
  const ok = (e: unknown): e is Endpoint => {
    const r = e as Endpoint | null;
    return typeof r === 'object' && r !== null && typeof r.url === 'string' &&
      typeof r.authentication === 'object' && r.authentication !== null &&
      typeof r.authentication.apiKey === 'string' && typeof r.authentication.apiKeyHeader === 'string';
  };
  if (!Array.isArray(x) || !x.every(ok)) throw new Error('must be a list of {url, authentication{apiKey, apiKeyHeader}}');
}

const dur = (doc: string, d: number) => ({ doc, format: msDuration, default: d });
const int = (doc: string, d: number) => ({ doc, format: 'int', default: d });
const bool = (doc: string, d: boolean) => ({ doc, format: Boolean, default: d });
const str = (doc: string, d: string) => ({ doc, format: String, default: d });
const endpoints = (d: Endpoint[]) =>
  ({ doc: 'endpoints (URL templates); apiKey values are secrets', format: endpointList, default: d, sensitive: true });

export const topLevelSchema: convict.Schema<TopLevelConfig> = {
  updateInterval: dur('aggregation tick period (10ms to 24h)', 250),
  maxPriceAge: dur('a provider price older than this is ignored (> 0, at most 24h)', 120_000),
  host: str('price API listen host: a host name or IP address, at most 253 characters', '0.0.0.0'),
  port: str('price API listen port: decimal 0-65535', '8080'),
  metrics: {
    enabled: bool('serve Prometheus metrics', true),
    prometheusServerAddress: str('metrics listen address host:port ([v6]:port)', '0.0.0.0:8002'),
    telemetry: {
      disabled: bool('accepted for compatibility; telemetry is never sent', true),
      pushAddress: str('accepted for compatibility; ignored', ''),
    },
  },
};

function apiSchema(d: ApiConfig): convict.Schema<ApiConfig> {
  return {
    enabled: bool('poll this provider over HTTP', d.enabled),
    timeout: dur('per-request timeout (1ms to 24h)', d.timeout),
    interval: dur('polling period (10ms to 24h)', d.interval),
    reconnectTimeout: dur('pause before restarting the query loop (10ms to 24h)', d.reconnectTimeout),
    maxQueries: int('concurrent requests per interval (>= 1)', d.maxQueries),
    atomic: bool('one request fetches every ticker', d.atomic),
    endpoints: endpoints(d.endpoints),
    batchSize: int('tickers per request when not atomic (0 when atomic)', d.batchSize),
    name: str('must equal the provider name', d.name),
    maxBlockHeightAge: dur('DeFi only: max age of a non-advancing block height (0 to 24h)', d.maxBlockHeightAge),
  };
}

function wsSchema(d: WebSocketConfig): convict.Schema<WebSocketConfig> {
  return {
    enabled: bool('stream this provider over WebSocket', d.enabled),
    maxBufferSize: int('response buffer capacity (>= 1)', d.maxBufferSize),
    reconnectionTimeout: dur('pause before reconnecting (10ms to 24h)', d.reconnectionTimeout),
    postConnectionTimeout: dur('pause after dial before subscribing (0 to 24h)', d.postConnectionTimeout),
    endpoints: endpoints(d.endpoints),
    name: str('must equal the provider name', d.name),
    readBufferSize: int('socket read buffer (>= 0)', d.readBufferSize),
    writeBufferSize: int('socket write buffer (>= 0)', d.writeBufferSize),
    handshakeTimeout: dur('dial handshake timeout (1ms to 24h)', d.handshakeTimeout),
    enableCompression: bool('permessage-deflate', d.enableCompression),
    readTimeout: dur('read deadline per message (1ms to 24h)', d.readTimeout),
    writeTimeout: dur('write deadline per message (1ms to 24h)', d.writeTimeout),
    pingInterval: dur('application heartbeat period, 0 = off (else 10ms to 24h)', d.pingInterval),
    writeInterval: dur('gap between subscription writes (0 to 24h)', d.writeInterval),
    maxReadErrorCount: int('read errors before reconnecting (>= 0)', d.maxReadErrorCount),
    maxSubscriptionsPerConnection: int('tickers per connection, 0 = unlimited (>= 0)', d.maxSubscriptionsPerConnection),
    maxSubscriptionsPerBatch: int('tickers per subscribe message (>= 1)', d.maxSubscriptionsPerBatch),
  };
}

/** A provider entry's schema whose defaults are `d`. */
export function providerSchema(d: ProviderConfig): convict.Schema<ProviderConfig> {
  return {
    name: str('provider name', d.name),
    type: str('price_provider or market_map_provider', d.type),
    api: apiSchema(d.api),
    webSocket: wsSchema(d.webSocket),
  };
}

/** The top-level defaults the schema declares. */
export function topLevelDefaults(): TopLevelConfig {
  return convict(topLevelSchema, NO_IMPORT).getProperties();
}

/** A provider entry holding exactly the schema defaults `d` (a deep copy). */
export function providerDefaults(d: ProviderConfig): ProviderConfig {
  return convict(providerSchema(d), NO_IMPORT).getProperties();
}

export interface TypeProblem {
  /** Key path relative to the validated object. */
  readonly path: string;
  readonly message: string;
}

/** Loads `value` into a convict instance of `schema` and runs its strict type/format
 *  validation. Returns the typed copy and every problem convict reported. */
export function checkTypes<T>(schema: convict.Schema<T>, value: T): { value: T; problems: TypeProblem[] } {
  const conf = convict(schema, NO_IMPORT);
  conf.load(value);
  try {
    conf.validate({ allowed: 'strict' });
    return { value: conf.getProperties(), problems: [] };
  } catch (err) {
    const lines = (err as Error).message.split('\n').filter((l) => l.trim() !== '');
    return { value: conf.getProperties(), problems: lines.map(toTypeProblem) };
  }
}

function toTypeProblem(line: string): TypeProblem {
  const undeclared = /^configuration param '(.+)' not declared in the schema$/.exec(line);
  if (undeclared) return { path: undeclared[1] ?? '', message: 'unknown key' };
  const i = line.indexOf(': ');
  return i < 0 ? { path: '', message: line } : { path: line.slice(0, i), message: line.slice(i + 2) };
}
