/**
 * crypto_dot_com_ws: Crypto.com Exchange v1 market-data websocket, `ticker.<instrument>`.
 *
 * API:    https://exchange-docs.crypto.com/exchange/v1/rest-ws/index.html#websocket-subscriptions
 *         (subscribe, public/heartbeat, ticker.{instrument_name})
 * Limits: same page, #rate-limits: market data websocket 100 requests per second per
 *         connection, pro-rated on the calendar second it opened (sleep 1 s before the first
 *         request: postConnectionTimeout 1 s does); past that code 42901 TOO_MANY_REQUESTS.
 *         #websocket-subscriptions: 400 subscriptions per connection, past that 40107
 *         EXCEED_MAX_SUBSCRIPTIONS. No cap on channels per message or connections per IP is
 *         documented. A heartbeat every 30 s must be answered or the connection is closed.
 *         Defaults: 200 instruments per connection, one per subscribe (a refusal names one
 *         instrument), 15 ms apart: under 67 requests per second with the heartbeat replies,
 *         so 93 instruments are subscribed about 2.4 s after the dial. connect's defaults:
 *         writeInterval 100 ms, maxSubscriptionsPerBatch 1, maxSubscriptionsPerConnection 200.
 * Symbol: the instrument name, BTC_USD (spot) or BTCUSD-PERP (perpetual), carried back in
 *         `result.data[].i` (exchange-wire-formats.md §3.6).
 * Price:  `a`, the latest trade price, a decimal string.
 *
 * Quirks and decisions:
 * - Subscribe: `{"id":<n>,"method":"subscribe","params":{"channels":["ticker.BTC_USD",..]}}`,
 *   batchSize channels per message. The anchor sent no id; we number requests per connection
 *   from 1 so that a refusal (echoing the id, code ≠ 0) marks exactly those instruments
 *   unresolved with APIGeneral (13). No nonce: it is optional for public subscriptions.
 * - `public/heartbeat` is answered at once through `replies` with
 *   `{"id":<same id>,"method":"public/respond-heartbeat"}`; ids beyond 2^53 are copied from
 *   the raw text so they are echoed exactly. It does not refresh prices.
 * - `code` must be 0 (else error, or the per-instrument failure above). A subscription
 *   confirmation without `data` gives an empty response (the anchor logged "no instrument
 *   data"). `result.channel`, when present, must be `ticker`.
 * - Several `data` entries per message; entries that are not objects with a string `i`, or
 *   for instruments we do not hold, are skipped (anchor). An `a` that is not a string (the
 *   anchor's typed decode), null (no trade yet), not decimal, zero or negative:
 *   FailedToParsePrice (10) for that instrument.
 * - heartbeat() returns []: the server drives the heartbeat.
 */
import { wsDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { ProviderTicker, ResolvedQuote, UnresolvedQuote, WsExchange, WsHandleResult, WsSession } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { chunk, emptyResponse, failAll, frameObject, isObject, quote, toResponse, unresolved, type JsonObject } from '../util.js';

/** The heartbeat id as written on the wire (exact even past Number.MAX_SAFE_INTEGER). */
function rawId(text: string, id: number): string {
  if (Number.isSafeInteger(id)) return String(id);
  return /^\s*\{\s*"id"\s*:\s*(-?\d+)/.exec(text)?.[1] ?? String(id);
}

function parseTicker(index: TickerIndex, result: JsonObject): WsHandleResult {
  if (result.channel !== undefined && result.channel !== 'ticker') return { error: `data for unexpected channel ${JSON.stringify(result.channel)}` };
  if (!Array.isArray(result.data)) return { error: 'ticker: data is not an array' };
  const outcomes: (ResolvedQuote | UnresolvedQuote)[] = [];
  for (const entry of result.data as unknown[]) {
    if (!isObject(entry) || typeof entry.i !== 'string') continue;
    const ticker = index.lookup(entry.i);
    if (ticker === undefined) continue;
    if (typeof entry.a === 'string') outcomes.push(quote(ticker, entry.a));
    else outcomes.push(unresolved(ticker, ErrorCode.FailedToParsePrice, `a has type ${entry.a === null ? 'null' : typeof entry.a}, expected a string`));
  }
  return { response: toResponse(outcomes) };
}

function cryptoDotComSession(tickers: readonly ProviderTicker[], batchSize: number): WsSession {
  const index = new TickerIndex(tickers);
  const pending = new Map<number, ProviderTicker[]>();
  let nextId = 1;

  const subscribe = (batch: ProviderTicker[]): string => {
    const id = nextId++;
    pending.set(id, batch);
    return JSON.stringify({ id, method: 'subscribe', params: { channels: batch.map((t) => `ticker.${t.offChainTicker}`) } });
  };

  const onSubscribe = (msg: JsonObject): WsHandleResult => {
    const batch = typeof msg.id === 'number' ? pending.get(msg.id) : undefined;
    if (msg.code !== 0) {
      const reason = `crypto.com code ${JSON.stringify(msg.code)}: ${typeof msg.message === 'string' ? msg.message.slice(0, 200) : ''}`;
      return batch === undefined ? { error: reason } : { response: failAll(batch, ErrorCode.APIGeneral, reason) };
    }
    if (msg.result === undefined || (isObject(msg.result) && msg.result.data === undefined)) return { response: emptyResponse() };
    if (!isObject(msg.result)) return { error: 'subscribe: result is not an object' };
    return parseTicker(index, msg.result);
  };

  return {
    subscriptions: () => chunk(tickers, batchSize).map(subscribe),
    handle(frame) {
      const text = typeof frame === 'string' ? frame : new TextDecoder().decode(frame);
      const msg = frameObject(text);
      if (typeof msg === 'string') return { error: msg };
      if (msg.method === 'public/heartbeat') {
        if (typeof msg.id !== 'number' || !Number.isInteger(msg.id)) return { error: 'heartbeat without an integer id' };
        return { response: emptyResponse(), replies: [`{"id":${rawId(text, msg.id)},"method":"public/respond-heartbeat"}`] };
      }
      if (msg.method === 'subscribe') return onSubscribe(msg);
      return { error: `unhandled method ${JSON.stringify(msg.method)} (code ${JSON.stringify(msg.code)})` };
    },
    heartbeat: () => [],
  };
}

export const cryptoDotComWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('crypto_dot_com_ws', 'wss://stream.crypto.com/exchange/v1/market', { maxSubscriptionsPerConnection: 200, writeInterval: 15 }) },
  session: cryptoDotComSession,
} satisfies WsExchange;
