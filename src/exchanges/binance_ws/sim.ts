/**
 * binance_ws: combined-stream endpoint /stream (Binance spot WebSocket Streams).
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 * - {"method":"SUBSCRIBE"|"UNSUBSCRIBE","params":["btcusdt@aggTrade","btcusdt@ticker"],"id":N}
 *   → {"result":null,"id":N}. Ids may exceed 2^53: the id is echoed byte-for-byte from the
 *   raw request text, never through a JS number. LIST_SUBSCRIPTIONS answers the stream list.
 * - Unknown symbols are accepted (as Binance does) and simply never pushed.
 * - Pushes per subscribed symbol and push tick: {"stream":"btcusdt@ticker","data":{"e":"24hrTicker","s":"BTCUSDT","c":..}}
 *   and {"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","s":"BTCUSDT","p":..}}.
 * - Bad JSON → {"code":3,"msg":"Invalid JSON..."}; bad method → {"code":2,...}.
 * - error-ack fault: {"result":"rejected","error":{"code":2,"msg":..},"id":N}. The anchor
 *   treats a non-null `result` as the failure signal (wire-formats §3.1), so it is non-null.
 * Prices: 8 significant digits, at least 8 decimals, like binance_api.
 * Limits (`limits`, enforced by the plumbing), from
 * https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams ("WebSocket Limits"):
 * - 5 incoming messages per second per connection; a connection over it is disconnected.
 *   Binance also counts ping and pong frames; the plumbing sees text frames only.
 * - 1024 streams per connection; a SUBSCRIBE beyond it disconnects (closed with 1008 here,
 *   the code is ours: the page names none).
 * - 300 connection attempts per 5 minutes per IP; an upgrade over it gets HTTP 429.
 * - Not documented, not enforced: streams per SUBSCRIBE message, connections open at once.
 */
import { listPairs, renderDecimal, splitJoined } from '../../sim/symbols.js';
import type { Pair } from '../../sim/symbols.js';
import type { ExchangeView, WsConn, WsLimits, WsSimExchange } from '../../sim/types.js';

const ID = /"id"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"(?:[^"\\]|\\.)*"|null)/;
const STREAM = /^([a-z0-9]+)@(aggTrade|ticker)$/;

function rawId(text: string): string {
  return ID.exec(text)?.[1] ?? 'null';
}

function tickerData(symbol: string, pair: Pair, now: number, view: ExchangeView, seq: number): object | undefined {
  const last = view.price(pair);
  const c = view.priceField(pair);
  if (last === undefined || c === undefined) return undefined;
  const r = (x: number): string => view.render(x);
  return {
    e: '24hrTicker', E: now, s: symbol, p: r(last * 0.005), P: '0.500', w: r(last * 0.999), x: r(last * 0.995),
    c, Q: '0.01000000', b: r(last * 0.99995), B: '1.00000000', a: r(last * 1.00005), A: '1.00000000',
    o: r(last * 0.995), h: r(last * 1.03), l: r(last * 0.97), v: '1234.56789000', q: r(last * 1234.56789),
    O: now - 86_400_000, C: now, F: 1, L: seq, n: seq,
  };
}

function aggTradeData(symbol: string, pair: Pair, now: number, view: ExchangeView, seq: number): object | undefined {
  const p = view.priceField(pair);
  if (p === undefined) return undefined;
  return { e: 'aggTrade', E: now, s: symbol, a: seq, p, q: '0.01000000', f: seq, l: seq, T: now, m: false, M: true };
}

function open(conn: WsConn, view: ExchangeView) {
  const streams = new Set<string>();
  let seq = 1;

  const onMessage = (text: string): void => {
    const id = rawId(text);
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      conn.send(`{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1","id":${id}}`);
      return;
    }
    const m = (typeof msg === 'object' && msg !== null ? msg : {}) as { method?: unknown; params?: unknown };
    const params = Array.isArray(m.params) && m.params.every((p) => typeof p === 'string') ? (m.params as string[]) : undefined;
    if (m.method === 'LIST_SUBSCRIPTIONS') {
      conn.send(`{"result":${JSON.stringify([...streams])},"id":${id}}`);
      return;
    }
    if ((m.method !== 'SUBSCRIBE' && m.method !== 'UNSUBSCRIBE') || params === undefined) {
      conn.send(`{"code":2,"msg":"Invalid request: expected SUBSCRIBE, UNSUBSCRIBE or LIST_SUBSCRIPTIONS with string params","id":${id}}`);
      return;
    }
    if (view.fault().mode === 'error-ack') {
      conn.send(`{"result":"rejected","error":{"code":2,"msg":"Invalid request: subscription refused (simulated fault)"},"id":${id}}`);
      return;
    }
    for (const stream of params) {
      if (m.method === 'SUBSCRIBE') streams.add(stream);
      else streams.delete(stream);
    }
    conn.send(`{"result":null,"id":${id}}`);
  };

  const push = (now: number): void => {
    for (const stream of streams) {
      const match = STREAM.exec(stream);
      if (match === null) continue;
      const symbol = (match[1] ?? '').toUpperCase();
      const pair = view.resolve(symbol);
      if (pair === undefined) continue;
      seq += 1;
      const data = match[2] === 'ticker' ? tickerData(symbol, pair, now, view, seq) : aggTradeData(symbol, pair, now, view, seq);
      if (data !== undefined) conn.send(JSON.stringify({ stream, data }));
    }
  };

  return { onMessage, push };
}

/** Streams a SUBSCRIBE adds (0 for any other frame). */
function subscribedStreams(text: string): number {
  try {
    const m = JSON.parse(text) as { method?: unknown; params?: unknown };
    return m.method === 'SUBSCRIBE' && Array.isArray(m.params) ? m.params.length : 0;
  } catch {
    return 0;
  }
}

const limits: WsLimits = {
  source: 'https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams',
  connections: { max: 300, windowMs: 300_000 },
  messages: { max: 5, windowMs: 1000 },
  topicsPerConnection: 1024,
  topics: subscribedStreams,
  violate: (conn, kind) => conn.close(1008, kind === 'messages' ? 'Too many requests' : 'Too many streams'),
};

export const sim = {
  kind: 'ws',
  name: 'binance_ws',
  offsetBps: 2,
  endpointPath: '/stream',
  path: '/stream',
  resolve: (symbol, known) => splitJoined(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => p.base + p.quote),
  render: (value) => renderDecimal(value, 8, 8),
  limits,
  open,
} satisfies WsSimExchange;
