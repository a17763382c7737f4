/**
 * Market maps for the warm-up benchmark (warmup.ts). Every provider ticker in them is one the
 * simulator lists (src/sim/symbols.ts: every asset in its book against USDT, USDC, USD and BTC
 * on the exchanges whose sim.ts resolves arbitrary assets), so every market can be priced.
 *
 * - `spreadMap`: the 1000-market map of scenario (b), WebSocket and HTTP providers.
 * - `dydxMap`: the dYdX-sized map of scenario (c), built the way a dYdX chain's map is: x/prices
 *   market params (pair, exponent, min_exchanges, exchange_config_json with dYdX exchange
 *   names and tickers, adjustByMarket) converted by the side-car's own dYdX conversion
 *   (src/providers/marketmap/dydx-convert.ts), plus the repository's major markets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Market, MarketMap, MarketProviderConfig } from '../src/config/types.js';
import { convertMarketParams, PROVIDER_MAPPING } from '../src/providers/marketmap/dydx-convert.js';
import { ROOT } from './common.js';

type Norm = 'USDT' | 'USDC' | 'BTC' | null;

const pc = (name: string, ticker: string, norm: Norm): MarketProviderConfig => ({
  name, off_chain_ticker: ticker, normalize_by_pair: norm ? { Base: norm, Quote: 'USD' } : null, invert: false, metadata_JSON: '',
});
const tickerOf = (base: string, min: number, decimals = 8): Market['ticker'] => ({
  currency_pair: { Base: base, Quote: 'USD' }, decimals, min_provider_count: min, enabled: true, metadata_JSON: '',
});

/** Scenario (b)'s feeds, in rotation: USD books read directly, USDT books normalised by USDT/USD. */
const SPREAD: ReadonlyArray<(a: string) => MarketProviderConfig> = [
  (a) => pc('coinbase_ws', `${a}-USD`, null),
  (a) => pc('okx_ws', `${a}-USDT`, 'USDT'),
  (a) => pc('binance_ws', `${a}USDT`, 'USDT'),
  (a) => pc('binance_api', `${a}USDT`, 'USDT'),
  (a) => pc('bybit_ws', `${a}USDT`, 'USDT'),
  (a) => pc('gate_ws', `${a}_USDT`, 'USDT'),
  (a) => pc('bitstamp_api', `${a}/USD`, null),
  (a) => pc('kucoin_ws', `${a}-USDT`, 'USDT'),
];

/** 999 assets × 3 consecutive feeds of SPREAD (min_provider_count 1), plus USDT/USD. */
export function spreadMap(assets: readonly string[]): MarketMap {
  const markets: Record<string, Market> = {
    'USDT/USD': { ticker: tickerOf('USDT', 1), provider_configs: [pc('coinbase_ws', 'USDT-USD', null), pc('bitstamp_api', 'USDT/USD', null)] },
  };
  assets.forEach((a, i) => {
    const feeds = [0, 1, 2].map((k) => (SPREAD[(i + k) % SPREAD.length] as (a: string) => MarketProviderConfig)(a));
    markets[`${a}/USD`] = { ticker: tickerOf(a, 1), provider_configs: feeds };
  });
  return { markets };
}

/** Deterministic [0, 1) generator (mulberry32), so the map is the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A long-tail dYdX market's exchanges: name, how often it appears, its ticker in dYdX's
 * spelling and the market it is adjusted by. USDT books dominate, as on dYdX mainnet.
 */
const DYDX_EXCHANGES: ReadonlyArray<{ name: string; share: number; ticker: (a: string) => string; adjust: string }> = [
  { name: 'Okx', share: 0.8, ticker: (a) => `${a}-USDT`, adjust: 'USDT-USD' },
  { name: 'Gate', share: 0.7, ticker: (a) => `${a}_USDT`, adjust: 'USDT-USD' },
  { name: 'Mexc', share: 0.7, ticker: (a) => `${a}_USDT`, adjust: 'USDT-USD' },
  { name: 'Bybit', share: 0.6, ticker: (a) => `${a}USDT`, adjust: 'USDT-USD' },
  { name: 'Kucoin', share: 0.6, ticker: (a) => `${a}-USDT`, adjust: 'USDT-USD' },
  { name: 'Binance', share: 0.5, ticker: (a) => `${a}USDT`, adjust: 'USDT-USD' },
  { name: 'Huobi', share: 0.4, ticker: (a) => `${a.toLowerCase()}usdt`, adjust: 'USDT-USD' },
  { name: 'CoinbasePro', share: 0.3, ticker: (a) => `${a}-USD`, adjust: '' },
  { name: 'CryptoCom', share: 0.15, ticker: (a) => `${a}_USD`, adjust: '' },
  { name: 'Bitstamp', share: 0.05, ticker: (a) => `${a}/USD`, adjust: '' },
  { name: 'Bitfinex', share: 0.05, ticker: (a) => `${a}USD`, adjust: '' },
];

/** One x/prices market param for a long-tail asset (3 to 12 exchanges, min_exchanges 3). */
function longTailParam(asset: string, i: number, rnd: () => number): object {
  let chosen = DYDX_EXCHANGES.filter((e) => rnd() < e.share);
  for (const e of DYDX_EXCHANGES) if (chosen.length < 3 && !chosen.includes(e)) chosen.push(e);
  chosen = DYDX_EXCHANGES.filter((e) => chosen.includes(e));
  const exchanges: object[] = chosen.map((e) => ({ exchangeName: e.name, ticker: e.ticker(asset), ...(e.adjust ? { adjustByMarket: e.adjust } : {}) }));
  // A few markets also read a USDC or a BTC book, normalised by USDC/USD or BTC/USD.
  if (i % 25 === 7) exchanges.push({ exchangeName: 'Okx', ticker: `${asset}-USDC`, adjustByMarket: 'USDC-USD' });
  if (i % 25 === 19) exchanges.push({ exchangeName: 'Binance', ticker: `${asset}BTC`, adjustByMarket: 'BTC-USD' });
  return { id: 100 + i, pair: `${asset}-USD`, exponent: -(6 + (i % 7)), min_exchanges: 3, min_price_change_ppm: 2500, exchange_config_json: JSON.stringify({ exchanges }) };
}

/**
 * The repository's market.json (BTC, ETH, SOL, USDT, USDC, ATOM, OSMO, TIA, DYDX, DOGE), each
 * kept to the providers a dYdX map can name (PROVIDER_MAPPING), with its min_provider_count
 * capped by what is left. These carry the USDT/USD, USDC/USD, BTC/USD and ETH/USD normalisers.
 */
function majors(): Record<string, Market> {
  const allowed = new Set(Object.values(PROVIDER_MAPPING));
  const file = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as { markets: Record<string, { ticker: Market['ticker']; provider_configs: Array<Partial<MarketProviderConfig> & { name: string; off_chain_ticker: string }> }> };
  const out: Record<string, Market> = {};
  for (const [key, m] of Object.entries(file.markets)) {
    const configs = m.provider_configs.filter((p) => allowed.has(p.name)).map((p) => ({ normalize_by_pair: null, invert: false, metadata_JSON: '', ...p }));
    if (configs.length === 0) continue;
    out[key] = { ticker: { ...m.ticker, min_provider_count: Math.min(m.ticker.min_provider_count, configs.length) }, provider_configs: configs };
  }
  return out;
}

/** Scenario (c): `assets.length` long-tail markets through the dYdX conversion, plus the majors. */
export function dydxMap(assets: readonly string[]): MarketMap {
  const rnd = random(17);
  const converted = convertMarketParams({ market_params: assets.map((a, i) => longTailParam(a, i, rnd)) });
  if (!converted.ok || converted.dropped.length > 0) throw new Error(`dYdX map: ${converted.ok ? converted.dropped.join('; ') : converted.error}`);
  return { markets: { ...majors(), ...converted.map.markets } };
}

/** Distinct provider names of a map. */
export function providersOf(map: MarketMap): string[] {
  return [...new Set(Object.values(map.markets).flatMap((m) => m.provider_configs.map((p) => p.name)))].sort();
}
