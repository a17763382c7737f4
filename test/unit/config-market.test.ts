import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadMarketMap, parseMarketMap } from '../../src/config/market-map.js';

const SRC = 'market.json';

const pair = (Base: string, Quote: string) => ({ Base, Quote });

/** A valid market for `base/quote` with `n` providers; `over` patches the ticker. */
function market(base: string, quote: string, over: object = {}, providers?: object[]) {
  return {
    ticker: { currency_pair: pair(base, quote), decimals: 8, min_provider_count: 1, enabled: true, ...over },
    provider_configs: providers ?? [{ name: 'coinbase_ws', off_chain_ticker: `${base}-${quote}` }],
  };
}

function failure(json: unknown): ConfigError {
  try {
    parseMarketMap(json, SRC);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseMarketMap: valid input', () => {
  it('loads the spec example file', () => {
    const map = loadMarketMap('test/fixtures/config/market-example.json');
    expect(Object.keys(map.markets)).toEqual(['BTC/USD', 'USDT/USD']);
    const btc = map.markets['BTC/USD'];
    expect(btc?.ticker).toEqual({ currency_pair: pair('BTC', 'USD'), decimals: 5, min_provider_count: 3, enabled: true, metadata_JSON: '' });
    expect(btc?.provider_configs[2]).toEqual({
      name: 'binance_ws', off_chain_ticker: 'BTCUSDT', normalize_by_pair: pair('USDT', 'USD'), invert: false, metadata_JSON: '',
    });
    expect(map.markets['USDT/USD']?.provider_configs[1]?.invert).toBe(true);
  });

  it('defaults optional fields', () => {
    const map = parseMarketMap({ markets: { 'ETH/USD': {
      ticker: { currency_pair: pair('ETH', 'USD'), decimals: 6, min_provider_count: 1 },
      provider_configs: [{ name: 'okx_ws', off_chain_ticker: 'ETH-USD', normalize_by_pair: null }],
    } } }, SRC);
    expect(map.markets['ETH/USD']?.ticker.enabled).toBe(false);
    expect(map.markets['ETH/USD']?.ticker.metadata_JSON).toBe('');
    expect(map.markets['ETH/USD']?.provider_configs[0]).toEqual({
      name: 'okx_ws', off_chain_ticker: 'ETH-USD', normalize_by_pair: null, invert: false, metadata_JSON: '',
    });
  });

  it('matches keys case-insensitively like encoding/json', () => {
    const map = parseMarketMap({ MARKETS: { 'ETH/USD': {
      Ticker: { Currency_Pair: { base: 'ETH', QUOTE: 'USD' }, DECIMALS: 6, Min_Provider_Count: 1, Enabled: true, METADATA_json: '{}' },
      Provider_Configs: [{ NAME: 'okx_ws', Off_Chain_Ticker: 'ETH-USD', Invert: true }],
    } } }, SRC);
    expect(map.markets['ETH/USD']?.ticker).toEqual({ currency_pair: pair('ETH', 'USD'), decimals: 6, min_provider_count: 1, enabled: true, metadata_JSON: '{}' });
    expect(map.markets['ETH/USD']?.provider_configs[0]?.invert).toBe(true);
  });

  it('accepts DeFi assets, metadata objects, and normalisation to a disabled market from a disabled one', () => {
    const defi = 'USDC,0XA0B86991C6218B36C1D19D4A2E9EB0CE3606EB48,1';
    const map = parseMarketMap({ markets: {
      [`${defi}/USD`]: market(defi, 'USD', { metadata_JSON: '{"address":"x"}', enabled: false }, [
        { name: 'uniswapv3_api-ethereum', off_chain_ticker: 'p', normalize_by_pair: pair('ETH', 'USD'), metadata_JSON: '{"invert":true}' },
      ]),
      'ETH/USD': market('ETH', 'USD', { enabled: false }),
    } }, SRC);
    expect(Object.keys(map.markets)).toHaveLength(2);
  });

  it('accepts an empty map', () => {
    expect(parseMarketMap({}, SRC)).toEqual({ markets: {} });
  });
});

const one = (key: string, m: object) => ({ markets: { [key]: m } });
const M = 'markets["BTC/USD"]';

/** [description, document, expected substring]. */
const INVALID: [string, unknown, string][] = [
  ['key differs from the pair', one('BTC/USDT', market('BTC', 'USD')), 'markets["BTC/USDT"]: key must equal the ticker\'s currency pair "BTC/USD"'],
  ['lower-case base', one('btc/USD', market('btc', 'USD')), 'markets["btc/USD"].ticker.currency_pair.Base: must be upper-case, got "btc"'],
  ['empty quote', one('BTC/', market('BTC', '')), 'markets["BTC/"].ticker.currency_pair.Quote: must not be empty'],
  ['asset too long', one(`${'A'.repeat(257)}/USD`, market('A'.repeat(257), 'USD')), 'currency_pair.Base: must be at most 256 bytes, got 257'],
  ['DeFi asset with two fields', one('A,B/USD', market('A,B', 'USD')), 'currency_pair.Base: must be a legacy asset or TOKEN,ADDRESS,CHAINID, got "A,B"'],
  ['DeFi asset not upper-case', one('USDC,0xabc,1/USD', market('USDC,0xabc,1', 'USD')), 'currency_pair.Base: must be upper-case, got "USDC,0xabc,1"'],
  ['DeFi token empty', one(',0XABC,1/USD', market(',0XABC,1', 'USD')), 'currency_pair.Base: DeFi token must be a non-empty upper-case asset'],
  ['decimals zero', one('BTC/USD', market('BTC', 'USD', { decimals: 0 })), `${M}.ticker.decimals: must be between 1 and 36, got 0`],
  ['decimals above 36', one('BTC/USD', market('BTC', 'USD', { decimals: 37 })), `${M}.ticker.decimals: must be between 1 and 36, got 37`],
  ['decimals missing', one('BTC/USD', { ...market('BTC', 'USD'), ticker: { currency_pair: pair('BTC', 'USD'), min_provider_count: 1 } }), `${M}.ticker.decimals: must be between 1 and 36, got 0`],
  ['min_provider_count zero', one('BTC/USD', market('BTC', 'USD', { min_provider_count: 0 })), `${M}.ticker.min_provider_count: must be >= 1, got 0`],
  ['min_provider_count above providers', one('BTC/USD', market('BTC', 'USD', { min_provider_count: 2 })), `${M}.provider_configs: has 1 entries, fewer than min_provider_count 2`],
  ['duplicate provider and ticker', one('BTC/USD', market('BTC', 'USD', {}, [{ name: 'okx_ws', off_chain_ticker: 'X' }, { name: 'okx_ws', off_chain_ticker: 'X' }])),
    `${M}.provider_configs[1]: duplicate provider "okx_ws" with off_chain_ticker "X"`],
  ['empty provider name', one('BTC/USD', market('BTC', 'USD', {}, [{ name: '', off_chain_ticker: 'X' }])), `${M}.provider_configs[0].name: must not be empty`],
  ['empty off_chain_ticker', one('BTC/USD', market('BTC', 'USD', {}, [{ name: 'okx_ws' }])), `${M}.provider_configs[0].off_chain_ticker: must not be empty`],
  ['invalid normalize_by_pair', one('BTC/USD', market('BTC', 'USD', {}, [{ name: 'okx_ws', off_chain_ticker: 'X', normalize_by_pair: pair('usdt', 'USD') }])),
    `${M}.provider_configs[0].normalize_by_pair.Base: must be upper-case, got "usdt"`],
  ['normalize_by_pair market missing', one('BTC/USD', market('BTC', 'USD', {}, [{ name: 'okx_ws', off_chain_ticker: 'X', normalize_by_pair: pair('USDT', 'USD') }])),
    `${M}.provider_configs[0].normalize_by_pair: market "USDT/USD" does not exist in the market map`],
  ['normalize_by_pair market disabled', { markets: {
    'BTC/USD': market('BTC', 'USD', {}, [{ name: 'okx_ws', off_chain_ticker: 'X', normalize_by_pair: pair('USDT', 'USD') }]),
    'USDT/USD': market('USDT', 'USD', { enabled: false }),
  } }, `${M}.provider_configs[0].normalize_by_pair: market "USDT/USD" must be enabled because the referring market is enabled`],
  ['ticker metadata is an array', one('BTC/USD', market('BTC', 'USD', { metadata_JSON: '[1]' })), `${M}.ticker.metadata_JSON: must be a JSON object`],
  ['provider metadata is not JSON', one('BTC/USD', market('BTC', 'USD', {}, [{ name: 'okx_ws', off_chain_ticker: 'X', metadata_JSON: '{nope' }])),
    `${M}.provider_configs[0].metadata_JSON: must be a JSON object:`],
  ['metadata too large', one('BTC/USD', market('BTC', 'USD', { metadata_JSON: JSON.stringify({ k: 'x'.repeat(16_400) }) })), `${M}.ticker.metadata_JSON: must be at most 16384 bytes`],
  ['decimals of wrong type', one('BTC/USD', market('BTC', 'USD', { decimals: '8' })), `${M}.ticker.decimals: must be a non-negative integer, got "8"`],
  ['negative min_provider_count', one('BTC/USD', market('BTC', 'USD', { min_provider_count: -1 })), `${M}.ticker.min_provider_count: must be a non-negative integer, got -1`],
  ['enabled of wrong type', one('BTC/USD', market('BTC', 'USD', { enabled: 'true' })), `${M}.ticker.enabled: must be a boolean, got string`],
  ['unknown key', one('BTC/USD', { ...market('BTC', 'USD'), providers: [] }), `${M}.providers: unknown key`],
  ['markets not an object', { markets: [] }, 'markets: must be an object, got array'],
  ['provider_configs not an array', one('BTC/USD', { ...market('BTC', 'USD'), provider_configs: {} }), `${M}.provider_configs: must be an array, got object`],
  ['document not an object', 'x', '(root): must be an object, got string'],
];

describe('parseMarketMap: invalid input', () => {
  it.each(INVALID)('%s', (_name, json, expected) => {
    const err = failure(json);
    expect(err.message).toContain(expected);
    expect(err.problems.some((p) => p.includes(expected) && p.endsWith(`(${SRC})`))).toBe(true);
  });

  it('collects every problem', () => {
    const err = failure({ markets: {
      'BTC/USD': market('BTC', 'USD', { decimals: 0 }),
      'ETH/USD': market('ETH', 'USD', { min_provider_count: 0 }),
    } });
    expect(err.problems).toEqual([
      `${M}.ticker.decimals: must be between 1 and 36, got 0 (${SRC})`,
      `markets["ETH/USD"].ticker.min_provider_count: must be >= 1, got 0 (${SRC})`,
    ]);
  });
});

describe('loadMarketMap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'market-'));

  it('names the file and the JSON syntax problem', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"markets": {');
    expect(() => loadMarketMap(path)).toThrow(ConfigError);
    expect(() => loadMarketMap(path)).toThrow(new RegExp(`invalid JSON: .*JSON.*\\(file ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
  });

  it('names the file in validation problems', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify(one('BTC/USD', market('BTC', 'USD', { decimals: 0 }))));
    expect(() => loadMarketMap(path)).toThrow(`${M}.ticker.decimals: must be between 1 and 36, got 0 (file ${path})`);
  });

  it('reports a missing file', () => {
    expect(() => loadMarketMap(join(dir, 'missing.json'))).toThrow(/cannot read market map.*missing\.json/);
  });
});

