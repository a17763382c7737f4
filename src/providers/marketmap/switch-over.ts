/**
 * `dydx_migration_api` (connect providers/apis/dydx/switch_over_fetcher.go; reference
 * defi-and-dydx.md §B.4): endpoints [REST, gRPC]. Until it has switched, each poll asks
 * x/marketmap over gRPC first (v2, else slinky.marketmap.v1: dYdX v7 nodes run connect
 * v1.0.13) and, when that gives nothing usable, x/prices over REST. Once x/marketmap
 * answers with a usable map it switches for the life of the process (in memory, as connect)
 * and asks only x/marketmap; the switch is logged once.
 *
 * Departure: connect switched on any answer, even an empty market map, and then served the
 * empty map (every price stopped). Here x/marketmap must hold at least one market that passes
 * validation before we switch; until then x/prices stays in use.
 *
 * Metrics, as connect: both legs count under `dydx_migration_api` (gRPC: rpc status and
 * latency; REST: HTTP status and latency), and each poll adds
 * side_car_api_response_internal_status{provider="dydx_api" before the switch,
 * "marketmap_api" from the poll that switches on, id="dydx-node"}.
 */
import type { Logger } from '../../log.js';
import type { MarketMapMetrics } from '../../metrics/provider.js';
import { errorCodeMessage } from '../types.js';
import type { MarketMapSource, SourceResult } from './source.js';
import { validSubset } from './valid-subset.js';

export const DYDX_CHAIN_ID = 'dydx-node';

/** Whether an x/marketmap answer is good enough to switch to: at least one valid market. */
export function shouldSwitch(result: SourceResult): boolean {
  return result.ok && Object.keys(validSubset(result.map).map.markets).length > 0;
}

export interface MigrationOptions {
  /** x/marketmap over gRPC (endpoints[1]). */
  marketmap: MarketMapSource;
  /** x/prices over REST (endpoints[0]). */
  prices: MarketMapSource;
  metrics: MarketMapMetrics;
  log: Logger;
}

export class MigrationSource implements MarketMapSource {
  private switched = false;
  private waitingNoted = false;
  private closed = false;

  constructor(private readonly o: MigrationOptions) {}

  get hasSwitched(): boolean {
    return this.switched;
  }

  async fetch(): Promise<SourceResult> {
    if (this.switched) return this.report('marketmap_api', await this.o.marketmap.fetch());
    const fromMarketmap = await this.o.marketmap.fetch();
    if (shouldSwitch(fromMarketmap)) {
      this.switched = true;
      this.o.log.info('x/marketmap answers with markets; switching over from x/prices to x/marketmap for good');
      return this.report('marketmap_api', fromMarketmap);
    }
    if (fromMarketmap.ok && !this.waitingNoted) {
      this.waitingNoted = true;
      this.o.log.warn('x/marketmap answers but holds no valid market yet; staying on x/prices');
    }
    return this.report('dydx_api', await this.o.prices.fetch());
  }

  close(): void {
    this.closed = true;
    this.o.marketmap.close();
    this.o.prices.close();
  }

  private report(provider: 'dydx_api' | 'marketmap_api', result: SourceResult): SourceResult {
    if (this.closed) return result;
    const internal_status = result.ok ? 'success' : errorCodeMessage(result.code);
    this.o.metrics.apiInternalStatus.inc({ provider, id: DYDX_CHAIN_ID, internal_status });
    return result;
  }
}
