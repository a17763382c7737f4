/**
 * Generic HTTP polling driver (connect providers/base/api/handlers). It owns every transport
 * concern: schedule, concurrency, timeouts, status classification, body limits and metrics;
 * the adapter only builds URLs and parses decoded bodies. A DeFi adapter instead prices each
 * task itself through a DefiTransport (its nodes, several endpoints at once, block heights);
 * the schedule, the delivery and the per-ticker metrics stay here.
 *
 * Schedule: the first tick is immediate, then one every `interval`. Each tick launches up to
 * min(maxQueries, tasks) requests round-robin over the tasks (atomic: one task with every
 * ticker; otherwise batches of max(1, batchSize)); while `maxQueries` are in flight further
 * launches are skipped, so a slow server throttles the loop instead of piling up requests.
 */
import type { Agent } from 'undici';
import type { ApiConfig } from '../config/types.js';
import { failAll } from './outcomes.js';
import type { Logger } from '../log.js';
import { LogThrottle, redactUrls } from '../log.js';
import type { ProviderMetrics } from '../metrics/provider.js';
import type { ProviderSink } from './sink.js';
import type { ProviderState } from './state.js';
import { undici } from './undici.js';
import { ErrorCode, errorCodeMessage, type DefiExchange, type HttpExchange, type ProviderResponse, type ProviderTicker } from './types.js';
import { DefiTransport } from './defi-transport.js';
import { authHeaders, readBounded, transportError } from './http-body.js';

/** Largest response body read; anything bigger is abandoned as an invalid response. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface HttpPollerOptions {
  name: string;
  config: ApiConfig;
  exchange: HttpExchange | DefiExchange;
  tickers: readonly ProviderTicker[];
  sink: ProviderSink;
  metrics: ProviderMetrics;
  log: Logger;
}

export class HttpPoller {
  private tasks: ProviderTicker[][] = [];
  private limit = 1;
  private readonly agent: Agent;
  private readonly throttle = new LogThrottle();
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  private endpoint = 0;
  private inFlight = new Set<Promise<void>>();
  private stopped = false;
  /** Bumped by every ticker update, so a request started before it can tell. */
  private generation = 0;
  private readonly defi: DefiTransport | undefined;

  constructor(private readonly o: HttpPollerOptions) {
    const { config } = o;
    this.setTickers(o.tickers);
    this.agent = new (undici().Agent)({
      connections: Math.max(1, config.maxQueries),
      connectTimeout: config.timeout,
      headersTimeout: config.timeout,
      bodyTimeout: config.timeout,
    });
    if (o.exchange.kind === 'defi') this.defi = new DefiTransport(config, this.agent, o.metrics);
  }

  /** Replace the tickers polled from the next tick on; connections are kept. */
  async update(tickers: readonly ProviderTicker[]): Promise<void> {
    this.setTickers(tickers);
    if (!this.stopped && !this.timer) this.start();
  }

  get tickers(): readonly ProviderTicker[] {
    return this.tasks.flat();
  }

  get state(): ProviderState {
    return this.o.sink.state;
  }

  private setTickers(tickers: readonly ProviderTicker[]): void {
    const { config } = this.o;
    const size = config.atomic ? Math.max(1, tickers.length) : Math.max(1, config.batchSize);
    const tasks: ProviderTicker[][] = [];
    for (let i = 0; i < tickers.length; i += size) tasks.push(tickers.slice(i, i + size));
    this.tasks = tasks;
    this.limit = Math.max(1, Math.min(config.maxQueries, tasks.length));
    this.next = 0;
    this.generation += 1;
  }

  start(): void {
    if (this.tasks.length === 0 || this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.o.config.interval);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.agent.destroy().catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
  }

  private tick(): void {
    while (!this.stopped && this.tasks.length > 0 && this.inFlight.size < this.limit) {
      const task = this.tasks[this.next % this.tasks.length] ?? [];
      this.next = (this.next + 1) % this.tasks.length;
      const p = this.fetch(task).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  /** One task for `tickers`: a GET observes one latency (a DeFi task observes one per
   *  endpoint call, in the transport). */
  private async fetch(tickers: ProviderTicker[]): Promise<void> {
    const { metrics } = this.o;
    const generation = this.generation;
    let response: ProviderResponse;
    if (this.defi) {
      response = await this.fetchDefi(tickers, this.defi);
    } else {
      const started = performance.now();
      response = await this.query(tickers);
      metrics.apiLatency(Math.round(performance.now() - started));
    }
    if (this.stopped) return;
    if (generation !== this.generation) response = this.stillPolled(response);
    this.o.sink.deliver(response);
    for (const r of response.resolved) {
      metrics.apiTickerStatus(r.ticker, 'success');
    }
    for (const u of response.unresolved) {
      metrics.apiTickerStatus(u.ticker, errorCodeMessage(u.code));
      this.warn(`${u.code}`, u.reason);
    }
  }

  /** The part of `response` whose tickers are still polled: a ticker removed while the request
   *  was in flight is neither stored nor counted (its series were retired with it). */
  private stillPolled(response: ProviderResponse): ProviderResponse {
    const polled = new Set(this.tickers.map((t) => t.offChainTicker.toLowerCase()));
    const keep = (q: { ticker: string }) => polled.has(q.ticker.toLowerCase());
    return { resolved: response.resolved.filter(keep), unresolved: response.unresolved.filter(keep) };
  }

  /** A DeFi task; an adapter that throws fails its tickers instead of the loop. */
  private async fetchDefi(tickers: ProviderTicker[], ctx: DefiTransport): Promise<ProviderResponse> {
    try {
      return await (this.o.exchange as DefiExchange).fetch(tickers, ctx);
    } catch (err) {
      this.o.log.error({ err }, 'DeFi adapter threw; its tickers fail this interval');
      return failAll(tickers, ErrorCode.Unknown, `adapter error: ${(err as Error).message}`);
    }
  }

  private async query(tickers: ProviderTicker[]): Promise<ProviderResponse> {
    const { config, metrics } = this.o;
    const exchange = this.o.exchange as HttpExchange;
    const index = this.endpoint % Math.max(1, config.endpoints.length);
    const endpoint = config.endpoints[index];
    const url = endpoint ? exchange.buildUrl(endpoint.url, tickers) : new Error('no endpoint configured');
    if (url instanceof Error) return failAll(tickers, ErrorCode.UnableToCreateURL, url.message);
    let status: number | undefined;
    try {
      const res = await undici().request(url, {
        method: 'GET',
        headers: authHeaders(endpoint),
        dispatcher: this.agent,
        signal: AbortSignal.timeout(Math.ceil(config.timeout)),
      });
      status = res.statusCode;
      metrics.apiHttpStatus(status);
      if (status === 429) {
        await res.body.dump();
        this.rotate(index);
        return failAll(tickers, ErrorCode.RateLimitExceeded, 'HTTP 429');
      }
      if (status < 200 || status > 299) {
        await res.body.dump();
        if (status >= 500) this.rotate(index);
        return failAll(tickers, status, `HTTP ${status}`);
      }
      const text = await readBounded(res.body, MAX_BODY_BYTES);
      if (text === undefined) return failAll(tickers, ErrorCode.InvalidResponse, `body larger than ${MAX_BODY_BYTES} bytes`);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (err) {
        return failAll(tickers, ErrorCode.FailedToDecode, `invalid JSON: ${(err as Error).message}`);
      }
      return exchange.parse(body, tickers);
    } catch (err) {
      if (status === undefined) metrics.apiHttpStatus(undefined);
      this.rotate(index);
      return failAll(tickers, ErrorCode.Unknown, transportError(err));
    }
  }

  /**
   * Move later requests off an endpoint that timed out, refused, answered 5xx or 429. connect
   * only ever used endpoints[0]. `failed` is the index the failing request used, so
   * concurrent failures move on by one endpoint, not several.
   */
  private rotate(failed: number): void {
    const n = this.o.config.endpoints.length;
    if (n < 2 || this.endpoint % n !== failed || this.stopped) return;
    this.endpoint = (failed + 1) % n;
    this.o.log.warn({ endpoint: this.endpoint }, `switching to api endpoint ${this.endpoint} of ${n}`);
  }

  private warn(key: string, reason: string): void {
    const suppressed = this.throttle.admit(key);
    // A reason may quote the endpoint template (UnableToCreateURL): never its query string.
    if (suppressed >= 0) this.o.log.warn({ code: key, suppressed }, `request failed: ${redactUrls(reason)}`);
  }
}

