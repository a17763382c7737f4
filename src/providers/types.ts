/**
 * Contracts between the generic transport drivers (http-poller.ts, ws-stream.ts) and the
 * exchange adapters (src/exchanges/<name>/adapter.ts). An adapter is data plus pure
 * functions: it never opens sockets or reads clocks. A DeFi adapter (`DefiExchange`) talks to
 * its chain's nodes only through the DefiContext the driver injects.
 *
 * Throwing. The functions that see exchange data (`buildUrl`, `parse`, `handle`,
 * `heartbeat`) are total and never throw: every failure is a return value (an Error, a code
 * per ticker, `{ error }`). Only the connection set-up hooks refuse by throwing:
 * `subscriptions()` (the driver counts create_message_err and reports WebsocketStartFail for
 * the connection's tickers) and `preDial()`, by rejecting (dial_err, the same code). The
 * WebSocket driver still catches a throw from `handle` or `heartbeat` (handle_message_err,
 * heartbeat_err) so that an adapter bug cannot stop a connection; that is a guard, not a
 * channel.
 */
import type { ApiConfig, WebSocketConfig } from '../config/types.js';

/**
 * The closed set of provider error codes (connect providers/types/errors.go). A failed HTTP
 * response that is not a 429 uses the HTTP status itself as its code (404, 500, ...).
 */
export const ErrorCode = {
  OK: 0,
  RateLimitExceeded: 1,
  Unknown: 2,
  UnknownPair: 3,
  UnableToCreateURL: 4,
  WebsocketStartFail: 5,
  InvalidAPIChains: 6,
  NoResponse: 7,
  InvalidResponse: 8,
  InvalidChainID: 9,
  FailedToParsePrice: 10,
  InvalidWebSocketTopic: 11,
  FailedToDecode: 12,
  APIGeneral: 13,
  WebSocketGeneral: 14,
  GRPCGeneral: 15,
  NoExistingPrice: 16,
  TickerMetadataNotFound: 17,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const ERROR_MESSAGES: Record<number, string> = {
  0: 'success',
  1: 'rate limit exceeded',
  2: 'unknown error',
  3: 'unknown market pair',
  4: 'failed to create URL for request',
  5: 'failed to start websocket connection',
  6: 'invalid chains for api handler',
  7: 'got no response',
  8: 'invalid response',
  9: 'invalid chain ID in response',
  10: 'failed to parse price',
  11: 'invalid websocket topic received',
  12: 'failed to decode message',
  13: 'general api error',
  14: 'general websocket error',
  15: 'general grpc error',
  16: 'no existing price',
  17: 'ticker metadata not found',
};

/** The anchor's `ErrorCode.Error()` text; HTTP-status codes read "unknown error". */
export function errorCodeMessage(code: number): string {
  return ERROR_MESSAGES[code] ?? 'unknown error';
}

/** One ticker a provider is asked for: the market map's off-chain ticker and its metadata. */
export interface ProviderTicker {
  readonly offChainTicker: string;
  readonly metadataJSON: string;
}

/** A resolved quote. `price` is a plain positive decimal string; `null` means "unchanged"
 *  (a heartbeat that only refreshes the timestamp of the price already held). */
export interface ResolvedQuote {
  readonly ticker: string;
  readonly price: string | null;
}

/** An unresolved ticker with its error code and a human-readable reason (logged, never a label). */
export interface UnresolvedQuote {
  readonly ticker: string;
  readonly code: number;
  readonly reason: string;
}

/** What one HTTP body or one WebSocket message yields. `ticker` is always the configured
 *  off-chain ticker spelling, whatever case the exchange used. */
export interface ProviderResponse {
  readonly resolved: ResolvedQuote[];
  readonly unresolved: UnresolvedQuote[];
}

/** HTTP exchange adapter: four members. */
export interface HttpExchange {
  readonly kind: 'http';
  /** Built-in configuration (connect cmd/constants defaults). */
  readonly defaults: ApiConfig;
  /** Build the request URL from the configured endpoint URL (a `%s` template where the
   *  exchange needs one) and the tickers of one request. Returns an Error when it cannot;
   *  never throws. */
  buildUrl(endpoint: string, tickers: readonly ProviderTicker[]): string | Error;
  /** Turn a decoded 2xx JSON body into one outcome per ticker asked for. Total: never throws. */
  parse(body: unknown, tickers: readonly ProviderTicker[]): ProviderResponse;
}

/** What a WebSocket session returns for one inbound frame. */
export interface WsHandleResult {
  /** Prices or per-ticker failures carried by the frame (may be empty, e.g. for acks). */
  readonly response?: ProviderResponse;
  /** Messages to write back at once (pong, re-subscribe, heartbeat reply). */
  readonly replies?: string[];
  /** Set when the frame could not be handled; the whole frame is discarded
   *  (counted as handle_message_err, reason logged at debug). */
  readonly error?: string;
}

/** Per-connection adapter state: created for each connection, discarded on reconnect. */
export interface WsSession {
  /** Subscribe messages for this connection's tickers, `batchSize` instruments each. Throws
   *  to refuse the tickers (e.g. more than the exchange allows on one connection). */
  subscriptions(): string[];
  /** Handle one inbound frame (text frames as string, binary frames as bytes). Total: never
   *  throws; a frame it cannot use is `{ error }`. */
  handle(frame: string | Uint8Array): WsHandleResult;
  /** Application-level heartbeat messages, sent every pingInterval when that is > 0. Never
   *  throws. */
  heartbeat(): string[];
}

/** Result of an optional pre-dial hook (KuCoin's token handshake). */
export interface DialTarget {
  readonly url: string;
  readonly readTimeoutMs?: number;
  readonly pingIntervalMs?: number;
}

/** Side effects a pre-dial hook may use, injected by the driver. */
export interface PreDialContext {
  readonly config: WebSocketConfig;
  readonly api: ApiConfig | undefined;
  post(url: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }>;
}

/** A connection rate: at most `max` new connections in any `windowMs` milliseconds. */
export interface DialLimit {
  readonly max: number;
  readonly windowMs: number;
}

/** WebSocket exchange adapter: at most four members (none needs both dialLimit and preDial). */
export interface WsExchange {
  readonly kind: 'ws';
  /** Built-in configuration. `api` is only for adapters that need an HTTP call (KuCoin). */
  readonly defaults: { readonly webSocket: WebSocketConfig; readonly api?: ApiConfig };
  /** Open the state machine for one connection covering `tickers`. */
  session(tickers: readonly ProviderTicker[], batchSize: number): WsSession;
  /** Optional: at most `max` dials of one provider in any `windowMs` (first connections and
   *  reconnections alike), under the exchange's documented connection rate limit. */
  readonly dialLimit?: DialLimit;
  /** Optional: resolve the URL to dial (and server-imposed timings) before each dial. Rejects
   *  when it cannot (a failed dial). */
  preDial?(ctx: PreDialContext): Promise<DialTarget>;
}

/** A DeFi node request: a GET of `path` (appended to the endpoint URL) or a POST of `body`
 *  (JSON-encoded) to the endpoint URL. */
export type RpcRequest = { readonly method: 'GET'; readonly path: string } | { readonly method: 'POST'; readonly body: unknown };

/** One endpoint's answer, as the driver read it (any HTTP status). */
export interface RpcReply {
  readonly status: number;
  /** Response headers, names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The decoded JSON body, or undefined when the body is not JSON. */
  readonly body: unknown;
}

/** What a DeFi adapter may do: the driver's side effects, injected (providers/defi-transport.ts). */
export interface DefiContext {
  /** How many endpoints the provider has (at least 1); requests name one by index. */
  readonly endpoints: number;
  /**
   * Send one request to endpoint `index` with that endpoint's authentication header, a
   * User-Agent and the provider's `timeout`. `accept` judges the reply: a value is a success
   * (side_car_api_rpc_status_code `ok`), an Error a failure (`request_error`); latency is
   * observed either way, labelled `redacted_endpoint_index=<index>`. Resolves to accept's value
   * or an Error (transport failure, timeout, oversized body, accept's Error); never rejects.
   * Error messages never contain the endpoint URL.
   */
  request<T>(index: number, req: RpcRequest, accept: (reply: RpcReply) => T | Error): Promise<T | Error>;
  /** The provider's block-age check (providers/defi.ts BlockAge): undefined when `height` is
   *  acceptable now, else an Error saying it is stale. Shared by every task of the provider. */
  checkHeight(height: bigint): Error | undefined;
}

/** DeFi adapter (Uniswap v3, Raydium, Osmosis): queries its chain's nodes through the context. */
export interface DefiExchange {
  readonly kind: 'defi';
  /** Built-in configuration (connect's DefaultAPIConfig of the provider). */
  readonly defaults: ApiConfig;
  /** Price one task's tickers (all of them when `atomic`, else a batch of `batchSize`). Total:
   *  every failure is a per-ticker code; the driver still guards against a throw. */
  fetch(tickers: readonly ProviderTicker[], ctx: DefiContext): Promise<ProviderResponse>;
}

export type Exchange = HttpExchange | WsExchange | DefiExchange;
