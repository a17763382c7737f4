/**
 * okx_ws: OKX v5 public websocket, `tickers` channel.
 *
 * API:    https://www.okx.com/docs-v5/en/#public-data-websocket-tickers-channel
 *         https://www.okx.com/docs-v5/en/#overview-websocket (connect, subscribe, ping/pong)
 * Limits: https://www.okx.com/docs-v5/en/#overview-websocket-connect and
 *         .../#overview-websocket-subscribe: 3 connection requests per second per IP, 480
 *         subscribe/unsubscribe/login requests per hour per connection, 64 KB of channels
 *         per request; a connection with no subscription or no data for 30 s is closed.
 *         Defaults: at most 2 dials in any second (`dialLimit`, 67 %), 200 instruments
 *         per connection, 25 per subscribe message, 100 ms apart (8 requests per connection
 *         per start, 2 % of the hourly budget), read timeout 15 s: a dYdX-sized map's 563
 *         instruments take 3 connections, all subscribed ~2.6 s after the first dial.
 *         connect's defaults, to restore its pacing in oracle.json: writeInterval 3000,
 *         maxSubscriptionsPerBatch 25, maxSubscriptionsPerConnection 50 (it dialled at once).
 * Symbol: BASE-QUOTE, e.g. BTC-USDT, carried back in `data[].instId` (exchange-wire-formats.md §3.12).
 * Price:  `data[].last`, the last traded price, a decimal string.
 *
 * Quirks and decisions:
 * - Subscribe ack (`event: subscribe`) and a bare text `pong` give an empty response. The
 *   anchor logged `pong` as a decode error; we accept it so enabling a ping later is safe.
 * - `event: error`: `msg` is split on "Invalid request: " and the remainder, when it parses
 *   as a subscribe request, is re-sent (re-serialized) as a reply; anything else is an error.
 *   `code` must be a JSON string, as in the anchor. Each request is re-sent at most
 *   MAX_RESENDS times per session, so a request OKX always rejects cannot loop forever.
 * - Any other event (notice, unsubscribe, ...) is an error (frame dropped).
 * - Data frames: `arg.channel` must be "tickers" and `data` an array; entries that are not
 *   objects with a string `instId`, or are for instruments we do not hold, are skipped; a
 *   bad `last` is FailedToParsePrice (10) for that instrument.
 * - Keepalive: like the anchor we send no text `ping` (pingInterval 0, heartbeat() is []);
 *   busy tickers channels push well within OKX's 30 s idle limit.
 */
import { wsDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { ProviderTicker, ResolvedQuote, UnresolvedQuote, WsExchange, WsHandleResult, WsSession } from '../../providers/types.js';
import { chunk, decodeFrame, emptyResponse, frameObject, isObject, quote, toResponse, type JsonObject } from '../util.js';

const MAX_RESENDS = 3;
const INVALID_REQUEST = 'Invalid request: ';

function subscribeRequest(args: readonly { channel: string; instId: string }[]): string {
  return JSON.stringify({ op: 'subscribe', args: args.map((a) => ({ channel: a.channel, instId: a.instId })) });
}

/** The subscribe request echoed in an error `msg`, re-serialized, or undefined. */
function echoedSubscribe(msg: string): string | undefined {
  const at = msg.indexOf(INVALID_REQUEST);
  if (at < 0) return undefined;
  const decoded = decodeFrame(msg.slice(at + INVALID_REQUEST.length));
  if ('error' in decoded || !isObject(decoded.value) || decoded.value.op !== 'subscribe') return undefined;
  const { args } = decoded.value;
  if (!Array.isArray(args) || args.length === 0) return undefined;
  const valid = (args as unknown[]).every((a) => isObject(a) && typeof a.channel === 'string' && typeof a.instId === 'string');
  return valid ? subscribeRequest(args as { channel: string; instId: string }[]) : undefined;
}

function parseTickers(index: TickerIndex, msg: JsonObject): WsHandleResult {
  if (!isObject(msg.arg) || msg.arg.channel !== 'tickers') {
    return { error: `data for unexpected channel ${JSON.stringify(isObject(msg.arg) ? msg.arg.channel : msg.arg)}` };
  }
  if (!Array.isArray(msg.data)) return { error: 'tickers: data is not an array' };
  const outcomes: (ResolvedQuote | UnresolvedQuote)[] = [];
  for (const entry of msg.data as unknown[]) {
    if (!isObject(entry) || typeof entry.instId !== 'string') continue;
    const ticker = index.lookup(entry.instId);
    if (ticker !== undefined) outcomes.push(quote(ticker, entry.last));
  }
  return { response: toResponse(outcomes) };
}

function okxSession(tickers: readonly ProviderTicker[], batchSize: number): WsSession {
  const index = new TickerIndex(tickers);
  const resends = new Map<string, number>();

  const onError = (msg: JsonObject): WsHandleResult => {
    if (msg.code !== undefined && typeof msg.code !== 'string') return { error: 'error event: code is not a string' };
    const text = typeof msg.msg === 'string' ? msg.msg : '';
    const request = echoedSubscribe(text);
    if (request === undefined) return { error: `okx error ${String(msg.code)}: ${text.slice(0, 200)}` };
    const count = resends.get(request) ?? 0;
    if (count >= MAX_RESENDS) return { error: `okx rejected ${request.slice(0, 120)} ${count + 1} times, giving up` };
    resends.set(request, count + 1);
    return { response: emptyResponse(), replies: [request] };
  };

  return {
    subscriptions: () =>
      chunk(tickers, batchSize).map((batch) => subscribeRequest(batch.map((t) => ({ channel: 'tickers', instId: t.offChainTicker })))),
    handle(frame) {
      const text = typeof frame === 'string' ? frame : new TextDecoder().decode(frame);
      if (text.trim() === 'pong') return { response: emptyResponse() };
      const msg = frameObject(text);
      if (typeof msg === 'string') return { error: msg };
      if (msg.event === undefined) return parseTickers(index, msg);
      if (msg.event === 'subscribe') return { response: emptyResponse() };
      if (msg.event === 'error') return onError(msg);
      return { error: `unhandled event ${JSON.stringify(msg.event)}` };
    },
    heartbeat: () => [],
  };
}

export const okxWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('okx_ws', 'wss://wsaws.okx.com:8443/ws/v5/public', { readTimeout: 15_000, writeInterval: 100, maxSubscriptionsPerConnection: 200, maxSubscriptionsPerBatch: 25 }) },
  dialLimit: { max: 2, windowMs: 1000 },
  session: okxSession,
} satisfies WsExchange;
