/**
 * Solana JSON-RPC `getMultipleAccounts` on the wire, as connect sends and reads it through
 * solana-go v1.11.0 (rpc/getMultipleAccounts.go, rpc/types.go, rpc/jsonrpc/jsonrpc.go).
 * https://solana.com/docs/rpc/http/getmultipleaccounts
 *
 * Request: one object (never a batch), params `[keys, {"commitment":"confirmed"}]`; no
 * `encoding` is sent, the server default being base64.
 *
 * `acceptAccounts` decides what makes one endpoint's answer a failure (counted
 * `request_error`), following solana-go: a body that is not JSON; a top-level key other than
 * jsonrpc/id/result/error (solana-go decodes the envelope with unknown fields disallowed); a
 * JSON-RPC `error`; a null `result` or `value` ("not found"); an account whose `owner` is not a
 * public key; account `data` as a bare string (the legacy base58 form: "unknown kind"). Also
 * (our choice) a missing `context.slot`, data in another encoding than base64 and invalid
 * base64. An HTTP error status with a valid JSON-RPC body is not itself a failure (solana-go).
 * A `data` object (jsonParsed) carries no bytes: that ticker fails later, not the call.
 */
import type { RpcReply } from '../../providers/types.js';
import { isObject } from '../util.js';
import { decodePublicKey } from './base58.js';

/** One account of an answer: its bytes, null (no such account) or undefined (no binary data). */
export type AccountData = Uint8Array | null | undefined;

export interface AccountsAnswer {
  readonly slot: bigint;
  readonly accounts: readonly AccountData[];
}

const ENVELOPE_KEYS = new Set(['jsonrpc', 'id', 'result', 'error']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

let nextId = 0;

/** The JSON-RPC request for `keys` (ids count up per process; solana-go uses random UUIDs). */
export function accountsRequest(keys: readonly string[]): object {
  nextId = (nextId % Number.MAX_SAFE_INTEGER) + 1;
  return { jsonrpc: '2.0', id: nextId, method: 'getMultipleAccounts', params: [keys, { commitment: 'confirmed' }] };
}

function rpcError(error: unknown): Error {
  if (isObject(error)) return new Error(`rpc error ${String(error.code)}: ${String(error.message)}`);
  return new Error(`rpc error: ${JSON.stringify(error)?.slice(0, 200)}`);
}

function account(entry: unknown, i: number): AccountData | Error {
  if (entry === null) return null;
  if (!isObject(entry)) return new Error(`account ${i} is not an object`);
  if (typeof entry.owner !== 'string' || decodePublicKey(entry.owner) instanceof Error) return new Error(`account ${i} has an invalid owner`);
  const data = entry.data;
  if (typeof data === 'string') return new Error(`account ${i} data: unknown kind (a bare string, not [data, encoding])`);
  if (!Array.isArray(data)) return undefined;
  const [content, encoding] = data as unknown[];
  if (encoding !== 'base64') return new Error(`account ${i} data: unsupported encoding ${JSON.stringify(encoding)}`);
  if (typeof content !== 'string' || content.length % 4 !== 0 || !BASE64.test(content)) return new Error(`account ${i} data is not base64`);
  return new Uint8Array(Buffer.from(content, 'base64'));
}

/** The slot and accounts of a `getMultipleAccounts` reply, or why the call failed. Never throws. */
export function acceptAccounts(reply: RpcReply): AccountsAnswer | Error {
  const body = reply.body;
  if (body === undefined) return new Error(`HTTP ${reply.status}: the answer is not JSON`);
  if (!isObject(body)) return new Error('the answer is not a JSON-RPC object');
  for (const key of Object.keys(body)) {
    if (!ENVELOPE_KEYS.has(key)) return new Error(`unknown field ${JSON.stringify(key)} in the JSON-RPC response`);
  }
  if (body.error !== undefined && body.error !== null) return rpcError(body.error);
  const result = body.result;
  if (!isObject(result)) return new Error('not found (no result)');
  const slot = isObject(result.context) ? result.context.slot : undefined;
  if (typeof slot !== 'number' || !Number.isSafeInteger(slot) || slot < 0) return new Error('result.context.slot is missing or not a slot number');
  const value = result.value;
  if (value === null || value === undefined) return new Error('not found (no value)');
  if (!Array.isArray(value)) return new Error('result.value is not an array');
  const accounts: AccountData[] = [];
  for (const [i, entry] of (value as unknown[]).entries()) {
    const a = account(entry, i);
    if (a instanceof Error) return a;
    accounts.push(a);
  }
  return { slot: BigInt(slot), accounts };
}
