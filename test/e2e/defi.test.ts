/**
 * The DeFi providers through the built daemon against the simulated chain nodes, each provider
 * with two endpoints as dYdX's guide configures them: endpoint 0 lagging, slow and 1 % off (a
 * node behind the chain), endpoint 1 fresh, each with its own API key. Every pool market is
 * served with the exact integer its fresh node implies; stalled heights stop a provider after
 * maxBlockHeightAge and it recovers; keys reach only their own endpoint and never the output;
 * connect's per-endpoint metrics move; an edited pool takes effect without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { DEFI_CASES, exactTimes, poolMarkets, type DefiCase } from '../helpers/defi.js';
import { parseExposition, startDaemon, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/metrics.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

const DECIMALS = 8;
const MAX_HEIGHT_AGE_MS = 2_000;
const key = (c: DefiCase, i: number): string => `K${i}-${c.provider.replace(/[^a-z]/g, '')}-secret`;

let sim: Simulator;
let daemon: Daemon;
let market: ReturnType<typeof poolMarkets>;

const prices = async (): Promise<Record<string, string>> =>
  ((await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/prices`)).json()) as { prices: Record<string, string> }).prices;

/** The integer the side-car must serve for each market: the fresh node's exact pool price. */
async function expected(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const m of market.list) out[m.key] = exactTimes(await m.c.exactPrice(sim, m.pool, 1), DECIMALS);
  return out;
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 5 });
  const providers: Record<string, object> = {};
  for (const c of DEFI_CASES) {
    sim.setFault(c.provider, { mode: 'freeze' });
    sim.setEndpoint(c.provider, 0, { lag: 60, delayMs: 250, priceOffsetBps: 100, apiKeyHeader: 'x-api-key', apiKey: key(c, 0) });
    sim.setEndpoint(c.provider, 1, { apiKeyHeader: 'x-api-key', apiKey: key(c, 1) });
    const url = sim.endpoints[c.provider] ?? '';
    providers[c.provider] = {
      api: {
        interval: '300ms',
        maxBlockHeightAge: `${MAX_HEIGHT_AGE_MS}ms`,
        endpoints: [0, 1].map((i) => ({ url: `${url}/node/${i}`, authentication: { apiKeyHeader: 'x-api-key', apiKey: key(c, i) } })),
      },
    };
  }
  market = poolMarkets(DEFI_CASES, DECIMALS);
  daemon = await startDaemon({ providers, updateInterval: '200ms', maxPriceAge: '1500ms' }, market.map);
}, 30_000);

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('DeFi providers end to end', () => {
  it('serves every pool market with the exact integer of the fresh endpoint, never the lagging one', async () => {
    const want = await expected();
    expect(Object.keys(want).length).toBeGreaterThanOrEqual(DEFI_CASES.length);
    await waitFor(async () => {
      const got = await prices();
      return Object.entries(want).every(([k, v]) => got[k] === v);
    }, 20_000, 200).catch(() => undefined);
    const got = await prices();
    for (const [k, v] of Object.entries(want)) expect(got[k], `${k} (${market.byKey.get(k)?.c.provider})`).toBe(v);
  }, 30_000);

  it('sends each endpoint only its own key and never writes a key anywhere', async () => {
    for (const c of DEFI_CASES) {
      expect(sim.endpoint(c.provider, 0).refused, c.provider).toBe(0);
      const seen = sim.received(c.provider);
      expect(seen.some((r) => r.text.includes('/node/0')), `${c.provider} asked endpoint 0`).toBe(true);
      expect(seen.some((r) => r.text.includes('/node/1')), `${c.provider} asked endpoint 1`).toBe(true);
    }
    const metrics = await (await fetch(`${daemon.metricsUrl}/metrics`)).text();
    const output = daemon.stdout() + daemon.stderr() + metrics;
    for (const c of DEFI_CASES) for (const i of [0, 1]) expect(output).not.toContain(key(c, i));
  });

  it("exports connect's per-endpoint metrics for every DeFi provider", async () => {
    const fams = parseExposition(await (await fetch(`${daemon.metricsUrl}/metrics`)).text());
    for (const c of DEFI_CASES) {
      for (const i of [0, 1]) {
        const endpoint = `redacted_endpoint_index=${i}`;
        const ok = fams.get('side_car_api_rpc_status_code')?.samples.find((s) => s.labels.provider === c.provider && s.labels.endpoint === endpoint && s.labels.status_code === 'ok');
        expect(ok?.value, `${c.provider} ${endpoint} ok`).toBeGreaterThan(0);
        const latency = fams.get('side_car_api_response_latency')?.samples.find((s) => s.name === 'side_car_api_response_latency_count' && s.labels.provider === c.provider && s.labels.endpoint === endpoint);
        expect(latency?.value, `${c.provider} ${endpoint} latency`).toBeGreaterThan(0);
      }
      const success = fams.get('side_car_api_response_internal_status')?.samples.filter((s) => s.labels.provider === c.provider && s.labels.internal_status === 'success');
      expect(success?.length, `${c.provider} internal_status success`).toBeGreaterThan(0);
    }
  });

  it('stops a provider whose heights stall past maxBlockHeightAge and resumes when they move', async () => {
    const c = DEFI_CASES[DEFI_CASES.length - 1] as DefiCase;
    const keys = market.list.filter((m) => m.c === c).map((m) => m.key);
    for (const i of [0, 1]) sim.setEndpoint(c.provider, i, { frozen: true });
    try {
      await waitFor(async () => { const got = await prices(); return keys.every((k) => got[k] === undefined); }, 15_000, 200);
      const others = market.list.filter((m) => m.c !== c).map((m) => m.key);
      const got = await prices();
      for (const k of others) expect(got[k], `${k} still served`).toBeDefined();
      const fams = parseExposition(await (await fetch(`${daemon.metricsUrl}/metrics`)).text());
      const stale = fams.get('side_car_api_response_internal_status')?.samples.find((s) => s.labels.provider === c.provider && s.labels.internal_status === 'general api error');
      expect(stale?.value).toBeGreaterThan(0);
    } finally {
      for (const i of [0, 1]) sim.setEndpoint(c.provider, i, { frozen: false });
    }
    await waitFor(async () => { const got = await prices(); return keys.every((k) => got[k] !== undefined); }, 15_000, 200);
  }, 40_000);

  it('takes an edited pool into use without a restart (same off-chain ticker, new metadata)', async () => {
    const pools = market.list.filter((m) => m.c === market.list[0]?.c);
    const first = pools[0];
    const second = pools.find((m) => m.pool.pair.base !== first?.pool.pair.base || m.pool.pair.quote !== first?.pool.pair.quote);
    if (!first || !second) throw new Error('the first DeFi provider needs pools of two pairs for this test');
    const edited = structuredClone(market.map) as typeof market.map;
    const feed = edited.markets[first.key]?.provider_configs[0];
    if (!feed) throw new Error(`no feed for ${first.key}`);
    feed.metadata_JSON = second.pool.metadataJSON;
    writeFileSync(daemon.marketPath, JSON.stringify(edited, null, 2));
    const want = exactTimes(await second.c.exactPrice(sim, second.pool, 1), DECIMALS);
    await waitFor(async () => (await prices())[first.key] === want, 15_000, 200);
    expect((await prices())[first.key]).toBe(want);
  }, 30_000);
});
