import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coingeckoApi } from '../../../src/exchanges/coingecko_api/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/coingecko_api/${f}`, import.meta.url), 'utf8'));
const local = (f: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/exchanges/coingecko_api/${f}`, import.meta.url), 'utf8'));
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const base = coingeckoApi.defaults.endpoints[0]?.url ?? '';

describe('coingecko_api buildUrl', () => {
  it('asks for one id against one currency with precision 18', () => {
    expect(coingeckoApi.buildUrl(base, tickers('bitcoin/usd'))).toBe(
      'https://api.coingecko.com/api/v3/simple/price?ids=bitcoin&vs_currencies=usd&precision=18',
    );
  });

  it('asks for the cross product of unique ids and currencies in first-seen order', () => {
    expect(coingeckoApi.buildUrl(base, tickers('bitcoin/usd', 'ethereum/usd', 'ethereum/btc', 'bitcoin/eth'))).toBe(
      'https://api.coingecko.com/api/v3/simple/price?ids=bitcoin,ethereum&vs_currencies=usd,btc,eth&precision=18',
    );
  });

  it('lower-cases ids and currencies and drops a trailing slash of the base', () => {
    expect(coingeckoApi.buildUrl('https://pro-api.coingecko.com/api/v3/', tickers('BITCOIN/USD', 'Usd-Coin/Usd'))).toBe(
      'https://pro-api.coingecko.com/api/v3/simple/price?ids=bitcoin,usd-coin&vs_currencies=usd&precision=18',
    );
  });

  it('leaves malformed tickers out and fails only when none is usable', () => {
    expect(coingeckoApi.buildUrl(base, tickers('bitcoin', 'a/b/c', '/usd', 'solana/', 'solana/usd'))).toBe(
      'https://api.coingecko.com/api/v3/simple/price?ids=solana&vs_currencies=usd&precision=18',
    );
    expect(coingeckoApi.buildUrl(base, tickers('bitcoin', 'a/b/c'))).toBeInstanceOf(Error);
    expect(coingeckoApi.buildUrl(base, [])).toBeInstanceOf(Error);
    expect(coingeckoApi.buildUrl('https://api.coingecko.com/api/v3/%s', tickers('bitcoin/usd'))).toBeInstanceOf(Error);
  });
});

describe('coingecko_api parse (shared payloads)', () => {
  it('resolves a single pair from a JSON number', () => {
    expect(coingeckoApi.parse(shared('simple_price_single.json'), tickers('bitcoin/usd'))).toEqual({
      resolved: [{ ticker: 'bitcoin/usd', price: '1020.25' }],
      unresolved: [],
    });
  });

  it('resolves several bases', () => {
    expect(coingeckoApi.parse(shared('simple_price_multi_base.json'), tickers('bitcoin/usd', 'ethereum/usd'))).toEqual({
      resolved: [
        { ticker: 'bitcoin/usd', price: '1020.25' },
        { ticker: 'ethereum/usd', price: '1020' },
      ],
      unresolved: [],
    });
  });

  it('resolves several quotes and reports a pair absent from the answer as no response', () => {
    expect(coingeckoApi.parse(shared('simple_price_multi_quote.json'), tickers('ethereum/usd', 'ethereum/btc', 'ethereum/eth'))).toEqual({
      resolved: [
        { ticker: 'ethereum/usd', price: '1020.25' },
        { ticker: 'ethereum/btc', price: '1' },
      ],
      unresolved: [{ ticker: 'ethereum/eth', code: 7, reason: 'no response' }],
    });
  });
});

describe('coingecko_api parse (local cases)', () => {
  it('judges each pair on its own and ignores pairs of the cross product nobody asked for', () => {
    const asked = ['bitcoin/usd', 'bitcoin/btc', 'ethereum/usd', 'ethereum/btc', 'solana/usd', 'dogecoin/usd', 'cosmos/usd', 'osmosis/usd', 'celestia/usd', 'tether/usd', 'usd-coin/usd', 'dydx-chain/usd'];
    const r = coingeckoApi.parse(local('simple_price_mixed.json'), tickers(...asked));
    expect(r.resolved).toEqual([
      { ticker: 'bitcoin/usd', price: '65000.5' },
      { ticker: 'bitcoin/btc', price: '1' },
      { ticker: 'ethereum/usd', price: '3400.25' },
      { ticker: 'ethereum/btc', price: '0.0523' },
      { ticker: 'tether/usd', price: '1e-7' },
      { ticker: 'usd-coin/usd', price: '0.9999' },
    ]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['solana/usd', 10],
      ['dogecoin/usd', 10],
      ['cosmos/usd', 10],
      ['osmosis/usd', 10],
      ['celestia/usd', 7],
      ['dydx-chain/usd', 7],
    ]);
  });

  it('maps the lower-case answer back to an upper-case configured ticker', () => {
    expect(coingeckoApi.parse(shared('simple_price_single.json'), tickers('BITCOIN/USD'))).toEqual({
      resolved: [{ ticker: 'BITCOIN/USD', price: '1020.25' }],
      unresolved: [],
    });
  });

  it('fails a malformed ticker alone with UnableToCreateURL', () => {
    expect(coingeckoApi.parse(shared('simple_price_single.json'), tickers('bitcoin', 'bitcoin/usd', 'a/b/c'))).toEqual({
      resolved: [{ ticker: 'bitcoin/usd', price: '1020.25' }],
      unresolved: [
        { ticker: 'bitcoin', code: 4, reason: 'off-chain ticker "bitcoin" is not <coin-id>/<vs_currency>' },
        { ticker: 'a/b/c', code: 4, reason: 'off-chain ticker "a/b/c" is not <coin-id>/<vs_currency>' },
      ],
    });
  });

  it('reports an in-body error object as no response for every ticker', () => {
    const r = coingeckoApi.parse(local('rate_limited_body.json'), tickers('bitcoin/usd'));
    expect(r).toEqual({ resolved: [], unresolved: [{ ticker: 'bitcoin/usd', code: 7, reason: 'no response' }] });
  });

  it.each([
    ['an array', [shared('simple_price_single.json')]],
    ['null', null],
    ['a number', 1020.25],
  ])('fails every usable ticker with FailedToDecode for %s', (_label, body) => {
    const r = coingeckoApi.parse(body, tickers('bitcoin/usd', 'ethereum/usd', 'bad'));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['bad', 4],
      ['bitcoin/usd', 12],
      ['ethereum/usd', 12],
    ]);
  });
});
