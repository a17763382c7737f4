/**
 * Start-up handling of the market-map provider (connect cmd/connect/main.go,
 * cmd/connect/config/config.go; reference defi-and-dydx.md §B.0, §B.7). Problems are strings
 * `path: message (source)`; the caller exits 2 on any.
 *
 * selectMarketMapProvider: `--marketmap-provider NAME` must be one of the five; every other
 * provider of type market_map_provider is then removed, so only the chosen one runs.
 *
 * applyMarketMapEndpoint, on the one market-map provider left (marketmap_api when called
 * before the selection): `--market-map-endpoint` replaces its endpoint list with `[{url}]`,
 * then its endpoints are checked:
 * - marketmap_api: endpoints[0] a gRPC address (not `http…`, ends in `:<port>`), as connect;
 * - dydx_api: every endpoint an http(s) URL (connect did not check; a gRPC address there only
 *   failed every poll; we fail over between them, connect used the first);
 * - dydx_migration_api: exactly [REST http(s) URL, gRPC host:port] (a scheme on the gRPC one
 *   is stripped, as connect);
 * - the research pair: exactly [dYdX REST URL, research JSON URL], both http(s).
 * `--market-map-endpoint` with a two-endpoint provider is a configuration error: it can
 * carry only one of the two addresses, and guessing which would be worse than saying so
 * (connect failed at provider construction with "expected two endpoints").
 */
import { isMarketMapProviderName, MARKET_MAP_PROVIDER, MARKET_MAP_PROVIDERS } from '../../config/defaults.js';
import type { OracleConfig, ProviderConfig } from '../../config/types.js';
import { endpoint } from '../../config/provider-defaults.js';
import { grpcTarget } from './source.js';

export const ENDPOINT_PATH = `providers.${MARKET_MAP_PROVIDER}.api.endpoints[0].url`;
const FLAG = '--market-map-endpoint';
const PROVIDER_FLAG = '--marketmap-provider';
const TYPE = 'market_map_provider';

/** The problem with `url` as a gRPC endpoint, or undefined (connect's two checks). */
export function grpcEndpointProblem(url: string): string | undefined {
  if (url.startsWith('http')) {
    return `expected gRPC endpoint but got HTTP endpoint ${JSON.stringify(url)}; give HOST:PORT, e.g. mynode:9090`;
  }
  if (!/:\d+$/.test(url)) return `Must specify port for the gRPC endpoint ${JSON.stringify(url)}, e.g. mynode:9090`;
  return undefined;
}

/** The problem with `url` as a REST endpoint, or undefined. */
export function restEndpointProblem(url: string): string | undefined {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) return undefined;
  return `expected an HTTP endpoint but got ${JSON.stringify(url)}; give http://HOST:PORT, e.g. http://mynode:1317`;
}

/** Keeps only the market-map provider `name`; returns the problems. */
export function selectMarketMapProvider(oracle: OracleConfig, name: string): string[] {
  if (!isMarketMapProviderName(name)) {
    return [`${PROVIDER_FLAG}: market map provider ${JSON.stringify(name)} not found; one of ${MARKET_MAP_PROVIDERS.join(', ')}`];
  }
  const chosen = oracle.providers[name];
  if (!chosen) return [`providers.${name}: market map provider chosen by ${PROVIDER_FLAG} is not configured (flag ${PROVIDER_FLAG})`];
  if (chosen.type !== TYPE) return [`providers.${name}.type: must be ${TYPE} for ${PROVIDER_FLAG}, got ${JSON.stringify(chosen.type)} (oracle config)`];
  for (const [key, p] of Object.entries(oracle.providers)) if (key !== name && p.type === TYPE) delete oracle.providers[key];
  return [];
}

/** The market-map provider the side-car will run: the only one left, else marketmap_api. */
function marketMapProvider(oracle: OracleConfig): [string, ProviderConfig] | undefined {
  const all = Object.entries(oracle.providers).filter(([, p]) => p.type === TYPE);
  if (all.length === 1) return all[0];
  const fallback = oracle.providers[MARKET_MAP_PROVIDER];
  return fallback ? [MARKET_MAP_PROVIDER, fallback] : undefined;
}

type Check = (url: string) => string | undefined;
const ROLES: Record<string, Array<[role: string, check: Check]>> = {
  marketmap_api: [['gRPC', grpcEndpointProblem]],
  dydx_api: [['REST', restEndpointProblem]],
  dydx_migration_api: [['REST x/prices', restEndpointProblem], ['gRPC x/marketmap', (u) => grpcEndpointProblem(grpcTarget(u))]],
  dydx_research_json_api: [['dYdX REST', restEndpointProblem], ['research JSON', restEndpointProblem]],
  dydx_research_coinmarketcap_api: [['dYdX REST', restEndpointProblem], ['research JSON', restEndpointProblem]],
};

/**
 * Applies `--market-map-endpoint` (when given) to `oracle` (mutated) and checks the
 * endpoints the market-map provider will use. Returns the problems.
 */
export function applyMarketMapEndpoint(oracle: OracleConfig, flagUrl: string | undefined): string[] {
  const found = marketMapProvider(oracle);
  if (!found?.[1].api.enabled) {
    const name = found?.[0] ?? MARKET_MAP_PROVIDER;
    return flagUrl === undefined ? [] : [`${FLAG}: providers.${name} has no enabled api block to point at it`];
  }
  const [name, provider] = found;
  const roles = ROLES[name] ?? ROLES[MARKET_MAP_PROVIDER] ?? [];
  const at = `providers.${name}.api.endpoints`;
  if (flagUrl !== undefined && roles.length > 1) {
    const list = roles.map(([role]) => role).join(', ');
    return [`${at}: ${name} needs ${roles.length} endpoints [${list}] from oracle.json; ${FLAG} sets only one (flag ${FLAG})`];
  }
  if (flagUrl !== undefined) provider.api.endpoints = [endpoint(flagUrl)];
  const source = flagUrl !== undefined ? `flag ${FLAG}` : 'oracle config';
  const endpoints = provider.api.endpoints;
  if (roles.length > 1 && endpoints.length !== roles.length) {
    const list = roles.map(([role]) => role).join(', ');
    return [`${at}: ${name} needs exactly ${roles.length} endpoints [${list}], got ${endpoints.length} (${source})`];
  }
  // dydx_api fails over between all its endpoints, so each must be a REST URL.
  const checked = name === 'dydx_api' ? endpoints.map((e, i) => [i, e.url, restEndpointProblem] as const)
    : roles.map(([, check], i) => [i, endpoints[i]?.url ?? '', check] as const);
  const problems: string[] = [];
  for (const [i, url, check] of checked) {
    const problem = check(url);
    const role = roles.length > 1 ? `${roles[i]?.[0] ?? ''}: ` : '';
    if (problem !== undefined) problems.push(`${at}[${i}].url: ${role}${problem} (${source})`);
  }
  return problems;
}
