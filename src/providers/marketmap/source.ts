/**
 * A market-map source: what one poll of a market-map provider yields, whatever the
 * transport. The poller (poller.ts) owns the schedule, the base-provider metrics and the
 * valid subset → compare → apply → write path; a source owns its transport metrics.
 *
 * GrpcSource is the x/marketmap leg (connect providers/apis/marketmap/{client,fetcher}.go):
 * one MarketMap call with a `timeout` deadline through client.ts (v2, falling back to
 * slinky.marketmap.v1), counting side_car_api_rpc_status_code{provider, ok|request_error,
 * endpoint="redacted_url"} and side_car_api_response_latency per call. It is the whole of
 * `marketmap_api` and the second leg of `dydx_migration_api`.
 */
import type { ApiConfig, MarketMap } from '../../config/types.js';
import type { Logger } from '../../log.js';
import type { MarketMapMetrics } from '../../metrics/provider.js';
import { ErrorCode } from '../types.js';
import { createMarketMapClient, type MarketMapClient } from './client.js';
import { marketMapFromResponse } from './convert.js';
import type { Failure } from './rest.js';

export type { Failure } from './rest.js';

/** A usable answer: the converted map and, for each market left out because it could not
 *  be converted, `path: reason` (empty for x/marketmap, whose markets convert as they are). */
export type Fetched = { ok: true; map: MarketMap; dropped: string[] };
/** `status`: the gRPC status code of a failed call, for the log. */
export type SourceResult = Fetched | (Failure & { status?: number });

export interface MarketMapSource {
  /** One poll. Never rejects. */
  fetch(): Promise<SourceResult>;
  /** Cancels calls in flight (they resolve as failures) and releases connections; nothing
   *  more is recorded in the metrics afterwards. */
  close(): void;
}

/** A gRPC target from an endpoint URL: connect's pkg/grpc strips an http:// or https://
 *  scheme (dydx_migration_api's second endpoint may carry one). */
export function grpcTarget(url: string): string {
  return url.replace(/^https?:\/\//, '');
}

export interface GrpcSourceOptions {
  /** The metric label: `marketmap_api`, or `dydx_migration_api` for its gRPC leg. */
  provider: string;
  /** `host:port` (or any grpc-js target). */
  target: string;
  config: ApiConfig;
  metrics: MarketMapMetrics;
  log: Logger;
  /** Injected in tests. */
  client?: MarketMapClient;
}

export class GrpcSource implements MarketMapSource {
  private readonly client: MarketMapClient;
  private closed = false;

  constructor(private readonly o: GrpcSourceOptions) {
    this.client = o.client ?? createMarketMapClient(o.target, {
      maxReconnectBackoffMs: o.config.interval,
      onVersion: (query) => o.log.info({ query }, `chain node answers ${query}/MarketMap`),
    });
  }

  async fetch(): Promise<SourceResult> {
    const t0 = Date.now();
    let response: unknown;
    try {
      response = await this.client.marketMap(this.o.config.timeout);
    } catch (err) {
      const e = err as { code?: number; details?: string };
      if (!this.closed) this.record('request_error', Date.now() - t0);
      return { ok: false, code: ErrorCode.GRPCGeneral, error: e.details ?? String(err), kind: 'request_error', status: e.code };
    }
    this.record('ok', Date.now() - t0);
    const converted = marketMapFromResponse(response);
    if (!converted.ok) return { ok: false, code: ErrorCode.InvalidResponse, error: converted.error, kind: 'invalid_response' };
    return { ok: true, map: converted.map, dropped: [] };
  }

  close(): void {
    this.closed = true;
    this.client.close();
  }

  private record(status_code: 'ok' | 'request_error', latencyMs: number): void {
    const { provider, metrics } = this.o;
    metrics.apiRpcStatus.inc({ provider, status_code, endpoint: 'redacted_url' });
    metrics.apiLatency.observe({ provider, endpoint: 'redacted_url' }, latencyMs);
  }
}
