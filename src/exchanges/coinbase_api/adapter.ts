/**
 * coinbase_api: Coinbase App (consumer) spot price, one ticker per request.
 *
 * API:    https://docs.cdp.coinbase.com/coinbase-app/track-apis/prices
 *         (GET /v2/prices/BTC-USD/spot, public, no key needed)
 * Limits: https://docs.cdp.coinbase.com/coinbase-app/api-architecture/rate-limiting
 *         (per-IP limits for public calls; not verified offline). The anchor's default is
 *         one request every 100 ms, round-robin over tickers, so each ticker refreshes
 *         every 100 ms × #tickers.
 * Symbol: BASE-QUOTE, e.g. BTC-USD, taken into the URL path (exchange-wire-formats.md §2.3).
 * Price:  `data.amount`, a decimal string; `data.currency` is not checked (as the anchor).
 *
 * Quirks and decisions:
 * - The answer carries no symbol, so it is attributed to the ticker the URL was built for.
 * - Non-atomic with batches of one. Given several tickers anyway, the URL is built for the
 *   first and parse fails the rest with UnableToCreateURL (4); the anchor failed them all.
 * - A body without an object `data` fails with FailedToDecode (12); a bad or missing
 *   `amount` with FailedToParsePrice (10).
 */
import { apiDefaults } from '../../config/provider-defaults.js';
import type { HttpExchange, ResolvedQuote, UnresolvedQuote } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { fillTemplate, isObject, quote, toResponse, unresolved } from '../util.js';

export const coinbaseApi = {
  kind: 'http',
  defaults: apiDefaults('coinbase_api', 'https://api.coinbase.com/v2/prices/%s/spot', { atomic: false, interval: 100 }),

  buildUrl(endpoint, tickers) {
    const first = tickers[0];
    if (first === undefined) return new Error('coinbase_api: no ticker to request');
    return fillTemplate(endpoint, [encodeURIComponent(first.offChainTicker)]);
  },

  parse(body, tickers) {
    const [first, ...rest] = tickers;
    const outcomes: (ResolvedQuote | UnresolvedQuote)[] = rest.map((t) =>
      unresolved(t, ErrorCode.UnableToCreateURL, 'coinbase_api requests one ticker at a time; only the first of the batch was requested'),
    );
    if (first !== undefined) {
      const data = isObject(body) ? body.data : undefined;
      outcomes.unshift(
        isObject(data)
          ? quote(first, data.amount)
          : unresolved(first, ErrorCode.FailedToDecode, 'expected a JSON object {data: {amount}}'),
      );
    }
    return toResponse(outcomes);
  },
} satisfies HttpExchange;
