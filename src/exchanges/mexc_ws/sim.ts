/**
 * mexc_ws: MEXC spot WebSocket (JSON v3 API), path /ws (wss://wbs.mexc.com/ws), miniTicker.
 * Docs: https://mexcdevelop.github.io/apidocs/spot_v3_en/#websocket-market-streams
 * - {"method":"SUBSCRIPTION"|"UNSUBSCRIPTION","params":["spot@public.miniTicker.v3.api@SYM@UTC+8",..]}
 *   → {"id":0,"code":0,"msg":"<accepted params joined by ,>"}. Unknown streams or symbols,
 *   and the error-ack fault →
 *   {"id":0,"code":0,"msg":"Not Subscribed successfully! [<params>].  Reason： Blocked! "}.
 * - Answers both {"method":"PING"} (documented) and the anchor's {"id":0,"code":0,"msg":"PING"}
 *   with {"id":0,"code":0,"msg":"PONG"}. Anything else → {"id":0,"code":0,"msg":"Wrong message"}.
 * - Pushes {"c":"spot@public.miniTicker.v3.api@SYM@UTC+8","d":{"s":SYM,"p":..,"r","tr","h","l",
 *   "v","q","lastRT","MT","NV","t"},"t":<ms>,"s":SYM}.
 * - Closes a connection that has no subscription 30 s after it opened (MEXC's rule).
 * Symbols: upper-case BASEQUOTE. Prices: 8 significant digits, at least 2 decimals.
 *
 * Limits: https://mexcdevelop.github.io/apidocs/spot_v3_en/#websocket-limits ("The Websocket
 * limits is: 100times/s", "A connection that goes beyond the limit will be disconnected", "A
 * single connection can listen to a maximum of 30 streams"; also under "Websocket Market
 * Streams": "One ws connection supports a maximum of 30 subscriptions"). Enforced here:
 * - client messages: 100 a second per connection (PINGs count); over it the connection is
 *   closed (1008).
 * - subscriptions: 30 per connection, counted over every SUBSCRIPTION param sent; a request
 *   that would pass 30 is refused whole with the "Not Subscribed successfully!" reply.
 * Not documented, so not enforced: new or open connections per IP, params per request.
 */
import { listPairs, renderDecimal, splitJoined } from '../../sim/symbols.js';
import type { ExchangeView, LimitKind, WsConn, WsLimits, WsSimExchange } from '../../sim/types.js';

const STREAM = /^spot@public\.miniTicker\.v3\.api@([A-Z0-9]+)@UTC\+8$/;
const IDLE_CLOSE_MS = 30_000;

const refusal = (params: readonly unknown[]): string => `Not Subscribed successfully! [${params.join(',')}].  Reason： Blocked! `;

/** The params of a SUBSCRIPTION request, or undefined for anything else. */
function subscriptionParams(text: string): unknown[] | undefined {
  try {
    const m = JSON.parse(text) as Record<string, unknown> | null;
    return m?.['method'] === 'SUBSCRIPTION' && Array.isArray(m['params']) ? (m['params'] as unknown[]) : undefined;
  } catch {
    return undefined;
  }
}

const limits: WsLimits = {
  source: 'https://mexcdevelop.github.io/apidocs/spot_v3_en/#websocket-limits',
  messages: { max: 100, windowMs: 1000 },
  topicsPerConnection: 30,
  topics: (text) => subscriptionParams(text)?.length ?? 0,
  violate(conn: WsConn, kind: LimitKind, text: string) {
    if (kind === 'messages') conn.close(1008, 'too many messages');
    else conn.send(JSON.stringify({ id: 0, code: 0, msg: refusal(subscriptionParams(text) ?? []) }));
  },
};

function open(conn: WsConn, view: ExchangeView) {
  const subscribed = new Map<string, string>();
  const openedAt = view.now();
  const reply = (msg: string): void => conn.send(JSON.stringify({ id: 0, code: 0, msg }));

  const onSubscription = (method: string, params: string[]): void => {
    const accepted: string[] = [];
    const refused: string[] = [];
    for (const p of params) {
      const symbol = STREAM.exec(p)?.[1];
      if (symbol === undefined || view.resolve(symbol) === undefined || view.fault().mode === 'error-ack') {
        refused.push(p);
        continue;
      }
      if (method === 'SUBSCRIPTION') subscribed.set(p, symbol);
      else subscribed.delete(p);
      accepted.push(p);
    }
    if (accepted.length > 0) reply(accepted.join(','));
    if (refused.length > 0) reply(refusal(refused));
  };

  const onMessage = (text: string): void => {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      reply('Wrong message');
      return;
    }
    const m = (typeof msg === 'object' && msg !== null ? msg : {}) as Record<string, unknown>;
    const params = Array.isArray(m['params']) && m['params'].every((p) => typeof p === 'string') ? (m['params'] as string[]) : undefined;
    if (m['method'] === 'PING' || m['msg'] === 'PING') reply('PONG');
    else if ((m['method'] === 'SUBSCRIPTION' || m['method'] === 'UNSUBSCRIPTION') && params !== undefined) onSubscription(m['method'], params);
    else reply('Wrong message');
  };

  const push = (now: number): void => {
    if (subscribed.size === 0 && now - openedAt >= IDLE_CLOSE_MS) {
      conn.close(1000, 'no subscription');
      return;
    }
    for (const [c, s] of subscribed) {
      const pair = view.resolve(s);
      const last = pair && view.price(pair);
      const p = pair && view.priceField(pair);
      if (last === undefined || p === undefined) continue;
      const r = (x: number): string => view.render(x);
      conn.send(JSON.stringify({
        c, d: { s, p, r: '0.0050', tr: '0.0050', h: r(last * 1.03), l: r(last * 0.97), v: '1234.56', q: r(last * 1234.56), lastRT: '-1', MT: '0', NV: '--', t: String(now) },
        t: now, s,
      }));
    }
  };

  return { onMessage, push };
}

export const sim = {
  kind: 'ws',
  name: 'mexc_ws',
  offsetBps: 4,
  endpointPath: '/ws',
  path: '/ws',
  resolve: (symbol, known) => splitJoined(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}${p.quote}`),
  render: (value) => renderDecimal(value, 8, 2),
  limits,
  open,
} satisfies WsSimExchange;
