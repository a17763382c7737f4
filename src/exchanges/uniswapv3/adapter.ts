/**
 * uniswapv3_api-ethereum and uniswapv3_api-base: the price of Uniswap v3 pools read from
 * `slot0()` over EVM JSON-RPC (connect providers/apis/defi/uniswapv3/fetcher.go,
 * ethmulticlient/*.go). Pools: https://docs.uniswap.org/contracts/v3/reference/core/interfaces/pool/IUniswapV3PoolState
 *
 * - One task holds every ticker (atomic). Each ticker's metadata_JSON names its pool
 *   (pool-config.ts); if any ticker's metadata is bad, the whole fetch fails with
 *   FailedToDecode (12) and nothing is sent, as in connect. Metadata is parsed on every
 *   fetch, so a changed metadata_JSON takes effect at once.
 * - The slot0 calls go in chunks of 10, sent one chunk after the other, each with an
 *   eth_blockNumber and to every endpoint at once (rpc.ts). A chunk that fails (transport,
 *   no endpoint with a block, stale block) fails the whole fetch with APIGeneral (13), even
 *   when earlier chunks succeeded, as in connect.
 * - Per ticker: an element error is Unknown (2); an unreadable slot0 (abi.ts), a zero price
 *   or a price outside the plausible range is FailedToParsePrice (10).
 * - Prices are exact fractions rendered with 40 significant digits, truncated (math.ts).
 * - Unlike connect, the provider's `timeout` applies to every HTTP call (DefiContext).
 */
import { apiDefaults } from '../../config/provider-defaults.js';
import type { DefiContext, DefiExchange, ProviderResponse, ProviderTicker, ResolvedQuote, UnresolvedQuote } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { chunk, emptyResponse, failAll, quote, toResponse, unresolved } from '../util.js';
import { decodeSlot0 } from './abi.js';
import { poolPrice } from './math.js';
import { parsePoolConfig, type PoolConfig } from './pool-config.js';
import { callChunk, type CallResult } from './rpc.js';

/** eth_call elements per batch (connect's constant). */
export const CHUNK_SIZE = 10;

function outcome(ticker: ProviderTicker, pool: PoolConfig, call: CallResult): ResolvedQuote | UnresolvedQuote {
  if ('error' in call) return unresolved(ticker, ErrorCode.Unknown, call.error);
  const sqrt = decodeSlot0(call.result);
  if (sqrt instanceof Error) return unresolved(ticker, ErrorCode.FailedToParsePrice, sqrt.message);
  const price = poolPrice(sqrt, pool);
  if (price instanceof Error) return unresolved(ticker, ErrorCode.FailedToParsePrice, price.message);
  return quote(ticker, price);
}

/** Price every ticker's pool through `ctx` (see the header). Total: never throws. */
export async function fetchPools(tickers: readonly ProviderTicker[], ctx: DefiContext): Promise<ProviderResponse> {
  if (tickers.length === 0) return emptyResponse();
  const pools: PoolConfig[] = [];
  for (const t of tickers) {
    const pool = parsePoolConfig(t.metadataJSON);
    if (pool instanceof Error) return failAll(tickers, ErrorCode.FailedToDecode, `ticker ${t.offChainTicker}: ${pool.message}`);
    pools.push(pool);
  }
  const calls: CallResult[] = [];
  for (const part of chunk(pools, CHUNK_SIZE)) {
    const results = await callChunk(part.map((p) => p.address), ctx);
    if (results instanceof Error) return failAll(tickers, ErrorCode.APIGeneral, results.message);
    calls.push(...results);
  }
  return toResponse(tickers.map((t, i) => outcome(t, pools[i] as PoolConfig, calls[i] as CallResult)));
}

function provider(name: string, url: string): DefiExchange {
  return {
    kind: 'defi',
    defaults: apiDefaults(name, url, {
      atomic: true,
      interval: 2000,
      timeout: 1000,
      reconnectTimeout: 2000,
      maxQueries: 1,
      maxBlockHeightAge: 30_000,
    }),
    fetch: fetchPools,
  };
}

export const uniswapv3Ethereum = provider('uniswapv3_api-ethereum', 'https://eth.public-rpc.com/') satisfies DefiExchange;
export const uniswapv3Base = provider('uniswapv3_api-base', 'https://mainnet.base.org') satisfies DefiExchange;
