/**
 * The research JSON, the mainnet-first merge and CoinMarketCap mode (dydx-research.ts), on
 * the vectors of connect's providers/apis/dydx/{research_api_handler,multi_market_map_fetcher}_test.go.
 */
import { describe, expect, it } from 'vitest';
import { coinMarketCapOnly, convertResearch, mergeMainnetFirst } from '../../src/providers/marketmap/dydx-research.js';
import { feed, market, marketMap } from '../helpers/market.js';

/** connect research_api_handler_test.go: the 1INCH entry. */
const oneInch = (cmcId?: number) => ({
  params: {
    id: 0, ticker: '1INCH-USD', priceExponent: -10.0, minExchanges: 3, minPriceChange: 4000,
    exchangeConfigJson: [
      { exchangeName: 'Binance', ticker: '1INCHUSDT' }, { exchangeName: 'CoinbasePro', ticker: '1INCH-USD' },
      { exchangeName: 'Gate', ticker: '1INCH_USDT' }, { exchangeName: 'Kucoin', ticker: '1INCH-USDT' },
      { exchangeName: 'Mexc', ticker: '1INCH_USDT' }, { exchangeName: 'Okx', ticker: '1INCH-USDT' },
    ],
  },
  meta: cmcId === undefined ? {} : { cmcId },
});

const oneInchMarket = market('1INCH/USD', 10, 3, [feed('binance_ws', '1INCHUSDT'), feed('coinbase_ws', '1INCH-USD'), feed('gate_ws', '1INCH_USDT'),
  feed('kucoin_ws', '1INCH-USDT'), feed('mexc_ws', '1INCHUSDT'), feed('okx_ws', '1INCH-USDT')]);

describe('convertResearch', () => {
  it('converts an entry by the x/prices rules (connect TestParseResponseResearchAPI)', () => {
    expect(convertResearch({ '1INCH': oneInch(8104) }, false)).toEqual({ ok: true, map: marketMap(oneInchMarket), dropped: [] });
  });

  it('in CMC mode gives each entry one coinmarketcap_api feed with its id and min 1 (connect TestParseResponseResearchCMCAPI)', () => {
    expect(convertResearch({ '1INCH': oneInch(1) }, true)).toEqual({
      ok: true, map: marketMap(market('1INCH/USD', 10, 1, [feed('coinmarketcap_api', '1')])), dropped: [],
    });
  });

  it('truncates a fractional priceExponent as Go does', () => {
    const entry = oneInch();
    entry.params.priceExponent = -6.9;
    const r = convertResearch({ X: entry }, false);
    expect(r.ok && r.map.markets['1INCH/USD']?.ticker.decimals).toBe(6);
  });

  it('drops an entry without params on its own (connect rejected the whole file)', () => {
    const r = convertResearch({ '1INCH': oneInch(8104), EMPTY: {} }, false);
    expect(r).toEqual({ ok: true, map: marketMap(oneInchMarket), dropped: ['research["EMPTY"].params.ticker: must be a string BASE-QUOTE, got nothing'] });
  });

  it('rejects a file whose only entry cannot convert, and one that is not an object', () => {
    expect(convertResearch({ '1INCH': {} }, false)).toMatchObject({ ok: false });
    expect(convertResearch([], false)).toEqual({ ok: false, error: 'research JSON: must be an object of markets keyed by name' });
  });

  it('in CMC mode skips entries without a positive cmcId (connect kept a missing one as ticker "0")', () => {
    const r = convertResearch({ A: oneInch(), B: oneInch(-1), C: oneInch(0) }, true);
    expect(r.ok && r.map).toEqual({ markets: {} });
    expect(r.ok && r.dropped).toEqual([
      'research["A"].meta.cmcId: no positive CoinMarketCap id, got nothing; skipped',
      'research["B"].meta.cmcId: no positive CoinMarketCap id, got -1; skipped',
      'research["C"].meta.cmcId: no positive CoinMarketCap id, got 0; skipped',
    ]);
  });
});

describe('mergeMainnetFirst (connect TestDYDXMultiMarketMapFetcher)', () => {
  const btc = market('BTC/USD', 8, 1, [feed('kraken_api', 'XXBTZUSD')]);
  const eth = market('ETH/USD', 8, 1, [feed('kraken_api', 'XETHZUSD')]);

  it('adds the research markets mainnet lacks', () => {
    expect(Object.keys(mergeMainnetFirst(marketMap(btc), marketMap(eth)).markets)).toEqual(['BTC/USD', 'ETH/USD']);
  });

  it('keeps the mainnet market on a conflict', () => {
    const other = market('BTC/USD', 5, 2, [feed('okx_ws', 'BTC-USDT'), feed('binance_ws', 'BTCUSDT')]);
    expect(mergeMainnetFirst(marketMap(btc), marketMap(other, eth))).toEqual(marketMap(btc, eth));
  });
});

describe('coinMarketCapOnly', () => {
  const research = marketMap(market('BTC/USD', 8, 1, [feed('coinmarketcap_api', '1')]), market('ETH/USD', 8, 1, [feed('coinmarketcap_api', '1027')]));

  it('takes the research cmcId for a mainnet market, keeping the mainnet ticker with min 1', () => {
    const merged = marketMap(market('BTC/USD', 5, 3, [feed('kraken_api', 'XXBTZUSD'), feed('okx_ws', 'BTC-USDT')]));
    expect(coinMarketCapOnly(merged, research)).toEqual({ map: marketMap(market('BTC/USD', 5, 1, [feed('coinmarketcap_api', '1')])), dropped: [] });
  });

  it('keeps a market\'s own coinmarketcap_api feed (the last one) over the research id', () => {
    const merged = marketMap(market('BTC/USD', 5, 3, [feed('coinmarketcap_api', '7'), feed('kraken_api', 'X'), feed('coinmarketcap_api', '9')]));
    expect(coinMarketCapOnly(merged, research).map).toEqual(marketMap(market('BTC/USD', 5, 1, [feed('coinmarketcap_api', '9')])));
  });

  it('drops a market with no CoinMarketCap id anywhere, saying so', () => {
    const merged = marketMap(market('SOL/USD', 8, 2, [feed('kraken_api', 'SOLUSD')]));
    expect(coinMarketCapOnly(merged, research)).toEqual({
      map: { markets: {} },
      dropped: ['markets["SOL/USD"]: no coinmarketcap_api feed and no CoinMarketCap id for it in the research JSON; dropped'],
    });
  });
});
