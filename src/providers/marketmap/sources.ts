/**
 * The source behind each market-map provider name (connect providers/factories/oracle/
 * marketmap.go): `marketmap_api` gRPC x/marketmap on endpoints[0] (chain id `local-node`);
 * `dydx_api` REST x/prices; `dydx_migration_api` the switch-over of REST endpoints[0] and
 * gRPC endpoints[1]; the two research names REST x/prices plus the research JSON. Every dydx
 * provider uses the chain id `dydx-node`.
 */
import { MARKET_MAP_PROVIDER } from '../../config/defaults.js';
import type { ApiConfig } from '../../config/types.js';
import type { Logger } from '../../log.js';
import type { MarketMapMetrics } from '../../metrics/provider.js';
import type { MarketMapClient } from './client.js';
import { PricesSource, ResearchSource } from './dydx-sources.js';
import { GrpcSource, grpcTarget, type MarketMapSource } from './source.js';
import { DYDX_CHAIN_ID, MigrationSource } from './switch-over.js';

export const LOCAL_CHAIN_ID = 'local-node';

/** The `id` label of a market-map provider's base-provider metrics. */
export function chainIdOf(provider: string): string {
  return provider === MARKET_MAP_PROVIDER ? LOCAL_CHAIN_ID : DYDX_CHAIN_ID;
}

export interface SourceOptions {
  provider: string;
  config: ApiConfig;
  metrics: MarketMapMetrics;
  log: Logger;
  /** Injected in tests: the gRPC client of marketmap_api or of dydx_migration_api's second leg. */
  client?: MarketMapClient;
}

/** The source for `provider`; an unknown name falls back to marketmap_api's gRPC source
 *  (start-up has already rejected unknown names, see selectMarketMapProvider). */
export function createSource(o: SourceOptions): MarketMapSource {
  const { provider, config, metrics, log, client } = o;
  const url = (i: number) => config.endpoints[i]?.url ?? '';
  switch (provider) {
    case 'dydx_api':
      return new PricesSource({ provider, config, metrics });
    case 'dydx_migration_api': {
      const marketmap = new GrpcSource({ provider, target: grpcTarget(url(1)), config, metrics, log, client });
      const prices = new PricesSource({ provider, config, metrics }, config.endpoints.slice(0, 1));
      return new MigrationSource({ marketmap, prices, metrics, log });
    }
    case 'dydx_research_json_api':
    case 'dydx_research_coinmarketcap_api':
      return new ResearchSource({ provider, config, metrics }, provider === 'dydx_research_coinmarketcap_api');
    default:
      return new GrpcSource({ provider, target: url(0), config, metrics, log, client });
  }
}
