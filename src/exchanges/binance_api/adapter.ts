/**
 * binance_api: Binance spot "symbol price ticker", all tickers in one request.
 *
 * API:    https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints
 *         (GET /api/v3/ticker/price?symbols=[...]; api.binance.vision is a public mirror)
 * Limits: https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits
 *         request weight 4 for a `symbols` list, 6000 weight per minute per IP; 429 then 418
 *         (IP ban) when ignored. Our 750 ms interval costs about 320 weight per minute.
 * Symbol: BASEQUOTE upper case, e.g. BTCUSDT (shared/reference/exchange-wire-formats.md §2.1, §5).
 * Price:  `price`, the latest price, as a decimal string.
 *
 * Quirks and decisions:
 * - The endpoint template carries three `%s`: `%5B`, the symbols as `%22SYM%22` joined by raw
 *   commas, and `%5D` (the anchor's hand-encoded JSON array). Symbols are URI-encoded, which
 *   leaves Binance's alphanumeric symbols unchanged.
 * - Body must be a JSON array, else every ticker fails with FailedToDecode (12). Rows that
 *   are not `{symbol: string}` objects, and rows for symbols we did not ask for, are skipped;
 *   a ticker with no usable row fails with NoResponse (7); a bad price with
 *   FailedToParsePrice (10). A repeated symbol: the last row wins.
 * - Real Binance answers 400 `{code,msg}` for one unknown symbol, failing the whole batch;
 *   that is the driver's status handling, not ours.
 */
import { apiDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { HttpExchange, ResolvedQuote, UnresolvedQuote } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { completeResponse, failAll, fillTemplate, isObject, quote } from '../util.js';

export const binanceApi = {
  kind: 'http',
  defaults: apiDefaults('binance_api', 'https://api.binance.com/api/v3/ticker/price?symbols=%s%s%s', { atomic: true, interval: 750 }),

  buildUrl(endpoint, tickers) {
    if (tickers.length === 0) return new Error('binance_api: no tickers to request');
    const symbols = tickers.map((t) => `%22${encodeURIComponent(t.offChainTicker)}%22`).join(',');
    return fillTemplate(endpoint, ['%5B', symbols, '%5D']);
  },

  parse(body, tickers) {
    if (!Array.isArray(body)) {
      return failAll(tickers, ErrorCode.FailedToDecode, 'expected a JSON array of {symbol, price}');
    }
    const index = new TickerIndex(tickers);
    const outcomes = new Map<string, ResolvedQuote | UnresolvedQuote>();
    for (const row of body as unknown[]) {
      if (!isObject(row) || typeof row.symbol !== 'string') continue;
      const ticker = index.lookup(row.symbol);
      if (ticker !== undefined) outcomes.set(ticker.offChainTicker, quote(ticker, row.price));
    }
    return completeResponse(outcomes, tickers);
  },
} satisfies HttpExchange;
