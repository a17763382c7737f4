/**
 * huobi_ws: Huobi (HTX) spot market WebSocket, `market.<symbol>.ticker` channel.
 *
 * API:    https://www.htx.com/en-us/opend/newApiPages/?id=7ec53561-7773-11ed-9966-0242ac110003
 *         (market ticker topic) and the "Access URLs / heartbeat" section of the same docs:
 *         wss://api.huobi.pro/ws (AWS: wss://api-aws.huobi.pro/ws).
 * Limits: (README, not verified offline) every server message is gzip-compressed; the server
 *         sends {"ping":<ms>} every 5 s and closes after two unanswered pings; tickers push
 *         about every 100 ms. HTX documents no request or connection limit for the market
 *         feed /ws (https://huobiapi.github.io/docs/spot/v1/en/, "Best Practice": market data
 *         over WebSocket has no rate limit; avoid many topics on one connection). Its only
 *         documented WebSocket request limit, 50 valid requests a second per connection (pongs
 *         excluded), is the account feed /ws/v2's; we keep to 80 % of it anyway.
 *         Defaults: 60 topics per connection, one per subscribe (Huobi has no batch form),
 *         25 ms apart (40 a second), connections dialled together: a dYdX-sized map's 235
 *         tickers take 4 connections, all subscribed 2.5 s after the dials.
 *         connect's defaults: writeInterval 100 ms, one topic per message,
 *         maxSubscriptionsPerConnection 0 (unlimited); set those in oracle.json to restore them.
 * Symbol: lower-case BASEQUOTE, e.g. btcusdt, carried back as the middle segment of `ch`
 *         (exchange-wire-formats.md §3.8).
 * Price:  `tick.lastPrice`, a JSON number. A server ping only refreshes held prices.
 *
 * Quirks and decisions:
 * - Server frames are gzip (binary frames on the wire); we gunzip text and binary frames
 *   alike, at most MAX_INFLATED bytes, and a frame that does not inflate is an error.
 * - Subscribe: one topic per message (Huobi has no batch form), the symbol lower-cased
 *   (Huobi only knows lower case; the anchor sent the ticker as configured). Replies and
 *   data map back through the three spellings, so `BTCUSDT` in the market map also works.
 * - Dispatch after gunzip, as the anchor: non-zero `ping`, then non-empty `id` (subscribe
 *   reply), then non-empty `ch` (data); anything else is an error.
 * - Ping: answered with text {"pong":<same number>} and, like the anchor, an "unchanged"
 *   result (price null) that refreshes timestamps. Decision: only tickers that delivered a
 *   valid price since the previous ping are refreshed (the anchor refreshed every ticker
 *   forever), so a symbol Huobi stops pushing ages out instead of being kept fresh by
 *   connection-level pings. A bad price clears the ticker until its next good one.
 * - Subscribe reply with status other than "ok": the anchor re-subscribed the symbol parsed
 *   from `subbed`, which real error replies lack (it then sent an empty id). Our subscribe id
 *   is the ticker itself, so we re-subscribe the ticker named by `id` (else `subbed`), at
 *   most MAX_RESUBSCRIBES times per ticker, then report the reply as an error.
 * - Data: `ch` must be exactly `market.<symbol>.ticker`; an unknown symbol is an error.
 *   `lastPrice` must be a JSON number (anchor typed decode): a string, zero or negative
 *   price is FailedToParsePrice (10) for that ticker.
 * - No application heartbeat from our side: heartbeat() returns [].
 */
import { gunzipSync } from 'node:zlib';
import { wsDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { ProviderTicker, WsExchange, WsHandleResult, WsSession } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { emptyResponse, frameObject, isObject, quote, toResponse, unresolved, type JsonObject } from '../util.js';

const MAX_RESUBSCRIBES = 3;
/** Largest inflated frame accepted; a ticker is about 400 bytes. */
const MAX_INFLATED = 1 << 20;

function subscribe(symbol: string): string {
  return JSON.stringify({ sub: `market.${symbol}.ticker`, id: symbol });
}

function inflate(frame: string | Uint8Array): { text: string } | { error: string } {
  try {
    const bytes = typeof frame === 'string' ? Buffer.from(frame, 'latin1') : frame;
    return { text: gunzipSync(bytes, { maxOutputLength: MAX_INFLATED }).toString('utf8') };
  } catch (err) {
    return { error: `gunzip failed: ${(err as Error).message}` };
  }
}

function huobiSession(tickers: readonly ProviderTicker[], _batchSize: number): WsSession {
  const index = new TickerIndex(tickers);
  /** Tickers with a valid price since the previous ping. */
  let fresh = new Set<string>();
  const resubscribes = new Map<string, number>();

  const onPing = (ping: unknown): WsHandleResult => {
    if (typeof ping !== 'number' || !Number.isSafeInteger(ping)) return { error: 'ping is not an integer' };
    const resolved = [...fresh].map((ticker) => ({ ticker, price: null }));
    fresh = new Set();
    return { response: { resolved, unresolved: [] }, replies: [JSON.stringify({ pong: ping })] };
  };

  const onReply = (msg: JsonObject): WsHandleResult => {
    if (msg.status === 'ok') return { response: emptyResponse() };
    const fromSubbed = typeof msg.subbed === 'string' ? msg.subbed.split('.')[1] : undefined;
    const ticker = index.lookup(String(msg.id)) ?? (fromSubbed === undefined ? undefined : index.lookup(fromSubbed));
    const reason = `subscribe ${String(msg.id)} failed: ${String(msg['err-code'] ?? msg.status)} ${String(msg['err-msg'] ?? '')}`.trim();
    if (ticker === undefined) return { error: reason };
    const count = resubscribes.get(ticker.offChainTicker) ?? 0;
    if (count >= MAX_RESUBSCRIBES) return { error: `${reason}; giving up after ${count} re-subscriptions` };
    resubscribes.set(ticker.offChainTicker, count + 1);
    return { response: emptyResponse(), replies: [subscribe(ticker.offChainTicker.toLowerCase())] };
  };

  const onTicker = (ch: string, tick: unknown): WsHandleResult => {
    const parts = ch.split('.');
    if (parts.length !== 3 || parts[0] !== 'market' || parts[2] !== 'ticker') return { error: `unexpected channel ${ch}` };
    const ticker = index.lookup(parts[1] ?? '');
    if (ticker === undefined) return { error: `ticker for unknown symbol ${parts[1] ?? ''}` };
    const last = isObject(tick) ? tick.lastPrice : undefined;
    const outcome =
      typeof last === 'number'
        ? quote(ticker, last)
        : unresolved(ticker, ErrorCode.FailedToParsePrice, `lastPrice ${JSON.stringify(last) ?? 'undefined'} is not a JSON number`);
    if ('code' in outcome) fresh.delete(ticker.offChainTicker);
    else fresh.add(ticker.offChainTicker);
    return { response: toResponse([outcome]) };
  };

  return {
    subscriptions: () => tickers.map((t) => subscribe(t.offChainTicker.toLowerCase())),
    handle(frame) {
      const inflated = inflate(frame);
      if ('error' in inflated) return inflated;
      const msg = frameObject(inflated.text);
      if (typeof msg === 'string') return { error: msg };
      if (msg.ping !== undefined && msg.ping !== 0) return onPing(msg.ping);
      if (msg.id !== undefined && msg.id !== '' && msg.id !== null) return onReply(msg);
      if (typeof msg.ch === 'string' && msg.ch !== '') return onTicker(msg.ch, msg.tick);
      return { error: 'message is neither ping, subscribe reply nor ticker' };
    },
    heartbeat: () => [],
  };
}

export const huobiWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('huobi_ws', 'wss://api.huobi.pro/ws', { maxBufferSize: 1000, writeInterval: 25, maxSubscriptionsPerConnection: 60 }) },
  session: huobiSession,
} satisfies WsExchange;
