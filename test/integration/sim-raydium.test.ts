/**
 * The raydium_api adapter through a real DefiTransport against the simulated Solana node, over
 * real sockets: prices exactly as the node's account balances imply (recomputed here from raw
 * account bytes with decimal.js), calls of at most 25 tickers, the highest slot winning,
 * staleness, per-endpoint API keys, corrupt accounts and per-endpoint metrics; plus the node's
 * own JSON-RPC behaviour.
 */
import { Decimal } from 'decimal.js';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../../src/config/types.js';
import { raydiumApi } from '../../src/exchanges/raydium_api/adapter.js';
import { raydiumPools } from '../../src/exchanges/raydium_api/sim.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { ProviderMetrics } from '../../src/metrics/provider.js';
import { DefiTransport } from '../../src/providers/defi-transport.js';
import type { ProviderTicker } from '../../src/providers/types.js';
import { undici } from '../../src/providers/undici.js';
import { DEFAULT_KNOBS } from '../../src/sim/endpoints.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { sample } from '../helpers/metrics.js';

const NAME = 'raydium_api';
const POOLS = raydiumPools();
const TICKERS: ProviderTicker[] = POOLS.map((p) => ({ offChainTicker: p.offChainTicker, metadataJSON: p.metadataJSON }));
const Dec = Decimal.clone({ precision: 100 });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let sim: Simulator;
let base: string;
const agents: Array<{ destroy(): Promise<void> }> = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 33, stepMs: 20 });
  base = sim.endpoints[NAME] ?? '';
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.setFault(NAME, { mode: 'none' });
  for (const i of [0, 1]) sim.setEndpoint(NAME, i, { ...DEFAULT_KNOBS });
});
afterEach(async () => {
  for (const a of agents.splice(0)) await a.destroy();
});

/** A DefiTransport over endpoints `/node/<i>` (with an x-api-key when `key` is set), fresh metrics. */
function transport(specs: Array<{ node: number; key?: string }>, o: Partial<ApiConfig> = {}): { t: DefiTransport; registry: Registry } {
  const endpoints = specs.map((s) => ({
    url: `${base}/node/${s.node}`,
    authentication: { apiKey: s.key ?? '', apiKeyHeader: s.key === undefined ? '' : 'x-api-key' },
  }));
  const config: ApiConfig = { ...raydiumApi.defaults, ...o, endpoints };
  const registry = new Registry();
  const metrics = new ProviderMetrics(createMetrics(registry, false), NAME, 'api');
  const agent = new (undici().Agent)();
  agents.push(agent);
  return { t: new DefiTransport(config, agent, metrics), registry };
}

interface RpcAnswer {
  jsonrpc: string;
  id: unknown;
  result?: { context: { slot: number; apiVersion: string }; value: Array<{ data: [string, string]; owner: string } | null> };
  error?: { code: number; message: string };
}

async function rpc(body: unknown, path = ''): Promise<RpcAnswer> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as RpcAnswer;
}

const metaOf = (p: (typeof POOLS)[number]) => JSON.parse(p.metadataJSON) as {
  base_token_vault: { token_vault_address: string; token_decimals: number };
  quote_token_vault: { token_vault_address: string; token_decimals: number };
  amm_info_address: string;
  open_orders_address: string;
};

/** The price a pool's accounts imply, from raw bytes: 40 significant digits, truncated. */
async function impliedPrice(p: (typeof POOLS)[number]): Promise<string> {
  const m = metaOf(p);
  const keys = [m.base_token_vault.token_vault_address, m.quote_token_vault.token_vault_address, m.amm_info_address, m.open_orders_address];
  const a = await rpc({ jsonrpc: '2.0', id: 'raw', method: 'getMultipleAccounts', params: [keys, { commitment: 'confirmed' }] });
  const [b, q, amm, oo] = (a.result?.value ?? []).map((v) => Buffer.from(v?.data[0] ?? '', 'base64'));
  if (!b || !q || !amm || !oo) throw new Error('missing accounts');
  const baseBal = b.readBigUInt64LE(64) - amm.readBigUInt64LE(192) + oo.readBigUInt64LE(85);
  const quoteBal = q.readBigUInt64LE(64) - amm.readBigUInt64LE(200) + oo.readBigUInt64LE(101);
  const shift = m.base_token_vault.token_decimals - m.quote_token_vault.token_decimals;
  return new Dec(quoteBal.toString()).div(baseBal.toString()).times(new Dec(10).pow(shift)).toSignificantDigits(40, Decimal.ROUND_DOWN).toFixed();
}

describe('raydium_api against the simulated Solana node', () => {
  it('prices every pool exactly as its balances imply, close to the book', async () => {
    sim.setFault(NAME, { mode: 'freeze' });
    const expected = Object.fromEntries(await Promise.all(POOLS.map(async (p) => [p.offChainTicker, await impliedPrice(p)] as const)));
    const { t } = transport([{ node: 0 }]);
    const r = await raydiumApi.fetch(TICKERS, t);
    expect(r.unresolved).toEqual([]);
    expect(Object.fromEntries(r.resolved.map((q) => [q.ticker, q.price]))).toEqual(expected);
    for (const p of POOLS) {
      const book = sim.book.price(NAME, p.base, p.quote) as number;
      expect(Math.abs(Number(expected[p.offChainTicker]) / book - 1)).toBeLessThan(1e-12);
    }
    expect(POOLS.map((p) => p.quote)).toContain('SOL');
  });

  it('splits 30 tickers into calls of 25 (100 and 20 keys)', async () => {
    const calls = () => sim.received(NAME).filter((r) => r.text.includes('getMultipleAccounts')).length;
    const before = calls();
    const tickers = Array.from({ length: 30 }, (_, i) => ({ offChainTicker: `T${i}`, metadataJSON: (TICKERS[i % TICKERS.length] as ProviderTicker).metadataJSON }));
    const { t } = transport([{ node: 0 }]);
    const r = await raydiumApi.fetch(tickers, t);
    expect(r.resolved).toHaveLength(30);
    expect(calls() - before).toBe(2);
  });

  it('a lagging, slow endpoint never wins, whichever index it has', async () => {
    for (const [lagging, good] of [[1, 0], [0, 1]] as const) {
      sim.setEndpoint(NAME, lagging, { lag: 50, delayMs: 300, corrupt: true });
      sim.setEndpoint(NAME, good, { ...DEFAULT_KNOBS });
      const { t, registry } = transport([{ node: 0 }, { node: 1 }]);
      const r = await raydiumApi.fetch(TICKERS, t);
      expect(r.unresolved).toEqual([]);
      expect(r.resolved).toHaveLength(TICKERS.length);
      expect(await sample(registry, 'side_car_api_rpc_status_code', { status_code: 'ok' })).toBe(2);
    }
  });

  it('a frozen slot goes stale after maxBlockHeightAge and recovers when it moves', async () => {
    const { t } = transport([{ node: 0 }], { maxBlockHeightAge: 1500 });
    expect((await raydiumApi.fetch(TICKERS, t)).resolved).toHaveLength(TICKERS.length);
    sim.setEndpoint(NAME, 0, { frozen: true });
    expect((await raydiumApi.fetch(TICKERS, t)).resolved).toHaveLength(TICKERS.length);
    await sleep(1700);
    const stale = await raydiumApi.fetch(TICKERS, t);
    expect(stale.resolved).toEqual([]);
    expect(stale.unresolved.every((u) => u.code === 13 && /stale/.test(u.reason))).toBe(true);
    sim.setEndpoint(NAME, 0, { frozen: false });
    await sleep(450); // one simulated block
    expect((await raydiumApi.fetch(TICKERS, t)).resolved).toHaveLength(TICKERS.length);
  });

  it('sends each endpoint its own API key', async () => {
    sim.setEndpoint(NAME, 0, { apiKeyHeader: 'x-api-key', apiKey: 'a' });
    sim.setEndpoint(NAME, 1, { apiKeyHeader: 'x-api-key', apiKey: 'b' });
    const refused = sim.endpoint(NAME, 0).refused;
    const { t, registry } = transport([{ node: 0, key: 'a' }, { node: 1, key: 'b' }]);
    expect((await raydiumApi.fetch(TICKERS, t)).resolved).toHaveLength(TICKERS.length);
    expect(sim.endpoint(NAME, 0).refused).toBe(refused);
    for (const i of [0, 1]) {
      expect(await sample(registry, 'side_car_api_rpc_status_code', { endpoint: `redacted_endpoint_index=${i}`, status_code: 'ok' })).toBe(1);
    }
    const { t: wrong } = transport([{ node: 0, key: 'b' }]);
    expect((await raydiumApi.fetch(TICKERS, wrong)).unresolved).toHaveLength(TICKERS.length);
    expect(sim.endpoint(NAME, 0).refused).toBe(refused + 1);
  });

  it('corrupt accounts fail each ticker on its own while the call succeeds', async () => {
    sim.setEndpoint(NAME, 0, { corrupt: true });
    const { t, registry } = transport([{ node: 0 }]);
    const r = await raydiumApi.fetch(TICKERS, t);
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => u.code)).toEqual(TICKERS.map(() => 13));
    expect(r.unresolved[0]?.reason).toMatch(/amm info account data too short: 100 < 752/);
    expect(await sample(registry, 'side_car_api_rpc_status_code', { status_code: 'ok' })).toBe(1);
  });

  it('labels a failing endpoint redacted_endpoint_index=1 and prices from the other', async () => {
    sim.setEndpoint(NAME, 1, { rpcError: true });
    const { t, registry } = transport([{ node: 0 }, { node: 1 }]);
    expect((await raydiumApi.fetch(TICKERS, t)).resolved).toHaveLength(TICKERS.length);
    const status = (endpoint: number, status_code: string) =>
      sample(registry, 'side_car_api_rpc_status_code', { provider: NAME, endpoint: `redacted_endpoint_index=${endpoint}`, status_code });
    expect([await status(0, 'ok'), await status(1, 'request_error'), await status(1, 'ok')]).toEqual([1, 1, 0]);
  });
});

describe('the simulated node', () => {
  const keys = POOLS.slice(0, 1).flatMap((p) => { const m = metaOf(p); return [m.base_token_vault.token_vault_address, m.amm_info_address]; });

  it('echoes the id, answers only the envelope keys, one entry per key, null for unknown accounts', async () => {
    const unknown = '11111111111111111111111111111111';
    const a = await rpc({ jsonrpc: '2.0', id: 'uuid-1', method: 'getMultipleAccounts', params: [[...keys, unknown]] }, '/node/1');
    expect(Object.keys(a).sort()).toEqual(['id', 'jsonrpc', 'result']);
    expect(a.id).toBe('uuid-1');
    expect(a.result?.context.apiVersion).toBe('2.0.0');
    expect(a.result?.context.slot).toBe(Number(sim.endpoint(NAME, 1).height));
    expect(a.result?.value.map((v) => v && [v.data[1], Buffer.from(v.data[0], 'base64').length])).toEqual([['base64', 165], ['base64', 752], null]);
    expect((await rpc({ jsonrpc: '2.0', id: 7, method: 'getMultipleAccounts', params: [keys] })).id).toBe(7);
  });

  it('refuses more than 100 keys, an unknown commitment, an unknown method, and answers rpcError', async () => {
    const many = await rpc({ jsonrpc: '2.0', id: 1, method: 'getMultipleAccounts', params: [Array.from({ length: 101 }, () => keys[0])] });
    expect(many.error).toEqual({ code: -32602, message: 'Too many inputs provided; max 100' });
    const commitment = await rpc({ jsonrpc: '2.0', id: 1, method: 'getMultipleAccounts', params: [keys, { commitment: 'soon' }] });
    expect(commitment.error?.code).toBe(-32602);
    expect((await rpc({ jsonrpc: '2.0', id: 1, method: 'getSlot' })).error?.code).toBe(-32601);
    sim.setEndpoint(NAME, 0, { rpcError: true });
    const err = await rpc({ jsonrpc: '2.0', id: 2, method: 'getMultipleAccounts', params: [keys] });
    expect([err.id, err.error?.code, err.result]).toEqual([2, -32005, undefined]);
  });
});
