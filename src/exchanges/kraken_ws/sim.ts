/**
 * kraken_ws: Kraken spot WebSocket API v1, path / (wss://ws.kraken.com), `ticker`.
 * Docs: https://docs.kraken.com/api/docs/websocket-v1/ticker, .../subscribe, .../systemstatus
 * - On connect: {"connectionID":N,"event":"systemStatus","status":"online","version":"1.9.5"}.
 * - {"event":"subscribe"|"unsubscribe","pair":[..],"subscription":{"name":"ticker"},"reqid"?}
 *   → one subscriptionStatus per pair: {"channelID":N,"channelName":"ticker","event":
 *   "subscriptionStatus","pair":P,"status":"subscribed","subscription":{"name":"ticker"}};
 *   an unknown pair or subscription name, and the error-ack fault → status "error" with
 *   `errorMessage` (no channelID). `reqid` is echoed. {"event":"ping"} → {"event":"pong"}.
 *   Unparsable or unknown requests → {"errorMessage":..,"event":"error"}.
 * - Pushes [channelID,{a,b,c,v,p,t,l,h,o},"ticker",P]. The book price is rendered into
 *   p[0] (today's VWAP), which is what the adapter reports (like the anchor); c[0], the
 *   last trade, sits 3 bps above it so a test can tell them apart. Under bad-price p[0] is "abc".
 * - {"event":"heartbeat"} after 1 s without any other frame (Kraken's idle heartbeat).
 * Symbols: BASE/QUOTE with Kraken asset codes (XBT/USD, XDG/USD, ETH/XBT).
 * Prices: 8 significant digits, at least 5 decimals, like kraken_api.
 * Limits (https://docs.kraken.com/api/docs/guides/spot-ws-intro, formerly the v1 "General
 * Considerations"): Cloudflare allows about 150 connection attempts per IP per rolling 10
 * minutes and bans the IP for 10 minutes past that. Enforced: the 151st upgrade within 10
 * minutes is refused with HTTP 429 (no ban is emulated). Not enforced, none documented as a
 * number: open connections, messages per connection (v1 answers "Exceeded msg rate" to a
 * dynamic limit), pairs per subscribe and per connection.
 */
import { QUOTES, listPairs, renderDecimal } from '../../sim/symbols.js';
import type { Pair } from '../../sim/symbols.js';
import type { ExchangeView, WsConn, WsLimits, WsSimExchange } from '../../sim/types.js';

const TO_KRAKEN: Readonly<Record<string, string>> = { BTC: 'XBT', DOGE: 'XDG' };
const TO_BOOK: Readonly<Record<string, string>> = { XBT: 'BTC', XDG: 'DOGE' };
const HEARTBEAT_MS = 1000;
let connectionIds = 0;

const kraken = (asset: string): string => TO_KRAKEN[asset] ?? asset;

function resolve(symbol: string, known: (asset: string) => boolean): Pair | undefined {
  const parts = symbol.split('/');
  if (parts.length !== 2) return undefined;
  const [b, q] = parts as [string, string];
  const base = TO_BOOK[b] ?? b;
  const quote = TO_BOOK[q] ?? q;
  if (!QUOTES.includes(quote) || base === quote || base === 'USD' || !known(base)) return undefined;
  return kraken(base) === b && kraken(quote) === q ? { base, quote } : undefined;
}

function ticker(view: ExchangeView, pair: Pair): object | undefined {
  const last = view.price(pair);
  const vwap = view.priceField(pair);
  if (last === undefined || vwap === undefined) return undefined;
  const r = (x: number): string => view.render(x);
  return {
    a: [r(last * 1.00035), 1, '1.000'], b: [r(last * 1.00025), 2, '2.000'], c: [r(last * 1.0003), '0.01000000'],
    v: ['1234.56789000', '2345.67890000'], p: [vwap, r(last * 1.001)], t: [21771, 22049],
    l: [r(last * 0.97), r(last * 0.96)], h: [r(last * 1.03), r(last * 1.04)], o: [r(last * 0.995), r(last * 0.99)],
  };
}

function open(conn: WsConn, view: ExchangeView) {
  const channels = new Map<string, number>();
  let nextChannel = 340;
  let lastSent = view.now();
  const send = (msg: unknown): void => {
    lastSent = view.now();
    conn.send(JSON.stringify(msg));
  };
  send({ connectionID: 18_266_300_000 + ++connectionIds, event: 'systemStatus', status: 'online', version: '1.9.5' });

  const onSubscription = (m: Record<string, unknown>): void => {
    const subscription = { name: (m['subscription'] as { name?: unknown } | undefined)?.name };
    const reqid = typeof m['reqid'] === 'number' ? { reqid: m['reqid'] } : {};
    const pairs = Array.isArray(m['pair']) ? (m['pair'] as unknown[]) : [];
    if (pairs.length === 0) {
      send({ errorMessage: 'Pair(s) not found', event: 'subscriptionStatus', status: 'error', subscription, ...reqid });
      return;
    }
    for (const p of pairs) {
      const pair = String(p);
      const status = { event: 'subscriptionStatus', pair, subscription, ...reqid };
      const refusal =
        subscription.name !== 'ticker' ? 'Subscription name invalid'
        : typeof p !== 'string' || view.resolve(p) === undefined ? `Currency pair not supported ${pair}`
        : view.fault().mode === 'error-ack' ? 'Subscription refused (simulated fault)'
        : undefined;
      if (refusal !== undefined) {
        send({ errorMessage: refusal, ...status, status: 'error' });
        continue;
      }
      if (m['event'] === 'subscribe') {
        const channelID = channels.get(pair) ?? nextChannel++;
        channels.set(pair, channelID);
        send({ channelID, channelName: 'ticker', ...status, status: 'subscribed' });
      } else {
        const channelID = channels.get(pair);
        channels.delete(pair);
        send({ channelID, channelName: 'ticker', ...status, status: 'unsubscribed' });
      }
    }
  };

  const onMessage = (text: string): void => {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      send({ errorMessage: 'Malformed request', event: 'error' });
      return;
    }
    const m = (typeof msg === 'object' && msg !== null ? msg : {}) as Record<string, unknown>;
    if (m['event'] === 'ping') send({ event: 'pong', ...(m['reqid'] === undefined ? {} : { reqid: m['reqid'] }) });
    else if (m['event'] === 'subscribe' || m['event'] === 'unsubscribe') onSubscription(m);
    else send({ errorMessage: 'Unsupported event', event: 'error' });
  };

  const push = (now: number): void => {
    for (const [pair, channelID] of channels) {
      const book = view.resolve(pair);
      const data = book && ticker(view, book);
      if (data !== undefined) send([channelID, data, 'ticker', pair]);
    }
    if (now - lastSent >= HEARTBEAT_MS) send({ event: 'heartbeat' });
  };

  return { onMessage, push };
}

/** Pairs a client frame subscribes to: the `pair` array of a subscribe event. */
function topics(text: string): number {
  try {
    const m = JSON.parse(text) as { event?: unknown; pair?: unknown } | null;
    return m?.event === 'subscribe' && Array.isArray(m.pair) ? m.pair.length : 0;
  } catch {
    return 0;
  }
}

const limits = {
  source: 'https://docs.kraken.com/api/docs/guides/spot-ws-intro: about 150 connection attempts per IP per rolling 10 minutes (Cloudflare)',
  connections: { max: 150, windowMs: 600_000 },
  topics,
  // Only the connection limit is enforced, and it is answered at the upgrade: nothing reaches here.
  violate: () => undefined,
} satisfies WsLimits;

export const sim = {
  kind: 'ws',
  name: 'kraken_ws',
  offsetBps: 3,
  endpointPath: '/',
  path: '/',
  resolve,
  symbols: (assets) => listPairs(assets).map((p) => `${kraken(p.base)}/${kraken(p.quote)}`),
  render: (value) => renderDecimal(value, 8, 5),
  limits,
  open,
} satisfies WsSimExchange;
