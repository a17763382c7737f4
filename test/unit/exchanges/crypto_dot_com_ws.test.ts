import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cryptoDotComWs } from '../../../src/exchanges/crypto_dot_com_ws/adapter.js';
import type { ProviderTicker, WsExchange } from '../../../src/providers/types.js';

const shared = (f: string): string =>
  readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/crypto_dot_com_ws/${f}`, import.meta.url), 'utf8');
const local = (f: string): string => readFileSync(new URL(`../../fixtures/exchanges/crypto_dot_com_ws/${f}`, import.meta.url), 'utf8');
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const session = () => cryptoDotComWs.session(tickers('BTC_USD', 'ETH_USD', 'SOL_USD', 'ATOM_USD'), 1);
const EMPTY = { resolved: [], unresolved: [] };

describe('crypto_dot_com_ws subscriptions', () => {
  it('matches the anchor request plus a per-connection id', () => {
    const [first] = cryptoDotComWs.session(tickers('BTCUSD-PERP'), 1).subscriptions();
    expect(JSON.parse(first ?? '')).toEqual({ id: 1, ...(JSON.parse(shared('subscribe_request.json')) as object) });
    expect(first).toBe('{"id":1,"method":"subscribe","params":{"channels":["ticker.BTCUSD-PERP"]}}');
  });

  it('puts batchSize channels per message with increasing ids', () => {
    expect(cryptoDotComWs.session(tickers('BTC_USD', 'ETH_USD', 'SOL_USD'), 2).subscriptions()).toEqual([
      '{"id":1,"method":"subscribe","params":{"channels":["ticker.BTC_USD","ticker.ETH_USD"]}}',
      '{"id":2,"method":"subscribe","params":{"channels":["ticker.SOL_USD"]}}',
    ]);
  });

  it('sends no client heartbeat (the server drives it)', () => {
    expect(session().heartbeat()).toEqual([]);
    expect(cryptoDotComWs.defaults.webSocket).toMatchObject({ maxSubscriptionsPerConnection: 200, maxSubscriptionsPerBatch: 1, writeInterval: 15, pingInterval: 0 });
    expect((cryptoDotComWs as WsExchange).dialLimit).toBeUndefined();
  });
});

describe('crypto_dot_com_ws shared payloads', () => {
  it('answers the heartbeat with the same id through replies', () => {
    expect(session().handle(shared('heartbeat.json'))).toEqual({ response: EMPTY, replies: [shared('heartbeat_response.json').trim()] });
  });

  it('reads `a` of every entry it holds and skips the others', () => {
    const s = cryptoDotComWs.session(tickers('BTCUSD-PERP', 'ETHUSD-PERP'), 1);
    expect(s.handle(shared('ticker_update_multi.json'))).toEqual({
      response: {
        resolved: [
          { ticker: 'BTCUSD-PERP', price: '42069' },
          { ticker: 'ETHUSD-PERP', price: '2000' },
        ],
        unresolved: [],
      },
    });
  });
});

describe('crypto_dot_com_ws heartbeats', () => {
  it('echoes an id beyond 2^53 digit for digit', () => {
    expect(session().handle(local('heartbeat_big_id.json')).replies).toEqual(['{"id":9007199254740993,"method":"public/respond-heartbeat"}']);
  });

  it('refuses a heartbeat without an id', () => {
    expect(session().handle(local('heartbeat_no_id.json'))).toEqual({ error: 'heartbeat without an integer id' });
  });
});

describe('crypto_dot_com_ws subscription replies', () => {
  it('accepts confirmations with and without a result', () => {
    const s = session();
    expect(s.handle(local('subscribe_confirmation.json'))).toEqual({ response: EMPTY });
    expect(s.handle(local('subscribe_confirmation_no_result.json'))).toEqual({ response: EMPTY });
  });

  it('marks the instruments of a refused request unresolved', () => {
    const s = cryptoDotComWs.session(tickers('BTC_USD', 'ETH_USD'), 2);
    s.subscriptions();
    expect(s.handle(local('subscribe_error.json'))).toEqual({
      response: {
        resolved: [],
        unresolved: ['BTC_USD', 'ETH_USD'].map((ticker) => ({ ticker, code: 13, reason: 'crypto.com code 40003: Unknown instrument: BTC_USD' })),
      },
    });
  });

  it('reports a refusal it cannot attribute, and a non-zero code on data, as errors', () => {
    const s = session();
    s.subscriptions();
    expect(s.handle(local('subscribe_error_unknown_id.json'))).toEqual({ error: 'crypto.com code 40003: Unknown instrument' });
    expect(s.handle(local('data_error_code.json'))).toEqual({ error: 'crypto.com code 10001: ' });
    expect(session().handle(local('subscribe_error.json'))).toEqual({ error: 'crypto.com code 40003: Unknown instrument: BTC_USD' });
  });
});

describe('crypto_dot_com_ws ticker data', () => {
  it('keeps good entries, fails bad prices and skips garbage or unknown entries', () => {
    expect(session().handle(local('ticker_mixed.json'))).toEqual({
      response: {
        resolved: [{ ticker: 'BTC_USD', price: '65000.5' }],
        unresolved: [
          { ticker: 'ETH_USD', code: 10, reason: 'price -1 is not positive' },
          { ticker: 'SOL_USD', code: 10, reason: 'a has type null, expected a string' },
          { ticker: 'ATOM_USD', code: 10, reason: 'a has type number, expected a string' },
        ],
      },
    });
  });

  it('matches a lower-case instrument and reports the configured spelling', () => {
    expect(session().handle(local('ticker_lowercase_instrument.json')).response?.resolved).toEqual([{ ticker: 'BTC_USD', price: '65000.7' }]);
    expect(session().handle(local('ticker_btc_spot.json')).response?.resolved).toEqual([{ ticker: 'BTC_USD', price: '65000.5' }]);
  });

  it.each([
    ['ticker_other_channel.json', 'data for unexpected channel "trade"'],
    ['ticker_data_not_array.json', 'ticker: data is not an array'],
    ['unknown_method.json', 'unhandled method "public/get-book" (code 0)'],
  ])('drops %s with an error', (file, error) => {
    expect(session().handle(local(file))).toEqual({ error });
  });

  it('drops malformed JSON and non-objects without throwing', () => {
    const s = session();
    expect(s.handle(local('malformed.txt')).error).toMatch(/^invalid JSON/);
    expect(s.handle('[]')).toEqual({ error: 'expected a JSON object' });
    expect(s.handle('{"method":"subscribe","code":0,"result":5}')).toEqual({ error: 'subscribe: result is not an object' });
    expect(s.handle(new TextEncoder().encode(shared('heartbeat.json'))).replies).toEqual(['{"id":42069,"method":"public/respond-heartbeat"}']);
  });
});
