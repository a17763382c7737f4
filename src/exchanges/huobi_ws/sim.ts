/**
 * huobi_ws: Huobi (HTX) spot market WebSocket, path /ws (wss://api.huobi.pro/ws).
 * Docs: https://www.htx.com/en-us/opend/newApiPages/ (market ticker, heartbeat)
 * - Every server frame is a gzip-compressed JSON document in a BINARY frame; client frames
 *   are plain JSON text.
 * - {"sub":"market.<sym>.ticker","id":X} → {"id":X,"status":"ok","subbed":"market.<sym>.ticker","ts":<ms>};
 *   {"unsub":..,"id":X} → {"id":X,"status":"ok","unsubbed":..,"ts":..}. An unknown symbol or
 *   topic, and the error-ack fault → {"id":X,"status":"error","ts":..,"err-code":"bad-request",
 *   "err-msg":"invalid topic ..."} (no `subbed`, as Huobi's real error replies).
 * - Pushes {"ch":"market.<sym>.ticker","ts":<ms>,"tick":{...,"lastPrice":<number>,...}};
 *   under bad-price `lastPrice` is the string "abc" (wrong JSON type as well as not a number).
 * - Pings {"ping":<ms>} every 20th push tick and at least every 5 s; a client answers
 *   {"pong":<same>} (text). When a ping is due while two earlier ones are unanswered, the
 *   connection is closed (Huobi: two missed pongs), so a deaf client lasts about 3 pings.
 * Symbols: lower-case BASEQUOTE (btcusdt). Prices: 8 significant digits.
 *
 * Limits: none enforced, as HTX documents none for the market feed /ws: its spot API page
 * (https://huobiapi.github.io/docs/spot/v1/en/, "Best Practice" → "Market data") says the
 * WebSocket market data has no rate limit and advises against many topics on one connection,
 * with no number. The request limits it does document (50 valid requests a second per
 * connection, 100 per IP, "too many request") are those of the account and order feed /ws/v2.
 */
import { gzipSync } from 'node:zlib';
import { listPairs, renderDecimal, splitJoined } from '../../sim/symbols.js';
import type { ExchangeView, WsConn, WsSimExchange } from '../../sim/types.js';

const PING_EVERY_PUSHES = 20;
const PING_MAX_MS = 5000;
const MAX_MISSED_PONGS = 2;
const TOPIC = /^market\.([a-z0-9]+)\.ticker$/;

function tick(view: ExchangeView, symbol: string): object | undefined {
  const pair = view.resolve(symbol);
  const last = pair && view.price(pair);
  const field = pair && view.priceField(pair);
  if (last === undefined || field === undefined) return undefined;
  const n = (x: number): number => Number(view.render(x));
  const lastPrice = Number.isFinite(Number(field)) ? Number(field) : field;
  return {
    open: n(last * 0.995), high: n(last * 1.03), low: n(last * 0.97), close: lastPrice, amount: 1234.5678, vol: n(last * 1234.5678),
    count: 98765, bid: n(last * 0.99995), bidSize: 0.5, ask: n(last * 1.00005), askSize: 0.5, lastPrice, lastSize: 0.01,
  };
}

function open(conn: WsConn, view: ExchangeView) {
  const subscribed = new Set<string>();
  const outstanding: number[] = [];
  let pushes = 0;
  let lastPing = view.now();
  const send = (msg: object): void => conn.sendBinary(gzipSync(JSON.stringify(msg)));

  const onMessage = (text: string): void => {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      send({ status: 'error', ts: view.now(), 'err-code': 'bad-request', 'err-msg': 'invalid json' });
      return;
    }
    const m = (typeof msg === 'object' && msg !== null ? msg : {}) as Record<string, unknown>;
    if (typeof m['pong'] === 'number') {
      const pong = m['pong'];
      const at = outstanding.indexOf(pong);
      if (at >= 0) outstanding.splice(0, at + 1);
      return;
    }
    const op = typeof m['sub'] === 'string' ? 'sub' : typeof m['unsub'] === 'string' ? 'unsub' : undefined;
    const id = m['id'];
    if (op === undefined) {
      send({ id, status: 'error', ts: view.now(), 'err-code': 'bad-request', 'err-msg': 'request must have sub, unsub or pong' });
      return;
    }
    const topic = m[op] as string;
    const symbol = TOPIC.exec(topic)?.[1];
    if (symbol === undefined || view.resolve(symbol) === undefined || view.fault().mode === 'error-ack') {
      send({ id, status: 'error', ts: view.now(), 'err-code': 'bad-request', 'err-msg': `invalid topic ${topic}` });
      return;
    }
    if (op === 'sub') subscribed.add(symbol);
    else subscribed.delete(symbol);
    send({ id, status: 'ok', [`${op}bed`]: topic, ts: view.now() });
  };

  const push = (now: number): void => {
    pushes += 1;
    if (pushes % PING_EVERY_PUSHES === 0 || now - lastPing >= PING_MAX_MS) {
      if (outstanding.length >= MAX_MISSED_PONGS) {
        conn.close(1008, 'ping timeout');
        return;
      }
      lastPing = now;
      outstanding.push(now);
      send({ ping: now });
    }
    for (const symbol of subscribed) {
      const t = tick(view, symbol);
      if (t !== undefined) send({ ch: `market.${symbol}.ticker`, ts: now, tick: t });
    }
  };

  return { onMessage, push };
}

export const sim = {
  kind: 'ws',
  name: 'huobi_ws',
  offsetBps: -1,
  endpointPath: '/ws',
  path: '/ws',
  resolve: (symbol, known) => (symbol === symbol.toLowerCase() ? splitJoined(symbol.toUpperCase(), known) : undefined),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}${p.quote}`.toLowerCase()),
  render: (value) => renderDecimal(value, 8, 2),
  open,
} satisfies WsSimExchange;
