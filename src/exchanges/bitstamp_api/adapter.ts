/**
 * bitstamp_api: Bitstamp "All currency pairs tickers", every market in one request.
 *
 * API:    https://www.bitstamp.net/api/#tag/Tickers/operation/GetCurrencyPairTickers
 *         (GET /api/v2/ticker/, public, no parameters: every market Bitstamp lists)
 * Limits: https://www.bitstamp.net/api/#section/Request-limits
 *         400 requests per second per client, 10 000 per 10 minutes by default; the
 *         anchor's 3 s interval costs 200 per 10 minutes (external, not verified offline).
 * Symbol: the `pair` field, `BASE/QUOTE` upper case, e.g. BTC/USD
 *         (exchange-wire-formats.md §2.2, §5).
 * Price:  `last`, the last trade price, a decimal string (every field is a string).
 *
 * Quirks and decisions:
 * - The endpoint takes no `%s`; a template with one is rejected (UnableToCreateURL, 4).
 * - connect's default market map configures `bitstamp_api` with `hbarusd`, which can never
 *   equal a `pair` like `HBAR/USD` under the anchor's three-spelling lookup, so that feed
 *   never delivered. We also try the compact form of each pair (`HBARUSD`, slash removed)
 *   against the same three spellings, so both `HBAR/USD` and `hbarusd` (the spelling
 *   Bitstamp uses in its URLs and WebSocket channels) work. If both spellings of one pair
 *   are configured, both are fed.
 * - Body must be a JSON array, else every ticker fails with FailedToDecode (12). Rows that
 *   are not `{pair: string}` objects and pairs not asked for are skipped; a bad `last` is
 *   FailedToParsePrice (10); a ticker with no row is NoResponse (7). A repeated pair: the
 *   last row wins.
 */
import { apiDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { HttpExchange, ResolvedQuote, UnresolvedQuote } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { completeResponse, failAll, fillTemplate, isObject, quote } from '../util.js';

export const bitstampApi = {
  kind: 'http',
  defaults: apiDefaults('bitstamp_api', 'https://www.bitstamp.net/api/v2/ticker/', { atomic: true, interval: 3000 }),

  buildUrl(endpoint, tickers) {
    if (tickers.length === 0) return new Error('bitstamp_api: no tickers to request');
    return fillTemplate(endpoint, []);
  },

  parse(body, tickers) {
    if (!Array.isArray(body)) return failAll(tickers, ErrorCode.FailedToDecode, 'expected a JSON array of {pair, last}');
    const index = new TickerIndex(tickers);
    const outcomes = new Map<string, ResolvedQuote | UnresolvedQuote>();
    for (const row of body as unknown[]) {
      if (!isObject(row) || typeof row.pair !== 'string') continue;
      const matches = new Set([index.lookup(row.pair), index.lookup(row.pair.replace('/', ''))]);
      for (const ticker of matches) {
        if (ticker !== undefined) outcomes.set(ticker.offChainTicker, quote(ticker, row.last));
      }
    }
    return completeResponse(outcomes, tickers);
  },
} satisfies HttpExchange;
