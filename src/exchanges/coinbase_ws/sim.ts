/**
 * coinbase_ws: Coinbase Exchange market-data feed, path / (wss://ws-feed.exchange.coinbase.com).
 * Docs: https://docs.cdp.coinbase.com/exchange/websocket-feed/channels (ticker, heartbeat)
 * - {"type":"subscribe"|"unsubscribe","product_ids":[..],"channels":["ticker","heartbeat"]}
 *   (channels may also be {"name","product_ids"} objects) → {"type":"subscriptions",
 *   "channels":[{"name":"ticker","product_ids":[..]},{"name":"heartbeat",...}]} listing
 *   everything the connection now has.
 * - An unknown product or channel refuses the whole request: {"type":"error","message":
 *   "Failed to subscribe","reason":"FOO-USD is not a valid product"}.
 * - One `sequence` counter per product, shared by ticker and heartbeat, strictly increasing;
 *   `trade_id` increases per ticker message; a heartbeat per product per second carries
 *   `last_trade_id` = the last ticker `trade_id` sent for that product (0 before any).
 * - sequence-back fault: each message carries the highest sequence sent minus one.
 * Prices: 8 significant digits, at least 2 decimals.
 *
 * Limits: https://docs.cdp.coinbase.com/exchange/websocket-feed/rate-limits ("Requests per
 * second per IP: 8", "in bursts: Up to 20", "Messages sent by the client every second per IP:
 * 100"). Enforced here:
 * - new connections: 20 within 2.5 s (a burst of 20 from idle, 8 a second on average; a
 *   sliding window's reading of Coinbase's token bucket); over it the upgrade gets HTTP 429.
 * - client messages: 100 a second per connection (Coinbase counts per IP; the plumbing counts
 *   per connection). Over it: {"type":"error","message":"Rate limit exceeded",..} and a close
 *   (1008), as Coinbase's feeds disconnect a client "sending too many messages" with an error
 *   (https://docs.cdp.coinbase.com/prime/websocket-feed, "Errors").
 * Not documented, so not enforced: connections open at once, products per subscribe message
 * and per connection (the "10 subscriptions per product, per channel" limit counts duplicate
 * subscriptions of one account across connections, which one client never makes).
 */
import { listPairs, renderDecimal, splitDashed } from '../../sim/symbols.js';
import type { ExchangeView, LimitKind, WsConn, WsLimits, WsSimExchange } from '../../sim/types.js';

const CHANNELS = ['ticker', 'heartbeat'] as const;
type Channel = (typeof CHANNELS)[number];

interface ProductState {
  seq: number;
  tradeId: number;
  lastHeartbeat: number;
}

type Request = { ok: true; type: 'subscribe' | 'unsubscribe'; wanted: Array<[Channel, string]> } | { ok: false; reason: string };

function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && (CHANNELS as readonly string[]).includes(name);
}

function parseRequest(text: string, view: ExchangeView): Request {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'Malformed JSON' };
  }
  const m = (typeof msg === 'object' && msg !== null ? msg : {}) as Record<string, unknown>;
  if (m['type'] !== 'subscribe' && m['type'] !== 'unsubscribe') {
    return { ok: false, reason: 'Type has to be either subscribe or unsubscribe' };
  }
  const top = Array.isArray(m['product_ids']) ? (m['product_ids'] as unknown[]) : [];
  const channels = Array.isArray(m['channels']) ? (m['channels'] as unknown[]) : [];
  if (channels.length === 0) return { ok: false, reason: 'No channels provided' };
  const wanted: Array<[Channel, string]> = [];
  for (const ch of channels) {
    const obj = (typeof ch === 'object' && ch !== null ? ch : { name: ch }) as Record<string, unknown>;
    const name = obj['name'];
    if (!isChannel(name)) return { ok: false, reason: `${String(name)} is not a valid channel` };
    const ids = Array.isArray(obj['product_ids']) ? (obj['product_ids'] as unknown[]) : top;
    for (const id of ids) {
      if (typeof id !== 'string' || view.resolve(id) === undefined) {
        return { ok: false, reason: `${String(id)} is not a valid product` };
      }
      wanted.push([name, id]);
    }
  }
  return { ok: true, type: m['type'], wanted };
}

/** Product-channel pairs a subscribe message asks for (0 for anything else). */
function topics(text: string): number {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return 0;
  }
  const m = (typeof msg === 'object' && msg !== null ? msg : {}) as Record<string, unknown>;
  if (m['type'] !== 'subscribe' || !Array.isArray(m['channels'])) return 0;
  const top = Array.isArray(m['product_ids']) ? m['product_ids'].length : 0;
  return (m['channels'] as unknown[]).reduce<number>((n, ch) => {
    const ids = typeof ch === 'object' && ch !== null ? (ch as Record<string, unknown>)['product_ids'] : undefined;
    return n + (Array.isArray(ids) ? ids.length : top);
  }, 0);
}

const limits: WsLimits = {
  source: 'https://docs.cdp.coinbase.com/exchange/websocket-feed/rate-limits',
  connections: { max: 20, windowMs: 2500 },
  messages: { max: 100, windowMs: 1000 },
  topics,
  violate(conn: WsConn, kind: LimitKind) {
    conn.send(JSON.stringify({ type: 'error', message: 'Rate limit exceeded', reason: `too many messages (${kind})` }));
    conn.close(1008, 'rate limit exceeded');
  },
};

function open(conn: WsConn, view: ExchangeView) {
  const subs: Record<Channel, Set<string>> = { ticker: new Set(), heartbeat: new Set() };
  const products = new Map<string, ProductState>();
  const state = (id: string): ProductState => {
    let s = products.get(id);
    if (s === undefined) products.set(id, (s = { seq: 10_000, tradeId: 0, lastHeartbeat: 0 }));
    return s;
  };
  const nextSeq = (s: ProductState): number => (view.fault().mode === 'sequence-back' ? s.seq - 1 : ++s.seq);

  const onMessage = (text: string): void => {
    const req = parseRequest(text, view);
    if (!req.ok) {
      conn.send(JSON.stringify({ type: 'error', message: 'Failed to subscribe', reason: req.reason }));
      return;
    }
    if (view.fault().mode === 'error-ack') {
      conn.send(JSON.stringify({ type: 'error', message: 'Failed to subscribe', reason: 'subscription refused (simulated fault)' }));
      return;
    }
    for (const [channel, id] of req.wanted) {
      if (req.type === 'subscribe') subs[channel].add(id);
      else subs[channel].delete(id);
    }
    const channels = CHANNELS.filter((c) => subs[c].size > 0).map((name) => ({ name, product_ids: [...subs[name]] }));
    conn.send(JSON.stringify({ type: 'subscriptions', channels }));
  };

  const push = (now: number): void => {
    const time = new Date(now).toISOString();
    for (const id of subs.ticker) {
      const pair = view.resolve(id);
      const last = pair && view.price(pair);
      const price = pair && view.priceField(pair);
      if (last === undefined || price === undefined) continue;
      const s = state(id);
      const r = (x: number): string => view.render(x);
      s.tradeId += 1;
      conn.send(JSON.stringify({
        type: 'ticker', sequence: nextSeq(s), product_id: id, price,
        open_24h: r(last * 0.995), volume_24h: '1234.56789000', low_24h: r(last * 0.97), high_24h: r(last * 1.03),
        volume_30d: '45678.12345678', best_bid: r(last * 0.99995), best_bid_size: '0.50000000',
        best_ask: r(last * 1.00005), best_ask_size: '0.50000000', side: s.tradeId % 2 === 0 ? 'buy' : 'sell',
        time, trade_id: s.tradeId, last_size: '0.01000000',
      }));
    }
    for (const id of subs.heartbeat) {
      const s = state(id);
      if (now - s.lastHeartbeat < 1000) continue;
      s.lastHeartbeat = now;
      conn.send(JSON.stringify({ type: 'heartbeat', sequence: nextSeq(s), last_trade_id: s.tradeId, product_id: id, time }));
    }
  };

  return { onMessage, push };
}

export const sim = {
  kind: 'ws',
  name: 'coinbase_ws',
  offsetBps: 1,
  endpointPath: '',
  path: '/',
  resolve: (symbol, known) => splitDashed(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}-${p.quote}`),
  render: (value) => renderDecimal(value, 8, 2),
  limits,
  open,
} satisfies WsSimExchange;
