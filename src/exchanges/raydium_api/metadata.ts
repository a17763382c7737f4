/**
 * A raydium_api ticker's `metadata_JSON` (connect providers/apis/defi/raydium/types.go
 * `TickerMetadata`, `ValidateBasic`):
 *   {"base_token_vault":{"token_vault_address":"<key>","token_decimals":9},
 *    "quote_token_vault":{"token_vault_address":"<key>","token_decimals":6},
 *    "amm_info_address":"<key>","open_orders_address":"<key>"}
 * Every address must be a base58 32-byte public key. Unknown fields are ignored (as Go's
 * encoding/json does). Stricter than connect: `token_decimals` is required and must be an
 * integer 0-255 (an SPL mint's decimals are a u8); connect read a missing one as 0, which
 * mis-scales the price silently.
 *
 * Parsed metadata is cached by its JSON text, so a market-map update that changes a ticker's
 * metadata takes effect at once (connect keyed the cache by the off-chain ticker alone and kept
 * the first metadata until restart).
 */
import { decodePublicKey } from './base58.js';
import { isObject } from '../util.js';

export interface PoolMetadata {
  readonly baseVault: string;
  readonly baseDecimals: number;
  readonly quoteVault: string;
  readonly quoteDecimals: number;
  readonly ammInfo: string;
  readonly openOrders: string;
}

/** Most distinct metadata texts kept; the cache starts over beyond (a market map holds far fewer). */
const CACHE_LIMIT = 4096;
const cache = new Map<string, PoolMetadata | Error>();

function address(owner: Record<string, unknown>, key: string, path: string): string | Error {
  const v = owner[key];
  if (typeof v !== 'string') return new Error(`${path} must be a string`);
  const bytes = decodePublicKey(v);
  return bytes instanceof Error ? new Error(`${path}: ${bytes.message}`) : v;
}

function vault(root: Record<string, unknown>, key: string): { address: string; decimals: number } | Error {
  const v = root[key];
  if (!isObject(v)) return new Error(`${key} must be an object`);
  const addr = address(v, 'token_vault_address', `${key}.token_vault_address`);
  if (addr instanceof Error) return addr;
  const d = v.token_decimals;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 255) return new Error(`${key}.token_decimals must be an integer 0-255`);
  return { address: addr, decimals: d };
}

function parse(json: string): PoolMetadata | Error {
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch (err) {
    return new Error(`metadata is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(root)) return new Error('metadata must be a JSON object');
  const base = vault(root, 'base_token_vault');
  if (base instanceof Error) return base;
  const quote = vault(root, 'quote_token_vault');
  if (quote instanceof Error) return quote;
  const ammInfo = address(root, 'amm_info_address', 'amm_info_address');
  if (ammInfo instanceof Error) return ammInfo;
  const openOrders = address(root, 'open_orders_address', 'open_orders_address');
  if (openOrders instanceof Error) return openOrders;
  return { baseVault: base.address, baseDecimals: base.decimals, quoteVault: quote.address, quoteDecimals: quote.decimals, ammInfo, openOrders };
}

/** The validated metadata of a ticker, or an Error saying what is wrong. Never throws. */
export function poolMetadata(json: string): PoolMetadata | Error {
  let m = cache.get(json);
  if (m === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    m = parse(json);
    cache.set(json, m);
  }
  return m;
}
