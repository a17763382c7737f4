/**
 * What one price provider writes: the base-provider metrics of its delivered prices (connect
 * providers/base/fetch.go recv), its HTTP request metrics (providers/base/api/metrics) or its
 * WebSocket connection metrics (providers/base/websocket/metrics). The drivers, the sink and the
 * connections of a provider hold one ProviderMetrics and write nothing else.
 *
 * The series written per message or per price are looked up once and held, so a delivered price
 * or a WebSocket message costs no label work.
 */
import { statusBucket, type Metrics, type ProviderType } from './metrics.js';
import type { HistogramSeries } from './histogram.js';
import type { Series } from './series.js';

/** side_car_web_socket_connection_status's `status` values. */
export type WsConnectionStatus =
  | 'dial_err' | 'dial_success' | 'write_err' | 'write_success' | 'read_err' | 'read_success'
  | 'close_err' | 'close_success' | 'healthy' | 'unhealthy';
/** side_car_web_socket_data_handler_status's `status` values. */
export type WsHandlerStatus =
  | 'create_message_err' | 'create_message_success' | 'handle_message_err' | 'handle_message_success'
  | 'heartbeat_success' | 'heartbeat_err';

type ProviderFamilies = Pick<
  Metrics,
  | 'statusResponsesPerId' | 'statusResponses' | 'lastUpdatedId' | 'apiInternalStatus' | 'apiHttpStatus' | 'apiLatency'
  | 'apiRpcStatus' | 'wsConnectionStatus' | 'wsDataHandlerStatus' | 'wsResponseTime' | 'wsConnections' | 'wsConnectionsConfigured'
>;

/**
 * The families a market-map provider writes (providers/marketmap/): its requests (latency, HTTP
 * or RPC status, internal status) and its base-provider counts per chain id. A market map is
 * fetched every few seconds at most, so these are written through labels, not held handles.
 */
export type MarketMapMetrics = Pick<
  Metrics,
  'statusResponsesPerId' | 'statusResponses' | 'lastUpdatedId' | 'apiInternalStatus' | 'apiHttpStatus' | 'apiRpcStatus' | 'apiLatency'
>;

/** The series a delivered price of one ticker writes; the sink holds them per ticker. */
export interface DeliverySeries {
  readonly success: Series;
  readonly lastUpdated: Series;
}

/** A provider's ProviderMetrics, as the provider manager builds them. */
export type ProviderMetricsFactory = (provider: string, type: ProviderType) => ProviderMetrics;

export function providerMetricsFactory(metrics: ProviderFamilies): ProviderMetricsFactory {
  return (provider, type) => new ProviderMetrics(metrics, provider, type);
}

export class ProviderMetrics {
  private readonly successes: Series;
  private readonly readSuccess: Series;
  private readonly handleSuccess: Series;
  private readonly responseTime: HistogramSeries;

  constructor(
    private readonly m: ProviderFamilies,
    readonly provider: string,
    readonly type: ProviderType,
  ) {
    this.successes = m.statusResponses.child({ provider, status: 'success', code: '0', type });
    this.readSuccess = m.wsConnectionStatus.child({ provider, status: 'read_success' });
    this.handleSuccess = m.wsDataHandlerStatus.child({ provider, status: 'handle_message_success' });
    this.responseTime = m.wsResponseTime.child({ provider });
  }

  // ─── Delivered prices (every provider) ───

  /** A price was delivered through `s` (from `deliverySeries`) at `seconds` (unix seconds). */
  delivered(s: DeliverySeries, seconds: number): void {
    s.success.inc();
    this.successes.inc();
    s.lastUpdated.set(seconds);
  }

  /** The provider reported error `code` for `ticker`. */
  priceFailed(ticker: string, code: number): void {
    const { provider, type, m } = this;
    const c = String(code);
    m.statusResponsesPerId.inc({ provider, id: ticker.toLowerCase(), status: 'failure', code: c, type });
    m.statusResponses.inc({ provider, status: 'failure', code: c, type });
  }

  /** The series a delivered price of `ticker` writes (each family's child() finds or creates
   *  them): the sink looks them up once per ticker and holds them. */
  deliverySeries(ticker: string): DeliverySeries {
    const { provider, type, m } = this;
    const id = ticker.toLowerCase();
    return {
      success: m.statusResponsesPerId.child({ provider, id, status: 'success', code: '0', type }),
      lastUpdated: m.lastUpdatedId.child({ provider, id, type }),
    };
  }

  // ─── HTTP requests ───

  /** A request took `ms` milliseconds (rounded), whatever its outcome. */
  apiLatency(ms: number): void {
    this.m.apiLatency.observe({ provider: this.provider, endpoint: 'redacted_url' }, ms);
  }

  /** A request answered with HTTP `status`; undefined (no response) counts as 500, as connect does. */
  apiHttpStatus(status: number | undefined): void {
    const labels = status === undefined
      ? { provider: this.provider, status_code: '5XX', status_code_exact: '500' }
      : { provider: this.provider, status_code: statusBucket(status), status_code_exact: String(status) };
    this.m.apiHttpStatus.inc(labels);
  }

  /** A DeFi provider's call to endpoint `index` (connect's ethmulticlient/raydium clients):
   *  side_car_api_rpc_status_code `ok` or `request_error`, and its latency in ms. */
  rpcCall(index: number, ok: boolean, ms: number): void {
    const endpoint = `redacted_endpoint_index=${index}`;
    this.m.apiRpcStatus.inc({ provider: this.provider, status_code: ok ? 'ok' : 'request_error', endpoint });
    this.m.apiLatency.observe({ provider: this.provider, endpoint }, ms);
  }

  /** The outcome of one ticker of a request (`success` or an error code's message). */
  apiTickerStatus(ticker: string, internalStatus: string): void {
    this.m.apiInternalStatus.inc({ provider: this.provider, id: ticker.toLowerCase(), internal_status: internalStatus });
  }

  // ─── WebSocket connections ───

  wsConnection(status: WsConnectionStatus): void {
    this.m.wsConnectionStatus.inc({ provider: this.provider, status });
  }

  wsHandler(status: WsHandlerStatus): void {
    this.m.wsDataHandlerStatus.inc({ provider: this.provider, status });
  }

  /** A message was read (read_success). */
  wsMessageRead(): void {
    this.readSuccess.inc();
  }

  /** A message was handled (handle_message_success). */
  wsMessageHandled(): void {
    this.handleSuccess.inc();
  }

  /** Milliseconds since the previous message, handling included. */
  wsResponseTime(ms: number): void {
    this.responseTime.observe(ms);
  }

  /** A connection became healthy (subscribed and reading). */
  wsConnectionUp(): void {
    this.m.wsConnections.inc({ provider: this.provider });
  }

  /** A healthy connection ended. */
  wsConnectionDown(): void {
    this.m.wsConnections.dec({ provider: this.provider });
  }

  /** The connections the provider is meant to hold. */
  wsConfigured(connections: number): void {
    this.m.wsConnectionsConfigured.set({ provider: this.provider }, connections);
  }
}
