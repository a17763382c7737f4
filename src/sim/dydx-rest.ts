/**
 * The simulated dYdX node's REST bodies, in the wire format connect's dYdX providers read
 * (reference defi-and-dydx.md §B.2, §B.5, §B.6):
 * - x/prices `GET /dydxprotocol/prices/params/market?pagination.limit=N`: the Cosmos gRPC
 *   gateway's snake_case QueryAllMarketParamsResponse, with `exchange_config_json` a string
 *   of JSON `{"exchanges":[...]}` and `pagination.total` a decimal string;
 * - the research JSON (dydxprotocol/v4-web public/configs/otherMarketData.json): markets keyed
 *   by base asset, `exchangeConfigJson` a real array, `meta.cmcId`.
 * Pure functions of the market list.
 */

/** One exchange of a dYdX market's exchange config. */
export interface DydxExchange {
  exchangeName: string;
  ticker: string;
  adjustByMarket?: string;
  invert?: boolean;
}

/** One dYdX market as the simulator holds it. */
export interface DydxMarket {
  /** `BASE-QUOTE`, e.g. `BTC-USD`. */
  pair: string;
  /** Negative: the price has −exponent decimals. */
  exponent: number;
  minExchanges: number;
  exchanges: DydxExchange[];
  /** The CoinMarketCap id served in the research JSON's `meta` (omitted when undefined). */
  cmcId?: number;
  /** Served verbatim as `exchange_config_json` instead of the exchanges (to inject bad JSON). */
  rawExchangeConfigJson?: string;
}

export const PRICES_PATH = '/dydxprotocol/prices/params/market';
export const RESEARCH_PATH = '/configs/otherMarketData.json';

const exchangeJson = (m: DydxMarket): string => m.rawExchangeConfigJson ?? JSON.stringify({ exchanges: m.exchanges });

/** The x/prices answer; `limit` as the gateway's pagination.limit (absent: all). */
export function marketParamsBody(markets: readonly DydxMarket[], limit?: number): object {
  const page = limit === undefined ? markets : markets.slice(0, limit);
  return {
    market_params: page.map((m, id) => ({
      id,
      pair: m.pair,
      exponent: m.exponent,
      min_exchanges: m.minExchanges,
      min_price_change_ppm: 1000,
      exchange_config_json: exchangeJson(m),
    })),
    pagination: { next_key: null, total: String(markets.length) },
  };
}

/** The research JSON, keyed by the pair's base asset (a later market with the same base wins). */
export function researchBody(markets: readonly DydxMarket[]): object {
  const out: Record<string, object> = {};
  markets.forEach((m, id) => {
    const base = m.pair.split('-')[0] ?? m.pair;
    const params = { id, ticker: m.pair, priceExponent: m.exponent, minExchanges: m.minExchanges, minPriceChange: 4000, exchangeConfigJson: m.exchanges };
    out[base] = m.cmcId === undefined ? { params, meta: {} } : { params, meta: { cmcId: m.cmcId } };
  });
  return out;
}

/** `pagination.limit` of a request URL, if a positive integer. */
export function pageLimit(url: URL): number | undefined {
  const raw = url.searchParams.get('pagination.limit');
  return raw !== null && /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : undefined;
}
