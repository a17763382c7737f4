/**
 * bitfinex_ws: Bitfinex v2 public WebSocket, path /ws/2, channel `ticker`.
 * Docs: https://docs.bitfinex.com/docs/ws-general, https://docs.bitfinex.com/reference/ws-public-ticker
 * - On connect: {"event":"info","version":2,"serverId":..,"platform":{"status":1}}.
 * - {"event":"subscribe","channel":"ticker","symbol":"BTCUSD"|"tBTCUSD"} → a per-connection
 *   chanId, {"event":"subscribed","channel":"ticker","chanId":N,"symbol":"tBTCUSD","pair":"BTCUSD"}
 *   and at once a snapshot [N,[BID,BID_SIZE,ASK,ASK_SIZE,DAILY_CHANGE,DAILY_CHANGE_RELATIVE,
 *   LAST_PRICE,VOLUME,HIGH,LOW]] (JSON numbers; under bad-price LAST_PRICE is the string "abc").
 * - Refusals {"event":"error","msg":..,"code":..,"channel":"ticker","symbol":..,"pair":..}:
 *   10001 unknown pair, 10301 already subscribed, 10300 for a non-ticker channel; the
 *   error-ack fault refuses every subscribe with 10400.
 * - {"event":"unsubscribe","chanId":N} → {"event":"unsubscribed","status":"OK","chanId":N};
 *   {"event":"ping","cid":C} → {"event":"pong","ts":<ms>,"cid":C}; other input → 10000.
 * - Pushes every subscribed channel's ticker each push interval, and [N,"hb"] every 5 s.
 * Prices: 5 significant digits, as Bitfinex quotes them.
 * Limits (https://docs.bitfinex.com/docs/ws-public): 20 connections per minute to
 * wss://api-pub.bitfinex.com, 25 channels at the same time on one connection (30 before).
 * Enforced: the 21st upgrade within a minute gets HTTP 429 (the page names no answer), and a
 * subscribe past 25 on one connection gets {"event":"error","msg":"subscribe: limit",
 * "code":10305,..} with the request's channel, symbol and pair (10305: "reached limit of open
 * channels", https://docs.bitfinex.com/docs/ws-general). Every subscribe counts, refused ones
 * too, and unsubscribing frees nothing (the plumbing's rule). Not enforced, none documented:
 * open connections, client messages per second, channels per message (always one).
 */
import { listPairs, renderDecimal, splitJoined } from '../../sim/symbols.js';
import type { ExchangeView, WsConn, WsLimits, WsSimExchange } from '../../sim/types.js';

const HEARTBEAT_MS = 5000;

interface Channel {
  pair: string;
  lastHeartbeat: number;
}

/** The ticker array for `pair`; LAST_PRICE is a number, or the fault's price text. */
function tickerArray(pair: string, view: ExchangeView): unknown[] | undefined {
  const p = view.resolve(pair);
  const last = p && view.price(p);
  const field = p && view.priceField(p);
  if (last === undefined || field === undefined) return undefined;
  const n = (x: number): number => Number(view.render(x));
  const lastValue = Number.isFinite(Number(field)) ? Number(field) : field;
  return [n(last * 0.99995), 12.5, n(last * 1.00005), 9.75, n(last * 0.004), 0.004, lastValue, 1234.5, n(last * 1.03), n(last * 0.97)];
}

/** Parse a client frame as a JSON object ({} for anything else). */
function request(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function open(conn: WsConn, view: ExchangeView) {
  const channels = new Map<number, Channel>();
  let nextChanId = 17;
  const send = (msg: unknown): void => conn.send(JSON.stringify(msg));
  const refuse = (code: number, msg: string, req: Record<string, unknown>): void =>
    send({ event: 'error', msg, code, channel: req['channel'], symbol: req['symbol'], pair: req['pair'] });

  const subscribe = (req: Record<string, unknown>): void => {
    const symbol = typeof req['symbol'] === 'string' ? req['symbol'] : '';
    const pair = symbol.startsWith('t') ? symbol.slice(1) : symbol;
    const named = { ...req, pair };
    if (view.fault().mode === 'error-ack') return refuse(10400, 'subscribe: failed (simulated fault)', named);
    if (req['channel'] !== 'ticker') return refuse(10300, 'subscribe: channel not supported', named);
    if (view.resolve(pair) === undefined) return refuse(10001, 'Unknown pair', named);
    if ([...channels.values()].some((c) => c.pair === pair)) return refuse(10301, 'subscribe: dup', named);
    const chanId = nextChanId++;
    channels.set(chanId, { pair, lastHeartbeat: view.now() });
    send({ event: 'subscribed', channel: 'ticker', chanId, symbol: `t${pair}`, pair });
    const snapshot = tickerArray(pair, view);
    if (snapshot !== undefined) send([chanId, snapshot]);
  };

  const onMessage = (text: string): void => {
    const req = request(text);
    if (req['event'] === 'subscribe') subscribe(req);
    else if (req['event'] === 'unsubscribe' && typeof req['chanId'] === 'number' && channels.delete(req['chanId'])) {
      send({ event: 'unsubscribed', status: 'OK', chanId: req['chanId'] });
    } else if (req['event'] === 'ping') send({ event: 'pong', ts: view.now(), cid: req['cid'] });
    else send({ event: 'error', msg: 'Unknown event', code: 10000 });
  };

  const push = (now: number): void => {
    for (const [chanId, channel] of channels) {
      const ticker = tickerArray(channel.pair, view);
      if (ticker !== undefined) send([chanId, ticker]);
      if (now - channel.lastHeartbeat >= HEARTBEAT_MS) {
        channel.lastHeartbeat = now;
        send([chanId, 'hb']);
      }
    }
  };

  send({ event: 'info', version: 2, serverId: `sim-${conn.id}`, platform: { status: 1 } });
  return { onMessage, push };
}

const limits = {
  source: 'https://docs.bitfinex.com/docs/ws-public: 20 connections per minute, 25 channels per connection',
  connections: { max: 20, windowMs: 60_000 },
  topicsPerConnection: 25,
  topics: (text) => (request(text)['event'] === 'subscribe' ? 1 : 0),
  violate: (conn, _kind, text) => {
    const req = request(text);
    const symbol = typeof req['symbol'] === 'string' ? req['symbol'] : '';
    const pair = symbol.startsWith('t') ? symbol.slice(1) : symbol;
    conn.send(JSON.stringify({ event: 'error', msg: 'subscribe: limit', code: 10305, channel: req['channel'], symbol: req['symbol'], pair }));
  },
} satisfies WsLimits;

export const sim = {
  kind: 'ws',
  name: 'bitfinex_ws',
  offsetBps: 2,
  endpointPath: '/ws/2',
  path: '/ws/2',
  resolve: (symbol, known) => splitJoined(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}${p.quote}`),
  render: (value) => renderDecimal(value, 5, 0),
  limits,
  open,
} satisfies WsSimExchange;
