/**
 * The simulated Solana JSON-RPC node of raydium_api: `getMultipleAccounts` as
 * https://solana.com/docs/rpc/http/getmultipleaccounts answers it, for the Raydium AMM v4 pools
 * of pools.ts (their vaults, AmmInfo and OpenOrders accounts), priced from the book.
 *
 * - One request object per POST (batches get -32600: connect never sends them). The `id` is
 *   echoed; the top level holds only jsonrpc/id/result/error.
 * - `result.context.slot` is the endpoint's height (sim/endpoints.ts: lag, frozen); `value`
 *   has one entry per key in order, null for an unknown account. Accounts carry
 *   `data: ["<base64>", "base64"]`. The JSON encoder writes `rentEpoch` u64::MAX as
 *   18446744073709552000 (the nearest double), which clients read as a big integer.
 * - Solana's errors: more than 100 keys (-32602 "Too many inputs provided; max 100"), a key that
 *   is not a 32-byte base58 key, an unknown commitment, an encoding other than base64 (only
 *   base64 is emulated), an unknown method (-32601), unparsable JSON (-32700).
 * - Knobs: `rpcError` answers every call with a JSON-RPC error (-32005 node unhealthy);
 *   `corrupt` cuts every AmmInfo to 100 bytes (each ticker then fails on its own). `noHeight`
 *   does not apply (every Solana answer has a slot).
 * Balances: at a fixed base total of 10^6 whole base tokens, the quote total is the book price
 * (15 significant digits) times that, truncated to an integer; the price the accounts imply,
 * (quote/base)·10^(base_decimals − quote_decimals), is exact from those integers and within
 * about 1e-14 of the book. Part of each total sits in the open orders and the vault also holds
 * PnL that the AMM still has to take, so the adjustment of the formula matters.
 */
import type { ExchangeView, HttpReply, HttpRequest, HttpSimExchange } from '../../sim/types.js';
import { isObject } from '../util.js';
import { decodePublicKey } from './base58.js';
import { ammInfoBytes, openOrdersBytes, tokenAccountBytes } from './layouts.js';
import { RAYDIUM_POOLS, raydiumPools, type RaydiumPool } from './pools.js';
import { endpointPrice, type EndpointKnobs } from '../../sim/endpoints.js';

export { RAYDIUM_POOLS, raydiumPools, type RaydiumPool, type RaydiumPoolListing } from './pools.js';

const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const AMM_V4_PROGRAM = '675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8';
const OPENBOOK_PROGRAM = 'srmqPvymJeFKQ4zGQed1GFppgkRHL9kaELCbyksJtPX';
const AMM_AUTHORITY = '5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1';
const MAX_KEYS = 100;
const COMMITMENTS = ['processed', 'confirmed', 'finalized'];
const RENT_EPOCH_MAX = Number((1n << 64n) - 1n);

/** The raw amounts of one pool's four accounts. */
export interface PoolBalances {
  readonly baseVault: bigint;
  readonly quoteVault: bigint;
  readonly pnlCoin: bigint;
  readonly pnlPc: bigint;
  readonly ooBase: bigint;
  readonly ooQuote: bigint;
}

/** The account amounts that make `pool` quote `price` (see the header). */
export function poolBalances(pool: RaydiumPool, price: number): PoolBalances {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(price.toPrecision(15));
  if (!m) throw new RangeError(`cannot balance a pool at price ${price}`);
  const frac = m[2] ?? '';
  const mantissa = BigInt((m[1] ?? '') + frac);
  const scale = frac.length - Number(m[3] ?? 0);
  const units = 1_000_000n;
  const base = units * 10n ** BigInt(pool.baseDecimals);
  // quote = units × price × 10^quoteDecimals, truncated.
  const q = units * mantissa * 10n ** BigInt(pool.quoteDecimals);
  const quote = scale >= 0 ? q / 10n ** BigInt(scale) : q * 10n ** BigInt(-scale);
  const [pnlCoin, ooBase, pnlPc, ooQuote] = [base / 40n, base / 8n, quote / 50n, quote / 10n];
  return { baseVault: base - ooBase + pnlCoin, quoteVault: quote - ooQuote + pnlPc, pnlCoin, pnlPc, ooBase, ooQuote };
}

type Role = 'baseVault' | 'quoteVault' | 'ammInfo' | 'openOrders';
const ACCOUNTS = new Map<string, { pool: RaydiumPool; role: Role }>();
for (const pool of RAYDIUM_POOLS) {
  for (const role of ['baseVault', 'quoteVault', 'ammInfo', 'openOrders'] as const) ACCOUNTS.set(pool[role], { pool, role });
}

const key = (text: string): Uint8Array => decodePublicKey(text) as Uint8Array;

function accountData(pool: RaydiumPool, role: Role, b: PoolBalances, corrupt: boolean): { data: Uint8Array; owner: string; lamports: number } {
  switch (role) {
    case 'baseVault':
      return { data: tokenAccountBytes(b.baseVault, key(pool.baseMint), key(AMM_AUTHORITY)), owner: TOKEN_PROGRAM, lamports: 2_039_280 };
    case 'quoteVault':
      return { data: tokenAccountBytes(b.quoteVault, key(pool.quoteMint), key(AMM_AUTHORITY)), owner: TOKEN_PROGRAM, lamports: 2_039_280 };
    case 'ammInfo': {
      const data = ammInfoBytes({
        pnlCoin: b.pnlCoin, pnlPc: b.pnlPc, coinDecimals: pool.baseDecimals, pcDecimals: pool.quoteDecimals,
        keys: { coinVault: key(pool.baseVault), pcVault: key(pool.quoteVault), coinMint: key(pool.baseMint), pcMint: key(pool.quoteMint), openOrders: key(pool.openOrders) },
      });
      return { data: corrupt ? data.subarray(0, 100) : data, owner: AMM_V4_PROGRAM, lamports: 6_124_800 };
    }
    case 'openOrders':
      return { data: openOrdersBytes(b.ooBase, b.ooQuote, undefined, key(AMM_AUTHORITY)), owner: OPENBOOK_PROGRAM, lamports: 23_357_760 };
  }
}

function account(address: string, view: ExchangeView, knobs: EndpointKnobs): object | null {
  const hit = ACCOUNTS.get(address);
  const price = hit && view.price({ base: hit.pool.base, quote: hit.pool.quote });
  if (!hit || price === undefined) return null;
  const { data, owner, lamports } = accountData(hit.pool, hit.role, poolBalances(hit.pool, endpointPrice(price, knobs)), knobs.corrupt);
  return { data: [Buffer.from(data).toString('base64'), 'base64'], executable: false, lamports, owner, rentEpoch: RENT_EPOCH_MAX, space: data.length };
}

const rpc = (id: unknown, payload: { result: unknown } | { error: object }): HttpReply => ({ status: 200, body: { jsonrpc: '2.0', ...payload, id } });
const invalidParams = (id: unknown, message: string): HttpReply => rpc(id, { error: { code: -32602, message } });

function getMultipleAccounts(id: unknown, params: unknown, req: HttpRequest, view: ExchangeView): HttpReply {
  const [keys, config] = Array.isArray(params) ? (params as unknown[]) : [];
  if (!Array.isArray(keys)) return invalidParams(id, '`params` should have at least 1 argument(s)');
  if (keys.length > MAX_KEYS) return invalidParams(id, `Too many inputs provided; max ${MAX_KEYS}`);
  for (const k of keys as unknown[]) {
    if (typeof k !== 'string' || decodePublicKey(k) instanceof Error) return invalidParams(id, 'Invalid param: Invalid');
  }
  if (config !== undefined && config !== null) {
    if (!isObject(config)) return invalidParams(id, 'Invalid params: invalid type: expected struct RpcAccountInfoConfig');
    if (config.commitment !== undefined && !COMMITMENTS.includes(config.commitment as string)) {
      return invalidParams(id, `Invalid params: unknown variant \`${String(config.commitment)}\`, expected one of ${COMMITMENTS.map((c) => `\`${c}\``).join(', ')}`);
    }
    if (config.encoding !== undefined && config.encoding !== 'base64') return invalidParams(id, 'Invalid params: only the base64 encoding is simulated');
  }
  const knobs = view.endpoint(req.endpoint);
  const value = (keys as string[]).map((k) => account(k, view, knobs));
  return rpc(id, { result: { context: { apiVersion: '2.0.0', slot: Number(view.height(req.endpoint)) }, value } });
}

function handle(req: HttpRequest, view: ExchangeView): HttpReply {
  if (req.method !== 'POST') return { status: 405, body: 'Used HTTP Method is not allowed. POST or OPTIONS is required' };
  let call: unknown;
  try {
    call = JSON.parse(req.body);
  } catch {
    return rpc(null, { error: { code: -32700, message: 'Parse error' } });
  }
  if (!isObject(call) || call.jsonrpc !== '2.0') return rpc(null, { error: { code: -32600, message: 'Invalid request' } });
  const id = typeof call.id === 'string' || typeof call.id === 'number' ? call.id : null;
  if (view.endpoint(req.endpoint).rpcError) {
    return rpc(id, { error: { code: -32005, message: 'Node is unhealthy', data: { numSlotsBehind: null } } });
  }
  if (call.method !== 'getMultipleAccounts') return rpc(id, { error: { code: -32601, message: 'Method not found' } });
  return getMultipleAccounts(id, call.params, req, view);
}

export const sim = {
  kind: 'http',
  name: 'raydium_api',
  offsetBps: 0,
  endpointPath: '',
  symbols: (assets: readonly string[]) => raydiumPools().filter((p) => assets.includes(p.base) && assets.includes(p.quote)).map((p) => p.ammInfo),
  resolve: (symbol: string, known: (asset: string) => boolean) => {
    const p = RAYDIUM_POOLS.find((x) => x.ammInfo === symbol);
    return p && known(p.base) && known(p.quote) ? { base: p.base, quote: p.quote } : undefined;
  },
  render: (value: number) => String(value),
  handle,
} satisfies HttpSimExchange;
