/**
 * The market-map provider at run time, for any of the five (connect oracle/market_mapper.go
 * and providers/base): every `interval` it polls the provider's source (sources.ts), takes
 * the valid subset of the answer, and when that differs from the map being served (deep
 * equality, provider_config order included) applies it and, if asked, writes it to a file.
 * Failures are data: an unreachable node or a bad answer keeps the last good map and shows
 * in the metrics; the loop never throws.
 *
 * Base-provider metrics per poll (chain id `local-node` for marketmap_api, `dydx-node` for
 * the dydx providers): side_car_provider_status_responses[_per_id] (type "api"; code 0 or the
 * source's code, e.g. 15 general gRPC error, 8 invalid response, 1 rate limit, an HTTP
 * status), side_car_provider_last_updated_id on success; the dydx providers also count
 * side_car_api_response_internal_status{id="dydx-node"} as connect's query handler does.
 * Transport metrics (rpc/HTTP status, latency) come from the source.
 *
 * Logging: a failure at most once a minute, recovery once, and the markets left out (not
 * convertible, or invalid) once per change of that list, not once per poll.
 */
import { isDeepStrictEqual } from 'node:util';
import { MARKET_MAP_PROVIDER } from '../../config/defaults.js';
import type { ApiConfig, MarketMap } from '../../config/types.js';
import { LogThrottle, type Logger } from '../../log.js';
import type { MarketMapMetrics } from '../../metrics/provider.js';
import { ErrorCode, errorCodeMessage } from '../types.js';
import type { MarketMapClient } from './client.js';
import type { MarketMapSource, SourceResult } from './source.js';
import { chainIdOf, createSource, LOCAL_CHAIN_ID } from './sources.js';
import { validSubset } from './valid-subset.js';
import { writeMarketMapFile } from './writer.js';

/** marketmap_api's chain id (kept for existing imports). */
export const CHAIN_ID = LOCAL_CHAIN_ID;

export interface MarketMapPollerOptions {
  /** The market-map provider's name (default marketmap_api). */
  provider?: string;
  /** The provider's api block: endpoints, interval, timeout. */
  config: ApiConfig;
  metrics: MarketMapMetrics;
  log: Logger;
  /** The map served now. */
  current(): MarketMap;
  /** Applies a new map (the side-car's reloadMarketMap); resolves true when applied. */
  apply(map: MarketMap): Promise<boolean>;
  /** `--update-market-config-path`: written after each applied change. */
  writePath?: string;
  /** Injected in tests: the gRPC client (marketmap_api, dydx_migration_api's second leg). */
  client?: MarketMapClient;
  /** Injected in tests: the whole source. */
  source?: MarketMapSource;
}

export type PollOutcome = 'applied' | 'unchanged' | 'request_error' | 'invalid_response' | 'rejected';

export class MarketMapPoller {
  private readonly provider: string;
  private readonly chainId: string;
  private readonly source: MarketMapSource;
  private readonly throttle = new LogThrottle(60_000);
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<PollOutcome> | undefined;
  private stopped = false;
  private failing = false;
  private lastRemoved = '';
  private lastDropped = '';

  constructor(private readonly o: MarketMapPollerOptions) {
    this.provider = o.provider ?? MARKET_MAP_PROVIDER;
    this.chainId = chainIdOf(this.provider);
    this.source = o.source ?? createSource({ provider: this.provider, config: o.config, metrics: o.metrics, log: o.log, client: o.client });
  }

  /** First poll now, then one every `interval` (measured from the start of the previous). */
  start(): void {
    const loop = () => {
      const t0 = Date.now();
      void this.poll().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, Math.max(0, this.o.config.interval - (Date.now() - t0)));
      });
    };
    loop();
  }

  /** Stops polling: cancels the call in flight and waits for the poll to settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.source.close();
    await this.inFlight;
  }

  /** One poll; joins the poll in flight if there is one. Never rejects. */
  poll(): Promise<PollOutcome> {
    this.inFlight ??= this.pollOnce().catch((err: unknown) => {
      this.o.log.error({ err }, 'market-map poll failed unexpectedly; keeping the current map');
      return 'invalid_response' as const;
    }).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async pollOnce(): Promise<PollOutcome> {
    const result = await this.source.fetch();
    if (!result.ok && this.stopped) return 'request_error';
    this.record(result.ok ? ErrorCode.OK : result.code);
    if (!result.ok && result.kind === 'request_error') {
      this.logFailure(result);
      return 'request_error';
    }
    if (this.failing) this.o.log.info('chain node answers again');
    this.failing = false;
    if (!result.ok) {
      const suppressed = this.throttle.admit(`invalid ${result.error}`);
      if (suppressed >= 0) this.o.log.warn({ error: result.error, code: result.code, suppressed }, 'chain node answered without a usable market map; keeping the current one');
      return 'invalid_response';
    }
    this.logDropped(result.dropped);
    return this.offer(result.map);
  }

  /** Valid subset → compare → apply → write. */
  private async offer(map: MarketMap): Promise<PollOutcome> {
    const subset = validSubset(map);
    const removed = JSON.stringify([subset.removed, subset.droppedFeeds]);
    if (removed !== this.lastRemoved && (Object.keys(subset.removed).length > 0 || subset.droppedFeeds.length > 0)) {
      this.o.log.warn({ removed_markets: subset.removed, dropped_provider_configs: subset.droppedFeeds },
        'chain market map has invalid entries; serving the valid subset');
    }
    this.lastRemoved = removed;
    if (this.stopped || isDeepStrictEqual(subset.map, this.o.current())) return 'unchanged';
    if (!(await this.o.apply(subset.map))) return 'rejected';
    this.o.log.info({ markets: Object.keys(subset.map.markets).length }, 'market map from the chain node applied');
    if (this.o.writePath) this.write(this.o.writePath, subset.map);
    return 'applied';
  }

  private logDropped(dropped: string[]): void {
    const key = JSON.stringify(dropped);
    if (key !== this.lastDropped && dropped.length > 0) {
      this.o.log.warn({ dropped_markets: dropped }, `${dropped.length} market(s) of the answer cannot be converted and are left out`);
    }
    this.lastDropped = key;
  }

  private write(path: string, map: MarketMap): void {
    try {
      writeMarketMapFile(path, map);
    } catch (err) {
      this.o.log.error({ path, err }, 'cannot write the market map file (--update-market-config-path)');
    }
  }

  private record(code: number): void {
    const { metrics: m } = this.o;
    const { provider, chainId: id } = this;
    const status = code === ErrorCode.OK ? 'success' : 'failure';
    m.statusResponsesPerId.inc({ provider, id, status, code: String(code), type: 'api' });
    m.statusResponses.inc({ provider, status, code: String(code), type: 'api' });
    if (code === ErrorCode.OK) m.lastUpdatedId.set({ provider, id, type: 'api' }, Math.floor(Date.now() / 1000));
    if (provider !== MARKET_MAP_PROVIDER) m.apiInternalStatus.inc({ provider, id, internal_status: errorCodeMessage(code) });
  }

  private logFailure(failure: Extract<SourceResult, { ok: false }>): void {
    this.failing = true;
    const suppressed = this.throttle.admit('request_error');
    if (suppressed < 0) return;
    this.o.log.warn({ code: failure.code, grpc_status: failure.status, error: failure.error, suppressed },
      'cannot read the market map from the chain node; keeping the current map');
  }
}
