/**
 * polymarket_api: Polymarket CLOB "Get market", one outcome token per request.
 *
 * API:    https://docs.polymarket.com/ (CLOB API, Markets, "Get market":
 *         GET https://clob.polymarket.com/markets/<condition id>, public, no key)
 * Limits: https://docs.polymarket.com/ (CLOB rate limits; the anchor's README quotes about
 *         20 requests per second in general (external, not verified offline)). The
 *         anchor's default is one request every 500 ms, round-robin over tickers.
 * Symbol: `<market id>/<token id>`: the market's condition id (0x + 64 hex digits), which
 *         goes in the URL, and the outcome token's decimal `token_id`, which picks the
 *         price (exchange-wire-formats.md §2.8, §5).
 * Price:  tokens[i].price of the token whose `token_id` matches, a JSON number in [0, 1]:
 *         the outcome's probability, quoted in USD (USDC) per share.
 *
 * Quirks and decisions:
 * - A price of exactly 0 (the number) is replaced by 0.0001, as the anchor does: for a
 *   prediction market 0 is a real quote (a losing outcome of a settled market), not an
 *   error, and toPrice rejects zero. Negative prices, and a string "0" (the API sends
 *   numbers), are FailedToParsePrice (10).
 * - The anchor's streaming decoder ignored bytes after the first JSON value, and its tests
 *   relied on it (their bodies end with a stray `]}`). Our driver parses the whole body,
 *   so such a body fails with FailedToDecode (12): a truncated or concatenated answer is
 *   not trusted.
 * - The answer carries the tokens of one market, so it is attributed to the ticker the
 *   URL was built for. Given several tickers anyway, the URL is built for the first and
 *   parse fails the rest with UnableToCreateURL (4); the anchor failed them all.
 * - A ticker that does not split into exactly two non-empty parts on `/` cannot build a
 *   URL (4). A body that is not an object, or whose `tokens` is not an array, is
 *   FailedToDecode (12); no token with the ticker's `token_id` (compared exactly, as
 *   strings) is InvalidResponse (8), as the anchor. A numeric string price is accepted
 *   when it is a positive decimal.
 */
import { apiDefaults } from '../../config/provider-defaults.js';
import type { HttpExchange, ProviderTicker, ResolvedQuote, UnresolvedQuote } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { fillTemplate, isObject, quote, toResponse, unresolved } from '../util.js';

type Outcome = ResolvedQuote | UnresolvedQuote;

/** What a zero price becomes (connect providers/apis/polymarket priceAdjustmentMin). */
const ZERO_PRICE = '0.0001';

function split(ticker: ProviderTicker): { market: string; token: string } | undefined {
  const [market = '', token = '', ...extra] = ticker.offChainTicker.split('/');
  return market !== '' && token !== '' && extra.length === 0 ? { market, token } : undefined;
}

function outcome(ticker: ProviderTicker, body: unknown): Outcome {
  const t = ticker.offChainTicker;
  const ids = split(ticker);
  if (ids === undefined) {
    return unresolved(ticker, ErrorCode.UnableToCreateURL, `off-chain ticker ${JSON.stringify(t)} is not <market id>/<token id>`);
  }
  const tokens = isObject(body) ? (body.tokens ?? []) : undefined;
  if (!Array.isArray(tokens)) return unresolved(ticker, ErrorCode.FailedToDecode, 'expected a JSON market object with a `tokens` array');
  const token = (tokens as unknown[]).find((x) => isObject(x) && x.token_id === ids.token);
  if (!isObject(token)) return unresolved(ticker, ErrorCode.InvalidResponse, `token ${ids.token.slice(0, 80)} not in market ${ids.market.slice(0, 80)}`);
  return quote(ticker, token.price === 0 ? ZERO_PRICE : token.price);
}

export const polymarketApi = {
  kind: 'http',
  defaults: apiDefaults('polymarket_api', 'https://clob.polymarket.com/markets/%s', { atomic: false, interval: 500 }),

  buildUrl(endpoint, tickers) {
    const first = tickers[0];
    if (first === undefined) return new Error('polymarket_api: no ticker to request');
    const ids = split(first);
    if (ids === undefined) return new Error(`polymarket_api: off-chain ticker ${JSON.stringify(first.offChainTicker)} is not <market id>/<token id>`);
    return fillTemplate(endpoint, [encodeURIComponent(ids.market)]);
  },

  parse(body, tickers) {
    const [first, ...rest] = tickers;
    const outcomes: Outcome[] = rest.map((t) =>
      unresolved(t, ErrorCode.UnableToCreateURL, 'polymarket_api requests one ticker at a time; only the first of the batch was requested'),
    );
    if (first !== undefined) outcomes.unshift(outcome(first, body));
    return toResponse(outcomes);
  },
} satisfies HttpExchange;
