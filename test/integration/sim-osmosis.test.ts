/**
 * The osmosis_api adapter through a real DefiTransport against the simulated Osmosis LCD, over
 * real sockets: exact prices, the highest block winning, staleness, per-endpoint keys, the
 * missing-height choice and the per-endpoint metrics.
 */
import { Decimal } from 'decimal.js';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../../src/config/types.js';
import { osmosisApi } from '../../src/exchanges/osmosis_api/adapter.js';
import { osmosisPools } from '../../src/exchanges/osmosis_api/sim.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { ProviderMetrics } from '../../src/metrics/provider.js';
import { DefiTransport } from '../../src/providers/defi-transport.js';
import type { ProviderResponse, ProviderTicker } from '../../src/providers/types.js';
import { undici } from '../../src/providers/undici.js';
import { DEFAULT_KNOBS } from '../../src/sim/endpoints.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { histogramCount, sample } from '../helpers/metrics.js';

const NAME = 'osmosis_api';
const HEADER = 'grpc-metadata-x-cosmos-block-height';
const POOLS = osmosisPools();
const TICKERS: ProviderTicker[] = POOLS.map((p) => ({ offChainTicker: p.offChainTicker, metadataJSON: p.metadataJSON }));
const ATOM_OSMO = TICKERS[0] as ProviderTicker;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let sim: Simulator;
let base: string;
const agents: Array<{ destroy(): Promise<void> }> = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 21, stepMs: 20 });
  base = sim.endpoints[NAME] ?? '';
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.setFault(NAME, { mode: 'none' });
  for (const i of [0, 1, 2]) sim.setEndpoint(NAME, i, { ...DEFAULT_KNOBS });
});
afterEach(async () => {
  for (const a of agents.splice(0)) await a.destroy();
});

interface EndpointSpec {
  readonly node: number;
  readonly key?: string;
}

/** A DefiTransport over endpoints `/node/<i>` of the simulated LCD, with a fresh registry. */
function transport(specs: EndpointSpec[], o: Partial<ApiConfig> = {}): { t: DefiTransport; registry: Registry } {
  const endpoints = specs.map((s) => ({
    url: `${base}/node/${s.node}`,
    authentication: { apiKey: s.key ?? '', apiKeyHeader: s.key === undefined ? '' : 'x-api-key' },
  }));
  const config: ApiConfig = { ...osmosisApi.defaults, timeout: 2000, ...o, endpoints };
  const registry = new Registry();
  const metrics = new ProviderMetrics(createMetrics(registry, false), NAME, 'api');
  const agent = new (undici().Agent)();
  agents.push(agent);
  return { t: new DefiTransport(config, agent, metrics), registry };
}

/** A raw GET of a pool's spot price, denoms verbatim. */
async function rawSpot(node: number, poolId: number, b: string, q: string): Promise<{ status: number; height: string | null; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/node/${node}/osmosis/poolmanager/v2/pools/${poolId}/prices?base_asset_denom=${b}&quote_asset_denom=${q}`);
  return { status: res.status, height: res.headers.get(HEADER), body: (await res.json()) as Record<string, unknown> };
}

const denoms = (json: string): { b: string; q: string } => {
  const m = JSON.parse(json) as { base_token_denom: string; quote_token_denom: string };
  return { b: m.base_token_denom, q: m.quote_token_denom };
};
const codes = (r: ProviderResponse): Array<[string, number]> => r.unresolved.map((u) => [u.ticker, u.code]);
const resolvedTickers = (r: ProviderResponse): string[] => r.resolved.map((q) => q.ticker);

describe('osmosis_api simulated LCD', () => {
  it('lists real pools whose denoms all have 6 decimals, priced from the book', () => {
    expect(POOLS.map((p) => [p.poolId, p.offChainTicker, p.pair])).toEqual([
      [1, 'ATOM/OSMO', { base: 'ATOM', quote: 'OSMO' }],
      [1248, 'TIA/OSMO', { base: 'TIA', quote: 'OSMO' }],
      [1464, 'OSMO/USDC', { base: 'OSMO', quote: 'USDC' }],
    ]);
    expect(JSON.parse(POOLS[0]?.metadataJSON ?? '')).toEqual({
      pool_id: 1,
      base_token_denom: 'ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2',
      quote_token_denom: 'uosmo',
    });
  });

  it('answers 36 decimals and the height header; the adapter serves each pool exactly that price', async () => {
    sim.setFault(NAME, { mode: 'freeze' });
    const raw: string[] = [];
    for (const p of POOLS) {
      const { b, q } = denoms(p.metadataJSON);
      const r = await rawSpot(0, p.poolId, b, q);
      expect(r.status).toBe(200);
      expect(r.height).toMatch(/^\d+$/);
      const spot = String(r.body['spot_price']);
      expect(spot).toMatch(/^\d+\.\d{36}$/);
      const book = sim.book.price(NAME, p.pair.base, p.pair.quote) ?? 0;
      expect(Math.abs(Number(spot) / book - 1)).toBeLessThan(1e-10);
      raw.push(spot);
    }
    // A trailing slash on the endpoint URL is the transport's business.
    const { t } = transport([{ node: 0 }]);
    const config = { ...osmosisApi.defaults, endpoints: [{ url: `${base}/`, authentication: { apiKey: '', apiKeyHeader: '' } }] };
    const agent = new (undici().Agent)();
    agents.push(agent);
    const slash = new DefiTransport(config, agent, new ProviderMetrics(createMetrics(new Registry(), false), NAME, 'api'));
    for (const ctx of [t, slash]) {
      const r = await osmosisApi.fetch(TICKERS, ctx);
      expect(r.unresolved).toEqual([]);
      expect(resolvedTickers(r)).toEqual(TICKERS.map((x) => x.offChainTicker));
      r.resolved.forEach((quote, i) => expect(new Decimal(quote.price ?? '0').eq(new Decimal(raw[i] ?? ''))).toBe(true));
    }
  });

  it('answers the inverse for swapped denoms, and 400 gateway errors for an unknown pool or denom', async () => {
    sim.setFault(NAME, { mode: 'freeze' });
    const { b, q } = denoms(POOLS[0]?.metadataJSON ?? '');
    const forward = Number((await rawSpot(0, 1, b, q)).body['spot_price']);
    const inverse = Number((await rawSpot(0, 1, q, b)).body['spot_price']);
    expect(Math.abs(forward * inverse - 1)).toBeLessThan(1e-10);
    const unknownPool = await rawSpot(0, 99999, b, q);
    expect(unknownPool.status).toBe(400);
    expect(unknownPool.body).toMatchObject({ code: 3, details: [] });
    expect((await rawSpot(0, 1248, b, q)).status).toBe(400);
    const bad = { offChainTicker: 'NOPE/OSMO', metadataJSON: `{"pool_id":99999,"base_token_denom":"${b}","quote_token_denom":"${q}"}` };
    const r = await osmosisApi.fetch([bad, ATOM_OSMO], transport([{ node: 0 }]).t);
    expect(codes(r)).toEqual([['NOPE/OSMO', 13]]);
    expect(r.unresolved[0]?.reason).toContain('HTTP 400: pool with id 99999 not found');
    expect(resolvedTickers(r)).toEqual(['ATOM/OSMO']);
  });
});

describe('osmosis_api over several endpoints', () => {
  it('a lagging, slow endpoint never wins, whichever index it has', async () => {
    // The laggard also answers an empty spot_price: had it won, the ticker would fail (10).
    for (const laggard of [0, 1]) {
      sim.setEndpoint(NAME, laggard, { lag: 50, delayMs: 150, corrupt: true });
      sim.setEndpoint(NAME, 1 - laggard, { ...DEFAULT_KNOBS });
      const { t } = transport([{ node: 0 }, { node: 1 }]);
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const r = await osmosisApi.fetch([ATOM_OSMO], t);
        expect(codes(r)).toEqual([]);
        expect(resolvedTickers(r)).toEqual(['ATOM/OSMO']);
        expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      }
    }
  });

  it('frozen heights go stale after maxBlockHeightAge, and recover when blocks move again', async () => {
    sim.setEndpoint(NAME, 0, { frozen: true });
    sim.setEndpoint(NAME, 1, { frozen: true });
    const { t } = transport([{ node: 0 }, { node: 1 }], { maxBlockHeightAge: 1500 });
    expect(codes(await osmosisApi.fetch([ATOM_OSMO], t))).toEqual([]);
    await sleep(1600);
    const stale = await osmosisApi.fetch([ATOM_OSMO], t);
    expect(codes(stale)).toEqual([['ATOM/OSMO', 13]]);
    expect(stale.unresolved[0]?.reason).toContain('stale');
    sim.setEndpoint(NAME, 1, { frozen: false });
    expect(resolvedTickers(await osmosisApi.fetch([ATOM_OSMO], t))).toEqual(['ATOM/OSMO']);
  });

  it('sends each endpoint its own API key; wrong keys are refused (401) on both', async () => {
    sim.setEndpoint(NAME, 0, { apiKeyHeader: 'x-api-key', apiKey: 'a' });
    sim.setEndpoint(NAME, 1, { apiKeyHeader: 'x-api-key', apiKey: 'b' });
    const before = sim.endpoint(NAME, 0).refused;
    const good = transport([{ node: 0, key: 'a' }, { node: 1, key: 'b' }]).t;
    expect(resolvedTickers(await osmosisApi.fetch(TICKERS, good))).toEqual(TICKERS.map((x) => x.offChainTicker));
    expect(sim.endpoint(NAME, 0).refused).toBe(before);
    const swapped = transport([{ node: 0, key: 'b' }, { node: 1, key: 'a' }]).t;
    const r = await osmosisApi.fetch([ATOM_OSMO], swapped);
    expect(codes(r)).toEqual([['ATOM/OSMO', 13]]);
    expect(r.unresolved[0]?.reason).toMatch(/endpoint 0: HTTP 401.*endpoint 1: HTTP 401/);
    expect(sim.endpoint(NAME, 0).refused).toBe(before + 2);
  });

  it('rpcError fails that endpoint only; on every endpoint the ticker is APIGeneral', async () => {
    sim.setEndpoint(NAME, 0, { rpcError: true });
    const { t } = transport([{ node: 0 }, { node: 1 }]);
    expect(resolvedTickers(await osmosisApi.fetch([ATOM_OSMO], t))).toEqual(['ATOM/OSMO']);
    sim.setEndpoint(NAME, 1, { rpcError: true });
    const r = await osmosisApi.fetch([ATOM_OSMO], t);
    expect(codes(r)).toEqual([['ATOM/OSMO', 13]]);
    expect(r.unresolved[0]?.reason).toMatch(/endpoint 0: HTTP 400.*endpoint 1: HTTP 400/);
  });
});

describe('osmosis_api without the height header', () => {
  it('the sim omits the header under noHeight', async () => {
    sim.setEndpoint(NAME, 0, { noHeight: true });
    const { b, q } = denoms(POOLS[0]?.metadataJSON ?? '');
    const r = await rawSpot(0, 1, b, q);
    expect(r.status).toBe(200);
    expect(r.height).toBeNull();
    expect((await rawSpot(1, 1, b, q)).height).toMatch(/^\d+$/);
  });

  it('with no height anywhere, prices are still served and never go stale', async () => {
    sim.setEndpoint(NAME, 0, { noHeight: true });
    sim.setEndpoint(NAME, 1, { noHeight: true });
    const { t } = transport([{ node: 0 }, { node: 1 }], { maxBlockHeightAge: 50 });
    expect(resolvedTickers(await osmosisApi.fetch(TICKERS, t))).toEqual(TICKERS.map((x) => x.offChainTicker));
    await sleep(120);
    expect(resolvedTickers(await osmosisApi.fetch(TICKERS, t))).toEqual(TICKERS.map((x) => x.offChainTicker));
  });

  it('an answer without a height loses to one with a height, even a later index', async () => {
    sim.setEndpoint(NAME, 0, { noHeight: true });
    sim.setEndpoint(NAME, 1, { corrupt: true });
    const r = await osmosisApi.fetch([ATOM_OSMO], transport([{ node: 0 }, { node: 1 }]).t);
    // Endpoint 1 (with a height, empty spot_price) won.
    expect(codes(r)).toEqual([['ATOM/OSMO', 10]]);
    expect(r.unresolved[0]?.reason).toContain('endpoint 1');
  });
});

describe('osmosis_api metrics', () => {
  it('labels rpc status and latency with the real endpoint index and counts one HTTP status per response', async () => {
    sim.setEndpoint(NAME, 1, { rpcError: true });
    const { t, registry } = transport([{ node: 0 }, { node: 1 }]);
    await osmosisApi.fetch(TICKERS, t);
    const rpc = (status: string, i: number): Promise<number> =>
      sample(registry, 'side_car_api_rpc_status_code', { provider: NAME, status_code: status, endpoint: `redacted_endpoint_index=${i}` });
    expect(await rpc('ok', 0)).toBe(3);
    expect(await rpc('request_error', 0)).toBe(0);
    expect(await rpc('request_error', 1)).toBe(3);
    expect(await rpc('ok', 1)).toBe(0);
    const latency = (i: number): Promise<number> => histogramCount(registry, 'side_car_api_response_latency', { provider: NAME, endpoint: `redacted_endpoint_index=${i}` });
    expect(await latency(1)).toBe(3);
    expect(await latency(0)).toBe(3);
    expect(await sample(registry, 'side_car_api_http_status_code', { provider: NAME, status_code_exact: '200' })).toBe(3);
    expect(await sample(registry, 'side_car_api_http_status_code', { provider: NAME, status_code_exact: '400' })).toBe(3);
    expect(await sample(registry, 'side_car_api_http_status_code', { provider: NAME })).toBe(6);
  });
});
