/**
 * bitstamp_ws: Bitstamp websocket API v2, `live_trades_<pair>` channels.
 *
 * API:    https://www.bitstamp.net/websocket/v2/ (channels, bts:subscribe, bts:heartbeat,
 *         bts:request_reconnect)
 * Limits: same page: none documented for public channels (connections, messages or
 *         channels); a connection is closed after 90 days or on maintenance (announced with
 *         bts:request_reconnect). Defaults, chosen without a documented bound: 80 channels per
 *         connection, connections dialled in parallel, one channel per subscribe, 25 ms apart
 *         (40 messages per second per connection), so each connection is subscribed about
 *         3 s after its dial; a client heartbeat every 10 s. connect's defaults: writeInterval
 *         100 ms, one per subscribe, maxSubscriptionsPerConnection 0 (one connection).
 * Symbol: lower-case BASEQUOTE, e.g. btcusd (not bitstamp_api's BTC/USD), carried back as
 *         the suffix of `channel` after `live_trades_` (exchange-wire-formats.md §3.3).
 * Price:  trade `data.price_str`, a decimal string. Pushed only when a trade happens.
 *
 * Quirks and decisions:
 * - heartbeat() returns `{"event":"bts:heartbeat"}` (sent every pingInterval, 10 s); the
 *   server's `bts:heartbeat` reply gives an empty response and does not refresh prices.
 * - `bts:request_reconnect` (the server will close the connection soon, e.g. maintenance):
 *   the anchor echoed the event back, which Bitstamp does not define as a request. We send
 *   nothing and report the frame as an error, so the warning log explains the reconnect the
 *   driver performs when Bitstamp closes the socket. An adapter cannot close the socket.
 * - `bts:subscription_succeeded` / `bts:unsubscription_succeeded`: empty response.
 * - `bts:error`: when `channel` is `live_trades_<one of ours>`, that ticker is unresolved
 *   with APIGeneral (13) and Bitstamp's message; otherwise an error.
 * - `trade`: channel must start with `live_trades_`; an unknown pair is an error (frame
 *   dropped). `price_str` that is not a string (the anchor's typed decode failed the whole
 *   frame), not decimal, zero or negative: FailedToParsePrice (10). `data.price` (a number)
 *   is ignored.
 * - Any other event: error.
 */
import { wsDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { ProviderTicker, WsExchange, WsHandleResult, WsSession } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { emptyResponse, failAll, frameObject, isObject, quote, toResponse, type JsonObject } from '../util.js';

const PREFIX = 'live_trades_';
const HEARTBEAT = JSON.stringify({ event: 'bts:heartbeat' });

/** The configured ticker a `live_trades_<pair>` channel belongs to. */
function channelTicker(index: TickerIndex, channel: unknown): ProviderTicker | undefined {
  if (typeof channel !== 'string' || !channel.startsWith(PREFIX)) return undefined;
  return index.lookup(channel.slice(PREFIX.length));
}

function onTrade(index: TickerIndex, msg: JsonObject): WsHandleResult {
  if (typeof msg.channel !== 'string' || !msg.channel.startsWith(PREFIX)) {
    return { error: `trade on unexpected channel ${JSON.stringify(msg.channel)}` };
  }
  const ticker = channelTicker(index, msg.channel);
  if (ticker === undefined) return { error: `trade for unknown pair ${msg.channel.slice(PREFIX.length)}` };
  if (!isObject(msg.data)) return { error: `trade on ${msg.channel}: data is not an object` };
  const price = msg.data.price_str;
  if (typeof price !== 'string') {
    return { response: failAll([ticker], ErrorCode.FailedToParsePrice, `price_str has type ${price === null ? 'null' : typeof price}, expected a string`) };
  }
  return { response: toResponse([quote(ticker, price)]) };
}

function onError(index: TickerIndex, msg: JsonObject): WsHandleResult {
  const message = isObject(msg.data) && typeof msg.data.message === 'string' ? msg.data.message.slice(0, 200) : '';
  const ticker = channelTicker(index, msg.channel);
  if (ticker === undefined) return { error: `bitstamp error: ${message}` };
  return { response: failAll([ticker], ErrorCode.APIGeneral, `bitstamp error on ${String(msg.channel)}: ${message}`) };
}

/** `_batchSize` is ignored: the protocol takes one channel per subscribe message. */
function bitstampSession(tickers: readonly ProviderTicker[], _batchSize: number): WsSession {
  const index = new TickerIndex(tickers);
  return {
    subscriptions: () => tickers.map((t) => JSON.stringify({ event: 'bts:subscribe', data: { channel: `${PREFIX}${t.offChainTicker}` } })),
    handle(frame) {
      const msg = frameObject(frame);
      if (typeof msg === 'string') return { error: msg };
      switch (msg.event) {
        case 'trade':
          return onTrade(index, msg);
        case 'bts:subscription_succeeded':
        case 'bts:unsubscription_succeeded':
        case 'bts:heartbeat':
          return { response: emptyResponse() };
        case 'bts:request_reconnect':
          return { error: 'server requested a reconnect (bts:request_reconnect); waiting for it to close the connection' };
        case 'bts:error':
          return onError(index, msg);
        default:
          return { error: `unhandled event ${JSON.stringify(msg.event)}` };
      }
    },
    heartbeat: () => [HEARTBEAT],
  };
}

export const bitstampWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('bitstamp_ws', 'wss://ws.bitstamp.net', { pingInterval: 10_000, writeInterval: 25, maxSubscriptionsPerConnection: 80 }) },
  session: bitstampSession,
} satisfies WsExchange;
