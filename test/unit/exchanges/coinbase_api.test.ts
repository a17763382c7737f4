import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coinbaseApi } from '../../../src/exchanges/coinbase_api/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/coinbase_api/${f}`, import.meta.url), 'utf8'));
const local = (f: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/exchanges/coinbase_api/${f}`, import.meta.url), 'utf8'));
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const template = coinbaseApi.defaults.endpoints[0]?.url ?? '';

describe('coinbase_api buildUrl', () => {
  it('puts the off-chain ticker in the path', () => {
    expect(coinbaseApi.buildUrl(template, tickers('BTC-USD'))).toBe('https://api.coinbase.com/v2/prices/BTC-USD/spot');
  });

  it('uses only the first ticker of a larger batch', () => {
    expect(coinbaseApi.buildUrl(template, tickers('ETH-USD', 'BTC-USD'))).toBe('https://api.coinbase.com/v2/prices/ETH-USD/spot');
  });

  it('rejects an empty ticker list and a template without a placeholder', () => {
    expect(coinbaseApi.buildUrl(template, [])).toBeInstanceOf(Error);
    expect(coinbaseApi.buildUrl('https://api.coinbase.com/v2/prices/BTC-USD/spot', tickers('BTC-USD'))).toBeInstanceOf(Error);
  });
});

describe('coinbase_api parse', () => {
  it('resolves data.amount for the requested ticker (shared payload)', () => {
    expect(coinbaseApi.parse(shared('spot_price.json'), tickers('BTC-USD'))).toEqual({
      resolved: [{ ticker: 'BTC-USD', price: '1020.25' }],
      unresolved: [],
    });
  });

  it('fails a "$"-prefixed amount with FailedToParsePrice (shared payload)', () => {
    expect(coinbaseApi.parse(shared('spot_price_bad_amount.json'), tickers('BTC-USD'))).toEqual({
      resolved: [],
      unresolved: [{ ticker: 'BTC-USD', code: 10, reason: 'price "$1020.25" is not a decimal number' }],
    });
  });

  it('accepts the full real-format answer and a numeric amount', () => {
    expect(coinbaseApi.parse(local('spot_price_full.json'), tickers('BTC-USD')).resolved).toEqual([{ ticker: 'BTC-USD', price: '64123.455' }]);
    expect(coinbaseApi.parse(local('amount_number.json'), tickers('BTC-USD')).resolved).toEqual([{ ticker: 'BTC-USD', price: '1020.25' }]);
  });

  it.each(['amount_zero.json', 'amount_negative.json', 'amount_missing.json'])('fails %s with FailedToParsePrice', (file) => {
    const r = coinbaseApi.parse(local(file), tickers('BTC-USD'));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([['BTC-USD', 10]]);
  });

  it.each([
    ['an errors body', local('error_not_found.json')],
    ['data as an array', local('data_array.json')],
    ['null', null],
    ['a number', 1020.25],
  ])('fails with FailedToDecode for %s', (_label, body) => {
    const r = coinbaseApi.parse(body, tickers('BTC-USD'));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([['BTC-USD', 12]]);
  });

  it('resolves the first ticker of a batch and fails the rest with UnableToCreateURL', () => {
    const r = coinbaseApi.parse(shared('spot_price.json'), tickers('ETH-USD', 'BTC-USD', 'SOL-USD'));
    expect(r.resolved).toEqual([{ ticker: 'ETH-USD', price: '1020.25' }]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['BTC-USD', 4],
      ['SOL-USD', 4],
    ]);
  });

  it('returns nothing when asked for nothing', () => {
    expect(coinbaseApi.parse(shared('spot_price.json'), [])).toEqual({ resolved: [], unresolved: [] });
  });
});
