/**
 * dYdX x/prices → market map (dydx-convert.ts, dydx-metadata.ts), on the vectors of connect's
 * providers/apis/dydx/{helper_test,parse_test}.go re-expressed, plus the per-market drops
 * that replace connect's whole-response rejection.
 */
import { describe, expect, it } from 'vitest';
import type { MarketProviderConfig } from '../../src/config/types.js';
import { convertMarketParams, marketFromParam, providerConfigs } from '../../src/providers/marketmap/dydx-convert.js';
import { base58Length, raydiumMetadata, uniswapV3Metadata } from '../../src/providers/marketmap/dydx-metadata.js';
import { validSubset } from '../../src/providers/marketmap/valid-subset.js';
import { feed, market, marketMap } from '../helpers/market.js';

type Ex = { exchangeName: string; ticker: string; adjustByMarket?: string; invert?: boolean };
const param = (pair: string, exponent: number, min: number, exchanges: Ex[]) =>
  ({ id: 0, pair, exponent, min_exchanges: min, min_price_change_ppm: 1000, exchange_config_json: JSON.stringify({ exchanges }) });
const usdt = (name: string, ticker: string): Ex => ({ exchangeName: name, ticker, adjustByMarket: 'USDT-USD' });

/** connect helper_test.go dYdXResponseValid: BTC-USD, ETH-USD, USDT-USD from mainnet. */
const mainnet = {
  market_params: [
    param('BTC-USD', -5, 3, [usdt('Binance', 'BTCUSDT'), usdt('Bybit', 'BTCUSDT'), { exchangeName: 'CoinbasePro', ticker: 'BTC-USD' }, usdt('Huobi', 'btcusdt'),
      { exchangeName: 'Kraken', ticker: 'XXBTZUSD' }, usdt('Kucoin', 'BTC-USDT'), usdt('Mexc', 'BTC_USDT'), usdt('Okx', 'BTC-USDT')]),
    param('ETH-USD', -6, 3, [usdt('Binance', 'ETHUSDT'), usdt('Bybit', 'ETHUSDT'), { exchangeName: 'CoinbasePro', ticker: 'ETH-USD' }, usdt('Huobi', 'ethusdt'),
      { exchangeName: 'Kraken', ticker: 'XETHZUSD' }, usdt('Kucoin', 'ETH-USDT'), usdt('Mexc', 'ETH_USDT'), usdt('Okx', 'ETH-USDT')]),
    param('USDT-USD', -9, 3, [{ exchangeName: 'Binance', ticker: 'USDCUSDT', invert: true }, { exchangeName: 'Bybit', ticker: 'USDCUSDT', invert: true },
      { exchangeName: 'CoinbasePro', ticker: 'USDT-USD' }, { exchangeName: 'Huobi', ticker: 'ethusdt', adjustByMarket: 'ETH-USD', invert: true },
      { exchangeName: 'Kraken', ticker: 'USDTZUSD' }, { exchangeName: 'Kucoin', ticker: 'BTC-USDT', adjustByMarket: 'BTC-USD', invert: true },
      { exchangeName: 'Okx', ticker: 'USDC-USDT', invert: true }]),
  ],
  pagination: { next_key: null, total: '58' },
};

const n = (name: string, ticker: string) => feed(name, ticker, { normalize: 'USDT/USD' });
/** connect helper_test.go convertedResponse. */
const expected = marketMap(
  market('BTC/USD', 5, 3, [n('binance_ws', 'BTCUSDT'), n('bybit_ws', 'BTCUSDT'), feed('coinbase_ws', 'BTC-USD'), n('huobi_ws', 'btcusdt'),
    feed('kraken_api', 'XXBTZUSD'), n('kucoin_ws', 'BTC-USDT'), n('mexc_ws', 'BTCUSDT'), n('okx_ws', 'BTC-USDT')]),
  market('ETH/USD', 6, 3, [n('binance_ws', 'ETHUSDT'), n('bybit_ws', 'ETHUSDT'), feed('coinbase_ws', 'ETH-USD'), n('huobi_ws', 'ethusdt'),
    feed('kraken_api', 'XETHZUSD'), n('kucoin_ws', 'ETH-USDT'), n('mexc_ws', 'ETHUSDT'), n('okx_ws', 'ETH-USDT')]),
  market('USDT/USD', 9, 3, [feed('binance_ws', 'USDCUSDT', { invert: true }), feed('bybit_ws', 'USDCUSDT', { invert: true }), feed('coinbase_ws', 'USDT-USD'),
    feed('huobi_ws', 'ethusdt', { normalize: 'ETH/USD', invert: true }), feed('kraken_api', 'USDTZUSD'),
    feed('kucoin_ws', 'BTC-USDT', { normalize: 'BTC/USD', invert: true }), feed('okx_ws', 'USDC-USDT', { invert: true })]),
);

const configs = (exchanges: unknown): MarketProviderConfig[] => providerConfigs({ at: 'x', value: exchanges });
const RAYDIUM = 'SMOLE-SOL-VDZ9kwvKRbqhNdsoRZyLVzAAQMbGY9akHbtM6YugViS-8-HiLcngHP5y1Jno53tuuNeFHKWhyyZp3XuxtKPszD6rG2-9-FeKBjZ5rBvHPyppHf11qjYxwaQuiympppCTQ5pC6om3F-5EgCcjkuE42YyTZY4QG8qTioUwNh6agTvJuNRyEqcqV1';
const RAYDIUM_META = '{"base_token_vault":{"token_vault_address":"VDZ9kwvKRbqhNdsoRZyLVzAAQMbGY9akHbtM6YugViS","token_decimals":8},"quote_token_vault":{"token_vault_address":"HiLcngHP5y1Jno53tuuNeFHKWhyyZp3XuxtKPszD6rG2","token_decimals":9},"amm_info_address":"5EgCcjkuE42YyTZY4QG8qTioUwNh6agTvJuNRyEqcqV1","open_orders_address":"FeKBjZ5rBvHPyppHf11qjYxwaQuiympppCTQ5pC6om3F"}';

describe('convertMarketParams (connect TestConvertMarketParamsToMarketMap)', () => {
  it('converts the mainnet sample exactly as connect, and the result validates whole', () => {
    const r = convertMarketParams(mainnet);
    expect(r).toEqual({ ok: true, map: expected, dropped: [] });
    if (!r.ok) return;
    expect(validSubset(r.map)).toEqual({ map: expected, removed: {}, droppedFeeds: [] });
  });

  it('converts an empty list to an empty map', () => {
    expect(convertMarketParams({ market_params: [] })).toEqual({ ok: true, map: { markets: {} }, dropped: [] });
  });

  it('rejects an answer without market_params', () => {
    expect(convertMarketParams({ pagination: {} })).toEqual({ ok: false, error: 'market_params: missing or not an array' });
    expect(convertMarketParams([])).toMatchObject({ ok: false });
  });

  it('drops a bad market on its own, naming the field, and keeps the rest (connect rejected all)', () => {
    const body = { market_params: [...mainnet.market_params, param('BAD-USD', 0, 3, []), param('XYZUSD', -5, 1, []),
      { pair: 'Q-USD', exponent: -5, min_exchanges: 1, exchange_config_json: '{"exchanges":[' }] };
    const r = convertMarketParams(body);
    expect(r.ok && Object.keys(r.map.markets)).toEqual(['BTC/USD', 'ETH/USD', 'USDT/USD']);
    expect(r.ok && r.dropped).toEqual([
      'market_params[3].exponent: must be an integer between -36 and -1, got 0 (pair "BAD-USD")',
      'market_params[4].pair: must be BASE-QUOTE (2 parts split on "-"), got "XYZUSD" (pair "XYZUSD")',
      expect.stringMatching(/^market_params\[5\]\.exchange_config_json: not valid JSON: .* \(pair "Q-USD"\)$/),
    ]);
  });

  it('rejects the whole answer when no market converts (an empty map would stop every price)', () => {
    const r = convertMarketParams({ market_params: [param('BAD-USD', 0, 3, [])] });
    expect(r).toEqual({ ok: false, error: 'none of the 1 markets converts; first: market_params[0].exponent: must be an integer between -36 and -1, got 0 (pair "BAD-USD")' });
  });

  it('lets a later market with the same key replace an earlier one', () => {
    const r = convertMarketParams({ market_params: [param('BTC-USD', -5, 1, [{ exchangeName: 'Kraken', ticker: 'A' }]), param('btc-usd', -8, 1, [{ exchangeName: 'Kraken', ticker: 'B' }])] });
    expect(r.ok && r.map).toEqual(marketMap(market('BTC/USD', 8, 1, [feed('kraken_api', 'B')])));
  });
});

describe('marketFromParam (connect TestCreateTickerFromMarket, TestCreateCurrencyPairFromMarket)', () => {
  const fields = (pair: unknown, exponent: unknown, min: unknown) => ({
    pair: { at: 'pair', value: pair }, exponent: { at: 'exponent', value: exponent }, minExchanges: { at: 'min_exchanges', value: min }, exchanges: { at: 'exchanges', value: [] },
  });
  it.each([
    ['BTC-USD', -8, 3, { ok: true, key: 'BTC/USD', market: { ticker: { currency_pair: { Base: 'BTC', Quote: 'USD' }, decimals: 8, min_provider_count: 3, enabled: true, metadata_JSON: '' }, provider_configs: [] } }],
    ['btc-usd', '-8', '3', { ok: true, key: 'BTC/USD' }],
    ['BTCUSD', -8, 3, { ok: false, error: 'pair: must be BASE-QUOTE (2 parts split on "-"), got "BTCUSD"' }],
    ['BTC-USD-X', -8, 3, { ok: false }],
    ['-USD', -8, 3, { ok: false, error: 'pair: "-USD": asset must not be empty' }],
    ['BTC-USD', -8, 0, { ok: false, error: 'min_exchanges: must be an integer >= 1, got 0' }],
    ['BTC-USD', 0, 3, { ok: false, error: 'exponent: must be an integer between -36 and -1, got 0' }],
    ['BTC-USD', 3, 3, { ok: false }],
    ['BTC-USD', -37, 3, { ok: false }],
    ['BTC-USD', -5.5, 3, { ok: false }],
    ['BTC-USD', undefined, 3, { ok: false, error: 'exponent: must be an integer between -36 and -1, got nothing' }],
    [5, -8, 3, { ok: false, error: 'pair: must be a string BASE-QUOTE, got 5' }],
  ])('%j exponent %j min %j', (pair, exponent, min, want) => {
    expect(marketFromParam(fields(pair, exponent, min))).toMatchObject(want);
  });
});

describe('providerConfigs (connect TestConvertExchangeConfigJSON)', () => {
  it.each([
    ['drops exact duplicates', [{ exchangeName: 'CoinbasePro', ticker: 'BTC-USD' }, { exchangeName: 'CoinbasePro', ticker: 'BTC-USD' }], [feed('coinbase_ws', 'BTC-USD')]],
    ['keeps invert', [{ exchangeName: 'Okx', ticker: 'USDC-USDT', invert: true }], [feed('okx_ws', 'USDC-USDT', { invert: true })]],
    ['maps adjustByMarket', [usdt('Okx', 'BTC-USDT')], [n('okx_ws', 'BTC-USDT')]],
    ['keeps invert with an adjust market', [{ exchangeName: 'Kucoin', ticker: 'BTC-USDT', adjustByMarket: 'BTC-USD', invert: true }],
      [feed('kucoin_ws', 'BTC-USDT', { normalize: 'BTC/USD', invert: true })]],
    ['skips an unknown exchange', [{ exchangeName: 'InvalidExchange', ticker: 'BTC-USD' }, { exchangeName: 'CoinbasePro', ticker: 'BTC-USD' }], [feed('coinbase_ws', 'BTC-USD')]],
    ['strips "_" for mexc', [usdt('Mexc', 'ETH_USDT')], [n('mexc_ws', 'ETHUSDT')]],
    ['maps BinanceUS and keeps Huobi lower case', [{ exchangeName: 'BinanceUS', ticker: 'BTCUSD' }, { exchangeName: 'Huobi', ticker: 'btcusdt' }],
      [feed('binance_ws', 'BTCUSD'), feed('huobi_ws', 'btcusdt')]],
    ['converts a raydium ticker and its metadata', [{ exchangeName: 'Raydium', ticker: RAYDIUM }],
      [{ ...feed('raydium_api', 'SMOLE/SOL'), metadata_JSON: RAYDIUM_META }]],
    ['converts a uniswap ticker to metadata', [{ exchangeName: 'UniswapV3-Ethereum', ticker: '0x0c30062368eEfB96bF3AdE1218E685306b8E89Fa-8-18', adjustByMarket: 'ETH-USD' }],
      [{ ...feed('uniswapv3_api-ethereum', '0x0c30062368eEfB96bF3AdE1218E685306b8E89Fa-8-18', { normalize: 'ETH/USD' }),
        metadata_JSON: '{"address":"0x0c30062368eEfB96bF3AdE1218E685306b8E89Fa","base_decimals":8,"quote_decimals":18,"invert":false}' }]],
    ['inverts a uniswap pool once: in the metadata, not on the feed', [{ exchangeName: 'UniswapV3-Base', ticker: '0xE7F6720C1F546217081667A5ab7fEbB688036856-8-18', invert: true }],
      [{ ...feed('uniswapv3_api-base', '0xE7F6720C1F546217081667A5ab7fEbB688036856-8-18'),
        metadata_JSON: '{"address":"0xE7F6720C1F546217081667A5ab7fEbB688036856","base_decimals":8,"quote_decimals":18,"invert":true}' }]],
    ['maps coinmarketcap_api to itself', [{ exchangeName: 'coinmarketcap_api', ticker: '1' }], [feed('coinmarketcap_api', '1')]],
    ['treats a missing list as empty', undefined, []],
  ])('%s', (_name, exchanges, want) => {
    expect(configs(exchanges)).toEqual(want);
  });

  it.each([
    [[{ exchangeName: 'CoinbasePro', ticker: 'BTC-USDT', adjustByMarket: 'USDTUSD' }], 'x[0].adjustByMarket: must be BASE-QUOTE (2 parts split on "-"), got "USDTUSD"'],
    [[{ exchangeName: 'Okx', ticker: 'A-B', invert: 'yes' }], 'x[0].invert: must be a boolean, got "yes"'],
    [[{ exchangeName: 'Okx', ticker: 7 }], 'x[0].ticker: must be a string, got 7'],
    [['Okx'], 'x[0]: must be an object {exchangeName, ticker, adjustByMarket?, invert?}'],
    [{ exchangeName: 'Okx' }, 'x: must be an array of exchanges'],
    [[{ exchangeName: 'Raydium', ticker: 'SMOLE' }], 'x[0].ticker: raydium ticker must have at least 2 fields split on "-", got "SMOLE"'],
    [[{ exchangeName: 'Raydium', ticker: 'BTC-USDT' }], 'x[0].ticker: raydium ticker must have at least 8 fields (BASE-QUOTE-BASE_VAULT-BASE_DECIMALS-QUOTE_VAULT-QUOTE_DECIMALS-OPEN_ORDERS-AMM_INFO), got 2'],
    [[{ exchangeName: 'UniswapV3-Ethereum', ticker: 'zzzzzz-8-18' }], 'x[0].ticker: uniswap pool address is not a valid ethereum address: "zzzzzz"'],
  ])('fails %j with %s', (exchanges, message) => {
    expect(() => configs(exchanges)).toThrow(message);
  });
});

describe('metadata (connect TestExtractMetadata)', () => {
  it.each([
    ['SMOLE-SOL-abc-6-def-7', 'raydium ticker must have at least 8 fields'],
    ['SMOLE-SOL-abc-6-def-7-x-y', 'raydium base token vault is not a base58 Solana public key: "abc"'],
    ['SMOLE-SOL-VDZ9kwvKRbqhNdsoRZyLVzAAQMbGY9akHbtM6YugViS-6-def-7-x-y', 'raydium quote token vault is not a base58 Solana public key: "def"'],
    ['SMOLE-SOL-VDZ9kwvKRbqhNdsoRZyLVzAAQMbGY9akHbtM6YugViS-a-HiLcngHP5y1Jno53tuuNeFHKWhyyZp3XuxtKPszD6rG2-7-x-y', 'raydium base decimals must be an unsigned integer, got "a"'],
    ['SMOLE-SOL-VDZ9kwvKRbqhNdsoRZyLVzAAQMbGY9akHbtM6YugViS-8-HiLcngHP5y1Jno53tuuNeFHKWhyyZp3XuxtKPszD6rG2-a-x-y', 'raydium quote decimals must be an unsigned integer, got "a"'],
    ['SMOLE-SOL-VDZ9kwvKRbqhNdsoRZyLVzAAQMbGY9akHbtM6YugViS-8-HiLcngHP5y1Jno53tuuNeFHKWhyyZp3XuxtKPszD6rG2-9-a-5EgCcjkuE42YyTZY4QG8qTioUwNh6agTvJuNRyEqcqV1', 'raydium open orders address'],
    ['SMOLE-SOL-VDZ9kwvKRbqhNdsoRZyLVzAAQMbGY9akHbtM6YugViS-8-HiLcngHP5y1Jno53tuuNeFHKWhyyZp3XuxtKPszD6rG2-9-FeKBjZ5rBvHPyppHf11qjYxwaQuiympppCTQ5pC6om3F-a', 'raydium AMM info address'],
  ])('raydium %s fails: %s', (ticker, message) => {
    const r = raydiumMetadata(ticker);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(message);
  });

  it('builds raydium metadata in connect\'s field order, ignoring extra fields', () => {
    expect(raydiumMetadata(RAYDIUM)).toEqual({ ok: true, json: RAYDIUM_META });
    expect(raydiumMetadata(`${RAYDIUM}-extra`)).toEqual({ ok: true, json: RAYDIUM_META });
  });

  it.each([
    ['0xabc123-abc', 'uniswap ticker must be ADDRESS-BASE_DECIMALS-QUOTE_DECIMALS (3 fields), got 2'],
    ['0xabc123-abc-12', 'uniswap base decimals must be an integer >= 0, got "abc"'],
    ['0xabc123-8-abc', 'uniswap quote decimals must be an integer >= 0, got "abc"'],
    ['0xabc123-99999999999999999999-18', 'uniswap base decimals must be an integer >= 0, got "99999999999999999999"'],
    ['zzzzzz-8-18', 'uniswap pool address is not a valid ethereum address: "zzzzzz"'],
  ])('uniswap %s fails: %s', (ticker, message) => {
    expect(uniswapV3Metadata(ticker, false)).toEqual({ ok: false, error: message });
  });

  it('builds uniswap metadata with the invert flag, as Go ParseInt reads "+8"', () => {
    expect(uniswapV3Metadata('0xE7F6720C1F546217081667A5ab7fEbB688036856-+8-018', true)).toEqual({
      ok: true, json: '{"address":"0xE7F6720C1F546217081667A5ab7fEbB688036856","base_decimals":8,"quote_decimals":18,"invert":true}',
    });
  });

  it('measures base58 byte lengths (leading "1"s are zero bytes)', () => {
    expect(base58Length('VDZ9kwvKRbqhNdsoRZyLVzAAQMbGY9akHbtM6YugViS')).toBe(32);
    expect(base58Length('11111111111111111111111111111111')).toBe(32);
    expect(base58Length('2')).toBe(1);
    expect(base58Length('0OIl')).toBeUndefined();
  });
});
