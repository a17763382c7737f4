/**
 * Simulated EVM JSON-RPC nodes for uniswapv3_api-ethereum and uniswapv3_api-base: POST of a
 * JSON-RPC 2.0 request object or batch array (https://www.jsonrpc.org/specification,
 * https://ethereum.org/en/developers/docs/apis/json-rpc/), answered as geth does over HTTP.
 *
 * - `eth_call` with params [{to, data|input}, <block tag>]: `to` is one of pools.ts (any
 *   case) and the data is slot0's selector 0x3850c7bd → the 224-byte slot0 result (abi.ts
 *   encodeSlot0), sqrtPriceX96 = floor(sqrt(raw) × 2^96) in BigInt from the book price of the
 *   pool's pair (math.ts sqrtPriceX96Of). Any other address or data → the element error
 *   {"code":-32000,"message":"execution reverted"} (a real node answers "0x" for an address
 *   without code; the simulator reverts so that the error path is reachable).
 * - `eth_blockNumber` → view.height(endpoint) as a canonical hex quantity; `eth_chainId` →
 *   0x1 / 0x2105. Other methods → -32601. `params` may be absent, [] or present.
 * - Batches answer element by element with the request ids (an empty batch is one -32600
 *   error object, as geth); a body that is not JSON → -32700; a method other than POST → 405;
 *   a content type other than JSON → 415.
 * Knobs (sim/endpoints.ts), per endpoint: `rpcError`: every eth_call element is an error
 *   object (eth_blockNumber still answers, so that the per-ticker path shows); `noHeight`:
 *   eth_blockNumber is an error object; `corrupt`: slot0 results are short (64 bytes).
 * Faults: the generic HTTP ones via the plumbing; `bad-price`: slot0 results are "0xabc"
 *   (odd-length hex); `price`: a plain decimal value is the pair's price (0 gives a zero
 *   sqrtPriceX96), anything else gives the invalid result "0x".
 */
import type { Pair } from '../../sim/symbols.js';
import type { ExchangeView, HttpReply, HttpRequest, HttpSimExchange } from '../../sim/types.js';
import { isObject, type JsonObject } from '../util.js';
import { SLOT0_SELECTOR, encodeSlot0 } from './abi.js';
import { sqrtPriceX96Of } from './math.js';
import { uniswapPools, type UniswapPool, type UniswapProvider } from './pools.js';
import { endpointPrice, type EndpointKnobs } from '../../sim/endpoints.js';

export { uniswapPools, type UniswapPool, type UniswapProvider } from './pools.js';
export { sqrtPriceX96Of } from './math.js';

const REVERTED = { code: -32000, message: 'execution reverted' };
const MAX_TICK = 887272;

/** A positive float as plain decimal text with 17 significant digits (round-trips). */
export function plainOf(value: number): string {
  const [digits = '0', exp = '0'] = value.toExponential(16).split('e');
  const mantissa = digits.replace('.', '');
  const point = Number(exp) + 1;
  if (point <= 0) return `0.${'0'.repeat(-point)}${mantissa}`;
  if (point >= mantissa.length) return mantissa + '0'.repeat(point - mantissa.length);
  return `${mantissa.slice(0, point)}.${mantissa.slice(point)}`;
}

/** The tick at or below a sqrt price (floor of log base 1.0001 of the raw price), in int24 range. */
function tickOf(sqrtPriceX96: bigint): number {
  const tick = Math.floor((2 * Math.log(Number(sqrtPriceX96) / 2 ** 96)) / Math.log(1.0001));
  return Number.isFinite(tick) ? Math.max(-MAX_TICK, Math.min(MAX_TICK, tick)) : -MAX_TICK;
}

/** The pair's price as the fault asks for it: plain text, or undefined for an invalid result. */
function priceText(pool: UniswapPool, view: ExchangeView, knobs: EndpointKnobs): string | undefined {
  const fault = view.fault();
  if (fault.mode === 'bad-price') return undefined;
  if (fault.mode === 'price') return /^\d+(?:\.\d+)?$/.test(fault.value) ? fault.value : undefined;
  const price = view.price({ base: pool.base, quote: pool.quote });
  return price === undefined || !(price > 0) ? undefined : plainOf(endpointPrice(price, knobs));
}

/** The slot0 result a pool returns now from an endpoint with `knobs`. */
function slot0(pool: UniswapPool, view: ExchangeView, knobs: EndpointKnobs): string {
  const fault = view.fault();
  const corrupt = knobs.corrupt;
  const text = priceText(pool, view, knobs);
  if (text === undefined) return fault.mode === 'bad-price' ? '0xabc' : '0x';
  const sqrt = /^0*(?:\.0*)?$/.test(text) ? 0n : sqrtPriceX96Of(text, pool.token0.decimals, pool.token1.decimals, pool.invert);
  const result = encodeSlot0(sqrt, tickOf(sqrt));
  return corrupt ? result.slice(0, 2 + 128) : result;
}

function ethCall(params: unknown, pools: ReadonlyMap<string, UniswapPool>, view: ExchangeView, endpoint: number): { result: string } | { error: object } {
  const call = Array.isArray(params) ? (params as unknown[])[0] : undefined;
  if (!isObject(call) || typeof call.to !== 'string') return { error: { code: -32602, message: 'invalid argument 0: missing call object' } };
  const knobs = view.endpoint(endpoint);
  if (knobs.rpcError) return { error: { code: -32603, message: 'internal error (simulated)' } };
  const data = typeof call.input === 'string' ? call.input : call.data;
  const pool = pools.get(call.to.toLowerCase());
  if (pool === undefined || typeof data !== 'string' || data.toLowerCase() !== SLOT0_SELECTOR) return { error: REVERTED };
  return { result: slot0(pool, view, knobs) };
}

function node(name: UniswapProvider, chainId: string, offsetBps: number): HttpSimExchange {
  const list = uniswapPools(name);
  const pools = new Map(list.map((p) => [p.address.toLowerCase(), p]));

  const answer = (msg: unknown, view: ExchangeView, endpoint: number): JsonObject => {
    const id = isObject(msg) && msg.id !== undefined ? msg.id : null;
    const reply = (body: { result: unknown } | { error: object }): JsonObject => ({ jsonrpc: '2.0', id, ...body });
    if (!isObject(msg) || msg.jsonrpc !== '2.0' || typeof msg.method !== 'string') {
      return reply({ error: { code: -32600, message: 'invalid request' } });
    }
    switch (msg.method) {
      case 'eth_call':
        return reply(ethCall(msg.params, pools, view, endpoint));
      case 'eth_blockNumber':
        if (view.endpoint(endpoint).noHeight) return reply({ error: { code: -32000, message: 'header not found' } });
        return reply({ result: `0x${view.height(endpoint).toString(16)}` });
      case 'eth_chainId':
        return reply({ result: chainId });
      default:
        return reply({ error: { code: -32601, message: `the method ${msg.method.slice(0, 64)} does not exist/is not available` } });
    }
  };

  const handle = (req: HttpRequest, view: ExchangeView): HttpReply => {
    if (req.method !== 'POST') return { status: 405, body: 'method not allowed' };
    const type = req.headers['content-type'] ?? '';
    if (!type.toLowerCase().startsWith('application/json')) {
      return { status: 415, body: 'invalid content type, only application/json is supported' };
    }
    let msg: unknown;
    try {
      msg = JSON.parse(req.body);
    } catch {
      return { status: 200, body: { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } } };
    }
    if (!Array.isArray(msg)) return { status: 200, body: answer(msg, view, req.endpoint) };
    if (msg.length === 0) return { status: 200, body: { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'empty batch' } } };
    return { status: 200, body: (msg as unknown[]).map((m) => answer(m, view, req.endpoint)) };
  };

  return {
    kind: 'http',
    name,
    offsetBps,
    endpointPath: '',
    resolve: (symbol: string, known: (asset: string) => boolean): Pair | undefined => {
      const pool = pools.get(symbol.toLowerCase());
      return pool && known(pool.base) && known(pool.quote) ? { base: pool.base, quote: pool.quote } : undefined;
    },
    symbols: () => list.map((p) => p.address),
    render: (value: number) => String(value),
    handle,
  };
}

export const ethereumSim = node('uniswapv3_api-ethereum', '0x1', 2);
export const baseSim = node('uniswapv3_api-base', '0x2105', -2);
