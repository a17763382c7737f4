/**
 * A Uniswap v3 ticker's `metadata_JSON` (connect providers/apis/defi/uniswapv3/utils.go
 * PoolConfig and ValidateBasic):
 *
 *   {"address":"0x88e6…5640","base_decimals":18,"quote_decimals":6,"invert":true}
 *
 * - `address`: 40 hex digits with an optional 0x/0X prefix, any case, checksum not verified
 *   (go-ethereum common.IsHexAddress). Sent lower-case with 0x, as go-ethereum does.
 * - `base_decimals`, `quote_decimals`: integers ≥ 0 of the ticker's base and quote token.
 * - `invert`: true when the ticker's base is the pool's token1.
 * Stricter than connect (Go's decoder let a missing key default to 0 / false): every key is
 * required with its JSON type, and decimals are at most MAX_DECIMALS (ERC-20 decimals are a
 * uint8; a larger value could only be a typo and would make 10^decimals needlessly large).
 * Other keys are ignored, as in Go.
 */
import { isObject } from '../util.js';

export const MAX_DECIMALS = 255;

export interface PoolConfig {
  /** 0x + 40 lower-case hex digits. */
  readonly address: string;
  readonly baseDecimals: number;
  readonly quoteDecimals: number;
  readonly invert: boolean;
}

const ADDRESS = /^(?:0[xX])?([0-9a-fA-F]{40})$/;

function decimals(value: unknown, key: string): number | Error {
  if (typeof value !== 'number' || !Number.isInteger(value)) return new Error(`${key} must be an integer`);
  if (value < 0) return new Error(`${key} must be non-negative`);
  if (value > MAX_DECIMALS) return new Error(`${key} must be at most ${MAX_DECIMALS}`);
  return value;
}

/** Parse and validate one ticker's metadata; an Error says what is wrong. */
export function parsePoolConfig(metadataJSON: string): PoolConfig | Error {
  let value: unknown;
  try {
    value = JSON.parse(metadataJSON);
  } catch {
    return new Error('metadata is not JSON');
  }
  if (!isObject(value)) return new Error('metadata is not a JSON object');
  const address = typeof value.address === 'string' ? ADDRESS.exec(value.address) : null;
  if (!address) return new Error('address is not a valid ethereum address');
  const baseDecimals = decimals(value.base_decimals, 'base_decimals');
  if (baseDecimals instanceof Error) return baseDecimals;
  const quoteDecimals = decimals(value.quote_decimals, 'quote_decimals');
  if (quoteDecimals instanceof Error) return quoteDecimals;
  if (typeof value.invert !== 'boolean') return new Error('invert must be a boolean');
  return { address: `0x${(address[1] ?? '').toLowerCase()}`, baseDecimals, quoteDecimals, invert: value.invert };
}
