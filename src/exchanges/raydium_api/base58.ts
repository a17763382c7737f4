/**
 * Base58 (Bitcoin alphabet) for Solana public keys: https://solana.com/docs/core/accounts
 * (addresses are 32-byte Ed25519 keys written in base58) and the alphabet of
 * https://datatracker.ietf.org/doc/html/draft-msporny-base58. Written here because the project
 * has no base58 dependency; keys are short, so plain BigInt arithmetic is fast enough.
 *
 * Quirk kept from solana-go (`PublicKeyFromBase58`): a key must decode to exactly 32 bytes;
 * leading '1's are leading zero bytes, so "11111111111111111111111111111111" is the zero key.
 */

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, BigInt(i)]));

/** Longest base58 text of a 32-byte key (44 characters). */
const MAX_KEY_CHARS = 44;

/** Decode base58 text to bytes, or an Error naming the first bad character. Never throws. */
export function decodeBase58(text: string): Uint8Array | Error {
  let n = 0n;
  for (const c of text) {
    const v = VALUE.get(c);
    if (v === undefined) return new Error(`invalid base58 character ${JSON.stringify(c)}`);
    n = n * 58n + v;
  }
  const body: number[] = [];
  while (n > 0n) {
    body.push(Number(n & 0xffn));
    n >>= 8n;
  }
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros += 1;
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...body.reverse()]);
}

/** Encode bytes as base58 text. */
export function encodeBase58(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros += 1;
  return '1'.repeat(zeros) + out;
}

/** A Solana public key: base58 text of exactly 32 bytes. Returns the bytes or an Error. */
export function decodePublicKey(text: string): Uint8Array | Error {
  if (text.length === 0 || text.length > MAX_KEY_CHARS) return new Error(`public key must be 1-${MAX_KEY_CHARS} base58 characters, got ${text.length}`);
  const bytes = decodeBase58(text);
  if (bytes instanceof Error) return bytes;
  if (bytes.length !== 32) return new Error(`public key must decode to 32 bytes, got ${bytes.length}`);
  return bytes;
}
