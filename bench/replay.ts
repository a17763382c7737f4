/**
 * Replay feed: a Coinbase Exchange (coinbase_ws) WebSocket server fast enough that the
 * consumer, not the feed, is the bottleneck of the ingest benchmarks.
 *
 *   node dist-bench/bench/replay.js <products,comma> [framesPerWrite=32]
 *
 * Prints one JSON line {url, controlUrl} on stdout. Any path of `url` is accepted, so each
 * consumer can be given its own (ws://host:port/daemon); the path names the connection in
 * GET /stats. Wire format as in src/exchanges/coinbase_ws/sim.ts and the recorded payloads
 * (https://docs.cdp.coinbase.com/exchange/websocket-feed/channels):
 * - {"type":"subscribe","product_ids":[..],"channels":[..]} → {"type":"subscriptions",
 *   "channels":[{"name","product_ids"}..]} listing everything the connection now has. Channels
 *   are acknowledged as asked; only `ticker` frames are sent (no heartbeats).
 * - Ticker frames for the subscribed products, round robin, each product with its own
 *   `sequence` and `trade_id` (+1 per frame, 12 digits from 10^11 so the width never changes).
 *
 * How frames are made: each product's ticker is rendered once as a complete server-to-client
 * WebSocket frame (FIN + text opcode, unmasked, fixed length). Per frame the template is copied
 * into the write buffer and `sequence`, `trade_id` and the last four digits of `price` are
 * patched in place as ASCII digits (no JSON.stringify). K frames go out in one
 * `socket.write` on the upgraded TCP socket: they stay separate WebSocket frames on the wire.
 * The `ws` library only reads the subscribe requests and writes the acks (its writes are whole
 * frames too, so they never split ours).
 *
 * Control (same port, plain HTTP):
 *   POST /mode {"mode":"pause"} | {"mode":"flood"} | {"mode":"rate","rate":2000}
 *     flood: write while the socket drains ('drain' resumes it); rate: `rate` frames per second
 *     per connection, due frames written every millisecond (so about rate/1000 per write).
 *     With `"path":"/daemon"` the mode applies to that path's connections only (present and
 *     future), so consumers connected side by side can be fed one at a time; without a path it
 *     applies to every connection and forgets the per-path modes.
 *   GET /stats → {connections:[{path, subscribed, written}]}
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { Connection, type Template } from './replay-conn.js';

type Mode = { mode: 'pause' } | { mode: 'flood' } | { mode: 'rate'; rate: number };

const products = (process.argv[2] ?? 'BTC-USD').split(',').filter(Boolean);
const framesPerWrite = Number(process.argv[3] ?? 32);

/** Price with exactly four decimals; the decimals are patched per frame. */
const basePrice = (i: number): string => `${(100 + i * 37).toString()}.0000`;

function digitsAt(text: string, key: string): number {
  const at = text.indexOf(key);
  if (at < 0) throw new Error(`template has no ${key}`);
  return at + key.length;
}

/** One product's ticker as a complete WebSocket frame, with the offsets of its patched fields. */
function template(productId: string, i: number): Template {
  const price = basePrice(i);
  const json = JSON.stringify({
    type: 'ticker', sequence: 1e11, product_id: productId, price,
    open_24h: price, volume_24h: '1234.56789000', low_24h: price, high_24h: price,
    volume_30d: '45678.12345678', best_bid: price, best_bid_size: '0.50000000',
    best_ask: price, best_ask_size: '0.50000000', side: 'buy',
    time: '2026-01-01T00:00:00.000000Z', trade_id: 1e11, last_size: '0.01000000',
  });
  const payload = Buffer.from(json);
  const header = payload.length < 126 ? Buffer.from([0x81, payload.length]) : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]);
  if (payload.length > 0xffff) throw new Error('ticker frame too long');
  const frame = Buffer.concat([header, payload]);
  const h = header.length;
  return {
    productId,
    frame,
    seqAt: h + digitsAt(json, '"sequence":'),
    tradeAt: h + digitsAt(json, '"trade_id":'),
    // The four decimals of `price` (the first "price":"…" in the object).
    priceAt: h + digitsAt(json, '"price":"') + price.length - 4,
  };
}

const templates = new Map(products.map((p, i) => [p, template(p, i)]));
const connections = new Set<Connection>();
let mode: Mode = { mode: 'pause' };
/** Modes set for one path, over `mode`. */
const pathModes = new Map<string, Mode>();

function apply(c: Connection): void {
  const m = pathModes.get(c.path) ?? mode;
  if (m.mode === 'flood') c.flood();
  else if (m.mode === 'rate') c.fixedRate(m.rate);
  else c.pause();
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function control(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET' && req.url === '/stats') {
    reply(res, 200, { connections: [...connections].map((c) => ({ path: c.path, subscribed: c.subscribed(), written: c.written })) });
    return;
  }
  if (req.method !== 'POST' || req.url !== '/mode') return reply(res, 404, { error: 'GET /stats or POST /mode' });
  let body = '';
  for await (const chunk of req) body += String(chunk);
  const m = JSON.parse(body) as Mode & { path?: unknown };
  if (m.mode !== 'pause' && m.mode !== 'flood' && !(m.mode === 'rate' && m.rate > 0)) return reply(res, 400, { error: 'bad mode' });
  if (m.path !== undefined && typeof m.path !== 'string') return reply(res, 400, { error: 'path must be a string' });
  if (typeof m.path === 'string') {
    pathModes.set(m.path, m);
  } else {
    mode = m;
    pathModes.clear();
  }
  for (const c of connections) if (m.path === undefined || c.path === m.path) apply(c);
  reply(res, 200, m);
}

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const server = createServer((req, res) => {
  control(req, res).catch((e: unknown) => reply(res, 400, { error: String(e) }));
});
server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
  socket.setNoDelay(true);
  wss.handleUpgrade(req, socket, head, (ws) => {
    const c = new Connection(req.url ?? '/', ws, socket, templates, framesPerWrite);
    connections.add(c);
    ws.on('close', () => {
      c.pause();
      connections.delete(c);
    });
    apply(c);
  });
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `ws://127.0.0.1:${port}`, controlUrl: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
