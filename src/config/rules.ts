/**
 * Semantic validation of a typed oracle configuration: connect's ValidateBasic rules
 * (oracle/config/{oracle,provider,api,websocket,metrics}.go). Every rule reports through
 * `Problems`, so all violations are listed at once. Telemetry is never validated: this
 * side-car sends none.
 */
import type { PathSeg, Problems } from './origins.js';
import type { TopLevelConfig } from './schema.js';
import type { ApiConfig, Endpoint, ProviderConfig, WebSocketConfig } from './types.js';

const PROVIDER_TYPES = ['price_provider', 'market_map_provider'];

type Check = [key: string, ok: (v: number) => boolean, rule: string];
const POSITIVE = (v: number) => v > 0;
const NON_NEGATIVE = (v: number) => v >= 0;
const AT_LEAST_ONE = (v: number) => v >= 1;

const API_CHECKS: Check[] = [
  ['timeout', POSITIVE, 'must be > 0'],
  ['interval', POSITIVE, 'must be > 0'],
  ['reconnectTimeout', POSITIVE, 'must be > 0'],
  ['maxQueries', AT_LEAST_ONE, 'must be >= 1'],
  ['maxBlockHeightAge', NON_NEGATIVE, 'must be >= 0'],
];

const WS_CHECKS: Check[] = [
  ['maxBufferSize', AT_LEAST_ONE, 'must be >= 1'],
  ['reconnectionTimeout', POSITIVE, 'must be > 0'],
  ['postConnectionTimeout', NON_NEGATIVE, 'must be >= 0'],
  ['readBufferSize', NON_NEGATIVE, 'must be >= 0'],
  ['writeBufferSize', NON_NEGATIVE, 'must be >= 0'],
  ['handshakeTimeout', POSITIVE, 'must be > 0'],
  ['readTimeout', POSITIVE, 'must be > 0'],
  ['writeTimeout', POSITIVE, 'must be > 0'],
  ['pingInterval', NON_NEGATIVE, 'must be >= 0'],
  ['writeInterval', NON_NEGATIVE, 'must be >= 0'],
  ['maxReadErrorCount', NON_NEGATIVE, 'must be >= 0'],
  ['maxSubscriptionsPerConnection', NON_NEGATIVE, 'must be >= 0'],
  ['maxSubscriptionsPerBatch', AT_LEAST_ONE, 'must be >= 1'],
];

function runChecks(block: object, checks: Check[], at: PathSeg[], problems: Problems): void {
  const values = block as Record<string, number>;
  for (const [key, ok, rule] of checks) {
    const v = values[key] ?? 0;
    if (!ok(v)) problems.at([...at, key], `${rule}, got ${v}`);
  }
}

/** Top-level keys and metrics. */
export function validateTopLevel(c: TopLevelConfig, problems: Problems): void {
  if (!(c.updateInterval > 0)) problems.at('updateInterval', `must be > 0, got ${c.updateInterval}ms`);
  if (!(c.maxPriceAge > 0)) problems.at('maxPriceAge', `must be > 0, got ${c.maxPriceAge}ms`);
  if (c.host === '') problems.at('host', 'must not be empty');
  if (c.port === '') problems.at('port', 'must not be empty');
  if (!c.metrics.enabled) return;
  const address = c.metrics.prometheusServerAddress;
  const { host, port } = splitHostPort(address);
  if (address === '') problems.at('metrics.prometheusServerAddress', 'must not be empty when metrics are enabled');
  else if (host === '' || port === '') {
    problems.at('metrics.prometheusServerAddress', `must be host:port with a non-empty host and port, got ${JSON.stringify(address)}`);
  }
}

/** `host:port`, `[::1]:8002`; a missing part is returned empty. */
export function splitHostPort(address: string): { host: string; port: string } {
  const i = address.lastIndexOf(':');
  if (i < 0) return { host: address, port: '' };
  const host = address.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  return { host, port: address.slice(i + 1) };
}

/** One provider entry, reported under `providers.<key>`. */
export function validateProvider(key: string, p: ProviderConfig, problems: Problems): void {
  const at: PathSeg[] = ['providers', key];
  if (p.name === '') problems.at([...at, 'name'], 'must not be empty');
  if (!PROVIDER_TYPES.includes(p.type)) {
    problems.at([...at, 'type'], `must be one of ${PROVIDER_TYPES.join(', ')}, got ${JSON.stringify(p.type)}`);
  }
  if (p.api.enabled === p.webSocket.enabled) {
    const state = p.api.enabled ? 'both are' : 'neither is';
    problems.at(at, `exactly one of api.enabled and webSocket.enabled must be true (${state})`);
  }
  if (p.api.enabled) validateApi(p.api, p.name, [...at, 'api'], problems);
  if (p.webSocket.enabled) validateWs(p.webSocket, p.name, [...at, 'webSocket'], problems);
}

function validateName(blockName: string, providerName: string, at: PathSeg[], problems: Problems): void {
  if (blockName === '') problems.at([...at, 'name'], 'must not be empty');
  else if (blockName !== providerName) {
    problems.at([...at, 'name'], `must equal the provider name ${JSON.stringify(providerName)}, got ${JSON.stringify(blockName)}`);
  }
}

function validateApi(api: ApiConfig, providerName: string, at: PathSeg[], problems: Problems): void {
  validateName(api.name, providerName, at, problems);
  runChecks(api, API_CHECKS, at, problems);
  if (api.atomic && api.batchSize !== 0) problems.at([...at, 'batchSize'], `must be 0 when atomic, got ${api.batchSize}`);
  validateEndpoints(api.endpoints, [...at, 'endpoints'], problems);
}

function validateWs(ws: WebSocketConfig, providerName: string, at: PathSeg[], problems: Problems): void {
  validateName(ws.name, providerName, at, problems);
  runChecks(ws, WS_CHECKS, at, problems);
  validateEndpoints(ws.endpoints, [...at, 'endpoints'], problems);
}

function validateEndpoints(list: Endpoint[], at: PathSeg[], problems: Problems): void {
  if (list.length === 0) problems.at(at, 'must have at least one endpoint');
  list.forEach((e, i) => {
    if (e.url === '') problems.at([...at, i, 'url'], 'must not be empty');
    const { apiKey, apiKeyHeader } = e.authentication;
    if ((apiKey === '') !== (apiKeyHeader === '')) {
      problems.at([...at, i, 'authentication'], 'apiKey and apiKeyHeader must be both set or both empty');
    }
  });
}
