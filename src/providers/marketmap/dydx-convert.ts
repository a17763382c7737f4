/**
 * dYdX x/prices market params → connect market map (connect providers/apis/dydx/parse.go,
 * utils.go, types/{query,exchange_config_json}.go; reference defi-and-dydx.md §B.3). Per
 * market param, in order:
 * - `pair` split on "-" into exactly 2 parts, upper-cased: the key `BASE/QUOTE`;
 *   decimals = −`exponent` (1..36), min_provider_count = `min_exchanges` (>= 1), enabled,
 *   no metadata; `id` and `min_price_change_ppm` are ignored.
 * - `exchange_config_json` is a string of JSON `{"exchanges":[{exchangeName, ticker,
 *   adjustByMarket?, invert?}]}`. Exact duplicates are dropped, exchanges outside
 *   PROVIDER_MAPPING skipped; adjustByMarket → normalize_by_pair (the same pair rule);
 *   off-chain ticker: mexc_ws drops "_", raydium_api keeps `F0/F1` of its "-" fields, the
 *   rest verbatim; uniswap and raydium get metadata_JSON (dydx-metadata.ts).
 * - A later market with the same key replaces an earlier one.
 *
 * Unlike connect, a market that fails conversion is dropped on its own (with a message
 * naming the field) instead of failing the whole response; the caller validates the rest.
 *
 * Uniswap `invert`: connect writes it into the pool metadata (the fetcher inverts the pool
 * price) AND onto the provider config (the aggregator inverts again), so the two cancel.
 * connect's own uniswap market maps set it in the metadata only, and dYdX means one
 * inversion; we write it into the metadata only (provider config invert false).
 */
import { isRecord } from '../../config/coerce.js';
import { assetProblem } from '../../config/market-map.js';
import type { CurrencyPair, Market, MarketMap, MarketProviderConfig } from '../../config/types.js';
import { raydiumMetadata, uniswapV3Metadata, type Metadata } from './dydx-metadata.js';

/** dYdX exchange name → connect provider name (parse.go ProviderMapping). Kraken maps to
 *  the REST provider on purpose: its WebSocket pairs are spelled differently. */
export const PROVIDER_MAPPING: Readonly<Record<string, string>> = {
  Binance: 'binance_ws',
  BinanceUS: 'binance_ws',
  Bitfinex: 'bitfinex_ws',
  Kraken: 'kraken_api',
  Gate: 'gate_ws',
  Bitstamp: 'bitstamp_api',
  Bybit: 'bybit_ws',
  CryptoCom: 'crypto_dot_com_ws',
  Huobi: 'huobi_ws',
  Kucoin: 'kucoin_ws',
  Okx: 'okx_ws',
  Mexc: 'mexc_ws',
  CoinbasePro: 'coinbase_ws',
  TestVolatileExchange: 'volatile-exchange-provider',
  Raydium: 'raydium_api',
  'UniswapV3-Ethereum': 'uniswapv3_api-ethereum',
  'UniswapV3-Base': 'uniswapv3_api-base',
  coinmarketcap_api: 'coinmarketcap_api',
};

/** A raw value and the path that names it in messages; `problem` when it could not even be
 *  decoded (then `value` is unused). */
export interface Field {
  at: string;
  value: unknown;
  problem?: string;
}

/** One market param, whatever its source (x/prices or the research JSON). `exchanges` is
 *  the decoded exchange list. */
export interface ParamFields {
  pair: Field;
  exponent: Field;
  minExchanges: Field;
  exchanges: Field;
}

export type ConvertedMarket = { ok: true; key: string; market: Market } | { ok: false; error: string };

/** The converted markets and, for each market that could not be converted, `path: reason`. */
export type ConvertedMap = { ok: true; map: MarketMap; dropped: string[] } | { ok: false; error: string };

class Bad extends Error {}

const fail = (at: string, message: string): never => {
  throw new Bad(`${at}: ${message}`);
};

/** A JSON integer, or an integer in a string (proto3 JSON allows both); else undefined. */
export function integer(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  return typeof v === 'string' && /^-?\d{1,15}$/.test(v) ? Number(v) : undefined;
}

/** CreateCurrencyPairFromPair: `BASE-QUOTE`, upper-cased, each a valid asset. */
export function pairFromDydx(f: Field): CurrencyPair {
  if (typeof f.value !== 'string') return fail(f.at, `must be a string BASE-QUOTE, got ${JSON.stringify(f.value) ?? 'nothing'}`);
  const parts = f.value.split('-');
  if (parts.length !== 2) return fail(f.at, `must be BASE-QUOTE (2 parts split on "-"), got ${JSON.stringify(f.value)}`);
  const [Base = '', Quote = ''] = parts.map((p) => p.toUpperCase());
  const problem = assetProblem(Base) ?? assetProblem(Quote);
  if (problem) fail(f.at, `${JSON.stringify(f.value)}: asset ${problem}`);
  return { Base, Quote };
}

function str(v: unknown, at: string): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : fail(at, `must be a string, got ${JSON.stringify(v)}`);
}

function exchangeEntry(v: unknown, at: string): { exchangeName: string; ticker: string; adjustByMarket: string; invert: boolean } {
  if (!isRecord(v)) return fail(at, 'must be an object {exchangeName, ticker, adjustByMarket?, invert?}');
  const invert = v.invert ?? false;
  if (typeof invert !== 'boolean') fail(`${at}.invert`, `must be a boolean, got ${JSON.stringify(invert)}`);
  return {
    exchangeName: str(v.exchangeName, `${at}.exchangeName`),
    ticker: str(v.ticker, `${at}.ticker`),
    adjustByMarket: str(v.adjustByMarket, `${at}.adjustByMarket`),
    invert: invert as boolean,
  };
}

/** ConvertDenomByProvider. */
function offChainTicker(ticker: string, provider: string, at: string): string {
  if (provider === 'mexc_ws') return ticker.replaceAll('_', '');
  if (provider !== 'raydium_api') return ticker;
  const fields = ticker.split('-');
  if (fields.length < 2) fail(at, `raydium ticker must have at least 2 fields split on "-", got ${JSON.stringify(ticker)}`);
  return `${fields[0]}/${fields[1]}`;
}

/** ExtractMetadata. */
function metadata(provider: string, ticker: string, invert: boolean): Metadata {
  if (provider.startsWith('uniswapv3_api')) return uniswapV3Metadata(ticker, invert);
  if (provider === 'raydium_api') return raydiumMetadata(ticker);
  return { ok: true, json: '' };
}

/** ConvertExchangeConfigJSON over the decoded `exchanges` list. */
export function providerConfigs(f: Field): MarketProviderConfig[] {
  if (f.problem !== undefined) fail(f.at, f.problem);
  if (f.value === undefined || f.value === null) return [];
  if (!Array.isArray(f.value)) return fail(f.at, 'must be an array of exchanges');
  const seen = new Set<string>();
  const out: MarketProviderConfig[] = [];
  f.value.forEach((raw: unknown, i) => {
    const at = `${f.at}[${i}]`;
    const e = exchangeEntry(raw, at);
    const id = JSON.stringify([e.exchangeName, e.ticker, e.adjustByMarket, e.invert]);
    if (seen.has(id)) return;
    seen.add(id);
    const name = PROVIDER_MAPPING[e.exchangeName];
    if (name === undefined) return;
    const normalize = e.adjustByMarket === '' ? null : pairFromDydx({ at: `${at}.adjustByMarket`, value: e.adjustByMarket });
    const ticker = offChainTicker(e.ticker, name, `${at}.ticker`);
    const meta = metadata(name, e.ticker, e.invert);
    if (!meta.ok) fail(`${at}.ticker`, meta.error);
    const uniswap = name.startsWith('uniswapv3_api');
    out.push({ name, off_chain_ticker: ticker, normalize_by_pair: normalize, invert: e.invert && !uniswap, metadata_JSON: meta.ok ? meta.json : '' });
  });
  return out;
}

/** One market param → its market (CreateTickerFromMarket + ConvertExchangeConfigJSON). */
export function marketFromParam(f: ParamFields): ConvertedMarket {
  try {
    const currency_pair = pairFromDydx(f.pair);
    const exponent = integer(f.exponent.value) ?? 0;
    if (exponent > -1 || exponent < -36) fail(f.exponent.at, `must be an integer between -36 and -1, got ${JSON.stringify(f.exponent.value) ?? 'nothing'}`);
    const min = integer(f.minExchanges.value) ?? 0;
    if (min < 1) fail(f.minExchanges.at, `must be an integer >= 1, got ${JSON.stringify(f.minExchanges.value) ?? 'nothing'}`);
    const provider_configs = providerConfigs(f.exchanges);
    const ticker = { currency_pair, decimals: -exponent, min_provider_count: min, enabled: true, metadata_JSON: '' };
    return { ok: true, key: `${currency_pair.Base}/${currency_pair.Quote}`, market: { ticker, provider_configs } };
  } catch (err) {
    if (err instanceof Bad) return { ok: false, error: err.message };
    throw err;
  }
}

/** Collects converted markets (a later key replaces an earlier one) and the failures. When
 *  the input had markets and none converted, the whole answer is an error: applying the
 *  resulting empty map would stop every price. */
export function collectMarkets(items: Array<{ fields: ParamFields; context: string }>): ConvertedMap {
  const markets: Record<string, Market> = {};
  const dropped: string[] = [];
  for (const { fields, context } of items) {
    const r = marketFromParam(fields);
    if (r.ok) markets[r.key] = r.market;
    else dropped.push(context ? `${r.error} (${context})` : r.error);
  }
  if (items.length > 0 && Object.keys(markets).length === 0) {
    return { ok: false, error: `none of the ${items.length} markets converts; first: ${dropped[0] ?? ''}` };
  }
  return { ok: true, map: { markets }, dropped };
}

/** The exchange list inside one x/prices `exchange_config_json` string. */
function exchangesOf(v: unknown, at: string): Field {
  const listAt = `${at}.exchanges`;
  if (typeof v !== 'string') return { at, value: v, problem: `must be a string of JSON, got ${JSON.stringify(v) ?? 'nothing'}` };
  let doc: unknown;
  try {
    doc = JSON.parse(v);
  } catch (err) {
    return { at, value: v, problem: `not valid JSON: ${(err as Error).message}` };
  }
  if (doc === null) return { at: listAt, value: [] };
  return isRecord(doc) ? { at: listAt, value: doc.exchanges } : { at, value: v, problem: 'must be a JSON object {"exchanges":[...]}' };
}

/** A QueryAllMarketParamsResponse body (REST `/dydxprotocol/prices/params/market`). */
export function convertMarketParams(body: unknown): ConvertedMap {
  if (!isRecord(body) || !Array.isArray(body.market_params)) return { ok: false, error: 'market_params: missing or not an array' };
  const items = (body.market_params as unknown[]).map((raw, i) => {
    const at = `market_params[${i}]`;
    const p = isRecord(raw) ? raw : {};
    const fields: ParamFields = {
      pair: { at: `${at}.pair`, value: p.pair },
      exponent: { at: `${at}.exponent`, value: p.exponent },
      minExchanges: { at: `${at}.min_exchanges`, value: p.min_exchanges },
      exchanges: exchangesOf(p.exchange_config_json, `${at}.exchange_config_json`),
    };
    return { fields, context: typeof p.pair === 'string' ? `pair ${JSON.stringify(p.pair)}` : '' };
  });
  return collectMarkets(items);
}
