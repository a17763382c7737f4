/**
 * Every metric the side-car exports, built against an injected prom-client Registry so that
 * tests use a fresh one and a misspelt metric does not compile.
 */
import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';
import { HistogramFamily } from './histogram.js';
import { SeriesFamily } from './series.js';

/** The handles of the side-car's own families, for code outside metrics/ that holds one. */
export type { HistogramSeries } from './histogram.js';
export type { Series } from './series.js';

/** Histogram buckets of connect's latency metrics, in milliseconds. */
export const LATENCY_BUCKETS_MS = [50, 100, 250, 500, 1000, 2000];

export type ProviderType = 'api' | 'websockets';

// ─── Connect compatibility block ──────────────────────────────────────────────────────────
// The 17 side_car_* families of connect v2 (oracle/metrics/metrics.go,
// providers/base/metrics/provider.go, providers/base/api/metrics, providers/base/websocket/
// metrics): same names, types, label names, label values and buckets, quirks included
// (counters without _total, milliseconds). Dashboards and alert rules written for connect
// depend on every detail here; do not rename.
function connectMetrics(r: Registry) {
  const registers = [r];
  return {
    // Oracle and aggregation (connect spec §1.2). `provider` and `id` (BASE/QUOTE) lower-cased.
    systemUpdates: new Counter({
      name: 'side_car_health_check_system_updates_total',
      help: 'Number of ticks with a successful oracle update.',
      registers,
    }),
    tickerUpdates: new SeriesFamily({
      type: 'counter',
      name: 'side_car_health_check_ticker_updates_total',
      help: 'Number of ticks with a successful ticker update.',
      labelNames: ['id'] as const,
      registers,
    }),
    providerPrice: new SeriesFamily({
      type: 'gauge',
      name: 'side_car_provider_price',
      help: 'Price gauge for a given currency pair on a given provider',
      labelNames: ['provider', 'id', 'decimals'] as const,
      registers,
    }),
    aggregatedPrice: new SeriesFamily({
      type: 'gauge',
      name: 'side_car_aggregated_price',
      help: 'Aggregate price for a given currency pair',
      labelNames: ['id', 'decimals'] as const,
      registers,
    }),
    providerUpdates: new SeriesFamily({
      type: 'counter',
      name: 'side_car_health_check_provider_updates_total',
      help: 'Number of ticks with a successful provider update.',
      labelNames: ['provider', 'id', 'success'] as const,
      registers,
    }),
    marketProviders: new SeriesFamily({
      type: 'gauge',
      name: 'side_car_health_check_market_providers',
      help: 'Number of providers that were used to calculate the price of a given market.',
      labelNames: ['id'] as const,
      registers,
    }),
    buildInfo: new Gauge({
      name: 'side_car_connect_build_info',
      help: 'Information about the build of the side-car.',
      labelNames: ['version'] as const,
      registers,
    }),
    // Base provider (spec §1.3). `id` is the lower-cased off-chain ticker.
    statusResponsesPerId: new SeriesFamily({
      type: 'counter',
      name: 'side_car_provider_status_responses_per_id',
      help: 'Number of provider successes / failures per id.',
      labelNames: ['provider', 'id', 'status', 'code', 'type'] as const,
      registers,
    }),
    statusResponses: new SeriesFamily({
      type: 'counter',
      name: 'side_car_provider_status_responses',
      help: 'Number of provider successes / failures.',
      labelNames: ['provider', 'status', 'code', 'type'] as const,
      registers,
    }),
    lastUpdatedId: new SeriesFamily({
      type: 'gauge',
      name: 'side_car_provider_last_updated_id',
      help: 'Last time (unix seconds) a provider successfully updated the price of an id.',
      labelNames: ['provider', 'id', 'type'] as const,
      registers,
    }),
    // HTTP providers (spec §1.4).
    apiInternalStatus: new SeriesFamily({
      type: 'counter',
      name: 'side_car_api_response_internal_status',
      help: 'The internal status of the API response.',
      labelNames: ['provider', 'id', 'internal_status'] as const,
      registers,
    }),
    apiHttpStatus: new Counter({
      name: 'side_car_api_http_status_code',
      help: 'The HTTP status code of the API response.',
      labelNames: ['provider', 'status_code', 'status_code_exact'] as const,
      registers,
    }),
    apiRpcStatus: new Counter({
      name: 'side_car_api_rpc_status_code',
      help: 'The status code of RPC calls made by API providers.',
      labelNames: ['provider', 'status_code', 'endpoint'] as const,
      registers,
    }),
    apiLatency: new Histogram({
      name: 'side_car_api_response_latency',
      help: 'The response latency of API requests in milliseconds.',
      labelNames: ['provider', 'endpoint'] as const,
      buckets: LATENCY_BUCKETS_MS,
      registers,
    }),
    // WebSocket providers (spec §1.5).
    wsConnectionStatus: new SeriesFamily({
      type: 'counter',
      name: 'side_car_web_socket_connection_status',
      help: 'Status of the websocket connection.',
      labelNames: ['provider', 'status'] as const,
      registers,
    }),
    wsDataHandlerStatus: new SeriesFamily({
      type: 'counter',
      name: 'side_car_web_socket_data_handler_status',
      help: 'Status of the websocket data handler.',
      labelNames: ['provider', 'status'] as const,
      registers,
    }),
    wsResponseTime: new HistogramFamily({
      name: 'side_car_web_socket_response_time',
      help: 'Time between receiving websocket messages, including handling, in milliseconds.',
      labelNames: ['provider'] as const,
      buckets: LATENCY_BUCKETS_MS,
      registers,
    }),
  };
}
// ─── End of the connect compatibility block ───────────────────────────────────────────────

/** promhttp's self-instrumentation, which connect's metrics handler also exports. */
function handlerMetrics(r: Registry) {
  return {
    scrapes: new Counter({
      name: 'promhttp_metric_handler_requests_total',
      help: 'Total number of scrapes by HTTP status code.',
      labelNames: ['code'] as const,
      registers: [r],
    }),
    scrapesInFlight: new Gauge({
      name: 'promhttp_metric_handler_requests_in_flight',
      help: 'Current number of scrapes being served.',
      registers: [r],
    }),
  };
}

/**
 * Metrics this side-car adds beyond connect, following Prometheus conventions (base units,
 * _seconds, _timestamp_seconds, bounded labels). Alert rules and dashboards in config/ use them.
 */
function sidecarMetrics(r: Registry) {
  const registers = [r];
  let writePriceAges: () => void = () => undefined;
  return {
    buildInfoExt: new Gauge({
      name: 'side_car_build_info',
      help: 'Always 1; labels carry the side-car version and the Node.js version.',
      labelNames: ['version', 'node_version'] as const,
      registers,
    }),
    updateIntervalSeconds: new Gauge({
      name: 'side_car_update_interval_seconds',
      help: 'Configured aggregation period (updateInterval).',
      registers,
    }),
    maxPriceAgeSeconds: new Gauge({
      name: 'side_car_max_price_age_seconds',
      help: 'Configured maximum age of a quote used in aggregation (maxPriceAge).',
      registers,
    }),
    lastTickTimestamp: new Gauge({
      name: 'side_car_last_tick_timestamp_seconds',
      help: 'Unix time of the last aggregation tick.',
      registers,
    }),
    tickDuration: new Histogram({
      name: 'side_car_tick_duration_seconds',
      help: 'Time one aggregation tick took.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
      registers,
    }),
    marketPriceServed: new SeriesFamily({
      type: 'gauge',
      name: 'side_car_market_price_served',
      help: '1 when the enabled market got a price at the last tick, else 0.',
      labelNames: ['id'] as const,
      registers,
    }),
    marketMinProviders: new SeriesFamily({
      type: 'gauge',
      name: 'side_car_market_min_provider_count',
      help: 'The market\'s min_provider_count from the market map.',
      labelNames: ['id'] as const,
      registers,
    }),
    priceDeviation: new SeriesFamily({
      type: 'gauge',
      name: 'side_car_provider_price_deviation_ratio',
      help: "(provider's converted price - market median) / median at the last tick.",
      labelNames: ['provider', 'id'] as const,
      registers,
    }),
    priceAge: new SeriesFamily({
      type: 'gauge',
      name: 'side_car_provider_price_age_seconds',
      help: "Seconds since the feed's last price (since start-up if it never delivered one), at scrape time.",
      labelNames: ['provider', 'id'] as const,
      registers,
      collect() {
        writePriceAges();
      },
    }),
    wsConnections: new Gauge({
      name: 'side_car_web_socket_connections',
      help: 'WebSocket connections currently healthy (subscribed and reading).',
      labelNames: ['provider'] as const,
      registers,
    }),
    wsConnectionsConfigured: new Gauge({
      name: 'side_car_web_socket_connections_configured',
      help: 'WebSocket connections the provider is meant to hold (one per chunk of tickers).',
      labelNames: ['provider'] as const,
      registers,
    }),
    marketUnsupported: new Gauge({
      name: 'side_car_market_unsupported',
      help: 'Always 1; one series per enabled market that can never reach min_provider_count with the providers that can run here.',
      labelNames: ['id'] as const,
      registers,
    }),
    providerUnavailable: new Gauge({
      name: 'side_car_provider_unavailable',
      help: 'Always 1; one series per provider the market map references that cannot run here, with why (not_implemented, not_configured, not_price_provider, disabled).',
      labelNames: ['provider', 'reason'] as const,
      registers,
    }),
    configReloadSuccessful: new Gauge({
      name: 'side_car_config_last_reload_successful',
      help: 'Whether the last market map (re)load was applied (1) or rejected (0).',
      registers,
    }),
    configReloadTimestamp: new Gauge({
      name: 'side_car_config_last_reload_success_timestamp_seconds',
      help: 'Unix time of the last market map (re)load that was applied.',
      registers,
    }),
    /** What writes side_car_provider_price_age_seconds at scrape time (see price-age.ts). */
    setPriceAgeWriter(write: () => void): void {
      writePriceAges = write;
    },
  };
}

export type Metrics = ReturnType<typeof connectMetrics> & ReturnType<typeof handlerMetrics> & ReturnType<typeof sidecarMetrics>;

/** Create every metric on `registry`; with `processMetrics` also Node's default collectors. */
export function createMetrics(registry: Registry, processMetrics = true): Metrics {
  // The event-loop delay monitor samples every 100 ms rather than prom-client's default 10 ms:
  // the same metric names, a tenth of the wake-ups of an otherwise idle process.
  if (processMetrics) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  return { ...connectMetrics(registry), ...handlerMetrics(registry), ...sidecarMetrics(registry) };
}

/** connect's `status_code` bucket: no response or ≥500 → 5XX; 1xx → empty string. */
export function statusBucket(status: number | undefined): string {
  if (status === undefined || status >= 500) return '5XX';
  if (status >= 400) return '4XX';
  if (status >= 300) return '3XX';
  if (status >= 200) return '2XX';
  return '';
}
