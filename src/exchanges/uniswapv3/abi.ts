/**
 * Decoding the answer of `slot0()` on a Uniswap v3 pool (selector 0x3850c7bd), as connect
 * does it with go-ethereum's hexutil and abi packages (providers/apis/defi/uniswapv3/
 * fetcher.go ParseSqrtPriceX96, pool/uniswap_v3_pool.go for the ABI).
 * Pool docs: https://docs.uniswap.org/contracts/v3/reference/core/interfaces/pool/IUniswapV3PoolState#slot0
 *
 * The result is seven static 32-byte words (224 bytes): sqrtPriceX96 uint160, tick int24,
 * observationIndex, observationCardinality, observationCardinalityNext uint16, feeProtocol
 * uint8, unlocked bool. Only word 0 is used. Checks, as go-ethereum's readers make them:
 * a `0x`/`0X` prefix, non-empty, even length, hex digits only (hexutil.Decode); at least 224
 * bytes, extra bytes ignored; the uint16 and uint8 words fit their type; the bool word is 0
 * or 1. One check is ours: word 0 must fit uint160 (go-ethereum does not range-check types
 * wider than 64 bits; the pool can never hold a larger value). The int24 tick word is not
 * checked, as in go-ethereum.
 */

export const SLOT0_SELECTOR = '0x3850c7bd';
/** Seven 32-byte words. */
export const SLOT0_BYTES = 224;

const HEX = /^[0-9a-fA-F]*$/;
const UINT160_MAX = (1n << 160n) - 1n;

/** The 32-byte word `i` of `hex` (no prefix) as an unsigned integer. */
function word(hex: string, i: number): bigint {
  return BigInt(`0x${hex.slice(i * 64, i * 64 + 64)}`);
}

/** sqrtPriceX96 from an `eth_call` result string, or why it cannot be read. */
export function decodeSlot0(result: string): bigint | Error {
  if (!result.startsWith('0x') && !result.startsWith('0X')) return new Error('slot0 result lacks the 0x prefix');
  const hex = result.slice(2);
  if (hex.length === 0) return new Error('slot0 result is an empty hex string');
  if (hex.length % 2 !== 0) return new Error('slot0 result has an odd number of hex digits');
  if (!HEX.test(hex)) return new Error('slot0 result is not hex');
  if (hex.length < SLOT0_BYTES * 2) return new Error(`slot0 result has ${hex.length / 2} bytes, expected at least ${SLOT0_BYTES}`);
  const sqrt = word(hex, 0);
  if (sqrt > UINT160_MAX) return new Error('slot0 sqrtPriceX96 does not fit uint160');
  for (const i of [2, 3, 4]) {
    if (word(hex, i) > 0xffffn) return new Error(`slot0 word ${i} does not fit uint16`);
  }
  if (word(hex, 5) > 0xffn) return new Error('slot0 feeProtocol does not fit uint8');
  if (word(hex, 6) > 1n) return new Error('slot0 unlocked is not a boolean');
  return sqrt;
}

/** A 32-byte big-endian word of an unsigned value below 2^256, as 64 hex digits. */
export function hexWord(value: bigint): string {
  return value.toString(16).padStart(64, '0');
}

/** The 224-byte `slot0` result for the given values (the simulated node's answer). */
export function encodeSlot0(sqrtPriceX96: bigint, tick: number): string {
  const tickWord = tick < 0 ? (1n << 256n) + BigInt(tick) : BigInt(tick);
  const words = [sqrtPriceX96, tickWord, 0n, 1n, 1n, 0n, 1n];
  return `0x${words.map(hexWord).join('')}`;
}
