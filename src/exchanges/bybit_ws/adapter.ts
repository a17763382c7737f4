/**
 * bybit_ws: Bybit v5 public spot websocket, `tickers.<symbol>` topics.
 *
 * API:    https://bybit-exchange.github.io/docs/v5/ws/connect (subscribe, ping/pong, limits)
 *         https://bybit-exchange.github.io/docs/v5/websocket/public/ticker (spot ticker)
 * Limits: the connect page: spot takes at most 10 args per subscribe request, 21,000
 *         characters of args per connection; https://bybit-exchange.github.io/docs/v5/rate-limit:
 *         at most 500 new connections per 5 minutes and 1,000 market-data connections per
 *         IP; no client message rate is documented. The server drops a client that sends
 *         no ping for 20 s. Defaults: 100 topics per connection (about 1,600 characters),
 *         10 per subscribe, 100 ms apart, a ping every 15 s: a dYdX-sized map's 357 symbols
 *         take 4 connections of 10 messages each, all subscribed ~2 s after the dial. No dial
 *         spacing: 4 dials are far from 500 per 5 minutes. connect's defaults, to restore its
 *         pacing in oracle.json: writeInterval 100, maxSubscriptionsPerBatch 1,
 *         maxSubscriptionsPerConnection 0 (one connection).
 * Symbol: BASEQUOTE, e.g. BTCUSDT, carried back in `data.symbol` (exchange-wire-formats.md §3.4).
 * Price:  `data.lastPrice`, a decimal string.
 *
 * Quirks and decisions:
 * - Subscribe: `{"req_id":"","op":"subscribe","args":["tickers.BTCUSDT",..]}` with the
 *   anchor's empty req_id; batchSize topics per message, capped at Bybit's spot maximum of 10
 *   (a larger batch would be refused as a whole).
 * - Ack `op: subscribe`: success true → empty response; success false → error with
 *   `ret_msg` (the anchor logs it and does not retry; neither do we).
 * - heartbeat() returns `{"req_id":"<n>","op":"ping"}`, n a per-connection counter (the anchor
 *   put Go's time.Now() string there; Bybit only echoes it). The pong
 *   `{"success":true,"ret_msg":"pong",..,"op":"ping"}` (or `op: pong`) gives an empty
 *   response and does not refresh prices.
 * - Any other `op` is an error. A frame without `op` is a ticker update: `topic` must start
 *   with `tickers.`, `data` must be an object with a string `symbol` we hold (else error,
 *   frame dropped). A `lastPrice` that is not a string (the anchor's typed decode), not
 *   decimal, zero or negative: FailedToParsePrice (10). A `delta` update without
 *   `lastPrice` (derivatives send partial deltas; spot always sends snapshots) carries no
 *   price: empty response.
 */
import { wsDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { ProviderTicker, WsExchange, WsHandleResult, WsSession } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { chunk, emptyResponse, failAll, frameObject, isObject, quote, toResponse, type JsonObject } from '../util.js';

const MAX_ARGS = 10;
const TOPIC = 'tickers.';

function onTicker(index: TickerIndex, msg: JsonObject): WsHandleResult {
  if (typeof msg.topic !== 'string' || !msg.topic.startsWith(TOPIC)) return { error: `unexpected topic ${JSON.stringify(msg.topic)}` };
  const { data } = msg;
  if (!isObject(data) || typeof data.symbol !== 'string') return { error: `${msg.topic}: data has no symbol` };
  const ticker = index.lookup(data.symbol);
  if (ticker === undefined) return { error: `${msg.topic}: unknown symbol ${data.symbol}` };
  const price = data.lastPrice;
  if (price === undefined && msg.type === 'delta') return { response: emptyResponse() };
  if (typeof price !== 'string') {
    return { response: failAll([ticker], ErrorCode.FailedToParsePrice, `lastPrice has type ${price === null ? 'null' : typeof price}, expected a string`) };
  }
  return { response: toResponse([quote(ticker, price)]) };
}

function bybitSession(tickers: readonly ProviderTicker[], batchSize: number): WsSession {
  const index = new TickerIndex(tickers);
  let pings = 0;
  return {
    subscriptions: () =>
      chunk(tickers, Math.min(batchSize, MAX_ARGS)).map((batch) =>
        JSON.stringify({ req_id: '', op: 'subscribe', args: batch.map((t) => `${TOPIC}${t.offChainTicker}`) }),
      ),
    handle(frame) {
      const msg = frameObject(frame);
      if (typeof msg === 'string') return { error: msg };
      switch (msg.op) {
        case undefined:
        case '':
          return onTicker(index, msg);
        case 'subscribe':
          if (msg.success === true) return { response: emptyResponse() };
          return { error: `subscription refused: ${typeof msg.ret_msg === 'string' ? msg.ret_msg.slice(0, 200) : JSON.stringify(msg).slice(0, 200)}` };
        case 'ping':
        case 'pong':
          return { response: emptyResponse() };
        default:
          return { error: `unhandled op ${JSON.stringify(msg.op)}` };
      }
    },
    heartbeat: () => [JSON.stringify({ req_id: String(++pings), op: 'ping' })],
  };
}

export const bybitWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('bybit_ws', 'wss://stream.bybit.com/v5/public/spot', { maxBufferSize: 1000, pingInterval: 15_000, maxSubscriptionsPerBatch: MAX_ARGS, maxSubscriptionsPerConnection: 100 }) },
  session: bybitSession,
} satisfies WsExchange;
