/**
 * The Uniswap v3 adapters through a real DefiTransport against the simulated EVM nodes over
 * loopback: prices equal to the exact value of the sqrtPriceX96 the node serves (read back
 * with a raw JSON-RPC POST, recomputed with decimal.js), the highest block winning over a
 * slow lagging endpoint, staleness and recovery, per-endpoint API keys, the node's knobs and
 * the per-endpoint metrics.
 */
import { Decimal } from 'decimal.js';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../../src/config/types.js';
import { uniswapv3Base, uniswapv3Ethereum } from '../../src/exchanges/uniswapv3/adapter.js';
import { uniswapPools, type UniswapPool, type UniswapProvider } from '../../src/exchanges/uniswapv3/sim.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { ProviderMetrics } from '../../src/metrics/provider.js';
import { DefiTransport } from '../../src/providers/defi-transport.js';
import type { DefiExchange, ProviderResponse, ProviderTicker } from '../../src/providers/types.js';
import { undici } from '../../src/providers/undici.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { sample } from '../helpers/metrics.js';

const ETH: UniswapProvider = 'uniswapv3_api-ethereum';
const BASE: UniswapProvider = 'uniswapv3_api-base';
const ADAPTERS: Record<UniswapProvider, DefiExchange> = { [ETH]: uniswapv3Ethereum, [BASE]: uniswapv3Base };
const D = Decimal.clone({ precision: 100 });
const NO_KNOBS = { lag: 0, frozen: false, delayMs: 0, apiKeyHeader: '', apiKey: '', rpcError: false, noHeight: false, corrupt: false };

let sim: Simulator;
const agents: Array<{ destroy(): Promise<void> }> = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, stepMs: 10 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  for (const name of [ETH, BASE]) {
    sim.setFault(name, { mode: 'none' });
    for (const i of [0, 1, 2]) sim.setEndpoint(name, i, NO_KNOBS);
  }
});
afterEach(async () => {
  for (const a of agents.splice(0)) await a.destroy();
});

const tickersOf = (pools: UniswapPool[]): ProviderTicker[] => pools.map((p) => ({ offChainTicker: p.offChainTicker, metadataJSON: p.metadataJSON }));
const nodeUrl = (name: string, i: number): string => `${sim.endpoints[name] ?? ''}/node/${i}`;

function transport(name: UniswapProvider, endpoints: Array<{ url: string; key?: string }>, o: Partial<ApiConfig> = {}) {
  const config: ApiConfig = {
    ...ADAPTERS[name].defaults,
    ...o,
    endpoints: endpoints.map((e) => ({ url: e.url, authentication: { apiKey: e.key ?? '', apiKeyHeader: e.key ? 'X-Api-Key' : '' } })),
  };
  const registry = new Registry();
  const metrics = new ProviderMetrics(createMetrics(registry, false), name, 'api');
  const agent = new (undici().Agent)();
  agents.push(agent);
  return { registry, t: new DefiTransport(config, agent, metrics) };
}

async function rpc(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await globalThis.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: JSON.parse(await res.text()) as unknown };
}

/** sqrtPriceX96 of each pool as the node serves it now (endpoint 0). */
async function servedSqrt(name: string, pools: UniswapPool[]): Promise<bigint[]> {
  const body = pools.map((p, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'eth_call', params: [{ to: p.address, data: '0x3850c7bd' }, 'latest'] }));
  const { body: answer } = await rpc(sim.endpoints[name] ?? '', body);
  const byId = new Map((answer as Array<{ id: number; result: string }>).map((a) => [a.id, a.result]));
  return pools.map((_, i) => BigInt(`0x${(byId.get(i + 1) ?? '').slice(2, 66)}`));
}

/** The exact price of a served sqrtPriceX96 by decimal.js, truncated to 40 significant digits. */
function expected(sqrt: bigint, p: UniswapPool): string {
  const raw = new D(sqrt.toString()).div(new D(2).pow(96)).pow(2);
  const scale = new D(10).pow(p.baseDecimals - p.quoteDecimals);
  return (p.invert ? scale.div(raw) : raw.mul(scale)).toSignificantDigits(40, Decimal.ROUND_DOWN).toFixed();
}

const prices = (r: ProviderResponse): Record<string, string | null> => Object.fromEntries(r.resolved.map((q) => [q.ticker, q.price]));
const codes = (r: ProviderResponse): Record<string, number> => Object.fromEntries(r.unresolved.map((q) => [q.ticker, q.code]));

describe('simulated EVM node', () => {
  it('answers batches and single objects by id: slot0, canonical eth_blockNumber, reverts for unknown pools', async () => {
    const pool = uniswapPools(ETH)[0] as UniswapPool;
    const { status, body } = await rpc(nodeUrl(ETH, 1), [
      { jsonrpc: '2.0', id: 7, method: 'eth_blockNumber' },
      { jsonrpc: '2.0', id: 'x', method: 'eth_call', params: [{ data: '0x3850c7bd', to: pool.address.toUpperCase().replace('0X', '0x') }, 'latest'] },
      { jsonrpc: '2.0', id: 9, method: 'eth_call', params: [{ data: '0x3850c7bd', to: `0x${'1'.repeat(40)}` }, 'latest'] },
      { jsonrpc: '2.0', id: 10, method: 'eth_chainId', params: [] },
    ]);
    expect(status).toBe(200);
    const [block, call, revert, chain] = body as Array<Record<string, unknown>>;
    expect(block).toEqual({ jsonrpc: '2.0', id: 7, result: `0x${BigInt(sim.endpoint(ETH, 1).height).toString(16)}` });
    expect(block?.result).toMatch(/^0x[1-9a-f][0-9a-f]*$/);
    expect(call?.id).toBe('x');
    expect(call?.result).toMatch(/^0x[0-9a-f]{448}$/);
    expect(revert).toMatchObject({ id: 9, error: { code: -32000, message: 'execution reverted' } });
    expect(chain).toEqual({ jsonrpc: '2.0', id: 10, result: '0x1' });
    const single = await rpc(sim.endpoints[BASE] ?? '', { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' });
    expect(single.body).toMatchObject({ id: 1, result: expect.stringMatching(/^0x[1-9a-f]/) as unknown });
    expect(sim.received(ETH).at(-1)?.text).toContain('POST /node/1');
  });

  it('answers geth\'s errors for an empty batch, bad JSON, an unknown method and a wrong content type', async () => {
    const url = sim.endpoints[ETH] ?? '';
    expect((await rpc(url, [])).body).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'empty batch' } });
    const bad = await globalThis.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{' });
    expect(await bad.json()).toMatchObject({ id: null, error: { code: -32700 } });
    expect((await rpc(url, { jsonrpc: '2.0', id: 3, method: 'eth_nope' })).body).toMatchObject({ id: 3, error: { code: -32601 } });
    expect((await globalThis.fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })).status).toBe(415);
  });

  it('serves floor(sqrt(price_raw) · 2^96) of the book price for every pool', async () => {
    for (const name of [ETH, BASE]) {
      sim.setFault(name, { mode: 'freeze' });
      const pools = uniswapPools(name);
      const sqrts = await servedSqrt(name, pools);
      for (const [i, p] of pools.entries()) {
        const book = sim.book.price(name, p.base, p.quote) as number;
        expect(Math.abs(Number(expected(sqrts[i] as bigint, p)) / book - 1), p.offChainTicker).toBeLessThan(1e-12);
      }
    }
  });
});

describe('uniswapv3 adapters against the simulated nodes', () => {
  it('prices both chains exactly from the sqrtPriceX96 served', async () => {
    for (const name of [ETH, BASE]) {
      sim.setFault(name, { mode: 'freeze' });
      const pools = uniswapPools(name);
      const sqrts = await servedSqrt(name, pools);
      const { t } = transport(name, [{ url: sim.endpoints[name] ?? '' }]);
      const r = await ADAPTERS[name].fetch(tickersOf(pools), t);
      expect(r.unresolved).toEqual([]);
      expect(prices(r)).toEqual(Object.fromEntries(pools.map((p, i) => [p.offChainTicker, expected(sqrts[i] as bigint, p)])));
    }
  });

  it('takes the prices from the fresh endpoint, never from a slow lagging one that answers last', async () => {
    sim.setFault(ETH, { mode: 'freeze' });
    sim.setEndpoint(ETH, 0, { lag: 50, delayMs: 300 });
    const pools = uniswapPools(ETH);
    const sqrts = await servedSqrt(ETH, pools);
    expect(BigInt(sim.endpoint(ETH, 0).height)).toBeLessThan(BigInt(sim.endpoint(ETH, 1).height));
    const { t } = transport(ETH, [{ url: nodeUrl(ETH, 0) }, { url: nodeUrl(ETH, 1) }]);
    const pending = ADAPTERS[ETH].fetch(tickersOf(pools), t);
    await new Promise((r) => setTimeout(r, 120));
    sim.setFault(ETH, { mode: 'price', value: '1234.5' }); // what the slow endpoint will serve
    const r = await pending;
    const asked = sim.received(ETH).slice(-2).map((x) => x.text.split(' ')[1]);
    expect(asked.sort()).toEqual(['/node/0', '/node/1']);
    expect(prices(r)).toEqual(Object.fromEntries(pools.map((p, i) => [p.offChainTicker, expected(sqrts[i] as bigint, p)])));
    expect(await servedSqrt(ETH, pools)).not.toEqual(sqrts); // the slow endpoint did serve other values
  });

  it('fails as stale once the height is frozen for longer than maxBlockHeightAge, and recovers', async () => {
    const pools = uniswapPools(BASE);
    const { t } = transport(BASE, [{ url: sim.endpoints[BASE] ?? '' }], { maxBlockHeightAge: 1500 });
    sim.setEndpoint(BASE, 0, { frozen: true });
    expect((await ADAPTERS[BASE].fetch(tickersOf(pools), t)).resolved).toHaveLength(pools.length);
    await new Promise((r) => setTimeout(r, 1700));
    const stale = await ADAPTERS[BASE].fetch(tickersOf(pools), t);
    expect(stale.resolved).toEqual([]);
    expect(stale.unresolved.every((u) => u.code === 13 && /stale/.test(u.reason))).toBe(true);
    sim.setEndpoint(BASE, 0, { frozen: false });
    expect((await ADAPTERS[BASE].fetch(tickersOf(pools), t)).resolved).toHaveLength(pools.length);
  });

  it('sends each endpoint its own API key and counts each endpoint in the metrics', async () => {
    sim.setEndpoint(ETH, 0, { apiKeyHeader: 'X-Api-Key', apiKey: 'a' });
    sim.setEndpoint(ETH, 1, { apiKeyHeader: 'X-Api-Key', apiKey: 'b' });
    const refusedBefore = sim.endpoint(ETH, 0).refused;
    const pools = uniswapPools(ETH);
    const { t, registry } = transport(ETH, [{ url: nodeUrl(ETH, 0), key: 'a' }, { url: nodeUrl(ETH, 1), key: 'b' }]);
    const r = await ADAPTERS[ETH].fetch(tickersOf(pools), t);
    expect(r.resolved).toHaveLength(pools.length);
    expect(sim.endpoint(ETH, 0).refused).toBe(refusedBefore);
    for (const e of ['redacted_endpoint_index=0', 'redacted_endpoint_index=1']) {
      expect(await sample(registry, 'side_car_api_rpc_status_code', { provider: ETH, status_code: 'ok', endpoint: e })).toBe(1);
    }
    const text = await registry.metrics();
    expect(text).toMatch(/side_car_api_rpc_status_code\{[^}]*endpoint="redacted_endpoint_index=1"[^}]*\} 1/);

    const swapped = transport(ETH, [{ url: nodeUrl(ETH, 0), key: 'b' }, { url: nodeUrl(ETH, 1), key: 'a' }]);
    const refused = await ADAPTERS[ETH].fetch(tickersOf(pools), swapped.t);
    expect(Object.values(codes(refused))).toEqual(pools.map(() => 13));
    expect(sim.endpoint(ETH, 0).refused).toBe(refusedBefore + 2);
    expect(await sample(swapped.registry, 'side_car_api_rpc_status_code', { status_code: 'request_error', endpoint: 'redacted_endpoint_index=1' })).toBe(1);
  });

  it('maps the node knobs: rpcError → code 2 per ticker, corrupt → code 10, noHeight → code 13', async () => {
    const pools = uniswapPools(BASE);
    const { t } = transport(BASE, [{ url: sim.endpoints[BASE] ?? '' }]);
    const all = (code: number) => Object.fromEntries(pools.map((p) => [p.offChainTicker, code]));
    sim.setEndpoint(BASE, 0, { rpcError: true });
    expect(codes(await ADAPTERS[BASE].fetch(tickersOf(pools), t))).toEqual(all(2));
    sim.setEndpoint(BASE, 0, { rpcError: false, corrupt: true });
    expect(codes(await ADAPTERS[BASE].fetch(tickersOf(pools), t))).toEqual(all(10));
    sim.setEndpoint(BASE, 0, { corrupt: false, noHeight: true });
    expect(codes(await ADAPTERS[BASE].fetch(tickersOf(pools), t))).toEqual(all(13));
    sim.setEndpoint(BASE, 0, { noHeight: false });
    sim.setFault(BASE, { mode: 'status', status: 500 });
    expect(codes(await ADAPTERS[BASE].fetch(tickersOf(pools), t))).toEqual(all(13));
  });
});
