/**
 * coingecko_api: CoinGecko "Coin Price by IDs", every ticker in one request.
 *
 * API:    https://docs.coingecko.com/v3.0.1/reference/simple-price
 *         (GET <base>/simple/price?ids=bitcoin,ethereum&vs_currencies=usd,btc&precision=18)
 *         Public base https://api.coingecko.com/api/v3; with a Pro key the endpoint is
 *         https://pro-api.coingecko.com/api/v3 and the key goes in the configured header
 *         (`x-cg-pro-api-key`; Demo keys use `x-cg-demo-api-key`). The driver adds it.
 * Limits: https://docs.coingecko.com/reference/common-errors-rate-limit
 *         the keyless public API allows about 5-15 calls per minute, a Demo key 30
 *         (external, not verified offline); the anchor's default interval is 20 s.
 * Symbol: `<coin-id>/<vs_currency>` lower case, e.g. bitcoin/usd (coin ids as in
 *         /coins/list; exchange-wire-formats.md §2.4, §5).
 * Price:  the CoinGecko aggregate, a JSON number: body[coin-id][vs_currency].
 *
 * Quirks and decisions:
 * - The request is the cross product of the unique ids and unique vs currencies, in
 *   first-seen order; answers for pairs nobody asked for are ignored. Ids and currencies
 *   are lower-cased in the URL (CoinGecko's own spelling); the answer's `id/vs` key then
 *   finds the configured ticker through the three-spelling lookup.
 * - A ticker without exactly one `/` (or with an empty side) made the anchor fail the whole
 *   batch; here it is left out of the URL and fails alone with UnableToCreateURL (4).
 *   buildUrl fails only when no ticker is usable.
 * - Prices are JSON numbers, decoded as IEEE doubles: `precision=18` digits beyond about 16
 *   significant are lost (irrelevant for a median). A numeric string is accepted when it
 *   is a positive decimal (the anchor's typed decoder failed the whole body); anything else
 *   is FailedToParsePrice (10) for that ticker only.
 * - A body that is not a JSON object fails every ticker with FailedToDecode (12); an entry
 *   that is not an object is skipped; a ticker with no answer is NoResponse (7).
 */
import { apiDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { HttpExchange, ProviderTicker, ResolvedQuote, UnresolvedQuote } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { completeResponse, fillTemplate, isObject, quote, unresolved } from '../util.js';

/** `<coin-id>/<vs>` lower-cased, or undefined when the ticker does not have that shape. */
function split(ticker: ProviderTicker): [string, string] | undefined {
  const parts = ticker.offChainTicker.toLowerCase().split('/');
  return parts.length === 2 && parts[0] !== '' && parts[1] !== '' ? [parts[0] ?? '', parts[1] ?? ''] : undefined;
}

export const coingeckoApi = {
  kind: 'http',
  defaults: apiDefaults('coingecko_api', 'https://api.coingecko.com/api/v3', { atomic: true, interval: 20_000 }),

  buildUrl(endpoint, tickers) {
    const ids = new Set<string>();
    const quotes = new Set<string>();
    for (const [id, vs] of tickers.map(split).filter((s) => s !== undefined)) {
      ids.add(encodeURIComponent(id));
      quotes.add(encodeURIComponent(vs));
    }
    if (ids.size === 0) return new Error('coingecko_api: no ticker of the form <coin-id>/<vs_currency> to request');
    const base = fillTemplate(endpoint, []);
    if (base instanceof Error) return base;
    return `${base.replace(/\/+$/, '')}/simple/price?ids=${[...ids].join(',')}&vs_currencies=${[...quotes].join(',')}&precision=18`;
  },

  parse(body, tickers) {
    const outcomes = new Map<string, ResolvedQuote | UnresolvedQuote>();
    const usable = tickers.filter((t) => {
      if (split(t) !== undefined) return true;
      const reason = `off-chain ticker ${JSON.stringify(t.offChainTicker)} is not <coin-id>/<vs_currency>`;
      outcomes.set(t.offChainTicker, unresolved(t, ErrorCode.UnableToCreateURL, reason));
      return false;
    });
    if (!isObject(body)) {
      const reason = 'expected a JSON object {id: {vs: price}}';
      for (const t of usable) outcomes.set(t.offChainTicker, unresolved(t, ErrorCode.FailedToDecode, reason));
      return completeResponse(outcomes, tickers);
    }
    const index = new TickerIndex(usable);
    for (const [id, prices] of Object.entries(body)) {
      if (!isObject(prices)) continue;
      for (const [vs, price] of Object.entries(prices)) {
        const ticker = index.lookup(`${id}/${vs}`);
        if (ticker !== undefined) outcomes.set(ticker.offChainTicker, quote(ticker, price));
      }
    }
    return completeResponse(outcomes, tickers);
  },
} satisfies HttpExchange;
