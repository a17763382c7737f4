/**
 * bitfinex_ws: Bitfinex v2 public websocket, `ticker` channel.
 *
 * API:    https://docs.bitfinex.com/docs/ws-general (events, info codes, heartbeats)
 *         https://docs.bitfinex.com/reference/ws-public-ticker (ticker array layout)
 * Limits: https://docs.bitfinex.com/docs/ws-public: 20 connections per minute to
 *         api-pub.bitfinex.com, 25 channels at the same time per connection (30 before);
 *         past 25 a subscribe is refused with code 10305. No client message rate is
 *         documented. Defaults: at most 16 dials in any minute (`dialLimit`, 80 %), 20
 *         symbols per connection, one per subscribe, 50 ms apart: 36 symbols take two
 *         connections, dialled at once, all subscribed about 2 s after the dial. connect's defaults: writeInterval
 *         100 ms, one per subscribe, maxSubscriptionsPerConnection 20, no dial spacing.
 * Symbol: the off-chain ticker is sent verbatim as `symbol` (BTCUSD, as the anchor does) and
 *         must equal the `pair` Bitfinex echoes in the `subscribed` ack (exchange-wire-formats.md §3.2).
 * Price:  LAST_PRICE, index 6 of the 10-number ticker array, a JSON number.
 *
 * Quirks and decisions:
 * - Data carries no symbol, only the channel id: the `subscribed` ack maps chanId → ticker
 *   through `pair` (the anchor), or through `symbol` when the operator configured Bitfinex's
 *   own spelling (tBTCUSD). An ack for a pair we did not ask for, data or `hb` for a channel
 *   id never acked: error (frame dropped).
 * - `[chanId,"hb"]` (every 15 s on a quiet channel): empty response. Like the anchor it does
 *   not refresh the held price, so a channel that stops changing ages out after maxPriceAge.
 * - Data must be `[chanId, [10 values]]`. Another inner length: InvalidResponse (8) for that
 *   ticker. A LAST_PRICE that is not a JSON number (the anchor crashed its read loop and
 *   reconnected) or not positive: FailedToParsePrice (10), the connection stays up.
 * - `error` events: when `pair` or `symbol` (with its `t` prefix dropped) names one of our
 *   tickers, that ticker is unresolved: UnknownPair (3) for code 10001 (unknown pair) or
 *   10300 (symbol invalid), APIGeneral (13) otherwise, so a rejected symbol shows per id in
 *   the metrics. Otherwise an error. No re-subscribe (anchor).
 * - `info` on connect and `pong`: empty response. An `info` with a `code` (20051 server
 *   restart, 20060/20061 maintenance) is reported as an error so the log explains the outage
 *   that follows; Bitfinex closes the socket itself and the driver reconnects.
 * - No application heartbeat (pingInterval 0): heartbeat() returns [].
 */
import { wsDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { ProviderTicker, WsExchange, WsHandleResult, WsSession } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { decodeFrame, emptyResponse, failAll, isObject, quote, toResponse, type JsonObject } from '../util.js';

const TICKER_LENGTH = 10;
const LAST_PRICE = 6;
const UNKNOWN_PAIR_CODES = new Set([10001, 10300]);

function parseData(channels: Map<number, ProviderTicker>, msg: unknown[]): WsHandleResult {
  const [chanId, payload] = msg;
  if (msg.length !== 2 || typeof chanId !== 'number') return { error: 'data frame is not [chanId, payload]' };
  const ticker = channels.get(chanId);
  if (ticker === undefined) return { error: `data for unknown channel ${chanId}` };
  if (payload === 'hb') return { response: emptyResponse() };
  if (!Array.isArray(payload)) return { error: `channel ${chanId}: unexpected payload ${JSON.stringify(payload).slice(0, 40)}` };
  if (payload.length !== TICKER_LENGTH) {
    return { response: failAll([ticker], ErrorCode.InvalidResponse, `ticker array has ${payload.length} values, expected ${TICKER_LENGTH}`) };
  }
  const last: unknown = payload[LAST_PRICE];
  if (typeof last !== 'number') {
    return { response: failAll([ticker], ErrorCode.FailedToParsePrice, `LAST_PRICE has type ${last === null ? 'null' : typeof last}, expected a number`) };
  }
  return { response: toResponse([quote(ticker, last)]) };
}

/** `_batchSize` is ignored: the protocol takes one channel per subscribe message. */
function bitfinexSession(tickers: readonly ProviderTicker[], _batchSize: number): WsSession {
  const index = new TickerIndex(tickers);
  const channels = new Map<number, ProviderTicker>();

  const onSubscribed = (msg: JsonObject): WsHandleResult => {
    if (msg.channel !== 'ticker' || typeof msg.chanId !== 'number' || typeof msg.pair !== 'string') {
      return { error: `subscribed ack without ticker channel, chanId or pair: ${JSON.stringify(msg).slice(0, 120)}` };
    }
    const ticker = index.lookup(msg.pair) ?? (typeof msg.symbol === 'string' ? index.lookup(msg.symbol) : undefined);
    if (ticker === undefined) return { error: `subscribed ack for unknown pair ${msg.pair}` };
    channels.set(msg.chanId, ticker);
    return { response: emptyResponse() };
  };

  const onError = (msg: JsonObject): WsHandleResult => {
    const text = `bitfinex error ${String(msg.code)}: ${typeof msg.msg === 'string' ? msg.msg.slice(0, 200) : ''}`;
    const symbol = typeof msg.symbol === 'string' ? msg.symbol.replace(/^t/, '') : undefined;
    const named = [msg.pair, symbol].filter((s): s is string => typeof s === 'string');
    const ticker = named.map((s) => index.lookup(s)).find((t) => t !== undefined);
    if (ticker === undefined) return { error: text };
    const code = typeof msg.code === 'number' && UNKNOWN_PAIR_CODES.has(msg.code) ? ErrorCode.UnknownPair : ErrorCode.APIGeneral;
    return { response: failAll([ticker], code, text) };
  };

  const onEvent = (msg: JsonObject): WsHandleResult => {
    switch (msg.event) {
      case 'subscribed':
        return onSubscribed(msg);
      case 'error':
        return onError(msg);
      case 'info':
        if (msg.code !== undefined) return { error: `bitfinex info ${String(msg.code)}: ${typeof msg.msg === 'string' ? msg.msg.slice(0, 200) : ''}` };
        return { response: emptyResponse() };
      case 'pong':
        return { response: emptyResponse() };
      default:
        return { error: `unhandled event ${JSON.stringify(msg.event)}` };
    }
  };

  return {
    subscriptions: () => tickers.map((t) => JSON.stringify({ event: 'subscribe', channel: 'ticker', symbol: t.offChainTicker })),
    handle(frame) {
      const decoded = decodeFrame(frame);
      if ('error' in decoded) return { error: decoded.error };
      const msg = decoded.value;
      if (Array.isArray(msg)) return parseData(channels, msg as unknown[]);
      if (isObject(msg)) return onEvent(msg);
      return { error: 'expected a JSON array or object' };
    },
    heartbeat: () => [],
  };
}

export const bitfinexWs = {
  kind: 'ws',
  defaults: {
    webSocket: wsDefaults('bitfinex_ws', 'wss://api-pub.bitfinex.com/ws/2', { maxBufferSize: 1000, maxSubscriptionsPerConnection: 20, writeInterval: 50 }),
  },
  session: bitfinexSession,
  dialLimit: { max: 16, windowMs: 60_000 },
} satisfies WsExchange;
