import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bitstampApi } from '../../../src/exchanges/bitstamp_api/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/bitstamp_api/${f}`, import.meta.url), 'utf8'));
const local = (f: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/exchanges/bitstamp_api/${f}`, import.meta.url), 'utf8'));
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const template = bitstampApi.defaults.endpoints[0]?.url ?? '';

describe('bitstamp_api buildUrl', () => {
  it('requests every market from the endpoint as configured', () => {
    expect(template).toBe('https://www.bitstamp.net/api/v2/ticker/');
    expect(bitstampApi.buildUrl(template, tickers('BTC/USD', 'ETH/USD'))).toBe('https://www.bitstamp.net/api/v2/ticker/');
    expect(bitstampApi.buildUrl('http://127.0.0.1:9/api/v2/ticker/', tickers('BTC/USD'))).toBe('http://127.0.0.1:9/api/v2/ticker/');
  });

  it('rejects a template with a placeholder and an empty ticker list', () => {
    expect(bitstampApi.buildUrl('https://www.bitstamp.net/api/v2/ticker/%s/', tickers('BTC/USD'))).toBeInstanceOf(Error);
    expect(bitstampApi.buildUrl(template, [])).toBeInstanceOf(Error);
  });
});

describe('bitstamp_api parse (shared payloads)', () => {
  it('resolves one pair from `last`', () => {
    expect(bitstampApi.parse(shared('ticker_all_single.json'), tickers('BTC/USD'))).toEqual({
      resolved: [{ ticker: 'BTC/USD', price: '2211.00' }],
      unresolved: [],
    });
  });

  it('resolves several pairs and reports a missing one as no response', () => {
    expect(bitstampApi.parse(shared('ticker_all_multi.json'), tickers('BTC/USD', 'ETH/USD', 'SOL/USD'))).toEqual({
      resolved: [
        { ticker: 'BTC/USD', price: '2211.00' },
        { ticker: 'ETH/USD', price: '420.69' },
      ],
      unresolved: [{ ticker: 'SOL/USD', code: 7, reason: 'no response' }],
    });
  });
});

describe('bitstamp_api parse (local cases)', () => {
  it('judges each row on its own; the last row of a repeated pair wins', () => {
    const r = bitstampApi.parse(local('ticker_all_mixed.json'), tickers('BTC/USD', 'ETH/USD', 'SOL/USD', 'DOGE/USD', 'USDT/USD', 'ATOM/USD', 'TIA/USD'));
    expect(r.resolved).toEqual([
      { ticker: 'BTC/USD', price: '65000.12' },
      { ticker: 'USDT/USD', price: '1.0002' },
    ]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['ETH/USD', 10],
      ['SOL/USD', 10],
      ['DOGE/USD', 10],
      ['ATOM/USD', 10],
      ['TIA/USD', 7],
    ]);
  });

  it('matches the compact spelling of connect\'s default map (hbarusd) as well as HBAR/USD', () => {
    expect(bitstampApi.parse(local('ticker_all_mixed.json'), tickers('hbarusd', 'HBAR/USD', 'btcusd'))).toEqual({
      resolved: [
        { ticker: 'btcusd', price: '65000.12' },
        { ticker: 'HBAR/USD', price: '0.0712' },
        { ticker: 'hbarusd', price: '0.0712' },
      ],
      unresolved: [],
    });
  });

  it('matches any case of the configured ticker, since Bitstamp pairs are upper case', () => {
    expect(bitstampApi.parse(shared('ticker_all_multi.json'), tickers('btc/usd', 'Eth/Usd', 'eth_usd'))).toEqual({
      resolved: [
        { ticker: 'btc/usd', price: '2211.00' },
        { ticker: 'Eth/Usd', price: '420.69' },
      ],
      unresolved: [{ ticker: 'eth_usd', code: 7, reason: 'no response' }],
    });
  });

  it.each([
    ['an error object', local('error_object.json')],
    ['null', null],
    ['a string', 'BTC/USD'],
  ])('fails every ticker with FailedToDecode for %s', (_label, body) => {
    const r = bitstampApi.parse(body, tickers('BTC/USD', 'ETH/USD'));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['BTC/USD', 12],
      ['ETH/USD', 12],
    ]);
  });

  it('answers an empty market list with no response for every ticker', () => {
    expect(bitstampApi.parse([], tickers('BTC/USD')).unresolved).toEqual([{ ticker: 'BTC/USD', code: 7, reason: 'no response' }]);
  });
});
