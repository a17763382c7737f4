import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gateWs } from '../../../src/exchanges/gate_ws/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): string =>
  readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/gate_ws/${f}`, import.meta.url), 'utf8');
const local = (f: string): string => readFileSync(new URL(`../../fixtures/exchanges/gate_ws/${f}`, import.meta.url), 'utf8');
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const session = () => gateWs.session(tickers('BTC_USDT', 'DOGE_USDT'), 1);
const EMPTY = { resolved: [], unresolved: [] };
const unresolvedDoge = (code: number, reason: string) => ({ response: { resolved: [], unresolved: [{ ticker: 'DOGE_USDT', code, reason }] } });

describe('gate_ws subscriptions', () => {
  it('matches the anchor request with a request counter in time and id', () => {
    const [first] = gateWs.session(tickers('BTC_USDT'), 1).subscriptions();
    expect(JSON.parse(first ?? '')).toEqual({ ...(JSON.parse(shared('subscribe_request.json')) as object), time: 1, id: 1 });
    expect(first).toBe('{"time":1,"channel":"spot.tickers","event":"subscribe","id":1,"payload":["BTC_USDT"]}');
  });

  it('puts batchSize pairs per message', () => {
    expect(gateWs.session(tickers('BTC_USDT', 'ETH_USDT', 'DOGE_USDT'), 2).subscriptions()).toEqual([
      '{"time":1,"channel":"spot.tickers","event":"subscribe","id":1,"payload":["BTC_USDT","ETH_USDT"]}',
      '{"time":2,"channel":"spot.tickers","event":"subscribe","id":2,"payload":["DOGE_USDT"]}',
    ]);
  });

  it('sends no application heartbeat', () => {
    expect(session().heartbeat()).toEqual([]);
    expect(gateWs.defaults.webSocket).toMatchObject({ maxBufferSize: 1000, pingInterval: 0 });
  });
});

describe('gate_ws shared payloads', () => {
  it('accepts the ack whose error has an empty message', () => {
    expect(session().handle(shared('subscribe_ack.json'))).toEqual({ response: EMPTY });
  });

  it('reports the error ack (id 0 is none of ours) as an error', () => {
    expect(session().handle(shared('subscribe_error.json'))).toEqual({ error: 'gate error 1: invalid body' });
  });

  it('reads result.last', () => {
    expect(session().handle(shared('ticker_update.json'))).toEqual({ response: { resolved: [{ ticker: 'BTC_USDT', price: '1' }], unresolved: [] } });
  });
});

describe('gate_ws acks', () => {
  it('accepts error:null with status success', () => {
    expect(session().handle(local('subscribe_ack_null_error.json'))).toEqual({ response: EMPTY });
  });

  it('marks the pairs of a refused request unresolved', () => {
    const s = gateWs.session(tickers('DOGE_USDT'), 1);
    s.subscriptions();
    expect(s.handle(local('subscribe_error_id1.json'))).toEqual(unresolvedDoge(13, 'gate error 2: unknown currency pair: DOGE_USDT'));
    expect(s.handle(local('subscribe_status_fail.json'))).toEqual(unresolvedDoge(13, 'subscribe status "fail"'));
  });

  it('reports a refusal for an id it did not send as an error', () => {
    expect(session().handle(local('subscribe_status_fail.json'))).toEqual({ error: 'subscribe status "fail"' });
  });

  it('accepts pong and unsubscribe acks, refuses unknown events', () => {
    const s = session();
    expect(s.handle(local('pong.json'))).toEqual({ response: EMPTY });
    expect(s.handle(local('unsubscribe_ack.json'))).toEqual({ response: EMPTY });
    expect(s.handle(local('unknown_event.json'))).toEqual({ error: 'unhandled event "all" on "spot.tickers"' });
  });
});

describe('gate_ws updates', () => {
  it('maps currency_pair in the configured or lower-case spelling', () => {
    const s = session();
    expect(s.handle(local('update_doge.json')).response?.resolved).toEqual([{ ticker: 'DOGE_USDT', price: '0.15012' }]);
    expect(s.handle(local('update_doge_lowercase.json')).response?.resolved).toEqual([{ ticker: 'DOGE_USDT', price: '0.15013' }]);
  });

  it.each([
    ['update_price_number.json', 'last has type number, expected a string'],
    ['update_price_zero.json', 'price 0 is not positive'],
    ['update_price_negative.json', 'price -0.15 is not positive'],
    ['update_price_garbage.json', 'price "0.15x" is not a decimal number'],
  ])('%s leaves DOGE_USDT unresolved with FailedToParsePrice', (file, reason) => {
    expect(session().handle(local(file))).toEqual(unresolvedDoge(10, reason));
  });

  it.each([
    ['update_unknown_pair.json', 'update for unknown pair XRP_USDT'],
    ['update_wrong_channel.json', 'update on unexpected channel "spot.trades"'],
    ['update_time_string.json', 'update: time is not an integer'],
    ['update_time_fraction.json', 'update: time is not an integer'],
    ['update_no_pair.json', 'update: result has no currency_pair'],
  ])('drops %s with an error', (file, error) => {
    expect(session().handle(local(file))).toEqual({ error });
  });

  it('drops malformed JSON and non-objects without throwing', () => {
    const s = session();
    expect(s.handle(local('malformed.txt')).error).toMatch(/^invalid JSON/);
    expect(s.handle('null')).toEqual({ error: 'expected a JSON object' });
    expect(s.handle(new TextEncoder().encode(local('update_doge.json'))).response?.resolved).toEqual([{ ticker: 'DOGE_USDT', price: '0.15012' }]);
  });
});

describe('gate_ws pacing defaults', () => {
  it('sends 50 pairs per subscribe, 100 ms apart, on one connection (connect: 1 per message)', () => {
    const ws = gateWs.defaults.webSocket;
    expect(ws).toMatchObject({ writeInterval: 100, maxSubscriptionsPerBatch: 50, maxSubscriptionsPerConnection: 0 });
    expect(gateWs).not.toHaveProperty('dialLimit');
    const names = Array.from({ length: 453 }, (_, i) => `C${i}_USDT`);
    const messages = gateWs.session(tickers(...names), ws.maxSubscriptionsPerBatch).subscriptions().map((m) => JSON.parse(m) as { payload: string[] });
    expect(messages).toHaveLength(10);
    expect(messages.every((m) => m.payload.length <= 50)).toBe(true);
    expect(messages.flatMap((m) => m.payload)).toEqual(names);
  });
});
