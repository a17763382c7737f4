import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { polymarketApi } from '../../../src/exchanges/polymarket_api/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const sharedText = (f: string): string =>
  readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/polymarket_api/${f}`, import.meta.url), 'utf8');
const local = (f: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/exchanges/polymarket_api/${f}`, import.meta.url), 'utf8'));
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const template = polymarketApi.defaults.endpoints[0]?.url ?? '';

const DOGE = '0xe9601786f2a069ea03d9f65e4d17818ff1247d0be659cf438f8dcb9e3cff6dcc';
const DOGE_YES = `${DOGE}/35501226802281006558279189269590642908610077338745802625585949386592085413014`;
const DOGE_NO = `${DOGE}/95433015729366691420084268458673541745403833387583764516378942399339980362404`;
const SETTLED = '0x342b7b2e02781e837f52c2895f81f867eb5f5c79323929731298541ef00f7b72';
const SETTLED_YES = `${SETTLED}/22613491358219586769542474686185860062083084855748798903211658063153828683867`;
const SETTLED_NO = `${SETTLED}/26888665172248428317479303565744113552846035271145330691806837683184576633573`;
const SHARED_TOKEN = '95128817762909535143571435260705470642391662537976312011260538371392879420759';
const BAD = '0x00000000000000000000000000000000000000000000000000000000000000aa';

describe('polymarket_api buildUrl', () => {
  it('puts the market id of the first ticker in the URL', () => {
    expect(polymarketApi.buildUrl(template, tickers(DOGE_YES))).toBe(`https://clob.polymarket.com/markets/${DOGE}`);
    expect(polymarketApi.buildUrl('http://127.0.0.1:9/markets/%s', tickers(SETTLED_NO, DOGE_YES))).toBe(`http://127.0.0.1:9/markets/${SETTLED}`);
  });

  it('rejects tickers that are not <market>/<token>, an empty list and a template without %s', () => {
    for (const bad of ['0xabc', '0xabc/1/2', '/1', '0xabc/']) expect(polymarketApi.buildUrl(template, tickers(bad))).toBeInstanceOf(Error);
    expect(polymarketApi.buildUrl(template, [])).toBeInstanceOf(Error);
    expect(polymarketApi.buildUrl('https://clob.polymarket.com/markets', tickers(DOGE_YES))).toBeInstanceOf(Error);
  });
});

describe('polymarket_api parse (shared payload)', () => {
  it('resolves the price of the matching token', () => {
    const body: unknown = JSON.parse(sharedText('markets_token_price.json'));
    expect(polymarketApi.parse(body, tickers(`0xabc/${SHARED_TOKEN}`))).toEqual({
      resolved: [{ ticker: `0xabc/${SHARED_TOKEN}`, price: '0.325' }],
      unresolved: [],
    });
  });

  it('is a whole-body JSON value: the anchor test body with its stray `]}` does not decode', () => {
    // The driver JSON.parses the whole body (code 12 on failure); connect's decoder stopped after the first value.
    expect(() => JSON.parse(`${sharedText('markets_token_price.json')}]}`)).toThrow(SyntaxError);
  });
});

describe('polymarket_api parse (local cases)', () => {
  it('picks the Yes or the No token by token_id', () => {
    expect(polymarketApi.parse(local('market_yes_no.json'), tickers(DOGE_YES))).toEqual({ resolved: [{ ticker: DOGE_YES, price: '0.151' }], unresolved: [] });
    expect(polymarketApi.parse(local('market_yes_no.json'), tickers(DOGE_NO))).toEqual({ resolved: [{ ticker: DOGE_NO, price: '0.849' }], unresolved: [] });
  });

  it('replaces a price of exactly 0 by 0.0001 (a settled losing outcome) and keeps 1', () => {
    expect(polymarketApi.parse(local('market_settled.json'), tickers(SETTLED_YES))).toEqual({ resolved: [{ ticker: SETTLED_YES, price: '0.0001' }], unresolved: [] });
    expect(polymarketApi.parse(local('market_settled.json'), tickers(SETTLED_NO))).toEqual({ resolved: [{ ticker: SETTLED_NO, price: '1' }], unresolved: [] });
  });

  it.each([
    ['101', 10],
    ['102', 10],
    ['103', 10],
    ['105', 8],
    ['106', 10],
    ['107', 10],
  ])('rejects token %s with code %i', (token, code) => {
    const r = polymarketApi.parse(local('market_bad_tokens.json'), tickers(`${BAD}/${token}`));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([[`${BAD}/${token}`, code]]);
  });

  it('accepts a positive numeric string and a tiny number', () => {
    expect(polymarketApi.parse(local('market_bad_tokens.json'), tickers(`${BAD}/104`)).resolved).toEqual([{ ticker: `${BAD}/104`, price: '0.25' }]);
    expect(polymarketApi.parse(local('market_bad_tokens.json'), tickers(`${BAD}/108`)).resolved).toEqual([{ ticker: `${BAD}/108`, price: '1e-7' }]);
  });

  it('reports a token missing from the market as InvalidResponse', () => {
    expect(polymarketApi.parse(local('market_not_found.json'), tickers(DOGE_YES))).toEqual({
      resolved: [],
      unresolved: [{ ticker: DOGE_YES, code: 8, reason: `token ${DOGE_YES.split('/')[1]?.slice(0, 80)} not in market ${DOGE}` }],
    });
    expect(polymarketApi.parse(local('market_yes_no.json'), tickers(SETTLED_YES)).unresolved.map((u) => u.code)).toEqual([8]);
  });

  it.each([
    ['tokens that are not an array', local('tokens_not_array.json')],
    ['an array body', [local('market_yes_no.json')]],
    ['null', null],
  ])('fails with FailedToDecode for %s', (_label, body) => {
    expect(polymarketApi.parse(body, tickers(DOGE_YES)).unresolved.map((u) => [u.ticker, u.code])).toEqual([[DOGE_YES, 12]]);
  });

  it('attributes the answer to the first ticker and fails the rest of a batch with UnableToCreateURL', () => {
    const r = polymarketApi.parse(local('market_yes_no.json'), tickers(DOGE_YES, DOGE_NO));
    expect(r.resolved).toEqual([{ ticker: DOGE_YES, price: '0.151' }]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([[DOGE_NO, 4]]);
  });

  it('fails a malformed ticker with UnableToCreateURL', () => {
    expect(polymarketApi.parse(local('market_yes_no.json'), tickers('no-slash')).unresolved.map((u) => u.code)).toEqual([4]);
    expect(polymarketApi.parse(local('market_yes_no.json'), [])).toEqual({ resolved: [], unresolved: [] });
  });
});
