import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coinmarketcapApi } from '../../../src/exchanges/coinmarketcap_api/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/coinmarketcap_api/${f}`, import.meta.url), 'utf8'));
const local = (f: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/exchanges/coinmarketcap_api/${f}`, import.meta.url), 'utf8'));
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const base = coinmarketcapApi.defaults.endpoints[0]?.url ?? '';

describe('coinmarketcap_api buildUrl', () => {
  it('joins the unique numeric ids with commas', () => {
    expect(base).toBe('https://pro-api.coinmarketcap.com');
    expect(coinmarketcapApi.buildUrl(base, tickers('1', '1027', '1', '5426'))).toBe(
      'https://pro-api.coinmarketcap.com/v2/cryptocurrency/quotes/latest?id=1,1027,5426',
    );
    expect(coinmarketcapApi.buildUrl('http://127.0.0.1:9/', tickers('74'))).toBe('http://127.0.0.1:9/v2/cryptocurrency/quotes/latest?id=74');
  });

  it('leaves non-numeric tickers out and fails only when no id is left', () => {
    expect(coinmarketcapApi.buildUrl(base, tickers('BTC', '1', ' 2', '1027'))).toBe(
      'https://pro-api.coinmarketcap.com/v2/cryptocurrency/quotes/latest?id=1,1027',
    );
    expect(coinmarketcapApi.buildUrl(base, tickers('BTC', 'bitcoin'))).toBeInstanceOf(Error);
    expect(coinmarketcapApi.buildUrl(base, [])).toBeInstanceOf(Error);
    expect(coinmarketcapApi.buildUrl(`${base}/%s`, tickers('1'))).toBeInstanceOf(Error);
  });
});

describe('coinmarketcap_api parse (shared payloads)', () => {
  it('resolves data[id].quote.USD.price', () => {
    expect(coinmarketcapApi.parse(shared('quotes_latest_single.json'), tickers('1'))).toEqual({
      resolved: [{ ticker: '1', price: '6602.60701122' }],
      unresolved: [],
    });
  });

  it('fails every ticker with APIGeneral when status.error_code is not 0', () => {
    expect(coinmarketcapApi.parse(shared('quotes_latest_error_status.json'), tickers('1', '1027'))).toEqual({
      resolved: [],
      unresolved: [
        { ticker: '1', code: 13, reason: 'coinmarketcap error 1: this does not mog' },
        { ticker: '1027', code: 13, reason: 'coinmarketcap error 1: this does not mog' },
      ],
    });
  });

  it('reports an id absent from data as no response (the anchor dropped it silently)', () => {
    expect(coinmarketcapApi.parse(shared('quotes_latest_single.json'), tickers('1', '1027'))).toEqual({
      resolved: [{ ticker: '1', price: '6602.60701122' }],
      unresolved: [{ ticker: '1027', code: 7, reason: 'no response' }],
    });
  });
});

describe('coinmarketcap_api parse (local cases)', () => {
  it('judges each data entry on its own (in data order: numeric keys ascending)', () => {
    const ids = ['1', '1027', '5426', '825', '3408', '3794', '12220', '22861', '28324', '74', '52', '1839', 'ETH'];
    const r = coinmarketcapApi.parse(local('quotes_latest_mixed.json'), tickers(...ids));
    expect(r.resolved).toEqual([
      { ticker: '1', price: '65000.5' },
      { ticker: '52', price: '0.52' },
    ]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['ETH', 4],
      ['74', 10],
      ['825', 7],
      ['1027', 10],
      ['3408', 7],
      ['3794', 12],
      ['5426', 7],
      ['12220', 12],
      ['22861', 10],
      ['28324', 10],
      ['1839', 7],
    ]);
  });

  it('fails every ticker with the API error of a 401-style body', () => {
    expect(coinmarketcapApi.parse(local('api_key_missing.json'), tickers('1'))).toEqual({
      resolved: [],
      unresolved: [{ ticker: '1', code: 13, reason: 'coinmarketcap error 1002: API key missing.' }],
    });
  });

  it.each([
    ['a string error_code', local('status_code_string.json')],
    ['a data array', local('data_array.json')],
    ['an array body', [shared('quotes_latest_single.json')]],
    ['null', null],
  ])('fails every ticker with FailedToDecode for %s', (_label, body) => {
    const r = coinmarketcapApi.parse(body, tickers('1', '1027', 'x'));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['x', 4],
      ['1', 12],
      ['1027', 12],
    ]);
  });

  it('reads a body without status or data as empty', () => {
    expect(coinmarketcapApi.parse({}, tickers('1'))).toEqual({ resolved: [], unresolved: [{ ticker: '1', code: 7, reason: 'no response' }] });
  });
});
