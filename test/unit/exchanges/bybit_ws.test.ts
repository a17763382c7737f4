import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bybitWs } from '../../../src/exchanges/bybit_ws/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): string =>
  readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/bybit_ws/${f}`, import.meta.url), 'utf8');
const local = (f: string): string => readFileSync(new URL(`../../fixtures/exchanges/bybit_ws/${f}`, import.meta.url), 'utf8');
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const session = () => bybitWs.session(tickers('BTCUSDT', 'ETHUSDT'), 1);
const EMPTY = { resolved: [], unresolved: [] };
const unresolvedEth = (reason: string) => ({ response: { resolved: [], unresolved: [{ ticker: 'ETHUSDT', code: 10, reason }] } });

describe('bybit_ws subscriptions', () => {
  it('matches the anchor request for one symbol', () => {
    expect(bybitWs.session(tickers('BTCUSDT'), 1).subscriptions()).toEqual([shared('subscribe_request.json').trim()]);
  });

  it('puts batchSize topics per message, at most 10, and batchSize 0 as 1', () => {
    const many = tickers(...Array.from({ length: 12 }, (_, i) => `C${i}USDT`));
    const sizes = (batch: number) => bybitWs.session(many, batch).subscriptions().map((m) => (JSON.parse(m) as { args: string[] }).args.length);
    expect(sizes(5)).toEqual([5, 5, 2]);
    expect(sizes(50)).toEqual([10, 2]);
    expect(sizes(0)).toHaveLength(12);
    expect(JSON.parse(bybitWs.session(many, 50).subscriptions()[1] ?? '')).toEqual({ req_id: '', op: 'subscribe', args: ['tickers.C10USDT', 'tickers.C11USDT'] });
  });

  it('pings with a per-connection counter every 15 s', () => {
    const s = session();
    expect(s.heartbeat()).toEqual(['{"req_id":"1","op":"ping"}']);
    expect(s.heartbeat()).toEqual(['{"req_id":"2","op":"ping"}']);
    expect(session().heartbeat()).toEqual(['{"req_id":"1","op":"ping"}']);
    expect(bybitWs.defaults.webSocket).toMatchObject({ pingInterval: 15_000, maxBufferSize: 1000 });
  });
});

describe('bybit_ws shared payloads', () => {
  it('accepts the subscribe ack and reads lastPrice', () => {
    const s = session();
    expect(s.handle(shared('subscribe_ack.json'))).toEqual({ response: EMPTY });
    expect(s.handle(shared('ticker_update.json'))).toEqual({ response: { resolved: [{ ticker: 'BTCUSDT', price: '1' }], unresolved: [] } });
  });
});

describe('bybit_ws control frames', () => {
  it('treats both pong shapes as empty responses', () => {
    const s = session();
    expect(s.handle(local('pong.json'))).toEqual({ response: EMPTY });
    expect(s.handle(local('pong_op_pong.json'))).toEqual({ response: EMPTY });
  });

  it('reports a refused subscription and unknown ops as errors', () => {
    const s = session();
    expect(s.handle(local('subscribe_failed.json'))).toEqual({ error: 'subscription refused: Invalid symbol :[tickers.XRPUSDT]' });
    expect(s.handle('{"op":"subscribe"}')).toEqual({ error: 'subscription refused: {"op":"subscribe"}' });
    expect(s.handle(local('unsubscribe_ack.json'))).toEqual({ error: 'unhandled op "unsubscribe"' });
  });
});

describe('bybit_ws ticker data', () => {
  it('maps data.symbol in the configured, lower- or upper-case spelling', () => {
    const s = session();
    expect(s.handle(local('ticker_eth.json')).response?.resolved).toEqual([{ ticker: 'ETHUSDT', price: '3399.51' }]);
    expect(s.handle(local('ticker_eth_lowercase.json')).response?.resolved).toEqual([{ ticker: 'ETHUSDT', price: '3399.52' }]);
  });

  it.each([
    ['ticker_price_number.json', 'lastPrice has type number, expected a string'],
    ['ticker_snapshot_no_price.json', 'lastPrice has type undefined, expected a string'],
    ['ticker_price_zero.json', 'price 0 is not positive'],
    ['ticker_price_negative.json', 'price -1.5 is not positive'],
    ['ticker_price_empty.json', 'price "" is not a decimal number'],
  ])('%s leaves ETHUSDT unresolved with FailedToParsePrice', (file, reason) => {
    expect(session().handle(local(file))).toEqual(unresolvedEth(reason));
  });

  it('gives a delta without lastPrice an empty response', () => {
    expect(session().handle(local('ticker_delta_no_price.json'))).toEqual({ response: EMPTY });
  });

  it.each([
    ['ticker_unknown_symbol.json', 'tickers.XRPUSDT: unknown symbol XRPUSDT'],
    ['ticker_wrong_topic.json', 'unexpected topic "orderbook.1.ETHUSDT"'],
    ['ticker_no_symbol.json', 'tickers.ETHUSDT: data has no symbol'],
    ['ticker_data_array.json', 'tickers.ETHUSDT: data has no symbol'],
  ])('drops %s with an error', (file, error) => {
    expect(session().handle(local(file))).toEqual({ error });
  });

  it('drops malformed JSON and non-objects without throwing', () => {
    const s = session();
    expect(s.handle(local('malformed.txt')).error).toMatch(/^invalid JSON/);
    expect(s.handle('"pong"')).toEqual({ error: 'expected a JSON object' });
    expect(s.handle('{}')).toEqual({ error: 'unexpected topic undefined' });
  });
});
