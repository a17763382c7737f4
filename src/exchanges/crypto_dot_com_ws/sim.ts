/**
 * crypto_dot_com_ws: Crypto.com Exchange v1 market data, path /exchange/v1/market, `ticker.<instrument>`.
 * Docs: https://exchange-docs.crypto.com/exchange/v1/rest-ws/index.html#websocket-subscriptions
 * - Instruments: BASE_QUOTE spot (BTC_USD) and BASEUSD-PERP perpetuals (BTCUSD-PERP).
 * - {"id":I,"method":"subscribe"|"unsubscribe","params":{"channels":["ticker.BTC_USD",..]}} →
 *   one {"id":I,"method":..,"code":0,"result":{"subscription":..,"channel":"ticker",
 *   "instrument_name":..}} per channel (id echoed digit for digit; -1 when the request had
 *   none). An unknown channel or instrument, and the error-ack fault, refuse the request:
 *   {"id":I,"method":..,"code":40004,"message":..}; bad JSON 10004, other methods 10008.
 * - Pushes {"id":-1,"method":"subscribe","code":0,"result":{"instrument_name":..,
 *   "subscription":"ticker.X","channel":"ticker","data":[{"i":..,"a":<last>,"b","k","h","l",
 *   "v","vv","oi","c","bs","ks","t"}]}} for every subscribed instrument each push interval.
 * - Sends {"id":<ms>,"method":"public/heartbeat","code":0} every heartbeatMs (5 s; the real
 *   exchange: 30 s) and expects {"id":<same>,"method":"public/respond-heartbeat"}. With
 *   maxMissed (3) heartbeats unanswered the connection goes dead (no output, input ignored):
 *   the plumbing gives a session no way to close its socket, so the client's read timeout
 *   closes it. `cryptoDotComWsWith` changes both numbers; maxMissed 0 never gives up.
 * Prices: 8 significant digits, no minimum decimals.
 * Limits (https://exchange-docs.crypto.com/exchange/v1/rest-ws/index.html#rate-limits and
 * #websocket-subscriptions): market data websocket 100 requests per second (pro-rated on the
 * calendar second the connection opened, hence the advice to sleep 1 s after connecting), at
 * most 400 subscriptions per connection. Enforced: the 101st client frame within a sliding
 * second (heartbeat replies count) gets {"id":I,"method":M,"code":42901,"message":
 * "TOO_MANY_REQUESTS"}; a subscribe taking a connection past 400 channels gets code 40107
 * EXCEED_MAX_SUBSCRIPTIONS (I and M echoed; -1 and "ERROR" when the frame has none). Not
 * enforced, none documented: connections per IP (new or open), channels per message.
 */
import { listPairs, QUOTES, renderDecimal, type Pair } from '../../sim/symbols.js';
import type { ExchangeView, WsConn, WsLimits, WsSimExchange } from '../../sim/types.js';

const PERP = 'USD-PERP';
const CHANNEL = 'ticker.';

export interface HeartbeatOptions {
  heartbeatMs: number;
  maxMissed: number;
}

function resolveInstrument(symbol: string, known: (asset: string) => boolean): Pair | undefined {
  const perp = symbol.endsWith(PERP);
  const [base = '', quote = ''] = perp ? [symbol.slice(0, -PERP.length), 'USD'] : symbol.split('_');
  if (!perp && symbol.split('_').length !== 2) return undefined;
  if (!QUOTES.includes(quote) || base === '' || base === quote || base === 'USD' || !known(base)) return undefined;
  return { base, quote };
}

function tickerEntry(inst: string, view: ExchangeView, now: number): object | undefined {
  const pair = view.resolve(inst);
  const last = pair && view.price(pair);
  const field = pair && view.priceField(pair);
  if (last === undefined || field === undefined) return undefined;
  const r = (x: number): string => view.render(x);
  return {
    i: inst, a: field, b: r(last * 0.99995), k: r(last * 1.00005), h: r(last * 1.03), l: r(last * 0.97),
    v: '1234.5678', vv: r(last * 1234.5678), oi: '0', c: '0.0050', bs: '0.5000', ks: '0.4000', t: now,
  };
}

/** A request's id as written in `text`, digit for digit, or -1 when it has no numeric id. */
function echoId(text: string, id: unknown): string {
  return typeof id === 'number' ? (/"id"\s*:\s*(-?\d+)/.exec(text)?.[1] ?? String(id)) : '-1';
}

function open(conn: WsConn, view: ExchangeView, hb: HeartbeatOptions) {
  const subscribed = new Set<string>();
  const outstanding = new Set<number>();
  let lastHeartbeat = view.now();
  let dead = false;

  const onMessage = (text: string): void => {
    if (dead) return;
    let req: { id?: unknown; method?: unknown; params?: { channels?: unknown } } = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) req = parsed as typeof req;
    } catch {
      conn.send('{"id":-1,"code":10004,"message":"BAD_REQUEST"}');
      return;
    }
    const id = echoId(text, req.id);
    if (req.method === 'public/respond-heartbeat') {
      if (typeof req.id === 'number') outstanding.delete(req.id);
      return;
    }
    const method = JSON.stringify(req.method ?? '');
    if (req.method !== 'subscribe' && req.method !== 'unsubscribe') {
      conn.send(`{"id":${id},"method":${method},"code":10008,"message":"METHOD_NOT_FOUND"}`);
      return;
    }
    const channels = Array.isArray(req.params?.channels) ? (req.params.channels as unknown[]) : [];
    const bad = channels.find((c) => typeof c !== 'string' || !c.startsWith(CHANNEL) || view.resolve(c.slice(CHANNEL.length)) === undefined);
    if (channels.length === 0 || bad !== undefined || view.fault().mode === 'error-ack') {
      const message = view.fault().mode === 'error-ack' ? 'subscription refused (simulated fault)' : `invalid channel ${JSON.stringify(bad ?? null)}`;
      conn.send(`{"id":${id},"method":${method},"code":40004,"message":${JSON.stringify(message)}}`);
      return;
    }
    for (const channel of channels as string[]) {
      const inst = channel.slice(CHANNEL.length);
      if (req.method === 'subscribe') subscribed.add(inst);
      else subscribed.delete(inst);
      const result = JSON.stringify({ subscription: channel, channel: 'ticker', instrument_name: inst });
      conn.send(`{"id":${id},"method":${method},"code":0,"result":${result}}`);
    }
  };

  const heartbeat = (now: number): void => {
    if (now - lastHeartbeat < hb.heartbeatMs) return;
    lastHeartbeat = now;
    if (hb.maxMissed > 0 && outstanding.size >= hb.maxMissed) {
      dead = true;
      return;
    }
    outstanding.add(now);
    conn.send(JSON.stringify({ id: now, method: 'public/heartbeat', code: 0 }));
  };

  const push = (now: number): void => {
    if (!dead) heartbeat(now);
    if (dead) return;
    for (const inst of subscribed) {
      const entry = tickerEntry(inst, view, now);
      if (entry === undefined) continue;
      const result = { instrument_name: inst, subscription: `${CHANNEL}${inst}`, channel: 'ticker', data: [entry] };
      conn.send(JSON.stringify({ id: -1, method: 'subscribe', code: 0, result }));
    }
  };

  return { onMessage, push };
}

/** A client frame as an object ({} for anything that is not a JSON object). */
function parse(text: string): { id?: unknown; method?: unknown; params?: { channels?: unknown } } {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as object) : {};
  } catch {
    return {};
  }
}

const limits = {
  source: 'https://exchange-docs.crypto.com/exchange/v1/rest-ws/index.html#rate-limits: market data 100 requests per second; #websocket-subscriptions: 400 subscriptions per connection',
  messages: { max: 100, windowMs: 1000 },
  topicsPerConnection: 400,
  topics: (text) => {
    const req = parse(text);
    return req.method === 'subscribe' && Array.isArray(req.params?.channels) ? req.params.channels.length : 0;
  },
  violate: (conn, kind, text) => {
    const req = parse(text);
    const id = echoId(text, req.id);
    const method = JSON.stringify(typeof req.method === 'string' ? req.method : 'ERROR');
    const [code, message] = kind === 'messages' ? [42901, 'TOO_MANY_REQUESTS'] : [40107, 'EXCEED_MAX_SUBSCRIPTIONS'];
    conn.send(`{"id":${id},"method":${method},"code":${code},"message":"${message}"}`);
  },
} satisfies WsLimits;

const base = {
  kind: 'ws',
  name: 'crypto_dot_com_ws',
  offsetBps: -2,
  endpointPath: '/exchange/v1/market',
  path: '/exchange/v1/market',
  resolve: resolveInstrument,
  symbols: (assets) => {
    const pairs = listPairs(assets);
    const perps = [...new Set(pairs.map((p) => p.base))].map((b) => `${b}${PERP}`);
    return [...pairs.map((p) => `${p.base}_${p.quote}`), ...perps];
  },
  render: (value) => renderDecimal(value, 8, 0),
  limits,
} satisfies Omit<WsSimExchange, 'open'>;

/** The exchange with other heartbeat timings (e.g. short ones in tests). */
export function cryptoDotComWsWith(hb: HeartbeatOptions): WsSimExchange {
  return { ...base, open: (conn, view) => open(conn, view, hb) };
}

export const sim = {
  ...base,
  open: (conn, view) => open(conn, view, { heartbeatMs: 5000, maxMissed: 3 }),
} satisfies WsSimExchange;
