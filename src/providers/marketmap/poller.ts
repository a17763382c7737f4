/**
 * The `marketmap_api` provider at run time (connect oracle/market_mapper.go and
 * providers/apis/marketmap): every `interval` it calls the node's MarketMap with a
 * `timeout` deadline, converts the answer, takes its valid subset, and when that differs
 * from the map being served (deep equality, provider_config order included) applies it
 * and, if asked, writes it to a file. Failures are data: an unreachable node or a bad
 * answer keeps the last good map and shows in the metrics; the loop never throws.
 *
 * Metrics per call (connect's RPC and base-provider metrics, chain id `local-node`):
 * side_car_api_rpc_status_code{status_code="ok"|"request_error"}, side_car_api_response_latency
 * (ms), side_car_provider_status_responses[_per_id] (type "api"; code 0, 15 general gRPC
 * error, 8 invalid response), side_car_provider_last_updated_id on success.
 */
import { isDeepStrictEqual } from 'node:util';
import { MARKET_MAP_PROVIDER } from '../../config/defaults.js';
import type { ApiConfig, MarketMap } from '../../config/types.js';
import { LogThrottle, type Logger } from '../../log.js';
import type { Metrics } from '../../metrics/metrics.js';
import { ErrorCode } from '../types.js';
import { createMarketMapClient, type MarketMapClient } from './client.js';
import { marketMapFromResponse } from './convert.js';
import { validSubset } from './valid-subset.js';
import { writeMarketMapFile } from './writer.js';

export const CHAIN_ID = 'local-node';
const provider = MARKET_MAP_PROVIDER;
const endpoint = 'redacted_url';

export interface MarketMapPollerOptions {
  /** The provider's api block: endpoints[0].url, interval, timeout. */
  config: ApiConfig;
  metrics: Metrics;
  log: Logger;
  /** The map served now. */
  current(): MarketMap;
  /** Applies a new map (the side-car's reloadMarketMap); resolves true when applied. */
  apply(map: MarketMap): Promise<boolean>;
  /** `--update-market-config-path`: written after each applied change. */
  writePath?: string;
  /** Injected in tests; by default a gRPC client for endpoints[0].url. */
  client?: MarketMapClient;
}

export type PollOutcome = 'applied' | 'unchanged' | 'request_error' | 'invalid_response' | 'rejected';

export class MarketMapPoller {
  private readonly client: MarketMapClient;
  private readonly throttle = new LogThrottle(60_000);
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<PollOutcome> | undefined;
  private stopped = false;
  private failing = false;
  private lastRemoved = '';

  constructor(private readonly o: MarketMapPollerOptions) {
    const url = o.config.endpoints[0]?.url ?? '';
    this.client = o.client ?? createMarketMapClient(url, { maxReconnectBackoffMs: o.config.interval });
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
    this.client.close();
    await this.inFlight;
  }

  /** One poll; joins the poll in flight if there is one. Never rejects. */
  poll(): Promise<PollOutcome> {
    this.inFlight ??= this.pollOnce().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async pollOnce(): Promise<PollOutcome> {
    const t0 = Date.now();
    let response: unknown;
    try {
      response = await this.client.marketMap(this.o.config.timeout);
    } catch (err) {
      if (this.stopped) return 'request_error';
      this.record(false, Date.now() - t0, ErrorCode.GRPCGeneral);
      this.logFailure(err);
      return 'request_error';
    }
    const converted = marketMapFromResponse(response);
    this.record(true, Date.now() - t0, converted.ok ? ErrorCode.OK : ErrorCode.InvalidResponse);
    if (this.failing) this.o.log.info('chain node answers again');
    this.failing = false;
    if (!converted.ok) {
      this.o.log.warn({ error: converted.error }, 'chain node answered without a market map; keeping the current one');
      return 'invalid_response';
    }
    return this.offer(converted.map);
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

  private write(path: string, map: MarketMap): void {
    try {
      writeMarketMapFile(path, map);
    } catch (err) {
      this.o.log.error({ path, err: String(err) }, 'cannot write the market map file (--update-market-config-path)');
    }
  }

  private record(answered: boolean, latencyMs: number, code: number): void {
    const m = this.o.metrics;
    m.apiRpcStatus.inc({ provider, status_code: answered ? 'ok' : 'request_error', endpoint });
    m.apiLatency.observe({ provider, endpoint }, latencyMs);
    const status = code === ErrorCode.OK ? 'success' : 'failure';
    m.statusResponsesPerId.inc({ provider, id: CHAIN_ID, status, code: String(code), type: 'api' });
    m.statusResponses.inc({ provider, status, code: String(code), type: 'api' });
    if (code === ErrorCode.OK) m.lastUpdatedId.set({ provider, id: CHAIN_ID, type: 'api' }, Math.floor(Date.now() / 1000));
  }

  private logFailure(err: unknown): void {
    this.failing = true;
    const suppressed = this.throttle.admit('request_error');
    if (suppressed < 0) return;
    const e = err as { code?: number; details?: string };
    this.o.log.warn({ endpoint: this.o.config.endpoints[0]?.url, code: e.code, error: e.details ?? String(err), suppressed },
      'cannot read the market map from the chain node; keeping the current map');
  }
}
