/**
 * bybit_ws: Bybit v5 public spot WebSocket, path /v5/public/spot, topics `tickers.<SYMBOL>`.
 * Docs: https://bybit-exchange.github.io/docs/v5/ws/connect,
 *       https://bybit-exchange.github.io/docs/v5/websocket/public/ticker
 * - {"req_id":R,"op":"subscribe"|"unsubscribe","args":["tickers.BTCUSDT",..]} (1–10 args) →
 *   {"success":true,"ret_msg":"subscribe"|"","conn_id":..,"req_id":R,"op":..}. Any unknown
 *   topic or symbol, more than 10 args, and the error-ack fault refuse the whole request with
 *   "success":false and a ret_msg naming the problem.
 * - {"req_id":R,"op":"ping"} → {"success":true,"ret_msg":"pong","conn_id":..,"req_id":R,"op":"ping"}.
 * - Pushes {"topic":"tickers.SYM","ts":<ms>,"type":"snapshot","cs":<n>,"data":{"symbol":..,
 *   "lastPrice":..,...}} for every subscribed symbol each push interval.
 * - Idle rule (off in the registered exchange; `bybitWsWithPingTimeout(ms)` turns it on):
 *   Bybit drops a client that sends no ping for 20 s. The plumbing gives a session no way to
 *   close its socket, so such a connection goes dead instead: no output, input ignored, until
 *   the client's read timeout closes it.
 * Prices: 8 significant digits, at least 2 decimals.
 * Limits (`limits`, enforced by the plumbing), from https://bybit-exchange.github.io/docs/v5/ws/connect
 * and https://bybit-exchange.github.io/docs/v5/rate-limit ("Websocket IP limit"):
 * - Spot takes at most 10 args per subscribe request; more → {"success":false,
 *   "ret_msg":"args size >10",..} for the whole request (the session refuses it too when
 *   limits are off).
 * - At most 500 new connections per 5 minutes and 1,000 market-data connections open per IP
 *   (counted per market); an upgrade over either gets HTTP 429 (Bybit names no status).
 * - Not documented as counts, not enforced: client messages per connection; topics per
 *   connection (only a 21,000-character length of args).
 */
import { listPairs, renderDecimal, splitJoined } from '../../sim/symbols.js';
import type { ExchangeView, WsConn, WsLimits, WsSimExchange } from '../../sim/types.js';

const MAX_ARGS = 10;
const TOPIC = 'tickers.';

interface Request {
  op: unknown;
  req_id: unknown;
  args: unknown;
}

function tickerData(symbol: string, view: ExchangeView): object | undefined {
  const pair = view.resolve(symbol);
  const last = pair && view.price(pair);
  const field = pair && view.priceField(pair);
  if (last === undefined || field === undefined) return undefined;
  const r = (x: number): string => view.render(x);
  return {
    symbol, lastPrice: field, highPrice24h: r(last * 1.03), lowPrice24h: r(last * 0.97), prevPrice24h: r(last * 0.995),
    volume24h: '1234.5678', turnover24h: r(last * 1234.5678), price24hPcnt: '0.005', usdIndexPrice: r(last),
  };
}

/** The refusal reason for a subscribe/unsubscribe request, or undefined when valid. */
function refusal(req: Request, view: ExchangeView): string | undefined {
  if (!Array.isArray(req.args) || req.args.length === 0) return 'error:args is empty';
  if (req.args.length > MAX_ARGS) return `args size >${MAX_ARGS}`;
  const bad = (req.args as unknown[]).filter((a) => typeof a !== 'string' || !a.startsWith(TOPIC) || view.resolve(a.slice(TOPIC.length)) === undefined);
  if (bad.length > 0) return `Invalid symbol :[${bad.map(String).join(',')}]`;
  if (view.fault().mode === 'error-ack') return 'subscription refused (simulated fault)';
  return undefined;
}

function open(conn: WsConn, view: ExchangeView, pingTimeoutMs: number) {
  const subscribed = new Set<string>();
  let lastPing = view.now();
  let dead = false;
  let cs = 1_000_000;
  const reply = (req: Request, success: boolean, retMsg: string): void =>
    conn.send(JSON.stringify({ success, ret_msg: retMsg, conn_id: conn.id, req_id: typeof req.req_id === 'string' ? req.req_id : '', op: req.op }));

  const onMessage = (text: string): void => {
    if (dead) return;
    let req: Request = { op: '', req_id: '', args: undefined };
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) req = parsed as Request;
    } catch {
      reply(req, false, 'error:invalid json');
      return;
    }
    if (req.op === 'ping') {
      lastPing = view.now();
      reply(req, true, 'pong');
      return;
    }
    if (req.op !== 'subscribe' && req.op !== 'unsubscribe') {
      reply(req, false, `error:unknown op ${JSON.stringify(req.op)}`);
      return;
    }
    const reason = refusal(req, view);
    if (reason !== undefined) {
      reply(req, false, reason);
      return;
    }
    for (const topic of req.args as string[]) {
      if (req.op === 'subscribe') subscribed.add(topic.slice(TOPIC.length));
      else subscribed.delete(topic.slice(TOPIC.length));
    }
    reply(req, true, req.op === 'subscribe' ? 'subscribe' : '');
  };

  const push = (now: number): void => {
    if (pingTimeoutMs > 0 && now - lastPing > pingTimeoutMs) dead = true;
    if (dead) return;
    for (const symbol of subscribed) {
      const data = tickerData(symbol, view);
      if (data !== undefined) conn.send(JSON.stringify({ topic: `${TOPIC}${symbol}`, ts: now, type: 'snapshot', cs: ++cs, data }));
    }
  };

  return { onMessage, push };
}

/** A client frame as a request; {} when it is not a JSON object. */
function parseRequest(text: string): Partial<Request> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Partial<Request>) : {};
  } catch {
    return {};
  }
}

const limits: WsLimits = {
  source: 'https://bybit-exchange.github.io/docs/v5/rate-limit',
  connections: { max: 500, windowMs: 300_000 },
  openConnections: 1000,
  topicsPerMessage: MAX_ARGS,
  /** Args of a subscribe request (0 for any other frame). */
  topics: (text) => {
    const req = parseRequest(text);
    return req.op === 'subscribe' && Array.isArray(req.args) ? req.args.length : 0;
  },
  violate: (conn, _kind, text) => {
    const req = parseRequest(text);
    conn.send(JSON.stringify({ success: false, ret_msg: `args size >${MAX_ARGS}`, conn_id: conn.id, req_id: typeof req.req_id === 'string' ? req.req_id : '', op: req.op }));
  },
};

export const sim = {
  kind: 'ws',
  name: 'bybit_ws',
  offsetBps: 1,
  endpointPath: '/v5/public/spot',
  path: '/v5/public/spot',
  resolve: (symbol, known) => splitJoined(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}${p.quote}`),
  render: (value) => renderDecimal(value, 8, 2),
  limits,
  open: (conn, view) => open(conn, view, 0),
} satisfies WsSimExchange;

/** The same exchange, going dead for a client that sends no ping for `ms` (Bybit: 20 000). */
export function bybitWsWithPingTimeout(ms: number): WsSimExchange {
  return { ...sim, open: (conn, view) => open(conn, view, ms) };
}
