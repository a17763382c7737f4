/**
 * gecko_terminal_api: GeckoTerminal "token price" on Ethereum, one token per request by
 * default (not in connect's default provider list; its factory knows it).
 *
 * API:    https://api.geckoterminal.com/docs/index.html (GET
 *         /api/v2/simple/networks/eth/token_price/<address>[,<address>...], public, no key;
 *         up to 30 addresses per call (external, not verified offline))
 * Limits: https://apiguide.geckoterminal.com/ (free API: 30 calls per minute
 *         (external, not verified offline)); the anchor polls every 20 s with a 500 ms
 *         timeout.
 * Symbol: the token's ERC-20 contract address, e.g. 0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2
 *         (WETH); the answer keys addresses in lower case (exchange-wire-formats.md §2.7, §5).
 * Price:  data.attributes.token_prices[address], the token's USD price, a decimal string.
 *
 * Quirks and decisions:
 * - Non-atomic with batches of one (`batchSize` 0); a larger `batchSize` puts that many
 *   addresses in one URL, comma-joined, as configured (all on the one network of the
 *   endpoint template).
 * - Addresses match through the three spellings, so an EIP-55 checksummed (mixed-case)
 *   address as configured still finds the lower-case key of the answer.
 * - `data.type` other than `simple_token_price` fails every ticker with
 *   InvalidResponse (8), as the anchor.
 * - An address in the answer that was not asked for made the anchor fail the whole
 *   response (UnknownPair); here it is skipped, as every other adapter skips symbols it
 *   did not ask for: the prices of the tokens asked for are still right.
 * - A body without objects `data`, `data.attributes` and `token_prices` fails every ticker
 *   with FailedToDecode (12); a bad price is FailedToParsePrice (10); a ticker with no
 *   key is NoResponse (7).
 */
import { apiDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { HttpExchange, ResolvedQuote, UnresolvedQuote } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { completeResponse, failAll, fillTemplate, isObject, quote } from '../util.js';

const EXPECTED_TYPE = 'simple_token_price';

export const geckoTerminalApi = {
  kind: 'http',
  defaults: apiDefaults('gecko_terminal_api', 'https://api.geckoterminal.com/api/v2/simple/networks/eth/token_price/%s', {
    atomic: false,
    interval: 20_000,
    timeout: 500,
  }),

  buildUrl(endpoint, tickers) {
    if (tickers.length === 0) return new Error('gecko_terminal_api: no tickers to request');
    return fillTemplate(endpoint, [tickers.map((t) => encodeURIComponent(t.offChainTicker)).join(',')]);
  },

  parse(body, tickers) {
    const data = isObject(body) ? body.data : undefined;
    if (!isObject(data)) return failAll(tickers, ErrorCode.FailedToDecode, 'expected a JSON object {data: {type, attributes}}');
    if (data.type !== EXPECTED_TYPE) {
      return failAll(tickers, ErrorCode.InvalidResponse, `expected data.type ${EXPECTED_TYPE}, got ${JSON.stringify(data.type ?? null).slice(0, 60)}`);
    }
    const prices = isObject(data.attributes) ? data.attributes.token_prices : undefined;
    if (!isObject(prices)) return failAll(tickers, ErrorCode.FailedToDecode, 'expected data.attributes.token_prices to be an object');
    const index = new TickerIndex(tickers);
    const outcomes = new Map<string, ResolvedQuote | UnresolvedQuote>();
    for (const [address, price] of Object.entries(prices)) {
      const ticker = index.lookup(address);
      if (ticker !== undefined) outcomes.set(ticker.offChainTicker, quote(ticker, price));
    }
    return completeResponse(outcomes, tickers);
  },
} satisfies HttpExchange;
