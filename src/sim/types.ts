/**
 * Contracts between the simulator's transport plumbing (http-server.ts, ws-server.ts) and
 * the simulated exchanges (src/exchanges/<name>/sim.ts). A simulated exchange is data plus
 * functions of an `ExchangeView`; it never opens sockets or timers itself.
 */
import type { EndpointKnobs } from './endpoints.js';
import type { Fault } from './faults.js';
import type { Pair } from './symbols.js';

/** What an exchange file sees of the simulator: its own prices, fault and clock. */
export interface ExchangeView {
  readonly name: string;
  /** The exchange symbol's pair, if the exchange lists it. */
  resolve(symbol: string): Pair | undefined;
  /** Every symbol this exchange lists, in its own spelling. */
  symbols(): string[];
  /** This exchange's numeric price for a pair (offset and per-exchange freeze applied). */
  price(pair: Pair): number | undefined;
  /** The price field as it goes on the wire: `render(price)`, or "abc" under `bad-price`. */
  priceField(pair: Pair): string | undefined;
  /** Render a secondary number (bid, ask, high...) in this exchange's decimal format. */
  render(value: number): string;
  fault(): Fault;
  now(): number;
  /** DeFi nodes: the chain height endpoint `index` reports now (sim/endpoints.ts). */
  height(index: number): bigint;
  /** DeFi nodes: endpoint `index`'s knobs (lag, frozen, corrupt, ...). */
  endpoint(index: number): EndpointKnobs;
}

interface SimExchangeBase {
  /** The provider name in oracle.json (binance_api, okx_ws...). */
  readonly name: string;
  /** Fixed multiplicative offset against the book, in basis points. */
  readonly offsetBps: number;
  /** Endpoint suffix after scheme://host:port, keeping the real path and %s templates. */
  readonly endpointPath: string;
  resolve(symbol: string, known: (asset: string) => boolean): Pair | undefined;
  symbols(assets: readonly string[]): string[];
  /** Decimal rendering of a price (see symbols.ts renderDecimal for the rounding contract). */
  render(value: number): string;
}

export interface HttpRequest {
  method: string;
  /** The request URL, without a `/node/<i>` endpoint prefix. */
  url: URL;
  /** The request body as text ('' for none). */
  body: string;
  /** Request headers, names lower-cased. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The simulated endpoint called: `/node/<i>` in the path, else 0 (sim/endpoints.ts). */
  endpoint: number;
}

export interface HttpReply {
  status: number;
  body: unknown;
  /** Extra response headers (Osmosis's block-height header). */
  headers?: Record<string, string>;
}

export interface HttpSimExchange extends SimExchangeBase {
  readonly kind: 'http';
  handle(req: HttpRequest, view: ExchangeView): HttpReply;
}

/** One client connection as an exchange session sees it. */
export interface WsConn {
  /** Connection id, unique within the simulator run. */
  readonly id: string;
  /** Send one text frame (the plumbing applies silent/malformed faults). */
  send(text: string): void;
  /** Send one binary frame (Huobi's gzip frames); same faults, `malformed` cuts the bytes in half. */
  sendBinary(data: Uint8Array): void;
  /** Close the connection with a close frame (e.g. Huobi after unanswered pings). */
  close(code: number, reason: string): void;
}

export interface WsSession {
  /** One inbound text frame, raw. */
  onMessage(text: string): void;
  /** Called every pushIntervalMs: push this connection's subscriptions. */
  push(now: number): void;
}

/** The kinds of documented limit the plumbing enforces (ws-server.ts). */
export type LimitKind = 'connections' | 'open_connections' | 'messages' | 'topics_per_message' | 'topics_per_connection';
export const LIMIT_KINDS: readonly LimitKind[] = ['connections', 'open_connections', 'messages', 'topics_per_message', 'topics_per_connection'];

/** A violation count of 0 for every kind. */
export function noViolations(): Record<LimitKind, number> {
  return Object.fromEntries(LIMIT_KINDS.map((k) => [k, 0])) as Record<LimitKind, number>;
}

/**
 * An exchange's documented connection and subscription limits, enforced by the plumbing for
 * every client (all clients of the simulator share one IP, as a validator's side-car does).
 * A broken limit counts one violation of its kind and is answered as the exchange answers it:
 * an upgrade over a connection limit gets `refusal` (HTTP 429 unless set); a message over a
 * message or topic limit goes to `violate` and never reaches the session.
 */
export interface WsLimits {
  /** The vendor pages the numbers come from. */
  readonly source: string;
  /** New connections per IP within a sliding window. */
  readonly connections?: { readonly max: number; readonly windowMs: number };
  /** Connections per IP open at once. */
  readonly openConnections?: number;
  /** Client messages per connection within a sliding window: every text frame counts, or
   *  those `counts` accepts (OKX counts only subscribe, unsubscribe and login requests). */
  readonly messages?: { readonly max: number; readonly windowMs: number; counts?(text: string): boolean };
  /** Topics in one subscribe message. */
  readonly topicsPerMessage?: number;
  /** Topics one connection may hold (subscribes add, nothing removes). */
  readonly topicsPerConnection?: number;
  /** The number of topics a client message subscribes to (0 for anything else). */
  topics(text: string): number;
  /** The exchange's answer to a message that broke `kind` (an error frame, a close, or both). */
  violate(conn: WsConn, kind: LimitKind, text: string): void;
  /** Status line for an upgrade over a connection limit; default `429 Too Many Requests`. */
  readonly refusal?: string;
}

export interface WsSimExchange extends SimExchangeBase {
  readonly kind: 'ws';
  /** Documented limits the plumbing enforces; absent = none documented. */
  readonly limits?: WsLimits;
  /** The WS path upgrades are accepted on. */
  readonly path: string;
  /** Optional: refuse an upgrade on `path` with this HTTP status line (e.g. a bad KuCoin token). */
  admit?(url: URL, view: ExchangeView): string | undefined;
  /** Optional: plain HTTP requests on the same port (KuCoin's POST /api/v1/bullet-public). The
   *  HTTP faults (status, slow, malformed, trailing-garbage) apply as for HTTP exchanges, and
   *  `req.url` carries the Host header the client used. */
  handleHttp?(req: HttpRequest, view: ExchangeView): HttpReply;
  /** With handleHttp: the suffix of the `api.endpoints[0].url` that oracleOverride() sets. */
  readonly apiEndpointPath?: string;
  open(conn: WsConn, view: ExchangeView): WsSession;
}

export type SimExchange = HttpSimExchange | WsSimExchange;

/** A started exchange server. */
export interface RunningExchange {
  readonly def: SimExchange;
  readonly port: number;
  connections(): number;
  /** Limit violations counted since start, by kind (all kinds present, 0 when none). */
  violations(): Record<LimitKind, number>;
  /** Called after the exchange's fault changed (drop terminates sockets at once). */
  onFault(fault: Fault): void;
  close(): Promise<void>;
}

/** Everything the plumbing needs besides the exchange definition. */
export interface ExchangeEnv {
  view: ExchangeView;
  record(text: string): void;
  pushIntervalMs: number;
  /** Enforce the exchange's `limits` (SimulatorOptions.limits). */
  limits: boolean;
  nextConnId(): string;
}
