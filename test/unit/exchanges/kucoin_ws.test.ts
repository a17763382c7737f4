import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kucoinWs } from '../../../src/exchanges/kucoin_ws/adapter.js';
import type { PreDialContext, ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): string =>
  readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/kucoin_ws/${f}`, import.meta.url), 'utf8');
const local = (f: string): string => readFileSync(new URL(`../../fixtures/exchanges/kucoin_ws/${f}`, import.meta.url), 'utf8');
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const session = () => kucoinWs.session(tickers('BTC-USDT', 'ETH-USDT', 'SOL-USDT'), 1);
const EMPTY = { resolved: [], unresolved: [] };

/** A pre-dial context whose POST answers `status` and `body`, recording each call. */
function ctx(status: number, body: unknown, over: { apiUrl?: string; apiKey?: string; pingInterval?: number } = {}) {
  const calls: Array<{ url: string; headers: Record<string, string> }> = [];
  const api = kucoinWs.defaults.api;
  const c: PreDialContext = {
    config: { ...kucoinWs.defaults.webSocket, pingInterval: over.pingInterval ?? 10_000 },
    api: {
      ...api,
      endpoints: [{ url: over.apiUrl ?? api.endpoints[0]!.url, authentication: { apiKey: over.apiKey ?? '', apiKeyHeader: over.apiKey ? 'X-Key' : '' } }],
    },
    post: (url, headers) => {
      calls.push({ url, headers });
      return Promise.resolve({ status, body });
    },
  };
  return { c, calls };
}
const json = (text: string): unknown => JSON.parse(text);

describe('kucoin_ws preDial (bullet-public token)', () => {
  it('POSTs the token call on the api endpoint and dials the websocket server with the token (shared payload)', async () => {
    const { c, calls } = ctx(200, json(shared('bullet_public_response.json')));
    await expect(kucoinWs.preDial(c)).resolves.toEqual({ url: 'wss://ws-api-spot.kucoin.com/?token=abcd', pingIntervalMs: 10_000, readTimeoutMs: 25_000 });
    expect(calls).toEqual([{ url: 'https://api.kucoin.com/api/v1/bullet-public', headers: {} }]);
  });

  it('uses the first websocket server, the shorter ping interval, and encodes the token', async () => {
    const { c, calls } = ctx(200, json(local('bullet_second_server.json')), { apiUrl: 'http://127.0.0.1:9/', apiKey: 'k1' });
    await expect(kucoinWs.preDial(c)).resolves.toEqual({
      url: 'wss://ws-api-spot.kucoin.com/endpoint?token=a+b%2Bc',
      pingIntervalMs: 8000,
      readTimeoutMs: 13_000,
    });
    expect(calls).toEqual([{ url: 'http://127.0.0.1:9/api/v1/bullet-public', headers: { 'X-Key': 'k1' } }]);
  });

  it('falls back to the configured timings, and to the server interval when pings are off in config', async () => {
    await expect(kucoinWs.preDial(ctx(200, json(local('bullet_no_timings.json'))).c)).resolves.toMatchObject({ pingIntervalMs: 10_000, readTimeoutMs: 20_000 });
    const off = ctx(200, json(shared('bullet_public_response.json')), { pingInterval: 0 }).c;
    await expect(kucoinWs.preDial(off)).resolves.toMatchObject({ pingIntervalMs: 20_000, readTimeoutMs: 35_000 });
  });

  it.each([
    [503, { code: '200000' }, 'bullet-public: HTTP 503'],
    [200, undefined, 'bullet-public: body is not a JSON object'],
    [200, json(local('bullet_error_code.json')), 'bullet-public: code "400100" Too many requests'],
    [200, json(local('bullet_no_token.json')), 'bullet-public: no token'],
    [200, json(local('bullet_no_websocket.json')), 'bullet-public: no websocket instance server'],
    [200, { code: 200000, data: {} }, 'bullet-public: code 200000'],
  ])('HTTP %i with %j rejects', async (status, body, message) => {
    await expect(kucoinWs.preDial(ctx(status, body).c)).rejects.toThrow(message);
  });
});

describe('kucoin_ws subscriptions and heartbeat', () => {
  it('subscribes like the anchor but with a counter id and response:true', () => {
    const anchor = json(shared('subscribe_request.json')) as Record<string, unknown>;
    const [first] = kucoinWs.session(tickers('BTC-USDT'), 1).subscriptions();
    expect(json(first!)).toEqual({ ...anchor, id: 1, response: true });
  });

  it('joins a batch into one topic, ids increasing', () => {
    expect(kucoinWs.session(tickers('BTC-USDT', 'ETH-USDT', 'SOL-USDT'), 2).subscriptions()).toEqual([
      '{"id":1,"type":"subscribe","topic":"/market/ticker:BTC-USDT,ETH-USDT","privateChannel":false,"response":true}',
      '{"id":2,"type":"subscribe","topic":"/market/ticker:SOL-USDT","privateChannel":false,"response":true}',
    ]);
  });

  it('pings with a string id that increases', () => {
    const s = session();
    expect(s.heartbeat()).toEqual(['{"id":"1","type":"ping"}']);
    expect(s.heartbeat()).toEqual(['{"id":"2","type":"ping"}']);
  });
});

describe('kucoin_ws messages', () => {
  it('reads data.price (shared payload)', () => {
    expect(session().handle(shared('ticker_update.json'))).toEqual({ response: { resolved: [{ ticker: 'BTC-USDT', price: '0.1' }], unresolved: [] } });
  });

  it('accepts welcome and ack, and pong refreshes only tickers priced since the previous pong (shared payloads)', () => {
    const s = session();
    expect(s.handle(shared('welcome.json'))).toEqual({ response: EMPTY });
    expect(s.handle(local('ack.json'))).toEqual({ response: EMPTY });
    expect(s.handle(shared('pong.json'))).toEqual({ response: EMPTY });
    s.handle(shared('ticker_update.json'));
    s.handle(local('ticker_eth.json'));
    expect(s.handle(shared('pong.json')).response?.resolved).toEqual([{ ticker: 'BTC-USDT', price: null }, { ticker: 'ETH-USDT', price: null }]);
    s.handle(local('ticker_price_bad.json'));
    expect(s.handle(shared('pong.json')).response?.resolved).toEqual([]);
  });

  it('requires strictly increasing sequences per symbol, compared beyond 2^53', () => {
    const s = session();
    expect(s.handle(local('ticker_eth.json')).response?.resolved).toEqual([{ ticker: 'ETH-USDT', price: '3400.12' }]);
    expect(s.handle(local('ticker_eth.json'))).toEqual({ error: '/market/ticker:ETH-USDT: sequence 1545896669291 is not after 1545896669291' });
    expect(s.handle(local('ticker_eth_next.json')).response?.resolved).toEqual([{ ticker: 'ETH-USDT', price: '3401.5' }]);
    expect(s.handle(local('ticker_eth.json')).error).toMatch(/is not after 1545896669292$/);
    expect(s.handle(local('ticker_eth_huge_sequence.json')).response?.resolved).toEqual([{ ticker: 'ETH-USDT', price: '3402' }]);
    expect(s.handle(local('ticker_eth_huge_sequence_next.json')).response?.resolved).toEqual([{ ticker: 'ETH-USDT', price: '3403' }]);
    expect(s.handle(local('ticker_eth_huge_sequence.json')).error).toMatch(/sequence 18446744073709551617 is not after 18446744073709551618$/);
    expect(s.handle(shared('ticker_update.json')).response?.resolved).toEqual([{ ticker: 'BTC-USDT', price: '0.1' }]);
  });

  it.each([
    ['ticker_price_number.json', 'price is not a string'],
    ['ticker_price_zero.json', 'price 0 is not positive'],
    ['ticker_price_bad.json', 'price "bad_price" is not a decimal number'],
  ])('%s: FailedToParsePrice for ETH-USDT', (file, reason) => {
    expect(session().handle(local(file))).toEqual({ response: { resolved: [], unresolved: [{ ticker: 'ETH-USDT', code: 10, reason }] } });
  });

  it.each([
    ['ticker_sequence_number.json', '/market/ticker:ETH-USDT: sequence is not a string of digits'],
    ['ticker_sequence_negative.json', '/market/ticker:ETH-USDT: sequence is not a string of digits'],
    ['ticker_unknown_symbol.json', 'ticker for unknown symbol DOGE-USDT'],
    ['ticker_wrong_subject.json', 'unexpected subject "trade.snapshot"'],
    ['ticker_wrong_topic.json', 'unexpected topic /market/level2:BTC-USDT'],
    ['notice.json', 'unexpected message type "notice"'],
    ['error_reply_unknown_id.json', 'kucoin error 401: token is invalid'],
  ])('%s: frame error', (file, error) => {
    expect(session().handle(local(file))).toEqual({ error });
  });

  it('re-sends the subscribe named by an error reply under a new id, at most three times', () => {
    const s = kucoinWs.session(tickers('BTC-USDT'), 1);
    s.subscriptions();
    const replies: string[] = [];
    let reply = local('error_reply.json');
    for (let i = 0; i < 3; i++) {
      const r = s.handle(reply);
      expect(r.response).toEqual(EMPTY);
      replies.push(...(r.replies ?? []));
      reply = reply.replace(/"id":"\d+"/, `"id":"${i + 2}"`);
    }
    expect(replies.map((m) => json(m))).toEqual([2, 3, 4].map((id) => ({ id, type: 'subscribe', topic: '/market/ticker:BTC-USDT', privateChannel: false, response: true })));
    expect(s.handle(reply)).toEqual({ error: 'kucoin error 404: topic /market/ticker:BTC-USDT is not found; giving up after 3 re-subscriptions' });
  });

  it('an acked request is no longer re-sent on a late error', () => {
    const s = kucoinWs.session(tickers('BTC-USDT'), 1);
    s.subscriptions();
    s.handle(local('ack.json'));
    expect(s.handle(local('error_reply.json'))).toEqual({ error: 'kucoin error 404: topic /market/ticker:BTC-USDT is not found' });
  });

  it('discards malformed JSON and non-objects without throwing', () => {
    const s = session();
    expect(s.handle(local('malformed.txt')).error).toMatch(/^invalid JSON/);
    expect(s.handle('[]')).toEqual({ error: 'expected a JSON object' });
  });
});
