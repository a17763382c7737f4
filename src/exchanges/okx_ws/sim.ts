/**
 * okx_ws: OKX v5 public WebSocket, path /ws/v5/public, channel `tickers`.
 * Docs: https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-tickers-channel
 * - {"op":"subscribe"|"unsubscribe","args":[{"channel":"tickers","instId":"BTC-USDT"},..]}
 *   with 1–25 args → one {"arg":{..},"event":"subscribe","connId":".."} per arg.
 * - An unknown channel or instrument → {"event":"error","code":"60018","msg":"Wrong URL or
 *   channel:..,instId:.. doesn't exist...","connId":..} for that arg; the others are acked.
 * - Unparsable input, a bad op or >25 args, and the error-ack fault →
 *   {"event":"error","code":"60012","msg":"Invalid request: <original request text>","connId":..}.
 * - Text "ping" is answered with text "pong" (OKX's keepalive; the anchor never sends it).
 * - Pushes {"arg":{"channel":"tickers","instId":..},"data":[{"instType":"SPOT","instId":..,"last":..,"ts":"<ms>",...}]}.
 * Prices: 8 significant digits, no minimum decimals ("65000", "0.15").
 * Limits (`limits`, enforced by the plumbing), from https://www.okx.com/docs-v5/en/#overview-websocket-connect
 * and .../#overview-websocket-subscribe:
 * - Connection limit: 3 requests per second per IP; an upgrade over it gets HTTP 429.
 * - 480 subscribe/unsubscribe/login requests per hour per connection; over it →
 *   {"event":"error","code":"60014","msg":"Requests too frequent.","connId":..} and the request
 *   is dropped. Only those three ops count (a text "ping" does not).
 * - Not enforced: the 64 KB total length of a request's channels (a size, not a count);
 *   topics per connection and connections open at once are not documented.
 */
import { listPairs, renderDecimal, splitDashed } from '../../sim/symbols.js';
import type { ExchangeView, WsConn, WsLimits, WsSimExchange } from '../../sim/types.js';

const MAX_ARGS = 25;

interface Arg {
  channel: string;
  instId: string;
}

function parseArgs(msg: unknown): { op: 'subscribe' | 'unsubscribe'; args: Arg[] } | undefined {
  if (typeof msg !== 'object' || msg === null) return undefined;
  const { op, args } = msg as { op?: unknown; args?: unknown };
  if ((op !== 'subscribe' && op !== 'unsubscribe') || !Array.isArray(args)) return undefined;
  if (args.length === 0 || args.length > MAX_ARGS) return undefined;
  const out: Arg[] = [];
  for (const a of args) {
    const { channel, instId } = (typeof a === 'object' && a !== null ? a : {}) as { channel?: unknown; instId?: unknown };
    if (typeof channel !== 'string' || typeof instId !== 'string') return undefined;
    out.push({ channel, instId });
  }
  return { op, args: out };
}

function tickerData(instId: string, view: ExchangeView, now: number): object | undefined {
  const pair = view.resolve(instId);
  const last = pair && view.price(pair);
  const field = pair && view.priceField(pair);
  if (last === undefined || field === undefined) return undefined;
  const r = (x: number): string => view.render(x);
  return {
    instType: 'SPOT', instId, last: field, lastSz: '0.01', askPx: r(last * 1.00005), askSz: '1.5',
    bidPx: r(last * 0.99995), bidSz: '1.5', open24h: r(last * 0.995), high24h: r(last * 1.03),
    low24h: r(last * 0.97), sodUtc0: r(last * 0.996), sodUtc8: r(last * 0.997),
    volCcy24h: r(last * 1234.5), vol24h: '1234.5', ts: String(now),
  };
}

function open(conn: WsConn, view: ExchangeView) {
  const subscribed = new Set<string>();
  const invalid = (text: string): void =>
    conn.send(JSON.stringify({ event: 'error', code: '60012', msg: `Invalid request: ${text}`, connId: conn.id }));

  const onMessage = (text: string): void => {
    if (text === 'ping') {
      conn.send('pong');
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      invalid(text);
      return;
    }
    const req = parseArgs(msg);
    if (req === undefined || view.fault().mode === 'error-ack') {
      invalid(text);
      return;
    }
    for (const arg of req.args) {
      if (arg.channel !== 'tickers' || view.resolve(arg.instId) === undefined) {
        conn.send(JSON.stringify({
          event: 'error', code: '60018', connId: conn.id,
          msg: `Wrong URL or channel:${arg.channel},instId:${arg.instId} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`,
        }));
        continue;
      }
      if (req.op === 'subscribe') subscribed.add(arg.instId);
      else subscribed.delete(arg.instId);
      conn.send(JSON.stringify({ arg: { channel: arg.channel, instId: arg.instId }, event: req.op, connId: conn.id }));
    }
  };

  const push = (now: number): void => {
    for (const instId of subscribed) {
      const data = tickerData(instId, view, now);
      if (data !== undefined) conn.send(JSON.stringify({ arg: { channel: 'tickers', instId }, data: [data] }));
    }
  };

  return { onMessage, push };
}

const limits: WsLimits = {
  source: 'https://www.okx.com/docs-v5/en/#overview-websocket-connect',
  connections: { max: 3, windowMs: 1000 },
  messages: { max: 480, windowMs: 3_600_000, counts: (text) => /"op"\s*:\s*"(subscribe|unsubscribe|login)"/.test(text) },
  topics: () => 0,
  violate: (conn) => conn.send(JSON.stringify({ event: 'error', code: '60014', msg: 'Requests too frequent.', connId: conn.id })),
};

export const sim = {
  kind: 'ws',
  name: 'okx_ws',
  offsetBps: -2,
  endpointPath: '/ws/v5/public',
  path: '/ws/v5/public',
  resolve: (symbol, known) => splitDashed(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}-${p.quote}`),
  render: (value) => renderDecimal(value, 8, 0),
  limits,
  open,
} satisfies WsSimExchange;
