/**
 * gate_ws: Gate.io spot WebSocket v4, path /ws/v4/, channel `spot.tickers`.
 * Docs: https://www.gate.io/docs/developers/apiv4/ws/en/#tickers-channel
 * - Pairs are BASE_QUOTE (BTC_USDT).
 * - {"time":T,"channel":"spot.tickers","event":"subscribe"|"unsubscribe","id":I,"payload":[..]}
 *   (`time` is not checked) → {"time":<s>,"time_ms":<ms>,"id":I,"conn_id":..,"channel":..,
 *   "event":..,"payload":[..],"error":null,"result":{"status":"success"}}; `id` is echoed digit
 *   for digit and left out when the request had none.
 * - Refusals keep that shape with "error":{"code":C,"message":M},"result":{"status":"fail"}:
 *   1 invalid body (bad JSON), 2 invalid argument (unknown channel or pair, empty payload),
 *   3 server error (the error-ack fault).
 * - {"channel":"spot.ping",..} → {"time","time_ms","channel":"spot.pong","event":"","result":null}.
 * - Pushes {"time":<s>,"time_ms":<ms>,"channel":"spot.tickers","event":"update","result":
 *   {"currency_pair":..,"last":..,"lowest_ask",..}} for every subscribed pair each push interval.
 * Prices: 8 significant digits, no minimum decimals.
 *
 * Limits: Gate's API page documents none for WebSocket v4. Its maintainer's answer
 * (https://github.com/gateio/gatews/issues/25): no limit on subscriptions per connection, none
 * on messages sent, no connection limit "for now, but 100 connections at most from one host
 * are recommended"; a connection with many subscriptions may be closed if its client reads
 * too slowly. Enforced here: 100 connections open at once, the recommendation; the 101st
 * upgrade gets HTTP 429 (Gate documents no answer). Nothing else is enforced.
 */
import { listPairs, QUOTES, renderDecimal, type Pair } from '../../sim/symbols.js';
import type { ExchangeView, WsConn, WsLimits, WsSimExchange } from '../../sim/types.js';

const CHANNEL = 'spot.tickers';

function splitUnderscore(symbol: string, known: (asset: string) => boolean): Pair | undefined {
  const parts = symbol.split('_');
  if (parts.length !== 2) return undefined;
  const [base, quote] = parts as [string, string];
  if (!QUOTES.includes(quote) || base === quote || base === 'USD' || !known(base)) return undefined;
  return { base, quote };
}

function tickerResult(pair: string, view: ExchangeView): object | undefined {
  const p = view.resolve(pair);
  const last = p && view.price(p);
  const field = p && view.priceField(p);
  if (last === undefined || field === undefined) return undefined;
  const r = (x: number): string => view.render(x);
  return {
    currency_pair: pair, last: field, lowest_ask: r(last * 1.00005), highest_bid: r(last * 0.99995),
    change_percentage: '0.5', base_volume: '1234.5678', quote_volume: r(last * 1234.5678), high_24h: r(last * 1.03), low_24h: r(last * 0.97),
  };
}

/** Pairs a subscribe request names (0 for anything else). */
function topics(text: string): number {
  try {
    const req = JSON.parse(text) as Record<string, unknown> | null;
    return req?.['event'] === 'subscribe' && Array.isArray(req['payload']) ? req['payload'].length : 0;
  } catch {
    return 0;
  }
}

const limits: WsLimits = {
  source: 'https://github.com/gateio/gatews/issues/25',
  openConnections: 100,
  topics,
  // Only connection limits are declared, so no message ever breaks a limit.
  violate: (conn) => conn.close(1008, 'limit exceeded'),
};

function open(conn: WsConn, view: ExchangeView) {
  const subscribed = new Set<string>();
  const stamp = (now: number): string => `"time":${Math.floor(now / 1000)},"time_ms":${now}`;

  const ack = (text: string, req: Record<string, unknown>, error: { code: number; message: string } | null): void => {
    const id = typeof req['id'] === 'number' ? `"id":${/"id"\s*:\s*(-?\d+)/.exec(text)?.[1] ?? String(req['id'])},` : '';
    const rest = JSON.stringify({
      conn_id: conn.id, channel: req['channel'] ?? '', event: req['event'] ?? '', payload: req['payload'],
      error, result: { status: error === null ? 'success' : 'fail' },
    });
    conn.send(`{${stamp(view.now())},${id}${rest.slice(1)}`);
  };

  const onMessage = (text: string): void => {
    let req: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      req = parsed as Record<string, unknown>;
    } catch {
      ack(text, {}, { code: 1, message: 'invalid body' });
      return;
    }
    if (req['channel'] === 'spot.ping') {
      conn.send(`{${stamp(view.now())},"channel":"spot.pong","event":"","result":null}`);
      return;
    }
    const payload = Array.isArray(req['payload']) ? (req['payload'] as unknown[]) : [];
    const event = req['event'];
    if (req['channel'] !== CHANNEL || (event !== 'subscribe' && event !== 'unsubscribe')) {
      ack(text, req, { code: 2, message: `unknown channel or event ${JSON.stringify(req['channel'])} ${JSON.stringify(event)}` });
      return;
    }
    const bad = payload.find((p) => typeof p !== 'string' || view.resolve(p) === undefined);
    if (payload.length === 0 || bad !== undefined) {
      ack(text, req, { code: 2, message: `unknown currency pair: ${String(bad ?? '')}` });
      return;
    }
    if (view.fault().mode === 'error-ack') {
      ack(text, req, { code: 3, message: 'server error (simulated fault)' });
      return;
    }
    for (const p of payload as string[]) {
      if (event === 'subscribe') subscribed.add(p);
      else subscribed.delete(p);
    }
    ack(text, req, null);
  };

  const push = (now: number): void => {
    for (const pair of subscribed) {
      const result = tickerResult(pair, view);
      if (result !== undefined) conn.send(`{${stamp(now)},${JSON.stringify({ channel: CHANNEL, event: 'update', result }).slice(1)}`);
    }
  };

  return { onMessage, push };
}

export const sim = {
  kind: 'ws',
  name: 'gate_ws',
  offsetBps: 3,
  endpointPath: '/ws/v4/',
  path: '/ws/v4/',
  resolve: splitUnderscore,
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}_${p.quote}`),
  render: (value) => renderDecimal(value, 8, 0),
  limits,
  open,
} satisfies WsSimExchange;
