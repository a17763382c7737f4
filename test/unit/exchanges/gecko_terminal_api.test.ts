import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { geckoTerminalApi } from '../../../src/exchanges/gecko_terminal_api/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/gecko_terminal_api/${f}`, import.meta.url), 'utf8'));
const local = (f: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/exchanges/gecko_terminal_api/${f}`, import.meta.url), 'utf8'));
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const template = geckoTerminalApi.defaults.endpoints[0]?.url ?? '';

const WETH = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
const WETH_CHECKSUM = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2';
const WBTC = '0x2260fac5e5542a773aa44fbcfedf7c193bc2c599';
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const DAI = '0x6b175474e89094c44da98b954eedeac495271d0f';
const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
const SHARED = '0xaaee1a9723aadb7afa2810263653a34ba2c21c7a';

describe('gecko_terminal_api buildUrl', () => {
  it('fills the address into the template, comma-joining a batch', () => {
    expect(geckoTerminalApi.buildUrl(template, tickers(WETH))).toBe(`https://api.geckoterminal.com/api/v2/simple/networks/eth/token_price/${WETH}`);
    expect(geckoTerminalApi.buildUrl(template, tickers(WETH, WBTC))).toBe(`https://api.geckoterminal.com/api/v2/simple/networks/eth/token_price/${WETH},${WBTC}`);
  });

  it('rejects an empty list and a template without exactly one placeholder', () => {
    expect(geckoTerminalApi.buildUrl(template, [])).toBeInstanceOf(Error);
    expect(geckoTerminalApi.buildUrl('https://api.geckoterminal.com/api/v2/simple/networks/eth/token_price/', tickers(WETH))).toBeInstanceOf(Error);
  });
});

describe('gecko_terminal_api parse (shared payload)', () => {
  it('resolves the token price string', () => {
    expect(geckoTerminalApi.parse(shared('token_price.json'), tickers(SHARED))).toEqual({
      resolved: [{ ticker: SHARED, price: '0.000000957896146138212' }],
      unresolved: [],
    });
  });
});

describe('gecko_terminal_api parse (local cases)', () => {
  it('judges each address on its own and skips addresses not asked for', () => {
    const r = geckoTerminalApi.parse(local('token_price_multi.json'), tickers(WETH, WBTC, USDT, DAI, USDC));
    expect(r.resolved).toEqual([
      { ticker: WETH, price: '3400.51234567' },
      { ticker: WBTC, price: '65012.3' },
    ]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      [USDT, 10],
      [DAI, 10],
      [USDC, 7],
    ]);
  });

  it('matches an EIP-55 checksummed ticker against the lower-case key', () => {
    expect(geckoTerminalApi.parse(local('token_price_multi.json'), tickers(WETH_CHECKSUM))).toEqual({
      resolved: [{ ticker: WETH_CHECKSUM, price: '3400.51234567' }],
      unresolved: [],
    });
  });

  it('fails every ticker with InvalidResponse when data.type is not simple_token_price', () => {
    expect(geckoTerminalApi.parse(local('wrong_type.json'), tickers(WETH))).toEqual({
      resolved: [],
      unresolved: [{ ticker: WETH, code: 8, reason: 'expected data.type simple_token_price, got "token"' }],
    });
  });

  it.each([
    ['no token_prices', local('no_token_prices.json')],
    ['an errors document', local('errors.json')],
    ['an array', [shared('token_price.json')]],
    ['null', null],
  ])('fails every ticker with FailedToDecode for %s', (_label, body) => {
    const r = geckoTerminalApi.parse(body, tickers(WETH, WBTC));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      [WETH, 12],
      [WBTC, 12],
    ]);
  });
});
