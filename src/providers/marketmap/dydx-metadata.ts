/**
 * The provider metadata that the dYdX converter derives from a DeFi exchange's ticker
 * (connect providers/apis/dydx/utils.go UniswapV3MetadataFromTicker, RaydiumMetadataFromTicker,
 * parse.go ExtractMetadata), as the same JSON text connect writes (Go encoding/json field
 * order). Pure: each returns the metadata_JSON text or an error message.
 *
 * - Uniswap v3 (`uniswapv3_api-*`): ticker `ADDRESS-BASE_DECIMALS-QUOTE_DECIMALS`, exactly
 *   3 fields; the address must be 40 hex digits with an optional 0x (go-ethereum
 *   IsHexAddress; no checksum), the decimals int64 >= 0 (Go ParseInt: an optional sign).
 *   → {"address","base_decimals","quote_decimals","invert"}.
 * - Raydium: ticker `BASE-QUOTE-BASE_VAULT-BASE_DECIMALS-QUOTE_VAULT-QUOTE_DECIMALS-OPEN_ORDERS-AMM_INFO`,
 *   at least 8 fields (extra ones ignored); the four addresses are base58 32-byte Solana
 *   public keys, the decimals uint64 (Go ParseUint: digits only).
 *   → {"base_token_vault":{..},"quote_token_vault":{..},"amm_info_address","open_orders_address"}.
 */

export type Metadata = { ok: true; json: string } | { ok: false; error: string };

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** The number of bytes `text` decodes to in base58, or undefined when it is not base58. */
export function base58Length(text: string): number | undefined {
  let value = 0n;
  let zeros = 0;
  let leading = true;
  for (const c of text) {
    const digit = BASE58.indexOf(c);
    if (digit < 0) return undefined;
    if (leading && digit === 0) zeros += 1;
    else leading = false;
    value = value * 58n + BigInt(digit);
  }
  let bytes = 0;
  for (let v = value; v > 0n; v >>= 8n) bytes += 1;
  return zeros + bytes;
}

/** solana-go PublicKeyFromBase58: base58 that decodes to exactly 32 bytes. */
export function isSolanaKey(text: string): boolean {
  return text !== '' && base58Length(text) === 32;
}

/** go-ethereum common.IsHexAddress. */
export function isHexAddress(text: string): boolean {
  return /^(0[xX])?[0-9a-fA-F]{40}$/.test(text);
}

/** Go strconv.ParseInt(s, 10, 64), then >= 0; the value as a decimal string, or undefined. */
function nonNegativeInt64(s: string): string | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v >= 0n && v <= INT64_MAX ? v.toString() : undefined;
}

/** Go strconv.ParseUint(s, 10, 64); the value as a decimal string, or undefined. */
function uint64(s: string): string | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v <= UINT64_MAX ? v.toString() : undefined;
}

export function uniswapV3Metadata(ticker: string, invert: boolean): Metadata {
  const fields = ticker.split('-');
  if (fields.length !== 3) return { ok: false, error: `uniswap ticker must be ADDRESS-BASE_DECIMALS-QUOTE_DECIMALS (3 fields), got ${fields.length}` };
  const [address = '', baseText = '', quoteText = ''] = fields;
  const base = nonNegativeInt64(baseText);
  if (base === undefined) return { ok: false, error: `uniswap base decimals must be an integer >= 0, got ${JSON.stringify(baseText)}` };
  const quote = nonNegativeInt64(quoteText);
  if (quote === undefined) return { ok: false, error: `uniswap quote decimals must be an integer >= 0, got ${JSON.stringify(quoteText)}` };
  if (!isHexAddress(address)) return { ok: false, error: `uniswap pool address is not a valid ethereum address: ${JSON.stringify(address)}` };
  return { ok: true, json: `{"address":${JSON.stringify(address)},"base_decimals":${base},"quote_decimals":${quote},"invert":${invert}}` };
}

export function raydiumMetadata(ticker: string): Metadata {
  const f = ticker.split('-');
  if (f.length < 8) return { ok: false, error: `raydium ticker must have at least 8 fields (BASE-QUOTE-BASE_VAULT-BASE_DECIMALS-QUOTE_VAULT-QUOTE_DECIMALS-OPEN_ORDERS-AMM_INFO), got ${f.length}` };
  const [, , baseVault = '', baseText = '', quoteVault = '', quoteText = '', openOrders = '', ammInfo = ''] = f;
  const key = (what: string, v: string): string | undefined => (isSolanaKey(v) ? undefined : `raydium ${what} is not a base58 Solana public key: ${JSON.stringify(v)}`);
  const problem = key('base token vault', baseVault) ?? key('quote token vault', quoteVault);
  if (problem) return { ok: false, error: problem };
  const base = uint64(baseText);
  if (base === undefined) return { ok: false, error: `raydium base decimals must be an unsigned integer, got ${JSON.stringify(baseText)}` };
  const quote = uint64(quoteText);
  if (quote === undefined) return { ok: false, error: `raydium quote decimals must be an unsigned integer, got ${JSON.stringify(quoteText)}` };
  const later = key('open orders address', openOrders) ?? key('AMM info address', ammInfo);
  if (later) return { ok: false, error: later };
  const vault = (address: string, decimals: string) => `{"token_vault_address":${JSON.stringify(address)},"token_decimals":${decimals}}`;
  return {
    ok: true,
    json: `{"base_token_vault":${vault(baseVault, base)},"quote_token_vault":${vault(quoteVault, quote)},` +
      `"amm_info_address":${JSON.stringify(ammInfo)},"open_orders_address":${JSON.stringify(openOrders)}}`,
  };
}
