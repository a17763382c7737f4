/**
 * coinmarketcap_api: CoinMarketCap "Quotes Latest v2", every ticker in one request.
 *
 * API:    https://coinmarketcap.com/api/documentation/v1/#operation/getV2CryptocurrencyQuotesLatest
 *         (GET <base>/v2/cryptocurrency/quotes/latest?id=1,1027; base
 *         https://pro-api.coinmarketcap.com). Every call needs an API key in the
 *         `X-CMC_PRO_API_KEY` header: configure `authentication.apiKey` and
 *         `authentication.apiKeyHeader` on the endpoint (the default sets none, so the
 *         real API answers 401 until you do).
 * Limits: https://coinmarketcap.com/api/pricing/ (Basic plan: 30 calls per minute and
 *         10 000 credits per month, one credit per 100 ids (external, not verified
 *         offline)); the anchor's 2 s interval exceeds the free plan's monthly credits.
 * Symbol: the CMC numeric id as a string, e.g. 1 (BTC), 1027 (ETH), 5426 (SOL)
 *         (exchange-wire-formats.md §2.5, §5).
 * Price:  data[id].quote.USD.price, a JSON number. The quote currency is always USD.
 *
 * Quirks and decisions:
 * - A ticker that is not a plain numeric id is left out of the URL and fails alone with
 *   UnableToCreateURL (4), instead of making CMC reject the whole request with a 400.
 * - `status.error_code` ≠ 0 fails every ticker with APIGeneral (13) and CMC's
 *   `error_message` (as the anchor). A body that is not an object, or a `status`/`data`
 *   of the wrong shape, fails every ticker with FailedToDecode (12).
 * - The anchor left tickers absent from `data` out of its response entirely, so they never
 *   showed in metrics. Such a ticker (an unknown id, which CMC skips) is reported here as
 *   NoResponse (7), like every other HTTP provider.
 * - An entry with no `quote` or no `quote.USD` is NoResponse (7) (as the anchor); an entry
 *   that is not an object is FailedToDecode (12); a bad or missing price is
 *   FailedToParsePrice (10). A numeric string price is accepted when it is a positive decimal.
 */
import { apiDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { HttpExchange, ProviderResponse, ProviderTicker, ResolvedQuote, UnresolvedQuote } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { completeResponse, fillTemplate, isObject, quote, unresolved } from '../util.js';

const ID = /^\d+$/;
type Outcome = ResolvedQuote | UnresolvedQuote;

/** The outcome of one `data` entry. */
function outcome(ticker: ProviderTicker, entry: unknown): Outcome {
  const t = ticker.offChainTicker;
  if (!isObject(entry)) return unresolved(ticker, ErrorCode.FailedToDecode, `data[${t}] is not an object`);
  const usd = isObject(entry.quote) ? entry.quote.USD : undefined;
  if (usd === undefined || usd === null) return unresolved(ticker, ErrorCode.NoResponse, `no USD quote for id ${t}`);
  return isObject(usd) ? quote(ticker, usd.price) : unresolved(ticker, ErrorCode.FailedToDecode, `data[${t}].quote.USD is not an object`);
}

export const coinmarketcapApi = {
  kind: 'http',
  defaults: apiDefaults('coinmarketcap_api', 'https://pro-api.coinmarketcap.com', { atomic: true, interval: 2000 }),

  buildUrl(endpoint, tickers) {
    const ids = [...new Set(tickers.map((t) => t.offChainTicker).filter((id) => ID.test(id)))];
    if (ids.length === 0) return new Error('coinmarketcap_api: no numeric CoinMarketCap id to request');
    const base = fillTemplate(endpoint, []);
    if (base instanceof Error) return base;
    return `${base.replace(/\/+$/, '')}/v2/cryptocurrency/quotes/latest?id=${ids.join(',')}`;
  },

  parse(body, tickers) {
    const outcomes = new Map<string, Outcome>();
    const usable = tickers.filter((t) => {
      if (ID.test(t.offChainTicker)) return true;
      const reason = `off-chain ticker ${JSON.stringify(t.offChainTicker)} is not a numeric CoinMarketCap id`;
      outcomes.set(t.offChainTicker, unresolved(t, ErrorCode.UnableToCreateURL, reason));
      return false;
    });
    const fail = (code: number, reason: string): ProviderResponse => {
      for (const t of usable) outcomes.set(t.offChainTicker, unresolved(t, code, reason));
      return completeResponse(outcomes, tickers);
    };
    if (!isObject(body)) return fail(ErrorCode.FailedToDecode, 'expected a JSON object {data, status}');
    const status = body.status ?? {};
    const data = body.data ?? {};
    const errorCode = isObject(status) ? (status.error_code ?? 0) : undefined;
    if (typeof errorCode !== 'number' || !isObject(data)) {
      return fail(ErrorCode.FailedToDecode, 'expected `status` {error_code: number} and `data` objects');
    }
    if (errorCode !== 0) {
      const message = isObject(status) ? String(status.error_message ?? '') : '';
      return fail(ErrorCode.APIGeneral, `coinmarketcap error ${errorCode}: ${message.slice(0, 200)}`);
    }
    const index = new TickerIndex(usable);
    for (const [id, entry] of Object.entries(data)) {
      const ticker = index.lookup(id);
      if (ticker !== undefined) outcomes.set(ticker.offChainTicker, outcome(ticker, entry));
    }
    return completeResponse(outcomes, tickers);
  },
} satisfies HttpExchange;
