/**
 * raydium_api: Raydium AMM v4 pool prices read from Solana accounts with one
 * `getMultipleAccounts` per batch (connect providers/apis/defi/raydium/{price_fetcher.go,
 * client.go,multi_client.go,types.go}; https://solana.com/docs/rpc/http/getmultipleaccounts).
 * Each ticker asks for 4 accounts in this order: base vault, quote vault, AmmInfo, OpenOrders
 * (layouts.ts); the price is price.ts's exact ratio.
 *
 * Failure rules (connect's, code ErrorAPIGeneral 13 unless said otherwise):
 * - any ticker's metadata invalid → the WHOLE batch fails with UnknownPair (3) "no raydium
 *   metadata for ticker: <t>", as connect does on purpose;
 * - the call fails on every endpoint, or the chosen slot is stale → all the call's tickers;
 * - `value` not holding 4 accounts per ticker → all the call's tickers;
 * - per ticker: a null account, an account without data, too short data, a negative adjusted
 *   balance (13); a zero base or quote balance, or a price outside the plausible range
 *   (FailedToParsePrice 10; connect served +Inf or 0, or panicked).
 *
 * Our decisions over connect: every endpoint is asked concurrently, the answer with the highest
 * `context.slot` wins (ties: the lower index) and its own accounts are priced; the block-age
 * check (`maxBlockHeightAge`) runs with one endpoint too, and slot 0 is never fresh. A task of
 * more than 25 tickers is split into calls of 25 (the 100-key limit of getMultipleAccounts)
 * instead of sending a call every node refuses.
 */
import { apiDefaults } from '../../config/provider-defaults.js';
import { pickHighest, type HeightAnswer } from '../../providers/defi.js';
import type { DefiContext, DefiExchange, ProviderResponse, ProviderTicker, ResolvedQuote, UnresolvedQuote } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { chunk, failAll, quote as toQuote, toResponse, unresolved } from '../util.js';
import { ammPnl, openOrdersTotals, tokenAmount } from './layouts.js';
import { poolMetadata, type PoolMetadata } from './metadata.js';
import { adjustedBalance, poolPrice } from './price.js';
import { acceptAccounts, accountsRequest, type AccountData, type AccountsAnswer } from './wire.js';

/** Tickers per getMultipleAccounts call: 4 accounts each, at most 100 keys per call. */
export const TICKERS_PER_CALL = 25;

const rpcFailure = (message: string): string => `solana json-rpc error: ${message}`;

export interface Priced {
  readonly ticker: ProviderTicker;
  readonly meta: PoolMetadata;
}

function bytes(account: AccountData, what: string): Uint8Array | Error {
  if (account === null) return new Error(`${what} account is nil`);
  if (account === undefined) return new Error(`${what} account data is nil`);
  return account;
}

/** A vault's amount − PnL to take + open-orders total, or why there is none. */
function balance(vault: Uint8Array | Error, pnl: bigint, openOrders: bigint): bigint | Error {
  if (vault instanceof Error) return vault;
  const amount = tokenAmount(vault);
  if (amount instanceof Error) return amount;
  const b = adjustedBalance(amount, pnl, openOrders);
  return b < 0n ? new Error('negative balance') : b;
}

/** One ticker's outcome from its four accounts [base vault, quote vault, AmmInfo, OpenOrders],
 *  decoded in connect's order. */
export function priceTicker(p: Priced, accounts: readonly AccountData[]): ResolvedQuote | UnresolvedQuote {
  const fail = (err: Error): UnresolvedQuote => unresolved(p.ticker, ErrorCode.APIGeneral, rpcFailure(err.message));
  const amm = bytes(accounts[2], 'amm info');
  const pnl = amm instanceof Error ? amm : ammPnl(amm);
  if (pnl instanceof Error) return fail(pnl);
  const orders = bytes(accounts[3], 'open orders');
  const oo = orders instanceof Error ? orders : openOrdersTotals(orders);
  if (oo instanceof Error) return fail(oo);
  const base = balance(bytes(accounts[0], 'base vault'), pnl.coin, oo.base);
  if (base instanceof Error) return fail(base);
  const quote = balance(bytes(accounts[1], 'quote vault'), pnl.pc, oo.quote);
  if (quote instanceof Error) return fail(quote);
  const price = poolPrice(base, quote, p.meta.baseDecimals, p.meta.quoteDecimals);
  if (price instanceof Error) return unresolved(p.ticker, ErrorCode.FailedToParsePrice, price.message);
  return toQuote(p.ticker, price);
}

/** Ask every endpoint for the accounts; the highest fresh slot's answer, or why there is none. */
async function bestAnswer(keys: string[], ctx: DefiContext): Promise<AccountsAnswer | Error> {
  const body = accountsRequest(keys);
  const answers = await Promise.all(
    Array.from({ length: ctx.endpoints }, async (_, index): Promise<HeightAnswer<AccountsAnswer> | Error> => {
      const a = await ctx.request(index, { method: 'POST', body }, acceptAccounts);
      return a instanceof Error ? a : { index, height: a.slot, value: a };
    }),
  );
  const best = pickHighest(answers);
  if (best instanceof Error) return best;
  return ctx.checkHeight(best.height) ?? best.value;
}

async function fetchCall(part: readonly Priced[], ctx: DefiContext): Promise<ProviderResponse> {
  const tickers = part.map((p) => p.ticker);
  const keys = part.flatMap(({ meta: m }) => [m.baseVault, m.quoteVault, m.ammInfo, m.openOrders]);
  const answer = await bestAnswer(keys, ctx);
  if (answer instanceof Error) return failAll(tickers, ErrorCode.APIGeneral, rpcFailure(answer.message));
  if (answer.accounts.length !== keys.length) {
    return failAll(tickers, ErrorCode.APIGeneral, rpcFailure(`expected ${keys.length} accounts, got ${answer.accounts.length}`));
  }
  return toResponse(part.map((p, i) => priceTicker(p, answer.accounts.slice(i * 4, i * 4 + 4))));
}

async function fetch(tickers: readonly ProviderTicker[], ctx: DefiContext): Promise<ProviderResponse> {
  const priced: Priced[] = [];
  for (const ticker of tickers) {
    const meta = poolMetadata(ticker.metadataJSON);
    if (meta instanceof Error) {
      return failAll(tickers, ErrorCode.UnknownPair, `no raydium metadata for ticker: ${ticker.offChainTicker} (${meta.message})`);
    }
    priced.push({ ticker, meta });
  }
  const responses = await Promise.all(chunk(priced, TICKERS_PER_CALL).map((part) => fetchCall(part, ctx)));
  return { resolved: responses.flatMap((r) => r.resolved), unresolved: responses.flatMap((r) => r.unresolved) };
}

export const raydiumApi = {
  kind: 'defi',
  defaults: apiDefaults('raydium_api', 'https://api.mainnet-beta.solana.com', {
    batchSize: 25,
    maxQueries: 10,
    interval: 500,
    timeout: 2000,
    reconnectTimeout: 2000,
    maxBlockHeightAge: 30_000,
  }),
  fetch,
} satisfies DefiExchange;
