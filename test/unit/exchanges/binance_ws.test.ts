import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binanceWs } from '../../../src/exchanges/binance_ws/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): string =>
  readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/binance_ws/${f}`, import.meta.url), 'utf8');
const local = (f: string): string => readFileSync(new URL(`../../fixtures/exchanges/binance_ws/${f}`, import.meta.url), 'utf8');
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const rejection = (id: number): string => JSON.stringify({ result: ['rejected'], id });

describe('binance_ws subscriptions', () => {
  it('matches the anchor request for one symbol, with a small id', () => {
    expect(binanceWs.session(tickers('BTCUSDT'), 1).subscriptions()).toEqual([shared('subscribe_request.json').trim()]);
  });

  it('puts batchSize symbols in each message with increasing ids', () => {
    expect(binanceWs.session(tickers('BTCUSDT', 'ETHUSDT', 'SOLUSDT'), 2).subscriptions().map((m) => JSON.parse(m) as unknown)).toEqual([
      { method: 'SUBSCRIBE', params: ['btcusdt@aggTrade', 'btcusdt@ticker', 'ethusdt@aggTrade', 'ethusdt@ticker'], id: 1 },
      { method: 'SUBSCRIBE', params: ['solusdt@aggTrade', 'solusdt@ticker'], id: 2 },
    ]);
  });

  it('sends no application heartbeat', () => {
    expect(binanceWs.session(tickers('BTCUSDT'), 1).heartbeat()).toEqual([]);
  });
});

describe('binance_ws replies', () => {
  it('accepts a null-result ack once, then treats its id as unknown', () => {
    const s = binanceWs.session(tickers('BTCUSDT', 'ETHUSDT'), 1);
    s.subscriptions();
    expect(s.handle(shared('subscribe_ack.json'))).toEqual({ response: { resolved: [], unresolved: [] } });
    expect(s.handle(shared('subscribe_ack.json')).error).toBe('reply for unknown id 2');
  });

  it('fails an ack for an id that was never sent', () => {
    const s = binanceWs.session(tickers('BTCUSDT'), 1);
    s.subscriptions();
    expect(s.handle(shared('subscribe_ack.json')).error).toBe('reply for unknown id 2');
    expect(s.handle(local('error_reply_null_id.json')).error).toBe('reply for unknown id null');
  });

  it.each(['subscribe_failed.json', 'error_reply.json', 'error_reply_nested.json'])(
    're-subscribes the same symbols under a new id after %s',
    (file) => {
      const s = binanceWs.session(tickers('BTCUSDT', 'ETHUSDT'), 1);
      s.subscriptions();
      expect(s.handle(local(file))).toEqual({
        response: { resolved: [], unresolved: [] },
        replies: ['{"method":"SUBSCRIBE","params":["btcusdt@aggTrade","btcusdt@ticker"],"id":3}'],
      });
      expect(s.handle('{"result":null,"id":3}')).toEqual({ response: { resolved: [], unresolved: [] } });
    },
  );

  it('gives up after three re-subscribes of the same batch', () => {
    const s = binanceWs.session(tickers('BTCUSDT'), 1);
    s.subscriptions();
    expect(s.handle(rejection(1)).replies).toHaveLength(1);
    expect(s.handle(rejection(2)).replies).toHaveLength(1);
    expect(s.handle(rejection(3)).replies).toHaveLength(1);
    const last = s.handle(rejection(4));
    expect(last.replies).toBeUndefined();
    expect(last.error).toMatch(/^subscription of btcusdt rejected 4 times, giving up/);
  });
});

describe('binance_ws stream data', () => {
  it('reads data.c from a ticker stream (shared payload, lower-case symbol)', () => {
    const s = binanceWs.session(tickers('BTCUSDT'), 1);
    expect(s.handle(shared('ticker_stream.json'))).toEqual({
      response: { resolved: [{ ticker: 'BTCUSDT', price: '10000.00000000' }], unresolved: [] },
    });
  });

  it('reads data.p from an aggTrade stream (shared payload), also as a binary frame', () => {
    const s = binanceWs.session(tickers('BTCUSDT'), 1);
    const expected = { response: { resolved: [{ ticker: 'BTCUSDT', price: '10000.00000000' }], unresolved: [] } };
    expect(s.handle(shared('agg_trade_stream.json'))).toEqual(expected);
    expect(s.handle(new TextEncoder().encode(shared('agg_trade_stream.json')))).toEqual(expected);
  });

  it('matches an upper-case symbol and ignores the other price-like fields', () => {
    const s = binanceWs.session(tickers('BTCUSDT', 'ETHUSDT'), 1);
    expect(s.handle(local('ticker_stream_upper.json'))).toEqual({
      response: { resolved: [{ ticker: 'ETHUSDT', price: '3338.08000000' }], unresolved: [] },
    });
  });

  it.each([
    ['agg_trade_zero_price.json', 'not positive'],
    ['ticker_price_missing.json', 'type undefined'],
  ])('reports %s as FailedToParsePrice', (file, reason) => {
    const s = binanceWs.session(tickers('BTCUSDT'), 1);
    expect(s.handle(local(file))).toEqual({
      response: { resolved: [], unresolved: [{ ticker: 'BTCUSDT', code: 10, reason: expect.stringContaining(reason) }] },
    });
  });

  it.each([
    ['unknown_stream.json', 'unsupported stream btcusdt@depth'],
    ['unknown_symbol.json', 'stream dogeusdt@ticker: unknown symbol DOGEUSDT'],
    ['mixed_case_symbol.json', 'stream btcusdt@ticker: unknown symbol BtcUsdt'],
    ['ticker_no_symbol.json', 'stream btcusdt@ticker: data has no symbol "s"'],
    ['not_an_object.json', 'expected a JSON object'],
  ])('discards %s with an error', (file, error) => {
    expect(binanceWs.session(tickers('BTCUSDT'), 1).handle(local(file))).toEqual({ error });
  });

  it('discards malformed JSON and unrecognised objects without throwing', () => {
    const s = binanceWs.session(tickers('BTCUSDT'), 1);
    expect(s.handle(local('malformed.txt')).error).toMatch(/^invalid JSON/);
    expect(s.handle('{"foo":1}')).toEqual({ error: 'message is neither a stream event nor a reply' });
    expect(s.handle('{"stream":"ticker","data":{"s":"BTCUSDT","c":"1"}}')).toEqual({ error: 'unsupported stream ticker' });
  });
});
