/**
 * The DefiContext the HTTP driver hands a DeFi adapter: one request to one endpoint at a time,
 * with that endpoint's own API-key header (dYdX's set-up gives every Solana and Ethereum
 * endpoint its own key), the provider's `timeout` on every call (connect applied none to
 * Uniswap), a bounded body, and connect's per-endpoint metrics: side_car_api_rpc_status_code
 * and side_car_api_response_latency labelled `redacted_endpoint_index=<i>` with the real index
 * (connect labelled every Osmosis endpoint 0), plus side_car_api_http_status_code once per reply.
 */
import type { Agent } from 'undici';
import type { ApiConfig } from '../config/types.js';
import type { ProviderMetrics } from '../metrics/provider.js';
import { VERSION } from '../version.js';
import { BlockAge } from './defi.js';
import { authHeaders, readBounded, transportError } from './http-body.js';
import type { DefiContext, RpcReply, RpcRequest } from './types.js';
import { undici } from './undici.js';

/** Largest DeFi answer read (100 Raydium accounts in base64 are about 0.5 MB). */
export const MAX_RPC_BODY_BYTES = 8 * 1024 * 1024;

const USER_AGENT = `oracle-sidecar/${VERSION}`;

export class DefiTransport implements DefiContext {
  readonly endpoints: number;
  private readonly age: BlockAge;

  constructor(
    private readonly config: ApiConfig,
    private readonly agent: Agent,
    private readonly metrics: ProviderMetrics,
    now: () => number = Date.now,
  ) {
    this.endpoints = Math.max(1, config.endpoints.length);
    this.age = new BlockAge(config.maxBlockHeightAge, now);
  }

  checkHeight(height: bigint): Error | undefined {
    return this.age.check(height);
  }

  async request<T>(index: number, req: RpcRequest, accept: (reply: RpcReply) => T | Error): Promise<T | Error> {
    const started = performance.now();
    const result = await this.send(index, req).then((reply) => (reply instanceof Error ? reply : guard(accept, reply)));
    this.metrics.rpcCall(index, !(result instanceof Error), Math.round(performance.now() - started));
    return result;
  }

  private async send(index: number, req: RpcRequest): Promise<RpcReply | Error> {
    const endpoint = this.config.endpoints[index];
    if (!endpoint) return new Error(`no endpoint ${index} configured`);
    const headers: Record<string, string> = { ...authHeaders(endpoint), 'user-agent': USER_AGENT, accept: 'application/json' };
    let url = endpoint.url;
    if (req.method === 'GET') url = url.replace(/\/+$/, '') + req.path;
    else headers['content-type'] = 'application/json';
    try {
      const res = await undici().request(url, {
        method: req.method,
        headers,
        body: req.method === 'POST' ? JSON.stringify(req.body) : undefined,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(Math.ceil(this.config.timeout)),
      });
      this.metrics.apiHttpStatus(res.statusCode);
      const text = await readBounded(res.body, MAX_RPC_BODY_BYTES);
      if (text === undefined) return new Error(`answer larger than ${MAX_RPC_BODY_BYTES} bytes`);
      const out: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(res.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode, headers: out, body: decode(text) };
    } catch (err) {
      return new Error(transportError(err));
    }
  }
}

function decode(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** accept() is adapter code: a throw is that request's failure, never the driver's. */
function guard<T>(accept: (reply: RpcReply) => T | Error, reply: RpcReply): T | Error {
  try {
    return accept(reply);
  } catch (err) {
    return new Error(`unreadable answer: ${(err as Error).message}`);
  }
}
