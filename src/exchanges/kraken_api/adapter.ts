/**
 * kraken_api: Kraken spot "Get Ticker Information", all pairs in one request.
 *
 * API:    https://docs.kraken.com/api/docs/rest-api/get-ticker-information
 *         (GET /0/public/Ticker?pair=XXBTZUSD,XETHZUSD)
 * Limits: https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits
 *         public endpoints are limited per IP (about one call per second (external, not
 *         verified offline)); the anchor's default interval is 600 ms.
 * Symbol: Kraken's canonical REST pair key, which is also the `result` key it answers with:
 *         XXBTZUSD, XETHZUSD, SOLUSD (exchange-wire-formats.md §2.6, §5). Asking for an
 *         alias (XBTUSD) gets the canonical key back, which then will not match.
 * Price:  result[KEY].c[0], the last closed trade price, a decimal string.
 *
 * Quirks and decisions:
 * - `pair=%s` is filled with the raw comma-joined tickers (each URI-encoded, a no-op for
 *   Kraken's alphanumeric keys).
 * - A non-empty `error` array fails every ticker. The anchor files this under its unknown
 *   error; we use APIGeneral (13), "general api error", with Kraken's messages in the
 *   reason, since it is the exchange's own API error and not an unknown condition.
 * - `error`/`result` absent or null are read as empty (Go's zero values). A body that is
 *   not an object, an `error` that is not an array or a `result` that is not an object
 *   fails every ticker with FailedToDecode (12).
 * - Per result key: an entry without a `c` array is FailedToDecode (12) for that ticker,
 *   a bad `c[0]` is FailedToParsePrice (10). Unknown keys are skipped. A ticker with no
 *   result key fails with NoResponse (7).
 */
import { apiDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { HttpExchange, ResolvedQuote, UnresolvedQuote } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { completeResponse, failAll, fillTemplate, isObject, quote, unresolved } from '../util.js';

export const krakenApi = {
  kind: 'http',
  defaults: apiDefaults('kraken_api', 'https://api.kraken.com/0/public/Ticker?pair=%s', { atomic: true, interval: 600 }),

  buildUrl(endpoint, tickers) {
    if (tickers.length === 0) return new Error('kraken_api: no tickers to request');
    return fillTemplate(endpoint, [tickers.map((t) => encodeURIComponent(t.offChainTicker)).join(',')]);
  },

  parse(body, tickers) {
    if (!isObject(body)) return failAll(tickers, ErrorCode.FailedToDecode, 'expected a JSON object {error, result}');
    const errors = body.error ?? [];
    const result = body.result ?? {};
    if (!Array.isArray(errors) || !isObject(result)) {
      return failAll(tickers, ErrorCode.FailedToDecode, 'expected `error` to be an array and `result` an object');
    }
    if (errors.length > 0) {
      return failAll(tickers, ErrorCode.APIGeneral, `kraken error: ${errors.map(String).join('; ').slice(0, 200)}`);
    }
    const index = new TickerIndex(tickers);
    const outcomes = new Map<string, ResolvedQuote | UnresolvedQuote>();
    for (const [key, entry] of Object.entries(result)) {
      const ticker = index.lookup(key);
      if (ticker === undefined) continue;
      const last = isObject(entry) && Array.isArray(entry.c) ? (entry.c as unknown[]) : undefined;
      outcomes.set(
        ticker.offChainTicker,
        last === undefined
          ? unresolved(ticker, ErrorCode.FailedToDecode, `result ${key} has no "c" array`)
          : quote(ticker, last[0]),
      );
    }
    return completeResponse(outcomes, tickers);
  },
} satisfies HttpExchange;
