/**
 * mexc_ws: MEXC spot WebSocket (JSON v3 API), `spot@public.miniTicker.v3.api@<SYM>@UTC+8`.
 *
 * API:    https://mexcdevelop.github.io/apidocs/spot_v3_en/#websocket-market-streams
 *         (subscribe, PING/PONG, miniTicker). (external, not verified offline) MEXC has been
 *         moving its market streams to protobuf on wss://wbs-api.mexc.com/ws; this adapter
 *         speaks the JSON API the anchor targets.
 * Limits: https://mexcdevelop.github.io/apidocs/spot_v3_en/#websocket-limits: 100 client
 *         messages a second (over it the connection is closed), 30 subscriptions per
 *         connection; no documented connection rate or cap, nor params per request. The server
 *         closes a connection without a valid subscription after 30 s, one without traffic
 *         after 1 min, and every connection after 24 h.
 *         Defaults: 30 symbols per connection (the cap is not a rate: a full connection
 *         stays within it, as we never re-subscribe on one), all 30 in one subscribe, ping
 *         every 20 s, connections dialled together: a dYdX-sized map's 441 symbols take 15
 *         connections, each subscribed by one message 1 s after its dial.
 *         connect's defaults: writeInterval 100 ms, maxSubscriptionsPerBatch 1,
 *         maxSubscriptionsPerConnection 20; set those in oracle.json to restore them.
 * Symbol: BASEQUOTE, upper-cased in the stream name, carried back in `d.s`
 *         (exchange-wire-formats.md §3.11).
 * Price:  `d.p`, the miniTicker last price, a decimal string.
 *
 * Quirks and decisions:
 * - Subscription cap: the anchor refused to build subscriptions for more than 20 symbols per
 *   connection, below MEXC's own limit of 30. We refuse only above MAX_PER_CONNECTION (30):
 *   subscriptions() throws, so the driver reports create_message_err and code 5 for every
 *   ticker of that connection instead of MEXC silently dropping the excess.
 * - Ping: the anchor sent {"id":0,"code":0,"msg":"PING"}, which is not MEXC's documented
 *   form. We send the documented {"method":"PING"}; the answer {"id":0,"code":0,"msg":"PONG"}
 *   is an empty response (no price refresh, as in the anchor).
 * - Control messages carry `id`/`code`/`msg`: a `msg` starting with the stream prefix is a
 *   subscribe ack, "PONG" a pong, anything else (e.g. "Not Subscribed successfully! ...")
 *   or a non-zero `code` is an error (frame dropped).
 * - Data: `d.s` must be one of our symbols (else error); a channel `c` not starting with the
 *   miniTicker prefix makes that symbol unresolved (InvalidWebSocketTopic, 11), as in the
 *   anchor; `d.p` must be a string; a bad, zero or negative price is FailedToParsePrice (10).
 */
import { wsDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { ProviderTicker, WsExchange, WsHandleResult, WsSession } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { chunk, emptyResponse, failAll, frameObject, isObject, quote, toResponse, type JsonObject } from '../util.js';

const PREFIX = 'spot@public.miniTicker.v3.api@';
const MAX_PER_CONNECTION = 30;

const stream = (t: ProviderTicker): string => `${PREFIX}${t.offChainTicker.toUpperCase()}@UTC+8`;

function onControl(msg: JsonObject): WsHandleResult {
  const text = typeof msg.msg === 'string' ? msg.msg : '';
  if ((msg.code === 0 || msg.code === undefined) && (text.startsWith(PREFIX) || text === 'PONG')) return { response: emptyResponse() };
  return { error: `mexc reply code ${String(msg.code)}: ${text.slice(0, 200)}` };
}

function onData(index: TickerIndex, msg: JsonObject): WsHandleResult {
  const d = isObject(msg.d) ? msg.d : undefined;
  if (d === undefined || typeof d.s !== 'string') return { error: 'data message without d.s' };
  const ticker = index.lookup(d.s);
  if (ticker === undefined) return { error: `data for unknown symbol ${d.s}` };
  const channel = typeof msg.c === 'string' ? msg.c : '';
  if (!channel.startsWith(PREFIX)) {
    const reason = `unexpected channel ${JSON.stringify(msg.c)?.slice(0, 80) ?? 'undefined'}`;
    return { response: failAll([ticker], ErrorCode.InvalidWebSocketTopic, reason) };
  }
  if (typeof d.p !== 'string') {
    return { response: failAll([ticker], ErrorCode.FailedToParsePrice, 'price is not a string') };
  }
  return { response: toResponse([quote(ticker, d.p)]) };
}

function mexcSession(tickers: readonly ProviderTicker[], batchSize: number): WsSession {
  const index = new TickerIndex(tickers);
  return {
    subscriptions() {
      if (tickers.length > MAX_PER_CONNECTION) {
        throw new Error(`mexc allows ${MAX_PER_CONNECTION} subscriptions per connection, got ${tickers.length}; lower maxSubscriptionsPerConnection`);
      }
      return chunk(tickers, batchSize).map((batch) => JSON.stringify({ method: 'SUBSCRIPTION', params: batch.map(stream) }));
    },
    handle(frame) {
      const msg = frameObject(frame);
      if (typeof msg === 'string') return { error: msg };
      if (msg.d !== undefined || msg.c !== undefined) return onData(index, msg);
      if (msg.msg !== undefined || msg.code !== undefined) return onControl(msg);
      return { error: 'message is neither data nor a control reply' };
    },
    heartbeat: () => [JSON.stringify({ method: 'PING' })],
  };
}

export const mexcWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('mexc_ws', 'wss://wbs.mexc.com/ws', { maxBufferSize: 1000, pingInterval: 20_000, maxSubscriptionsPerConnection: MAX_PER_CONNECTION, maxSubscriptionsPerBatch: MAX_PER_CONNECTION }) },
  session: mexcSession,
} satisfies WsExchange;
