/**
 * Start-up handling of the market-map provider's endpoint (connect cmd/connect/main.go):
 * `--market-map-endpoint` replaces `providers.marketmap_api.api.endpoints` with `[{url}]`,
 * then the first endpoint must be a gRPC address: not starting with `http` and ending in
 * `:<port>`. A violation is a configuration error (exit 2) naming the key path and, when the
 * flag set it, the flag.
 */
import { MARKET_MAP_PROVIDER } from '../../config/defaults.js';
import type { OracleConfig } from '../../config/types.js';
import { endpoint } from '../defaults.js';

export const ENDPOINT_PATH = `providers.${MARKET_MAP_PROVIDER}.api.endpoints[0].url`;
const FLAG = '--market-map-endpoint';

/** The problem with `url` as a gRPC endpoint, or undefined (connect's two checks). */
export function grpcEndpointProblem(url: string): string | undefined {
  if (url.startsWith('http')) {
    return `expected gRPC endpoint but got HTTP endpoint ${JSON.stringify(url)}; give HOST:PORT, e.g. mynode:9090`;
  }
  if (!/:\d+$/.test(url)) return `Must specify port for the gRPC endpoint ${JSON.stringify(url)}, e.g. mynode:9090`;
  return undefined;
}

/**
 * Applies `--market-map-endpoint` (when given) to `oracle` (mutated) and checks the endpoint
 * the provider will use. Returns the problems, each `path: message (source)`.
 */
export function applyMarketMapEndpoint(oracle: OracleConfig, flagUrl: string | undefined): string[] {
  const provider = oracle.providers[MARKET_MAP_PROVIDER];
  if (!provider?.api.enabled) return flagUrl === undefined ? [] : [`${FLAG}: providers.${MARKET_MAP_PROVIDER} has no enabled api block to point at it`];
  if (flagUrl !== undefined) provider.api.endpoints = [endpoint(flagUrl)];
  const url = provider.api.endpoints[0]?.url ?? '';
  const problem = grpcEndpointProblem(url);
  if (problem === undefined) return [];
  const source = flagUrl !== undefined ? `flag ${FLAG}` : 'oracle config';
  return [`${ENDPOINT_PATH}: ${problem} (${source})`];
}
