import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binanceApi } from '../../../src/exchanges/binance_api/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/binance_api/${f}`, import.meta.url), 'utf8'));
const local = (f: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/exchanges/binance_api/${f}`, import.meta.url), 'utf8'));
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const template = binanceApi.defaults.endpoints[0]?.url ?? '';

describe('binance_api buildUrl', () => {
  it('hand-encodes the symbols as a JSON array with raw commas', () => {
    expect(binanceApi.buildUrl(template, tickers('BTCUSDT', 'ETHUSDT'))).toBe(
      'https://api.binance.com/api/v3/ticker/price?symbols=%5B%22BTCUSDT%22,%22ETHUSDT%22%5D',
    );
  });

  it('fills a simulator template the same way', () => {
    expect(binanceApi.buildUrl('http://127.0.0.1:4000/api/v3/ticker/price?symbols=%s%s%s', tickers('BTCUSDT'))).toBe(
      'http://127.0.0.1:4000/api/v3/ticker/price?symbols=%5B%22BTCUSDT%22%5D',
    );
  });

  it('rejects a template without three placeholders and an empty ticker list', () => {
    const wrong = binanceApi.buildUrl('https://api.binance.com/api/v3/ticker/price?symbols=%s', tickers('BTCUSDT'));
    expect(wrong).toBeInstanceOf(Error);
    expect((wrong as Error).message).toContain('found 1');
    expect(binanceApi.buildUrl(template, [])).toBeInstanceOf(Error);
  });
});

describe('binance_api parse (shared payloads)', () => {
  it('resolves a single ticker', () => {
    expect(binanceApi.parse(shared('ticker_price_single.json'), tickers('BTCUSDT'))).toEqual({
      resolved: [{ ticker: 'BTCUSDT', price: '46707.03000000' }],
      unresolved: [],
    });
  });

  it('resolves several tickers and reports the one not in the payload as no response', () => {
    expect(binanceApi.parse(shared('ticker_price_multi.json'), tickers('BTCUSDT', 'ETHUSDT', 'SOLUSDT'))).toEqual({
      resolved: [
        { ticker: 'BTCUSDT', price: '46707.03000000' },
        { ticker: 'ETHUSDT', price: '297.50000000' },
      ],
      unresolved: [{ ticker: 'SOLUSDT', code: 7, reason: 'no response' }],
    });
  });

  it('fails a "$"-prefixed price with FailedToParsePrice', () => {
    const r = binanceApi.parse(shared('ticker_price_bad_price.json'), tickers('BTCUSDT'));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved).toEqual([{ ticker: 'BTCUSDT', code: 10, reason: expect.stringContaining('not a decimal') }]);
  });
});

describe('binance_api parse (local cases)', () => {
  it('keeps good rows and skips garbage rows', () => {
    const r = binanceApi.parse(local('rows_mixed.json'), tickers('BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'ATOMUSDT'));
    expect(r.resolved).toEqual([{ ticker: 'BTCUSDT', price: '46707.03000000' }]);
    expect(r.unresolved).toEqual([
      { ticker: 'ETHUSDT', code: 10, reason: expect.stringContaining('not positive') },
      { ticker: 'SOLUSDT', code: 10, reason: expect.stringContaining('type undefined') },
      { ticker: 'ATOMUSDT', code: 7, reason: 'no response' },
    ]);
  });

  it('rejects every non-decimal, non-finite or non-positive price', () => {
    const names = ['AUSDT', 'BUSDT', 'CUSDT', 'DUSDT', 'EUSDT', 'FUSDT', 'GUSDT', 'HUSDT', 'IUSDT'];
    const r = binanceApi.parse(local('rows_bad_prices.json'), tickers(...names));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual(names.map((n) => [n, 10]));
  });

  it('matches a lower-case symbol but not a mixed-case one, reporting the configured spelling', () => {
    expect(binanceApi.parse(local('rows_case.json'), tickers('BTCUSDT', 'ETHUSDT'))).toEqual({
      resolved: [{ ticker: 'BTCUSDT', price: '46707.03' }],
      unresolved: [{ ticker: 'ETHUSDT', code: 7, reason: 'no response' }],
    });
  });

  it('lets the last row win for a repeated symbol', () => {
    expect(binanceApi.parse(local('rows_duplicate.json'), tickers('BTCUSDT'))).toEqual({
      resolved: [{ ticker: 'BTCUSDT', price: '46707.03' }],
      unresolved: [],
    });
  });

  it.each([
    ['an error object', local('error_object.json')],
    ['null', null],
    ['a string', 'BTCUSDT'],
    ['a bare object row', { symbol: 'BTCUSDT', price: '1' }],
  ])('fails every ticker with FailedToDecode for %s', (_label, body) => {
    const r = binanceApi.parse(body, tickers('BTCUSDT', 'ETHUSDT'));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['BTCUSDT', 12],
      ['ETHUSDT', 12],
    ]);
  });
});
