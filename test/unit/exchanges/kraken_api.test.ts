import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { krakenApi } from '../../../src/exchanges/kraken_api/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/kraken_api/${f}`, import.meta.url), 'utf8'));
const local = (f: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/exchanges/kraken_api/${f}`, import.meta.url), 'utf8'));
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const template = krakenApi.defaults.endpoints[0]?.url ?? '';

describe('kraken_api buildUrl', () => {
  it('joins the tickers with raw commas', () => {
    expect(krakenApi.buildUrl(template, tickers('XXBTZUSD', 'XETHZUSD', 'SOLUSD'))).toBe(
      'https://api.kraken.com/0/public/Ticker?pair=XXBTZUSD,XETHZUSD,SOLUSD',
    );
  });

  it('rejects a template without exactly one placeholder and an empty ticker list', () => {
    expect(krakenApi.buildUrl('https://api.kraken.com/0/public/Ticker', tickers('XXBTZUSD'))).toBeInstanceOf(Error);
    expect(krakenApi.buildUrl('https://x/%s?pair=%s', tickers('XXBTZUSD'))).toBeInstanceOf(Error);
    expect(krakenApi.buildUrl(template, [])).toBeInstanceOf(Error);
  });
});

describe('kraken_api parse (shared payloads)', () => {
  it('resolves a single pair from c[0]', () => {
    expect(krakenApi.parse(shared('ticker_single.json'), tickers('XXBTZUSD'))).toEqual({
      resolved: [{ ticker: 'XXBTZUSD', price: '64587.40000' }],
      unresolved: [],
    });
  });

  it('resolves several pairs by result key and reports a missing one as no response', () => {
    const r = krakenApi.parse(shared('ticker_multi.json'), tickers('XXBTZUSD', 'XETHZUSD', 'SOLUSD'));
    expect(r.resolved).toEqual([
      { ticker: 'XETHZUSD', price: '3338.08000' },
      { ticker: 'XXBTZUSD', price: '64547.20000' },
    ]);
    expect(r.unresolved).toEqual([{ ticker: 'SOLUSD', code: 7, reason: 'no response' }]);
  });
});

describe('kraken_api parse (local cases)', () => {
  it('fails every ticker with APIGeneral when the error array is not empty', () => {
    expect(krakenApi.parse(local('error_unknown_pair.json'), tickers('XXBTZUSD', 'XETHZUSD'))).toEqual({
      resolved: [],
      unresolved: [
        { ticker: 'XXBTZUSD', code: 13, reason: 'kraken error: EQuery:Unknown asset pair' },
        { ticker: 'XETHZUSD', code: 13, reason: 'kraken error: EQuery:Unknown asset pair' },
      ],
    });
  });

  it('judges each result entry on its own', () => {
    const r = krakenApi.parse(local('result_mixed.json'), tickers('XXBTZUSD', 'XETHZUSD', 'SOLUSD', 'DOTUSD', 'ADAUSD', 'AAVEUSD'));
    expect(r.resolved).toEqual([{ ticker: 'XXBTZUSD', price: '64547.20000' }]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['XETHZUSD', 10],
      ['SOLUSD', 12],
      ['DOTUSD', 12],
      ['ADAUSD', 12],
      ['AAVEUSD', 7],
    ]);
  });

  it('rejects bad c[0] values with FailedToParsePrice', () => {
    const names = ['AUSD', 'BUSD', 'CUSD', 'DUSD', 'EUSD'];
    const r = krakenApi.parse(local('result_bad_prices.json'), tickers(...names));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual(names.map((n) => [n, 10]));
  });

  it('matches a lower-case key but not a mixed-case one; a missing error array is empty', () => {
    expect(krakenApi.parse(local('result_case.json'), tickers('XXBTZUSD', 'XETHZUSD'))).toEqual({
      resolved: [{ ticker: 'XXBTZUSD', price: '64587.40000' }],
      unresolved: [{ ticker: 'XETHZUSD', code: 7, reason: 'no response' }],
    });
  });

  it('reports every ticker as no response when there is no result', () => {
    const r = krakenApi.parse(local('no_result.json'), tickers('XXBTZUSD', 'SOLUSD'));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['XXBTZUSD', 7],
      ['SOLUSD', 7],
    ]);
  });

  it.each([
    ['a result array', local('result_not_object.json')],
    ['an error string', local('error_not_array.json')],
    ['an array body', [shared('ticker_single.json')]],
    ['null', null],
  ])('fails every ticker with FailedToDecode for %s', (_label, body) => {
    const r = krakenApi.parse(body, tickers('XXBTZUSD', 'XETHZUSD'));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['XXBTZUSD', 12],
      ['XETHZUSD', 12],
    ]);
  });
});
