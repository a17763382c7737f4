/**
 * Building unresolved outcomes: what an adapter reports for a ticker it could not price and
 * what a driver reports for every ticker when the transport fails (a failing exchange is
 * data, never an exception). The exchange adapters reach these through exchanges/util.ts.
 */
import type { ProviderResponse, ProviderTicker, UnresolvedQuote } from './types.js';

/** One ticker unresolved with an error code and a reason (logged, never a label). */
export function unresolved(ticker: ProviderTicker, code: number, reason: string): UnresolvedQuote {
  return { ticker: ticker.offChainTicker, code, reason };
}

/** Every ticker unresolved with the same code and reason. */
export function failAll(tickers: readonly ProviderTicker[], code: number, reason: string): ProviderResponse {
  return { resolved: [], unresolved: tickers.map((t) => unresolved(t, code, reason)) };
}
