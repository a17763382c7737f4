/**
 * The three Solana account layouts the Raydium AMM v4 price reads (little-endian), as connect
 * decodes them (providers/apis/defi/raydium/price_fetcher.go, schema/amm_info.go; solana-go
 * programs/token/accounts.go and programs/serum/types.go):
 * - SPL token account (the pool's vaults), ≥ 165 bytes: `amount` u64 at 64.
 *   https://github.com/solana-program/token/blob/main/program/src/state.rs
 * - Raydium AMM v4 `AmmInfo`, ≥ 752 bytes: `need_take_pnl_coin` u64 at 192, `need_take_pnl_pc`
 *   u64 at 200. https://github.com/raydium-io/raydium-amm/blob/master/program/src/state.rs
 * - Serum / OpenBook `OpenOrders`, ≥ 3228 bytes: `native_coin_total` u64 at 85,
 *   `native_pc_total` u64 at 101 (after the 5-byte "serum" padding).
 *   https://github.com/openbook-dex/program/blob/master/dex/src/state.rs
 * Like connect's decoders, a shorter account is an error and extra bytes are ignored. The
 * builders write the same offsets (plus a few identifying fields) for the simulator and tests.
 */

export const TOKEN_ACCOUNT_LEN = 165;
export const AMM_INFO_LEN = 752;
export const OPEN_ORDERS_LEN = 3228;

const TOKEN_AMOUNT_AT = 64;
const PNL_COIN_AT = 192;
const PNL_PC_AT = 200;
const OO_BASE_TOTAL_AT = 85;
const OO_QUOTE_TOTAL_AT = 101;
const U64_MAX = (1n << 64n) - 1n;

function u64(data: Uint8Array, offset: number): bigint {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(offset, true);
}

function tooShort(what: string, data: Uint8Array, need: number): Error | undefined {
  return data.length < need ? new Error(`${what} account data too short: ${data.length} < ${need} bytes`) : undefined;
}

/** An SPL token account's `amount`. */
export function tokenAmount(data: Uint8Array): bigint | Error {
  return tooShort('token', data, TOKEN_ACCOUNT_LEN) ?? u64(data, TOKEN_AMOUNT_AT);
}

export interface AmmPnl {
  readonly coin: bigint;
  readonly pc: bigint;
}

/** AmmInfo's `need_take_pnl_coin` and `need_take_pnl_pc` (the only fields the price uses). */
export function ammPnl(data: Uint8Array): AmmPnl | Error {
  return tooShort('amm info', data, AMM_INFO_LEN) ?? { coin: u64(data, PNL_COIN_AT), pc: u64(data, PNL_PC_AT) };
}

export interface OpenOrdersTotals {
  readonly base: bigint;
  readonly quote: bigint;
}

/** OpenOrders' `native_coin_total` and `native_pc_total`. */
export function openOrdersTotals(data: Uint8Array): OpenOrdersTotals | Error {
  return tooShort('open orders', data, OPEN_ORDERS_LEN) ?? { base: u64(data, OO_BASE_TOTAL_AT), quote: u64(data, OO_QUOTE_TOTAL_AT) };
}

// Builders (simulator and tests). Keys are 32-byte arrays; omitted ones stay zero.

function put64(data: Uint8Array, offset: number, value: bigint): void {
  if (value < 0n || value > U64_MAX) throw new RangeError(`u64 out of range: ${value}`);
  new DataView(data.buffer, data.byteOffset, data.byteLength).setBigUint64(offset, value, true);
}

function putKey(data: Uint8Array, offset: number, key: Uint8Array | undefined): void {
  if (key) data.set(key.subarray(0, 32), offset);
}

/** A 165-byte initialized token account holding `amount` of `mint`, owned by `owner`. */
export function tokenAccountBytes(amount: bigint, mint?: Uint8Array, owner?: Uint8Array): Uint8Array {
  const data = new Uint8Array(TOKEN_ACCOUNT_LEN);
  putKey(data, 0, mint);
  putKey(data, 32, owner);
  put64(data, TOKEN_AMOUNT_AT, amount);
  data[108] = 1; // state: Initialized
  return data;
}

export interface AmmInfoFields {
  readonly pnlCoin: bigint;
  readonly pnlPc: bigint;
  readonly coinDecimals?: number;
  readonly pcDecimals?: number;
  /** token_coin (336), token_pc (368), coin_mint (400), pc_mint (432), open_orders (496). */
  readonly keys?: { coinVault?: Uint8Array; pcVault?: Uint8Array; coinMint?: Uint8Array; pcMint?: Uint8Array; openOrders?: Uint8Array };
}

/** A 752-byte AmmInfo with status 6 (swap only), the decimals, the PnL fields and the keys given. */
export function ammInfoBytes(f: AmmInfoFields): Uint8Array {
  const data = new Uint8Array(AMM_INFO_LEN);
  put64(data, 0, 6n);
  put64(data, 32, BigInt(f.coinDecimals ?? 0));
  put64(data, 40, BigInt(f.pcDecimals ?? 0));
  put64(data, PNL_COIN_AT, f.pnlCoin);
  put64(data, PNL_PC_AT, f.pnlPc);
  putKey(data, 336, f.keys?.coinVault);
  putKey(data, 368, f.keys?.pcVault);
  putKey(data, 400, f.keys?.coinMint);
  putKey(data, 432, f.keys?.pcMint);
  putKey(data, 496, f.keys?.openOrders);
  return data;
}

/** A 3228-byte OpenOrders with the "serum" padding, flags Initialized|OpenOrders and the totals. */
export function openOrdersBytes(baseTotal: bigint, quoteTotal: bigint, market?: Uint8Array, owner?: Uint8Array): Uint8Array {
  const data = new Uint8Array(OPEN_ORDERS_LEN);
  data.set(new TextEncoder().encode('serum'), 0);
  put64(data, 5, 5n);
  putKey(data, 13, market);
  putKey(data, 45, owner);
  put64(data, OO_BASE_TOTAL_AT, baseTotal);
  put64(data, OO_QUOTE_TOTAL_AT, quoteTotal);
  data.set(new TextEncoder().encode('padding'), OPEN_ORDERS_LEN - 7);
  return data;
}
