/**
 * Semantic validation of a typed oracle configuration: connect's ValidateBasic rules
 * (oracle/config/{oracle,provider,api,websocket,metrics}.go). Every rule reports through
 * `Problems`, so all violations are listed at once. Telemetry is never validated: this
 * side-car sends none. On top of connect's rules: the lower bounds of periods and timeouts
 * and the checks of listen addresses (limits.ts, address.ts).
 */
import { hostPortProblem, hostProblem, portProblem } from './address.js';
import { formatMs, MIN_PERIOD_MS, MIN_TIMEOUT_MS, preview } from './limits.js';
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

/** Lower bounds of durations (limits.ts), checked once the value passed its sign rule:
 *  0 stays legal where it means "off" (pingInterval). The upper bound is coerce.ts's. */
type MinDuration = [key: string, min: number];

const API_MINIMUMS: MinDuration[] = [
  ['interval', MIN_PERIOD_MS], ['reconnectTimeout', MIN_PERIOD_MS], ['timeout', MIN_TIMEOUT_MS],
];

const WS_MINIMUMS: MinDuration[] = [
  ['reconnectionTimeout', MIN_PERIOD_MS], ['pingInterval', MIN_PERIOD_MS], ['handshakeTimeout', MIN_TIMEOUT_MS],
  ['readTimeout', MIN_TIMEOUT_MS], ['writeTimeout', MIN_TIMEOUT_MS],
];

function runChecks(block: object, checks: Check[], minimums: MinDuration[], at: PathSeg[], problems: Problems): void {
  const values = block as Record<string, number>;
  const failed = new Set<string>();
  for (const [key, ok, rule] of checks) {
    const v = values[key] ?? 0;
    if (ok(v)) continue;
    problems.at([...at, key], `${rule}, got ${v}`);
    failed.add(key);
  }
  for (const [key, min] of minimums) {
    const v = values[key] ?? 0;
    if (!failed.has(key) && v > 0 && v < min) problems.at([...at, key], `must be at least ${formatMs(min)}, got ${v}ms`);
  }
}

/** Top-level keys and metrics. */
export function validateTopLevel(c: TopLevelConfig, problems: Problems): void {
  if (!(c.updateInterval > 0)) problems.at('updateInterval', `must be > 0, got ${c.updateInterval}ms`);
  else if (c.updateInterval < MIN_PERIOD_MS) {
    problems.at('updateInterval', `must be at least ${formatMs(MIN_PERIOD_MS)}, got ${c.updateInterval}ms`);
  }
  if (!(c.maxPriceAge > 0)) problems.at('maxPriceAge', `must be > 0, got ${c.maxPriceAge}ms`);
  if (c.host === '') problems.at('host', 'must not be empty');
  else report(problems, 'host', hostProblem(c.host));
  if (c.port === '') problems.at('port', 'must not be empty');
  else report(problems, 'port', portProblem(c.port));
  if (!c.metrics.enabled) return;
  const address = c.metrics.prometheusServerAddress;
  const { host, port } = splitHostPort(address);
  if (address === '') problems.at('metrics.prometheusServerAddress', 'must not be empty when metrics are enabled');
  else if (host === '' || port === '') {
    problems.at('metrics.prometheusServerAddress', `must be host:port with a non-empty host and port, got ${preview(address)}`);
  } else report(problems, 'metrics.prometheusServerAddress', hostPortProblem(address));
}

function report(problems: Problems, path: string, problem: string | undefined): void {
  if (problem !== undefined) problems.at(path, problem);
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
    problems.at([...at, 'type'], `must be one of ${PROVIDER_TYPES.join(', ')}, got ${preview(p.type)}`);
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
    problems.at([...at, 'name'], `must equal the provider name ${preview(providerName)}, got ${preview(blockName)}`);
  }
}

function validateApi(api: ApiConfig, providerName: string, at: PathSeg[], problems: Problems): void {
  validateName(api.name, providerName, at, problems);
  runChecks(api, API_CHECKS, API_MINIMUMS, at, problems);
  if (api.atomic && api.batchSize !== 0) problems.at([...at, 'batchSize'], `must be 0 when atomic, got ${api.batchSize}`);
  validateEndpoints(api.endpoints, [...at, 'endpoints'], problems);
}

function validateWs(ws: WebSocketConfig, providerName: string, at: PathSeg[], problems: Problems): void {
  validateName(ws.name, providerName, at, problems);
  runChecks(ws, WS_CHECKS, WS_MINIMUMS, at, problems);
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
