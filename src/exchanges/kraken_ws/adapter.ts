/**
 * kraken_ws: Kraken spot WebSocket API v1, `ticker` subscription.
 *
 * API:    https://docs.kraken.com/api/docs/websocket-v1/ticker (ticker payload)
 *         https://docs.kraken.com/api/docs/websocket-v1/subscribe (subscriptionStatus)
 *         https://docs.kraken.com/api/docs/websocket-v1/systemstatus, .../heartbeat
 * Limits: https://docs.kraken.com/api/docs/guides/spot-ws-intro: about 150 connection
 *         attempts per IP per rolling 10 minutes (Cloudflare; past that the IP is banned for
 *         10 minutes), and no faster than one reconnection per 5 s after maintenance. Client
 *         messages are limited per connection at a rate the docs give no number for
 *         ("Exceeded msg rate"); pairs per subscribe and per connection have no documented cap.
 *         Defaults: dials at least 5 s apart (`dialLimit` one per 5 s; 120 per 10 minutes, 80 %), one
 *         connection, up to 200 pairs per subscribe, subscribes 1 s apart, so a few hundred
 *         pairs are subscribed in one or two messages within about 2 s of the dial.
 *         connect's defaults: writeInterval 100 ms, maxSubscriptionsPerBatch 1,
 *         maxSubscriptionsPerConnection 0 (unlimited); set those in oracle.json to restore
 *         its pacing. The server sends {"event":"heartbeat"} after about 1 s without other
 *         traffic, so the 10 s read timeout only fires on a dead feed.
 * Symbol: Kraken WS pair name with a slash and Kraken asset codes, e.g. XBT/USD, carried back
 *         as element 3 of the data array (exchange-wire-formats.md §3.9).
 * Price:  `p[0]`, today's volume-weighted average price, a decimal string.
 *
 * Quirks and decisions:
 * - VWAP, not last trade: the anchor reports `p[0]` (today's VWAP since 00:00 UTC), not
 *   `c[0]` (last trade) as kraken_api does. We keep `p[0]`, the compatible choice: a side-car
 *   reporting a different Kraken price than its peers would move the on-chain median apart
 *   from connect-based validators. The VWAP lags the market and, right after midnight UTC,
 *   rests on few trades; with several providers per market the median absorbs that.
 * - Data arrays must have exactly 4 elements: integer channelID, ticker object, "ticker",
 *   pair. An unknown pair or another channel name is an error (frame dropped). `p` must be
 *   an array of exactly 2 strings; otherwise, or for a bad decimal, zero or negative VWAP,
 *   the pair is FailedToParsePrice (10). Kraken sends strings; a JSON number is rejected
 *   like the anchor's typed decode did.
 * - systemStatus other than "online" is an error (no disconnect); heartbeat is ignored.
 * - subscriptionStatus "subscribed" and "unsubscribed" are empty; "error" re-subscribes its
 *   `pair` (if it is ours), at most MAX_RESUBSCRIBES times per pair, then the reply is
 *   reported as an error. Other statuses and events (pong, unknown) are errors.
 * - No application heartbeat is sent: heartbeat() returns [].
 */
import { wsDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { ProviderTicker, WsExchange, WsHandleResult, WsSession } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { chunk, decodeFrame, emptyResponse, failAll, isObject, quote, toResponse, type JsonObject } from '../util.js';

const MAX_RESUBSCRIBES = 3;

function subscribe(pairs: readonly string[]): string {
  return JSON.stringify({ event: 'subscribe', pair: pairs, subscription: { name: 'ticker' } });
}

function parseTicker(index: TickerIndex, msg: unknown[]): WsHandleResult {
  const [channelId, data, channel, pair] = msg;
  if (msg.length !== 4 || !Number.isInteger(channelId)) return { error: 'data array is not [channelID, ticker, "ticker", pair]' };
  if (channel !== 'ticker') return { error: `data for unexpected channel ${JSON.stringify(channel)}` };
  if (typeof pair !== 'string') return { error: 'data array has no pair' };
  const ticker = index.lookup(pair);
  if (ticker === undefined) return { error: `ticker for unknown pair ${pair}` };
  const p = isObject(data) ? data.p : undefined;
  if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string') {
    const reason = `p ${JSON.stringify(p)?.slice(0, 60) ?? 'undefined'} is not [vwapToday, vwap24h] strings`;
    return { response: failAll([ticker], ErrorCode.FailedToParsePrice, reason) };
  }
  return { response: toResponse([quote(ticker, p[0])]) };
}

function krakenSession(tickers: readonly ProviderTicker[], batchSize: number): WsSession {
  const index = new TickerIndex(tickers);
  const resubscribes = new Map<string, number>();

  const onStatus = (msg: JsonObject): WsHandleResult => {
    if (msg.status === 'subscribed' || msg.status === 'unsubscribed') return { response: emptyResponse() };
    const reason = `subscription ${String(msg.pair)} ${String(msg.status)}: ${String(msg.errorMessage ?? '')}`;
    if (msg.status !== 'error') return { error: reason };
    const ticker = typeof msg.pair === 'string' ? index.lookup(msg.pair) : undefined;
    if (ticker === undefined) return { error: reason };
    const count = resubscribes.get(ticker.offChainTicker) ?? 0;
    if (count >= MAX_RESUBSCRIBES) return { error: `${reason}; giving up after ${count} re-subscriptions` };
    resubscribes.set(ticker.offChainTicker, count + 1);
    return { response: emptyResponse(), replies: [subscribe([ticker.offChainTicker])] };
  };

  return {
    subscriptions: () => chunk(tickers, batchSize).map((batch) => subscribe(batch.map((t) => t.offChainTicker))),
    handle(frame) {
      const decoded = decodeFrame(frame);
      if ('error' in decoded) return { error: decoded.error };
      const msg = decoded.value;
      if (Array.isArray(msg)) return parseTicker(index, msg);
      if (!isObject(msg)) return { error: 'expected a JSON object or array' };
      switch (msg.event) {
        case 'heartbeat':
          return { response: emptyResponse() };
        case 'systemStatus':
          return msg.status === 'online' ? { response: emptyResponse() } : { error: `system status ${String(msg.status)}` };
        case 'subscriptionStatus':
          return onStatus(msg);
        default:
          return { error: `unhandled event ${JSON.stringify(msg.event) ?? 'undefined'}` };
      }
    },
    heartbeat: () => [],
  };
}

export const krakenWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('kraken_ws', 'wss://ws.kraken.com', { maxBufferSize: 1000, writeInterval: 1000, maxSubscriptionsPerBatch: 200 }) },
  session: krakenSession,
  dialLimit: { max: 1, windowMs: 5000 },
} satisfies WsExchange;
