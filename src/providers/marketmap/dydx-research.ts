/**
 * The dYdX research JSON and the two research providers' merge (connect
 * providers/apis/dydx/research_api_handler.go, multi_market_map_fetcher.go,
 * types/research_json.go; reference defi-and-dydx.md §B.5).
 *
 * Research JSON: `{"<KEY>": {"params": {"ticker": "1INCH-USD", "priceExponent": -10,
 * "minExchanges": 3, "exchangeConfigJson": [{exchangeName, ticker, ...}]}, "meta":
 * {"cmcId": 8104}}}`. Each entry is a market param (pair = `ticker`, `priceExponent`
 * truncated to an integer, the exchanges a real array) converted by the rules of
 * dydx-convert.ts. In CoinMarketCap mode each entry instead gets the one exchange
 * `coinmarketcap_api` with ticker = the decimal cmcId, and min_exchanges 1.
 *
 * Departures from connect (each for the operator's sake):
 * - an entry that fails conversion is dropped on its own; connect rejected the whole file;
 * - in CMC mode an entry without a positive cmcId is skipped; connect skipped only negative
 *   ids and turned a missing one into the ticker "0", which CoinMarketCap does not have;
 * - a mainnet market without a coinmarketcap_api feed takes the cmcId of the research entry
 *   for the same market; connect looked it up in a static CoinMarketCap market map compiled
 *   into its binary, which goes stale and which we do not copy. No id: the market is dropped,
 *   as connect drops a market missing from its static map.
 */
import { isRecord } from '../../config/coerce.js';
import type { Market, MarketMap } from '../../config/types.js';
import { collectMarkets, integer, type ConvertedMap, type ParamFields } from './dydx-convert.js';

export const CMC_PROVIDER = 'coinmarketcap_api';

/** A positive integer CoinMarketCap id, or undefined. */
function cmcId(v: unknown): number | undefined {
  const id = integer(v);
  return id !== undefined && id > 0 ? id : undefined;
}

/** The research JSON → market map; `cmcOnly` for dydx_research_coinmarketcap_api. */
export function convertResearch(body: unknown, cmcOnly: boolean): ConvertedMap {
  if (!isRecord(body)) return { ok: false, error: 'research JSON: must be an object of markets keyed by name' };
  const skipped: string[] = [];
  const items: Array<{ fields: ParamFields; context: string }> = [];
  for (const [key, entry] of Object.entries(body)) {
    const at = `research[${JSON.stringify(key)}]`;
    const e = isRecord(entry) ? entry : {};
    const p = isRecord(e.params) ? e.params : {};
    const meta = isRecord(e.meta) ? e.meta : {};
    const exponent = typeof p.priceExponent === 'number' ? Math.trunc(p.priceExponent) : p.priceExponent;
    const fields: ParamFields = {
      pair: { at: `${at}.params.ticker`, value: p.ticker },
      exponent: { at: `${at}.params.priceExponent`, value: exponent },
      minExchanges: { at: `${at}.params.minExchanges`, value: p.minExchanges },
      exchanges: { at: `${at}.params.exchangeConfigJson`, value: p.exchangeConfigJson },
    };
    if (cmcOnly) {
      const id = cmcId(meta.cmcId);
      if (id === undefined) {
        skipped.push(`${at}.meta.cmcId: no positive CoinMarketCap id, got ${JSON.stringify(meta.cmcId) ?? 'nothing'}; skipped`);
        continue;
      }
      fields.minExchanges = { at: `${at}.meta.cmcId`, value: 1 };
      fields.exchanges = { at: `${at}.meta.cmcId`, value: [{ exchangeName: CMC_PROVIDER, ticker: String(id) }] };
    }
    items.push({ fields, context: '' });
  }
  const converted = collectMarkets(items);
  return converted.ok ? { ...converted, dropped: [...converted.dropped, ...skipped] } : converted;
}

/** Mainnet markets, plus the research markets whose key mainnet lacks (mainnet wins). */
export function mergeMainnetFirst(mainnet: MarketMap, research: MarketMap): MarketMap {
  const markets: Record<string, Market> = { ...mainnet.markets };
  for (const [key, m] of Object.entries(research.markets)) if (!(key in markets)) markets[key] = m;
  return { markets };
}

/**
 * CMC mode over the merged map: every market gets min_provider_count 1 and exactly one
 * coinmarketcap_api feed: its own (the last one, as connect keeps), else the research
 * entry's for the same key, else the market is dropped (listed in `dropped`).
 */
export function coinMarketCapOnly(merged: MarketMap, research: MarketMap): { map: MarketMap; dropped: string[] } {
  const markets: Record<string, Market> = {};
  const dropped: string[] = [];
  for (const [key, m] of Object.entries(merged.markets)) {
    const own = m.provider_configs.filter((pc) => pc.name === CMC_PROVIDER).at(-1);
    const fromResearch = research.markets[key]?.provider_configs.filter((pc) => pc.name === CMC_PROVIDER).at(-1);
    const feed = own ?? fromResearch;
    if (!feed) {
      dropped.push(`markets[${JSON.stringify(key)}]: no ${CMC_PROVIDER} feed and no CoinMarketCap id for it in the research JSON; dropped`);
      continue;
    }
    markets[key] = { ticker: { ...m.ticker, min_provider_count: 1 }, provider_configs: [feed] };
  }
  return { map: { markets }, dropped };
}
