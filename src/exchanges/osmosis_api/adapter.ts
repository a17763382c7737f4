/**
 * osmosis_api: the spot price of an Osmosis pool from a Cosmos LCD (gRPC gateway), one GET per
 * ticker on every endpoint at once; the answer of the highest block wins.
 *
 * Follows connect providers/apis/defi/osmosis/{client.go,price_fetcher.go,types.go}.
 * Vendor docs: https://docs.osmosis.zone/osmosis-core/modules/poolmanager (SpotPriceV2,
 * REST `GET /osmosis/poolmanager/v2/pools/{pool_id}/prices?base_asset_denom=&quote_asset_denom=`).
 *
 * - metadata_JSON: `{"pool_id":1,"base_token_denom":"ibc/…","quote_token_denom":"uosmo"}`.
 *   `pool_id` may be omitted (0, as connect). A ticker whose metadata is not JSON, has a
 *   pool_id that is not a non-negative integer, or a denom that is not a Cosmos SDK denom
 *   (`[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`) gets TickerMetadataNotFound (17) alone. Metadata is
 *   parsed on every fetch, so a changed metadata_JSON takes effect at once.
 * - The denoms go into the query verbatim, as connect sends them: an `ibc/HASH` denom's slash
 *   is not escaped (LCDs accept it). The denom check above keeps `&`, `#` and spaces out.
 * - An endpoint's call fails (its Error, `request_error`) on a transport error, a status other
 *   than 200, a body that is not a JSON object, a non-string `spot_price`, or a
 *   `grpc-metadata-x-cosmos-block-height` header that is not an unsigned 64-bit decimal.
 *   An absent or empty header is height 0 (connect).
 * - The answer with the strictly highest height wins (ties: lower index) and its own price is
 *   served; then the provider's block-age check runs (stale: APIGeneral 13). If every endpoint
 *   failed: APIGeneral 13 with each endpoint's reason. An answer without a height wins only when
 *   no endpoint reported one; the age check cannot run then (documented choice: connect
 *   served it for maxBlockHeightAge after start-up and then failed every ticker for good).
 * - `spot_price` is read exactly (no float): plain decimal text, optionally with an exponent of
 *   at most two digits, at most 100 characters, strictly positive; its exact value is served
 *   (Osmosis's 36 decimals, trailing zeros dropped). Anything else, an empty string included,
 *   is FailedToParsePrice (10). No scaling or inversion: the price is the raw-unit ratio
 *   Osmosis reports (base denom in quote denom); the market map must suit it.
 */
import { apiDefaults } from '../../config/provider-defaults.js';
import { toPlain } from '../../oracle/decimal.js';
import { pickHighest, type HeightAnswer } from '../../providers/defi.js';
import type { DefiContext, DefiExchange, ProviderTicker, ResolvedQuote, RpcReply, UnresolvedQuote } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { isObject, toResponse, unresolved } from '../util.js';

export const HEIGHT_HEADER = 'grpc-metadata-x-cosmos-block-height';

/** Cosmos SDK's denom pattern (types/coin.go reDnmString). */
const DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
const SPOT_PRICE = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,2})?$/;
const MAX_PRICE_CHARS = 100;
const MAX_UINT64 = 2n ** 64n - 1n;
/** Tickers priced at once within one fetch (connect's errgroup limit, maxQueries' default). */
const CONCURRENT_TICKERS = 10;

export interface OsmosisMetadata {
  readonly poolId: number;
  readonly base: string;
  readonly quote: string;
}

/** The pool of a ticker's metadata_JSON, or why it is unusable. */
export function parseMetadata(json: string): OsmosisMetadata | Error {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return new Error('metadata_JSON is not JSON');
  }
  if (!isObject(value)) return new Error('metadata_JSON is not an object');
  const poolId = value['pool_id'] ?? 0;
  if (typeof poolId !== 'number' || !Number.isSafeInteger(poolId) || poolId < 0) {
    return new Error('pool_id must be a non-negative integer');
  }
  const base = value['base_token_denom'] ?? '';
  const quote = value['quote_token_denom'] ?? '';
  for (const [key, denom] of [['base_token_denom', base], ['quote_token_denom', quote]] as const) {
    if (typeof denom !== 'string' || !DENOM.test(denom)) return new Error(`${key} must be a denom (${DENOM.source})`);
  }
  return { poolId, base: base as string, quote: quote as string };
}

/** The LCD path of a pool's spot price (appended to the endpoint URL by the transport). */
export function spotPricePath(m: OsmosisMetadata): string {
  return `/osmosis/poolmanager/v2/pools/${m.poolId}/prices?base_asset_denom=${m.base}&quote_asset_denom=${m.quote}`;
}

/** The exact positive value of a `spot_price` string as plain decimal text, or why not. */
export function parseSpotPrice(raw: string): string | Error {
  if (raw === '') return new Error('empty spot_price');
  if (raw.length > MAX_PRICE_CHARS || !SPOT_PRICE.test(raw)) return new Error(`spot_price ${JSON.stringify(raw.slice(0, 40))} is not a decimal number`);
  const plain = toPlain(raw);
  if (!/[1-9]/.test(plain)) return new Error(`spot_price ${raw.slice(0, 40)} is not positive`);
  return plain;
}

/** Judge one endpoint's reply: its raw spot_price and height, or the endpoint's failure. */
export function readReply(index: number, reply: RpcReply): HeightAnswer<string> | Error {
  if (reply.status !== 200) {
    const message = isObject(reply.body) && typeof reply.body['message'] === 'string' ? `: ${reply.body['message'].slice(0, 200)}` : '';
    return new Error(`HTTP ${reply.status}${message}`);
  }
  const header = reply.headers[HEIGHT_HEADER];
  let height = 0n;
  if (header !== undefined && header !== '') {
    if (!/^\d{1,20}$/.test(header) || BigInt(header) > MAX_UINT64) {
      return new Error(`unparseable ${HEIGHT_HEADER} header ${JSON.stringify(header.slice(0, 40))}`);
    }
    height = BigInt(header);
  }
  if (!isObject(reply.body)) return new Error('answer is not a JSON object');
  const spot = reply.body['spot_price'] ?? '';
  if (typeof spot !== 'string') return new Error('spot_price is not a string');
  return { index, height, value: spot };
}

/**
 * The answer to serve: the highest height (pickHighest); else, when some endpoint answered
 * without a height, the first such answer; else every endpoint's failure.
 */
export function chooseAnswer(answers: ReadonlyArray<HeightAnswer<string> | Error>): HeightAnswer<string> | Error {
  const best = pickHighest(answers);
  if (!(best instanceof Error)) return best;
  return answers.find((a): a is HeightAnswer<string> => !(a instanceof Error)) ?? best;
}

async function priceTicker(ticker: ProviderTicker, ctx: DefiContext): Promise<ResolvedQuote | UnresolvedQuote> {
  const meta = parseMetadata(ticker.metadataJSON);
  if (meta instanceof Error) {
    return unresolved(ticker, ErrorCode.TickerMetadataNotFound, `no osmosis metadata for ticker: ${ticker.offChainTicker}: ${meta.message}`);
  }
  const req = { method: 'GET', path: spotPricePath(meta) } as const;
  const indices = Array.from({ length: Math.max(1, ctx.endpoints) }, (_, i) => i);
  const answers = await Promise.all(indices.map((i) => ctx.request(i, req, (reply) => readReply(i, reply))));
  const best = chooseAnswer(answers);
  if (best instanceof Error) return unresolved(ticker, ErrorCode.APIGeneral, `every endpoint failed: ${best.message}`);
  if (best.height > 0n) {
    const stale = ctx.checkHeight(best.height);
    if (stale) return unresolved(ticker, ErrorCode.APIGeneral, stale.message);
  }
  const price = parseSpotPrice(best.value);
  if (price instanceof Error) return unresolved(ticker, ErrorCode.FailedToParsePrice, `endpoint ${best.index}: ${price.message}`);
  return { ticker: ticker.offChainTicker, price };
}

async function fetchAll(tickers: readonly ProviderTicker[], ctx: DefiContext): Promise<Array<ResolvedQuote | UnresolvedQuote>> {
  const out: Array<ResolvedQuote | UnresolvedQuote> = [];
  for (let i = 0; i < tickers.length; i += CONCURRENT_TICKERS) {
    out.push(...(await Promise.all(tickers.slice(i, i + CONCURRENT_TICKERS).map((t) => priceTicker(t, ctx)))));
  }
  return out;
}

export const osmosisApi = {
  kind: 'defi',
  defaults: apiDefaults('osmosis_api', 'https://osmosis-api.polkachu.com', {
    batchSize: 1,
    maxQueries: 10,
    interval: 2000,
    timeout: 5000,
    reconnectTimeout: 5000,
    maxBlockHeightAge: 30_000,
  }),
  fetch: async (tickers, ctx) => toResponse(await fetchAll(tickers, ctx)),
} satisfies DefiExchange;
