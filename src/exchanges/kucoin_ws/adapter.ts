/**
 * kucoin_ws: KuCoin spot public WebSocket, `/market/ticker:<symbols>` topic, behind a token.
 *
 * API:    https://www.kucoin.com/docs/websocket/basic-info/apply-connect-token/public-token-no-authentication-required-
 *         https://www.kucoin.com/docs/websocket/basic-info/ping, .../create-connection
 *         https://www.kucoin.com/docs/websocket/spot-trading/public-channels/ticker
 * Limits: https://www.kucoin.com/docs/basic-info/request-rate-limit/websocket: 100 client
 *         messages (pings included) per 10 s per connection, 100 topics (symbols) per
 *         subscribe, 300 topics per connection (400 on the newer page), 30 connections per
 *         minute. Defaults: 200 symbols per connection (67 % of 300), 100 per subscribe,
 *         200 ms apart, a ping every 10 s (3 messages per 10 s at start): a dYdX-sized map's
 *         356 symbols take 2 connections of 2 messages each, all subscribed ~1.2 s after the
 *         dial. No dial spacing: 2 dials, each reconnecting at most every ~10 s, stay under
 *         30 per minute. connect's defaults, to restore its pacing in oracle.json:
 *         writeInterval 300, maxSubscriptionsPerBatch 1, maxSubscriptionsPerConnection 25.
 * Symbol: BASE-QUOTE, e.g. BTC-USDT, carried back as the `topic` suffix (exchange-wire-formats.md §3.10).
 * Price:  `data.price` (last trade), a decimal string. A pong only refreshes held prices.
 *
 * Quirks and decisions:
 * - preDial (before every dial): POST `<api.endpoints[0].url>/api/v1/bullet-public` (the api
 *   block is disabled in config but still used, as in the anchor; its API-key header is sent
 *   when configured). Non-200, `code` ≠ "200000", no token or no server with protocol
 *   "websocket" throw, so the driver counts dial_err and reports code 5.
 * - Dial `<endpoint>?token=<token>` on the first websocket server. Timings: the anchor set the
 *   read timeout to `pingTimeout` but kept pinging every static 10 s, so on a quiet symbol the
 *   pong could arrive just after the read deadline. We ping every min(configured
 *   pingInterval, server pingInterval) and allow that interval plus `pingTimeout` for reads
 *   (KuCoin's own rule: no pong within pingTimeout of a ping = dead connection). Missing
 *   server timings fall back to the configured pingInterval and readTimeout.
 * - Subscribe ids: the anchor used Unix nanoseconds (beyond 2^53). We send a per-session
 *   counter from 1 and `"response":true` (the anchor sent false), so KuCoin acks each
 *   subscribe and an `error` reply can be tied to its request and re-sent, at most
 *   MAX_RESUBSCRIBES times per request, then reported as an error.
 * - Ping: {"id":"<counter>","type":"ping"} (the anchor used Unix seconds; no clock here).
 *   Pong: like the anchor an "unchanged" result (price null), but only for tickers with a
 *   valid price since the previous pong, so a symbol KuCoin stops pushing ages out.
 * - welcome and ack: empty. Other types are errors.
 * - message: `subject` must be "trade.ticker", the topic one of our symbols; `sequence` a
 *   string of digits strictly greater than the last one for that symbol (compared as BigInt;
 *   equal = duplicate), else the frame is an error. `price` must be a string; a bad, zero or
 *   negative price is FailedToParsePrice (10).
 */
import { apiDefaults, wsDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { DialTarget, PreDialContext, ProviderTicker, WsExchange, WsHandleResult, WsSession } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { chunk, emptyResponse, frameObject, isObject, quote, toResponse, unresolved, type JsonObject } from '../util.js';

const MAX_RESUBSCRIBES = 3;
const TOPIC = '/market/ticker:';
const DEFAULT_API = 'https://api.kucoin.com';
const DIGITS = /^\d{1,40}$/;

const positive = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

async function preDial(ctx: PreDialContext): Promise<DialTarget> {
  const endpoint = ctx.api?.endpoints[0];
  const base = (endpoint?.url || DEFAULT_API).replace(/\/+$/, '');
  const { apiKey, apiKeyHeader } = endpoint?.authentication ?? { apiKey: '', apiKeyHeader: '' };
  const res = await ctx.post(`${base}/api/v1/bullet-public`, apiKey && apiKeyHeader ? { [apiKeyHeader]: apiKey } : {});
  if (res.status !== 200) throw new Error(`bullet-public: HTTP ${res.status}`);
  const body = res.body;
  if (!isObject(body)) throw new Error('bullet-public: body is not a JSON object');
  if (body.code !== '200000') throw new Error(`bullet-public: code ${JSON.stringify(body.code)} ${String(body.msg ?? '')}`.trim());
  const data = isObject(body.data) ? body.data : {};
  if (typeof data.token !== 'string' || data.token === '') throw new Error('bullet-public: no token');
  const servers = Array.isArray(data.instanceServers) ? (data.instanceServers as unknown[]) : [];
  const server = servers.find((s): s is JsonObject => isObject(s) && s.protocol === 'websocket' && typeof s.endpoint === 'string');
  if (server === undefined) throw new Error('bullet-public: no websocket instance server');
  const url = new URL(server.endpoint as string);
  url.searchParams.set('token', data.token);
  const configured = ctx.config.pingInterval > 0 ? ctx.config.pingInterval : Infinity;
  const interval = Math.min(configured, positive(server.pingInterval) ?? Infinity);
  const pingIntervalMs = Number.isFinite(interval) ? interval : ctx.config.pingInterval;
  const pingTimeout = positive(server.pingTimeout) ?? ctx.config.readTimeout;
  return { url: url.toString(), readTimeoutMs: pingIntervalMs + pingTimeout, pingIntervalMs };
}

function kucoinSession(tickers: readonly ProviderTicker[], batchSize: number): WsSession {
  const index = new TickerIndex(tickers);
  const sequences = new Map<string, bigint>();
  const pending = new Map<string, { symbols: string[]; attempt: number }>();
  let fresh = new Set<string>();
  let nextId = 1;
  let nextPing = 1;

  const subscribe = (symbols: string[], attempt: number): string => {
    const id = nextId++;
    pending.set(String(id), { symbols, attempt });
    return JSON.stringify({ id, type: 'subscribe', topic: TOPIC + symbols.join(','), privateChannel: false, response: true });
  };

  const onError = (msg: JsonObject): WsHandleResult => {
    const reason = `kucoin error ${String(msg.code)}: ${String(msg.data ?? msg.msg ?? '')}`.slice(0, 200);
    const request = pending.get(String(msg.id));
    if (request === undefined) return { error: reason };
    pending.delete(String(msg.id));
    if (request.attempt >= MAX_RESUBSCRIBES) return { error: `${reason}; giving up after ${request.attempt} re-subscriptions` };
    return { response: emptyResponse(), replies: [subscribe(request.symbols, request.attempt + 1)] };
  };

  const onMessage = (msg: JsonObject): WsHandleResult => {
    if (msg.subject !== 'trade.ticker') return { error: `unexpected subject ${JSON.stringify(msg.subject) ?? 'undefined'}` };
    const topic = typeof msg.topic === 'string' ? msg.topic : '';
    if (!topic.startsWith(TOPIC)) return { error: `unexpected topic ${topic}` };
    const ticker = index.lookup(topic.slice(TOPIC.length));
    if (ticker === undefined) return { error: `ticker for unknown symbol ${topic.slice(TOPIC.length)}` };
    const data = isObject(msg.data) ? msg.data : {};
    if (typeof data.sequence !== 'string' || !DIGITS.test(data.sequence)) return { error: `${topic}: sequence is not a string of digits` };
    const sequence = BigInt(data.sequence);
    const last = sequences.get(ticker.offChainTicker);
    if (last !== undefined && sequence <= last) return { error: `${topic}: sequence ${sequence} is not after ${last}` };
    sequences.set(ticker.offChainTicker, sequence);
    const outcome =
      typeof data.price === 'string'
        ? quote(ticker, data.price)
        : unresolved(ticker, ErrorCode.FailedToParsePrice, 'price is not a string');
    if ('code' in outcome) fresh.delete(ticker.offChainTicker);
    else fresh.add(ticker.offChainTicker);
    return { response: toResponse([outcome]) };
  };

  return {
    subscriptions: () => chunk(tickers, batchSize).map((batch) => subscribe(batch.map((t) => t.offChainTicker), 0)),
    handle(frame) {
      const msg = frameObject(frame);
      if (typeof msg === 'string') return { error: msg };
      switch (msg.type) {
        case 'welcome':
          return { response: emptyResponse() };
        case 'ack':
          pending.delete(String(msg.id));
          return { response: emptyResponse() };
        case 'pong': {
          const resolved = [...fresh].map((ticker) => ({ ticker, price: null }));
          fresh = new Set();
          return { response: { resolved, unresolved: [] } };
        }
        case 'error':
          return onError(msg);
        case 'message':
          return onMessage(msg);
        default:
          return { error: `unexpected message type ${JSON.stringify(msg.type) ?? 'undefined'}` };
      }
    },
    heartbeat: () => [JSON.stringify({ id: String(nextPing++), type: 'ping' })],
  };
}

export const kucoinWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('kucoin_ws', 'wss://ws-api-spot.kucoin.com/', { handshakeTimeout: 20_000, pingInterval: 10_000, writeInterval: 200, maxSubscriptionsPerBatch: 100, maxSubscriptionsPerConnection: 200 }), api: { ...apiDefaults('kucoin_ws', DEFAULT_API, { timeout: 5000, interval: 60_000 }), enabled: false } },
  session: kucoinSession,
  preDial,
} satisfies WsExchange;
