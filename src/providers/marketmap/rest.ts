/**
 * One JSON GET of a market-map provider's REST leg (the dYdX x/prices params and the research
 * JSON), with connect's REST fetcher semantics and metrics (providers/base/api/handlers/
 * rest_api_price_fetcher.go, reference connect-spec.md §1.4):
 * - side_car_api_http_status_code{provider} once per request; no response (transport error,
 *   timeout) counts as 5XX / "500";
 * - side_car_api_response_latency{provider, endpoint="redacted_url"} once per GET, in ms;
 * - codes: no response → 2 (unknown), 429 → 1, other non-2xx → the HTTP status, a body
 *   that is not JSON → 12 (failed to decode).
 * The whole GET, body included, must finish within `timeoutMs`. After close() nothing more
 * is recorded and calls in flight resolve as cancelled.
 */
import type { Agent } from 'undici';
import type { Endpoint } from '../../config/types.js';
import { statusBucket } from '../../metrics/metrics.js';
import type { MarketMapMetrics } from '../../metrics/provider.js';
import { ErrorCode } from '../types.js';
import { undici } from '../undici.js';
import { authHeaders, readBounded, transportError } from '../http-body.js';

/** Largest body read: a 10000-market x/prices answer is well below this. */
export const MAX_MARKET_MAP_BYTES = 64 * 1024 * 1024;

export type Failure = { ok: false; code: number; error: string; kind: 'request_error' | 'invalid_response' };
export type RestResult = { ok: true; body: unknown } | Failure;

export interface RestOptions {
  provider: string;
  metrics: MarketMapMetrics;
  timeoutMs: number;
  /** Connections per host (connect: MaxConnsPerHost = maxQueries). */
  maxQueries: number;
}

export class RestGetter {
  private readonly agent: Agent;
  private readonly closing = new AbortController();

  constructor(private readonly o: RestOptions) {
    this.agent = new (undici().Agent)({ connections: Math.max(1, o.maxQueries), connectTimeout: o.timeoutMs });
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /** GETs `url` (with the endpoint's API-key header, if configured) and parses its JSON. */
  async get(url: string, endpoint?: Endpoint): Promise<RestResult> {
    const started = performance.now();
    const result = await this.request(url, endpoint);
    if (!this.closed) this.o.metrics.apiLatency.observe({ provider: this.o.provider, endpoint: 'redacted_url' }, Math.round(performance.now() - started));
    return result;
  }

  close(): void {
    this.closing.abort();
    void this.agent.destroy().catch(() => undefined);
  }

  private async request(url: string, endpoint: Endpoint | undefined): Promise<RestResult> {
    const { provider, metrics } = this.o;
    const count = (status: number | undefined) => {
      if (this.closed) return;
      const labels = status === undefined ? { status_code: '5XX', status_code_exact: '500' } : { status_code: statusBucket(status), status_code_exact: String(status) };
      metrics.apiHttpStatus.inc({ provider, ...labels });
    };
    let status: number | undefined;
    try {
      const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(Math.ceil(this.o.timeoutMs))]);
      const res = await undici().request(url, { method: 'GET', headers: authHeaders(endpoint), dispatcher: this.agent, signal });
      status = res.statusCode;
      count(status);
      if (status < 200 || status > 299) {
        await res.body.dump().catch(() => undefined);
        const code = status === 429 ? ErrorCode.RateLimitExceeded : status;
        return { ok: false, code, error: `HTTP ${status}`, kind: 'request_error' };
      }
      const text = await readBounded(res.body, MAX_MARKET_MAP_BYTES);
      if (text === undefined) return { ok: false, code: ErrorCode.InvalidResponse, error: `body larger than ${MAX_MARKET_MAP_BYTES} bytes`, kind: 'invalid_response' };
      try {
        return { ok: true, body: JSON.parse(text) };
      } catch (err) {
        return { ok: false, code: ErrorCode.FailedToDecode, error: `invalid JSON: ${(err as Error).message}`, kind: 'invalid_response' };
      }
    } catch (err) {
      if (status === undefined) count(undefined);
      return { ok: false, code: ErrorCode.Unknown, error: this.closed ? 'cancelled' : transportError(err), kind: 'request_error' };
    }
  }
}

