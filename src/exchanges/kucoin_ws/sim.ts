/**
 * kucoin_ws: KuCoin spot public WebSocket behind the bullet-public token, on one port:
 * HTTP POST /api/v1/bullet-public and WebSocket path /kucoin/ws.
 * Docs: https://www.kucoin.com/docs/websocket/basic-info/apply-connect-token/public-token-no-authentication-required-
 *       https://www.kucoin.com/docs/websocket/spot-trading/public-channels/ticker
 * - POST /api/v1/bullet-public → 200 {"code":"200000","data":{"token":T,"instanceServers":
 *   [{"endpoint":"ws://<Host header>/kucoin/ws","encrypt":false,"protocol":"websocket",
 *   "pingInterval":18000,"pingTimeout":10000}]}}. error-ack fault → 200 {"code":"400100",
 *   "msg":..}; the status/slow/malformed faults apply as on HTTP exchanges. Another method → 405,
 *   another path → 404 (KuCoin-style {"code","msg"} bodies).
 * - The WS path accepts only `?token=T` (else HTTP 401) and sends {"id":<conn id>,"type":"welcome"}.
 * - {"id":X,"type":"subscribe"|"unsubscribe","topic":"/market/ticker:A,B","response":true}
 *   → {"id":"X","type":"ack"} only when `response` is true. X is echoed as a string, taken
 *   from the raw text (nanosecond ids exceed 2^53). An unknown topic or symbol, more than
 *   100 symbols in one topic or 300 per connection, and the error-ack fault →
 *   {"id":"X","type":"error","code":..,"data":..}. {"id":X,"type":"ping"} → {"id":"X","type":"pong"}.
 * - Pushes one message per subscribed symbol, also for batched topics:
 *   {"type":"message","topic":"/market/ticker:SYM","subject":"trade.ticker","data":{"sequence":"<digits>",
 *   "price":..,"size","bestAsk","bestAskSize","bestBid","bestBidSize","time"}}, `sequence` strictly
 *   increasing per symbol; sequence-back fault: each message carries the highest sent minus one.
 * Symbols: BASE-QUOTE. Prices: 8 significant digits, no minimum decimals.
 * Limits (`limits`, enforced by the plumbing), from
 * https://www.kucoin.com/docs/basic-info/request-rate-limit/websocket:
 * - 100 client messages (subscribe, unsubscribe, ping...) per 10 s per connection; over it →
 *   {"id":X,"type":"error","code":509,"data":"exceed max permits per second"}, message dropped.
 * - 100 topics per subscribe (each symbol of "/market/ticker:A,B" is a topic) and 300 topics
 *   per connection (the newer page says 400; the smaller is enforced); over either → the
 *   session's 509 error frames below.
 * - 30 new connections per minute; an upgrade over it gets HTTP 429.
 * - Not enforced: the connections-open limit, counted per user ID rather than per IP.
 */
import { listPairs, renderDecimal, splitDashed } from '../../sim/symbols.js';
import type { ExchangeView, HttpReply, HttpRequest, LimitKind, WsConn, WsLimits, WsSimExchange } from '../../sim/types.js';

const PATH = '/kucoin/ws';
const TOKEN = '2neAiuYvAU61ZDXANAGAsiL4-iAExhsBXZxftpOeh_55i3Ysy2q2LEsEWU64mdzUOPusi34M_wGoSf7iNyEWJ1UQy47YbpY4zVdzilNP-Bj3iXzrjjGlWtiYB9J6i9GjsxUuhPw3BlrzazF6ghq4Lzf7scStOz3KkxjwpsOBCH4=.WNQmhZQeUKIkh97KYgU0Lg==';
const TOPIC = '/market/ticker:';
const MAX_PER_TOPIC = 100;
const MAX_PER_CONNECTION = 300;
const RAW_ID = /"id"\s*:\s*(-?\d+|"((?:[^"\\]|\\.)*)")/;

/** The id of a client message as KuCoin echoes it: a string, taken from the raw text. */
function rawId(text: string): string {
  const raw = RAW_ID.exec(text);
  return raw === null ? '' : (raw[2] ?? raw[1] ?? '');
}

function bullet(req: HttpRequest): HttpReply {
  if (req.url.pathname !== '/api/v1/bullet-public') return { status: 404, body: { code: '404000', msg: 'Url Not Found' } };
  if (req.method !== 'POST') return { status: 405, body: { code: '405000', msg: 'Method Not Allowed' } };
  return {
    status: 200,
    body: {
      code: '200000',
      data: {
        token: TOKEN,
        instanceServers: [{ endpoint: `ws://${req.url.host}${PATH}`, encrypt: false, protocol: 'websocket', pingInterval: 18_000, pingTimeout: 10_000 }],
      },
    },
  };
}

function handleHttp(req: HttpRequest, view: ExchangeView): HttpReply {
  const reply = bullet(req);
  if (reply.status === 200 && view.fault().mode === 'error-ack') {
    return { status: 200, body: { code: '400100', msg: 'token request refused (simulated fault)' } };
  }
  return reply;
}

function open(conn: WsConn, view: ExchangeView) {
  const subscribed = new Set<string>();
  const sequences = new Map<string, number>();
  conn.send(JSON.stringify({ id: conn.id, type: 'welcome' }));

  const reply = (id: string, type: string, extra: object = {}): void => conn.send(JSON.stringify({ id, type, ...extra }));

  const onSubscription = (id: string, m: Record<string, unknown>): void => {
    const topic = typeof m['topic'] === 'string' ? m['topic'] : '';
    const symbols = topic.startsWith(TOPIC) ? topic.slice(TOPIC.length).split(',') : [];
    const unknown = symbols.find((s) => view.resolve(s) === undefined);
    const fail = (code: number, data: string): void => reply(id, 'error', { code, data });
    if (symbols.length === 0 || unknown !== undefined) return fail(404, `topic ${topic} is not found`);
    if (symbols.length > MAX_PER_TOPIC) return fail(509, `exceed max subscription count limitation of ${MAX_PER_TOPIC} per time`);
    if (view.fault().mode === 'error-ack') return fail(401, 'subscription refused (simulated fault)');
    if (m['type'] === 'subscribe') {
      if (new Set([...subscribed, ...symbols]).size > MAX_PER_CONNECTION) return fail(509, `exceed max subscription count limitation of ${MAX_PER_CONNECTION}`);
      for (const s of symbols) subscribed.add(s);
    } else {
      for (const s of symbols) subscribed.delete(s);
    }
    if (m['response'] === true) reply(id, 'ack');
  };

  const onMessage = (text: string): void => {
    const id = rawId(text);
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      reply(id, 'error', { code: 400, data: 'malformed JSON' });
      return;
    }
    const m = (typeof msg === 'object' && msg !== null ? msg : {}) as Record<string, unknown>;
    if (m['type'] === 'ping') reply(id, 'pong');
    else if (m['type'] === 'subscribe' || m['type'] === 'unsubscribe') onSubscription(id, m);
    else reply(id, 'error', { code: 400, data: `unsupported type ${String(m['type'])}` });
  };

  const push = (now: number): void => {
    for (const symbol of subscribed) {
      const pair = view.resolve(symbol);
      const last = pair && view.price(pair);
      const price = pair && view.priceField(pair);
      if (last === undefined || price === undefined) continue;
      const highest = sequences.get(symbol) ?? 1_545_896_668_986;
      const sequence = view.fault().mode === 'sequence-back' ? highest - 1 : highest + 1;
      sequences.set(symbol, Math.max(highest, sequence));
      const r = (x: number): string => view.render(x);
      conn.send(JSON.stringify({
        type: 'message', topic: TOPIC + symbol, subject: 'trade.ticker',
        data: { sequence: String(sequence), price, size: '0.01', bestAsk: r(last * 1.00005), bestAskSize: '0.5', bestBid: r(last * 0.99995), bestBidSize: '0.5', time: now },
      }));
    }
  };

  return { onMessage, push };
}

/** Topics a subscribe message adds: the symbols of its /market/ticker topic (0 otherwise). */
function subscribedTopics(text: string): number {
  try {
    const m = JSON.parse(text) as { type?: unknown; topic?: unknown };
    if (m.type !== 'subscribe' || typeof m.topic !== 'string' || !m.topic.startsWith(TOPIC)) return 0;
    return m.topic.slice(TOPIC.length).split(',').length;
  } catch {
    return 0;
  }
}

const VIOLATION: Readonly<Record<LimitKind, string>> = {
  connections: 'too many connections',
  open_connections: 'too many connections',
  messages: 'exceed max permits per second',
  topics_per_message: `exceed max subscription count limitation of ${MAX_PER_TOPIC} per time`,
  topics_per_connection: `exceed max subscription count limitation of ${MAX_PER_CONNECTION}`,
};

const limits: WsLimits = {
  source: 'https://www.kucoin.com/docs/basic-info/request-rate-limit/websocket',
  connections: { max: 30, windowMs: 60_000 },
  messages: { max: 100, windowMs: 10_000 },
  topicsPerMessage: MAX_PER_TOPIC,
  topicsPerConnection: MAX_PER_CONNECTION,
  topics: subscribedTopics,
  violate: (conn, kind, text) => conn.send(JSON.stringify({ id: rawId(text), type: 'error', code: 509, data: VIOLATION[kind] })),
};

export const sim = {
  kind: 'ws',
  name: 'kucoin_ws',
  offsetBps: -3,
  endpointPath: PATH,
  path: PATH,
  apiEndpointPath: '',
  admit: (url: URL) => (url.searchParams.get('token') === TOKEN ? undefined : '401 Unauthorized'),
  handleHttp,
  resolve: (symbol, known) => splitDashed(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}-${p.quote}`),
  render: (value) => renderDecimal(value, 8, 0),
  limits,
  open,
} satisfies WsSimExchange;
