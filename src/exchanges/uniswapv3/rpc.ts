/**
 * The EVM JSON-RPC batch of the Uniswap v3 providers, as go-ethereum's HTTP client sends and
 * reads it (connect providers/apis/defi/ethmulticlient/{client.go,multi_client.go}; go-ethereum
 * v1.14 rpc/client.go BatchCallContext, rpc/http.go). Spec:
 * https://ethereum.org/en/developers/docs/apis/json-rpc/ (eth_call, eth_blockNumber) and
 * https://www.jsonrpc.org/specification#batch
 *
 * One chunk = one POST of a JSON array: an `eth_call` of slot0 per pool (params: the call
 * object with sorted keys `data`, `to` in lower case, and the tag "latest"), then an
 * `eth_blockNumber` without `params`. Ids are 1..n+1 per chunk; answers are matched by id, in
 * any order.
 *
 * What fails the endpoint's call (its `accept`, so side_car_api_rpc_status_code
 * request_error): a non-2xx status, a body that is not a JSON array of objects, and an
 * `eth_blockNumber` answer that is missing, an error, or not a canonical hex quantity of at
 * most 64 bits (hexutil.DecodeUint64: 0x prefix, no leading zeros). Per element, kept for the
 * ticker: an error object, a missing or null result, a result that is not a string, or no
 * answer for the id at all (go-ethereum's per-element errors).
 *
 * Every endpoint is asked concurrently, also when there is only one (the block-age check
 * always runs here; connect ran it with several endpoints only). The answer with the highest
 * block wins (ties: lower index) and the prices come from that answer itself (connect's
 * multi-client shared one result buffer and served whichever endpoint was decoded last).
 */
import { pickHighest, type HeightAnswer } from '../../providers/defi.js';
import type { DefiContext, RpcReply } from '../../providers/types.js';
import { isObject, type JsonObject } from '../util.js';
import { SLOT0_SELECTOR } from './abi.js';

/** One `eth_call` element's outcome: the result string or the element's error. */
export type CallResult = { readonly result: string } | { readonly error: string };

/** The JSON-RPC request array of one chunk: slot0 of each pool, then eth_blockNumber. */
export function chunkBody(addresses: readonly string[]): JsonObject[] {
  const calls = addresses.map((to, i) => ({
    jsonrpc: '2.0',
    id: i + 1,
    method: 'eth_call',
    params: [{ data: SLOT0_SELECTOR, to }, 'latest'],
  }));
  return [...calls, { jsonrpc: '2.0', id: addresses.length + 1, method: 'eth_blockNumber' }];
}

const QUANTITY = /^0[xX](?:0|[1-9a-fA-F][0-9a-fA-F]{0,15})$/;

function errorText(error: unknown): string {
  if (isObject(error)) {
    const message = typeof error.message === 'string' ? error.message : JSON.stringify(error.message ?? null);
    return `rpc error ${JSON.stringify(error.code ?? null)}: ${message}`.slice(0, 200);
  }
  return `rpc error: ${JSON.stringify(error)}`.slice(0, 200);
}

function element(entry: JsonObject | undefined): CallResult {
  if (entry === undefined) return { error: 'response batch did not contain a response to this call' };
  if (entry.error !== undefined && entry.error !== null) return { error: errorText(entry.error) };
  if (entry.result === undefined || entry.result === null) return { error: 'JSON-RPC response has no result' };
  if (typeof entry.result !== 'string') return { error: `result has type ${typeof entry.result}, expected a string` };
  return { result: entry.result };
}

/**
 * An endpoint's reply to a chunk of `calls` eth_calls: the reported block height and each
 * call's outcome, or an Error when the endpoint's call failed as a whole.
 */
export function readChunkReply(reply: RpcReply, calls: number): { height: bigint; results: CallResult[] } | Error {
  if (reply.status < 200 || reply.status > 299) return new Error(`HTTP status ${reply.status}`);
  if (!Array.isArray(reply.body)) return new Error('answer is not a JSON-RPC batch array');
  const byId = new Map<number, JsonObject>();
  for (const entry of reply.body as unknown[]) {
    if (!isObject(entry)) return new Error('batch answer holds a non-object');
    if (typeof entry.id === 'number' && !byId.has(entry.id)) byId.set(entry.id, entry);
  }
  const block = element(byId.get(calls + 1));
  if ('error' in block) return new Error(`eth_blockNumber: ${block.error}`);
  if (!QUANTITY.test(block.result)) return new Error(`eth_blockNumber: ${JSON.stringify(block.result.slice(0, 40))} is not a hex quantity`);
  const results: CallResult[] = [];
  for (let id = 1; id <= calls; id++) results.push(element(byId.get(id)));
  return { height: BigInt(block.result), results };
}

/**
 * Ask every endpoint for slot0 of `addresses` and return the outcomes of the endpoint with
 * the highest block, once that block passes the provider's block-age check; else an Error.
 */
export async function callChunk(addresses: readonly string[], ctx: DefiContext): Promise<CallResult[] | Error> {
  const body = chunkBody(addresses);
  const indices = Array.from({ length: Math.max(1, ctx.endpoints) }, (_, i) => i);
  const answers = await Promise.all(
    indices.map(async (index): Promise<HeightAnswer<CallResult[]> | Error> => {
      const got = await ctx.request(index, { method: 'POST', body }, (reply) => readChunkReply(reply, addresses.length));
      return got instanceof Error ? got : { index, height: got.height, value: got.results };
    }),
  );
  const best = pickHighest(answers);
  if (best instanceof Error) return best;
  return ctx.checkHeight(best.height) ?? best.value;
}
