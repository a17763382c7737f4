import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coinbaseWs } from '../../../src/exchanges/coinbase_ws/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): string =>
  readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/coinbase_ws/${f}`, import.meta.url), 'utf8');
const local = (f: string): string => readFileSync(new URL(`../../fixtures/exchanges/coinbase_ws/${f}`, import.meta.url), 'utf8');
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const session = () => coinbaseWs.session(tickers('BTC-USD', 'ETH-USD'), 1);
const EMPTY = { resolved: [], unresolved: [] };

describe('coinbase_ws subscriptions', () => {
  it('matches the anchor request for one product', () => {
    expect(coinbaseWs.session(tickers('BTC-USD'), 1).subscriptions()).toEqual([shared('subscribe_request.json').trim()]);
  });

  it('puts batchSize products in each message, treating batchSize 0 as 1', () => {
    const three = tickers('BTC-USD', 'ETH-USD', 'SOL-USD');
    expect(coinbaseWs.session(three, 2).subscriptions()).toEqual([
      '{"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channels":["ticker","heartbeat"]}',
      '{"type":"subscribe","product_ids":["SOL-USD"],"channels":["ticker","heartbeat"]}',
    ]);
    expect(coinbaseWs.session(three, 0).subscriptions()).toHaveLength(3);
  });

  it('sends no application heartbeat', () => {
    expect(session().heartbeat()).toEqual([]);
  });
});

describe('coinbase_ws shared payloads', () => {
  it('answers the subscriptions ack with an empty response', () => {
    expect(session().handle(shared('subscriptions_ack.json'))).toEqual({ response: EMPTY });
  });

  it('resolves a ticker, then treats a heartbeat with the same trade id as unchanged', () => {
    const s = session();
    expect(s.handle(shared('ticker.json'))).toEqual({ response: { resolved: [{ ticker: 'ETH-USD', price: '1000.00' }], unresolved: [] } });
    expect(s.handle(shared('heartbeat.json'))).toEqual({ response: { resolved: [{ ticker: 'ETH-USD', price: null }], unresolved: [] } });
  });

  it('reports a heartbeat before any ticker as no price update received', () => {
    expect(session().handle(shared('heartbeat.json'))).toEqual({
      response: { resolved: [], unresolved: [{ ticker: 'ETH-USD', code: 16, reason: 'no price update received' }] },
    });
  });
});

describe('coinbase_ws sequence and trade ids', () => {
  it('follows one product through ticker, heartbeats, a stale ticker and a bad price', () => {
    const s = session();
    expect(s.handle(local('ticker_btc.json')).response?.resolved).toEqual([{ ticker: 'BTC-USD', price: '64000.01' }]);
    expect(s.handle(local('heartbeat_btc_same_trade.json')).response?.resolved).toEqual([{ ticker: 'BTC-USD', price: null }]);
    expect(s.handle(local('heartbeat_btc_missed_trade.json')).response?.unresolved).toEqual([
      { ticker: 'BTC-USD', code: 16, reason: 'no price update received' },
    ]);
    expect(s.handle(local('ticker_btc_stale.json'))).toEqual({ error: 'ticker for BTC-USD out of order: sequence 99 < 102' });
    expect(s.handle(local('ticker_btc_zero_price.json')).response?.unresolved).toEqual([
      { ticker: 'BTC-USD', code: 10, reason: 'price 0.00 is not positive' },
    ]);
    expect(s.handle(local('heartbeat_btc_after_bad.json')).response?.unresolved.map((u) => u.code)).toEqual([16]);
  });

  it('accepts an equal sequence and keeps products independent', () => {
    const s = session();
    expect(s.handle(local('ticker_btc.json')).response?.resolved).toHaveLength(1);
    expect(s.handle(local('ticker_btc.json')).response?.resolved).toHaveLength(1);
    expect(s.handle(shared('ticker.json')).response?.resolved).toEqual([{ ticker: 'ETH-USD', price: '1000.00' }]);
  });

  it('forgets state with the session', () => {
    const first = session();
    first.handle(local('ticker_btc.json'));
    expect(session().handle(local('ticker_btc_stale.json')).response?.resolved).toEqual([{ ticker: 'BTC-USD', price: '63999.00' }]);
  });
});

describe('coinbase_ws product lookup and bad frames', () => {
  it('matches a lower-case product id and reports the configured spelling', () => {
    expect(session().handle(local('ticker_lowercase_product.json'))).toEqual({
      response: { resolved: [{ ticker: 'ETH-USD', price: '3000.5' }], unresolved: [] },
    });
  });

  it.each([
    ['ticker_mixed_case_product.json', 'ticker for unknown product Eth-Usd'],
    ['ticker_unknown_product.json', 'ticker for unknown product DOGE-USD'],
    ['ticker_no_product.json', 'ticker: product_id is not a string'],
    ['ticker_fractional_sequence.json', 'ticker: sequence is not an integer'],
    ['ticker_price_number.json', 'ticker: price is not a string'],
    ['ticker_trade_id_string.json', 'ticker: trade_id is not an integer'],
    ['heartbeat_last_trade_id_string.json', 'heartbeat: last_trade_id is not an integer'],
    ['error.json', 'coinbase error: Failed to subscribe BTC-XYZ is not a valid product'],
    ['unknown_type.json', 'unexpected message type "l2update"'],
  ])('discards %s with an error', (file, error) => {
    expect(session().handle(local(file))).toEqual({ error });
  });

  it('does not let a rejected frame advance the sequence', () => {
    const s = session();
    s.handle(local('ticker_btc.json'));
    expect(s.handle('{"type":"ticker","sequence":500,"product_id":"BTC-USD","price":"1","trade_id":"x"}').error).toBeDefined();
    expect(s.handle(local('heartbeat_btc_same_trade.json')).response?.resolved).toEqual([{ ticker: 'BTC-USD', price: null }]);
  });

  it('discards malformed JSON, non-objects and typeless objects without throwing', () => {
    const s = session();
    expect(s.handle(local('malformed.txt')).error).toMatch(/^invalid JSON/);
    expect(s.handle('[1,2]')).toEqual({ error: 'expected a JSON object' });
    expect(s.handle('{}')).toEqual({ error: 'unexpected message type undefined' });
    expect(s.handle(new Uint8Array([0xff, 0xfe]))).toHaveProperty('error');
  });
});

describe('coinbase_ws pacing defaults', () => {
  it('sends 50 products per subscribe, 200 ms apart, dials 200 ms apart (connect: 1 per message, 100 ms)', () => {
    const ws = coinbaseWs.defaults.webSocket;
    expect(ws).toMatchObject({ writeInterval: 200, maxSubscriptionsPerBatch: 50, maxSubscriptionsPerConnection: 0, postConnectionTimeout: 1000 });
    expect(coinbaseWs.dialLimit).toEqual({ max: 16, windowMs: 2500 });
    const names = Array.from({ length: 203 }, (_, i) => `C${i}-USD`);
    const messages = coinbaseWs.session(tickers(...names), ws.maxSubscriptionsPerBatch).subscriptions().map((m) => JSON.parse(m) as { product_ids: string[] });
    expect(messages.map((m) => m.product_ids.length)).toEqual([50, 50, 50, 50, 3]);
    expect(messages.flatMap((m) => m.product_ids)).toEqual(names);
  });
});
