/**
 * bitstamp_ws: Bitstamp WebSocket API v2, path / (wss://ws.bitstamp.net), `live_trades_<pair>`.
 * Docs: https://www.bitstamp.net/websocket/v2/
 * - Pairs are lower-case BASEQUOTE (btcusd).
 * - {"event":"bts:subscribe","data":{"channel":"live_trades_btcusd"}} →
 *   {"event":"bts:subscription_succeeded","channel":"live_trades_btcusd","data":{}};
 *   bts:unsubscribe → bts:unsubscription_succeeded.
 * - An unknown channel or pair, and the error-ack fault: {"event":"bts:error","channel":<the
 *   requested channel>,"data":{"code":null,"message":"Bad subscription string."}}.
 * - {"event":"bts:heartbeat"} → {"event":"bts:heartbeat","channel":"","data":{"status":"success"}}.
 * - Pushes one trade per subscribed channel each push interval (the real feed only pushes on
 *   trades): {"data":{id,timestamp,amount,amount_str,price,price_str,type,microtimestamp,
 *   buy_order_id,sell_order_id},"channel":"live_trades_<pair>","event":"trade"}; `price` is a
 *   number, `price_str` the string the adapter reads ("abc" under bad-price).
 * Not emulated: bts:request_reconnect (the plumbing gives a session no way to close its socket).
 * Prices: 8 significant digits, at least 2 decimals.
 * Limits: none enforced. The v2 page documents no connection, message or channel limit for
 * public channels, only a maximum connection age of 90 days (not emulated either).
 */
import { listPairs, renderDecimal, splitJoined } from '../../sim/symbols.js';
import type { ExchangeView, WsConn, WsSimExchange } from '../../sim/types.js';

const PREFIX = 'live_trades_';

function open(conn: WsConn, view: ExchangeView) {
  const subscribed = new Set<string>();
  let tradeId = 300_000_000;
  const send = (msg: unknown): void => conn.send(JSON.stringify(msg));

  const onMessage = (text: string): void => {
    let req: { event?: unknown; data?: { channel?: unknown } } = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) req = parsed as typeof req;
    } catch {
      // answered below as a bad request
    }
    if (req.event === 'bts:heartbeat') {
      send({ event: 'bts:heartbeat', channel: '', data: { status: 'success' } });
      return;
    }
    const channel = typeof req.data?.channel === 'string' ? req.data.channel : '';
    if (req.event !== 'bts:subscribe' && req.event !== 'bts:unsubscribe') {
      send({ event: 'bts:error', channel: '', data: { code: null, message: 'Bad request.' } });
      return;
    }
    const pair = channel.startsWith(PREFIX) ? channel.slice(PREFIX.length) : '';
    if (view.fault().mode === 'error-ack' || view.resolve(pair) === undefined) {
      send({ event: 'bts:error', channel, data: { code: null, message: 'Bad subscription string.' } });
      return;
    }
    if (req.event === 'bts:subscribe') subscribed.add(pair);
    else subscribed.delete(pair);
    const event = req.event === 'bts:subscribe' ? 'bts:subscription_succeeded' : 'bts:unsubscription_succeeded';
    send({ event, channel, data: {} });
  };

  const push = (now: number): void => {
    for (const pair of subscribed) {
      const p = view.resolve(pair);
      const price = p && view.price(p);
      const field = p && view.priceField(p);
      if (price === undefined || field === undefined) continue;
      tradeId += 1;
      const data = {
        id: tradeId, timestamp: String(Math.floor(now / 1000)), amount: 0.0105, amount_str: '0.01050000',
        price: Number.isFinite(Number(field)) ? Number(field) : field, price_str: field, type: tradeId % 2,
        microtimestamp: `${now}000`, buy_order_id: 1_800_000_000_000 + tradeId, sell_order_id: 1_800_000_000_001 + tradeId,
      };
      send({ data, channel: `${PREFIX}${pair}`, event: 'trade' });
    }
  };

  return { onMessage, push };
}

export const sim = {
  kind: 'ws',
  name: 'bitstamp_ws',
  offsetBps: -1,
  endpointPath: '/',
  path: '/',
  resolve: (symbol, known) => (symbol === symbol.toLowerCase() ? splitJoined(symbol.toUpperCase(), known) : undefined),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}${p.quote}`.toLowerCase()),
  render: (value) => renderDecimal(value, 8, 2),
  open,
} satisfies WsSimExchange;
