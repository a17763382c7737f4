/**
 * binance_ws: Binance spot combined streams, `<sym>@aggTrade` and `<sym>@ticker` per ticker.
 *
 * API:    https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 *         (wss://stream.binance.com/stream, live SUBSCRIBE, combined-stream envelope)
 * Limits: same page, "WebSocket Limits": 5 incoming messages per second per connection
 *         (ping and pong frames included; over it the connection is dropped), 1024 streams
 *         per connection, 300 connection attempts per 5 minutes per IP; connections live
 *         24 h; the ws library answers server pings. Defaults: 200 symbols (400 streams, 39 %
 *         of 1024) per connection, 50 symbols (100 streams) per SUBSCRIBE, 300 ms apart
 *         (3.3 messages/s, 67 %, leaving room for pongs): a dYdX-sized map's 344 symbols
 *         take 2 connections of 4 messages each, all subscribed ~2 s after the dial. No dial
 *         spacing: 2 dials are far from 300 per 5 minutes. connect's defaults, to restore its
 *         pacing in oracle.json: writeInterval 300, maxSubscriptionsPerBatch 1,
 *         maxSubscriptionsPerConnection 40.
 * Symbol: BASEQUOTE, e.g. BTCUSDT; lower case in stream names, matched from `data.s` in
 *         either case (exchange-wire-formats.md §3.1, §5).
 * Price:  `data.c` (24 h ticker last price) for `@ticker`, `data.p` (trade price) for
 *         `@aggTrade`, whichever arrives; both decimal strings.
 *
 * Quirks and decisions:
 * - Request ids: the anchor starts at a random 63-bit value, which JavaScript numbers cannot
 *   hold. We use a per-session counter from 1; ids only need to be unique per connection.
 * - A reply is a success only when it has `"result": null`. The anchor also took a reply
 *   without `result` (Binance's `{"error"|"code","msg","id"}` error replies) as success;
 *   we treat it as a failure, like a non-null `result`, and re-subscribe the same symbols
 *   under a new id. To avoid a tight loop on a permanent rejection (an invalid symbol), we
 *   give up after MAX_RESUBSCRIBES attempts per batch and report the frame as an error.
 * - A reply for an id we did not send (or already settled) is an error.
 * - Unknown stream suffix, missing `data.s`, unknown symbol: error (frame dropped). A bad
 *   price: the ticker unresolved with FailedToParsePrice (10).
 * - No application heartbeat: heartbeat() returns [].
 */
import { wsDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { ProviderTicker, WsExchange, WsHandleResult, WsSession } from '../../providers/types.js';
import { chunk, emptyResponse, frameObject, isObject, quote, toResponse, type JsonObject } from '../util.js';

const MAX_RESUBSCRIBES = 3;

/** Price field per stream type. */
const PRICE_FIELD: Readonly<Record<string, string>> = { ticker: 'c', aggTrade: 'p' };

interface Pending {
  readonly symbols: string[];
  readonly attempt: number;
}

function parseStream(index: TickerIndex, stream: string, data: unknown): WsHandleResult {
  const type = stream.slice(stream.lastIndexOf('@') + 1);
  const field = stream.includes('@') ? PRICE_FIELD[type] : undefined;
  if (field === undefined) return { error: `unsupported stream ${stream}` };
  if (!isObject(data) || typeof data.s !== 'string') return { error: `stream ${stream}: data has no symbol "s"` };
  const ticker = index.lookup(data.s);
  if (ticker === undefined) return { error: `stream ${stream}: unknown symbol ${data.s}` };
  return { response: toResponse([quote(ticker, data[field])]) };
}

function binanceSession(tickers: readonly ProviderTicker[], batchSize: number): WsSession {
  const index = new TickerIndex(tickers);
  const pending = new Map<number, Pending>();
  let nextId = 1;

  const subscribe = (symbols: string[], attempt: number): string => {
    const id = nextId++;
    pending.set(id, { symbols, attempt });
    return JSON.stringify({ method: 'SUBSCRIBE', params: symbols.flatMap((s) => [`${s}@aggTrade`, `${s}@ticker`]), id });
  };

  const onReply = (msg: JsonObject): WsHandleResult => {
    const entry = typeof msg.id === 'number' ? pending.get(msg.id) : undefined;
    if (entry === undefined) return { error: `reply for unknown id ${JSON.stringify(msg.id)}` };
    pending.delete(msg.id as number);
    if ('result' in msg && msg.result === null) return { response: emptyResponse() };
    if (entry.attempt >= MAX_RESUBSCRIBES) {
      return { error: `subscription of ${entry.symbols.join(',')} rejected ${entry.attempt + 1} times, giving up: ${JSON.stringify(msg).slice(0, 200)}` };
    }
    return { response: emptyResponse(), replies: [subscribe(entry.symbols, entry.attempt + 1)] };
  };

  return {
    subscriptions: () => chunk(tickers, batchSize).map((batch) => subscribe(batch.map((t) => t.offChainTicker.toLowerCase()), 0)),
    handle(frame) {
      const msg = frameObject(frame);
      if (typeof msg === 'string') return { error: msg };
      if (typeof msg.stream === 'string') return parseStream(index, msg.stream, msg.data);
      if ('id' in msg) return onReply(msg);
      return { error: 'message is neither a stream event nor a reply' };
    },
    heartbeat: () => [],
  };
}

export const binanceWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('binance_ws', 'wss://stream.binance.com/stream', { handshakeTimeout: 20_000, writeInterval: 300, maxSubscriptionsPerBatch: 50, maxSubscriptionsPerConnection: 200 }) },
  session: binanceSession,
} satisfies WsExchange;
