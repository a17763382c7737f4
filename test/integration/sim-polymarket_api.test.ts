/** The simulated polymarket_api over real sockets, read through the real adapter and the HTTP driver. */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';
import { ProviderMetrics } from '../../src/metrics/provider.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { polymarketApi as adapter } from '../../src/exchanges/polymarket_api/adapter.js';
import { HttpPoller } from '../../src/providers/http-poller.js';
import { ProviderSink } from '../../src/providers/sink.js';
import type { ProviderTicker } from '../../src/providers/types.js';
import { startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/index.js';
import { sample, waitFor } from '../helpers/metrics.js';
import { silentLog } from '../helpers/silent-log.js';

const NAME = 'polymarket_api';
let sim: Simulator;
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));

const DOGE = '0xe9601786f2a069ea03d9f65e4d17818ff1247d0be659cf438f8dcb9e3cff6dcc';
const DOGE_YES = `${DOGE}/35501226802281006558279189269590642908610077338745802625585949386592085413014`;
const DOGE_NO = `${DOGE}/95433015729366691420084268458673541745403833387583764516378942399339980362404`;
const OSMO_YES = '0xf90de34809b43cbd7322e6ed5205b894d5506d7dfe1ecbae9fb487780b574ab0/90948163252144646612313725579260705581391772906415588982673024909902997538098';
const SETTLED = '0x342b7b2e02781e837f52c2895f81f867eb5f5c79323929731298541ef00f7b72';
const SETTLED_YES = `${SETTLED}/22613491358219586769542474686185860062083084855748798903211658063153828683867`;

interface Market {
  condition_id: string;
  closed: boolean;
  tokens: Array<{ token_id: string; outcome: string; price: unknown; winner: boolean }>;
}

async function market(id: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch((sim.endpoints[NAME] ?? '').replace('%s', id));
  return { status: res.status, body: JSON.parse(await res.text()) };
}

async function viaAdapter(ticker: string) {
  const asked = tickers(ticker);
  const url = adapter.buildUrl(sim.endpoints[NAME] ?? '', asked);
  return adapter.parse(await (await fetch(url as string)).json(), asked);
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 15, stepMs: 10 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.book.freeze(true);
  sim.setFault(NAME, { mode: 'none' });
});

describe('polymarket_api simulator', () => {
  it('serves a live market whose Yes price follows the book and whose prices sum to 1', async () => {
    expect(sim.endpoints[NAME]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/markets\/%s$/);
    const { status, body } = await market(DOGE);
    expect(status).toBe(200);
    const m = body as Market;
    expect(m.condition_id).toBe(DOGE);
    expect(m.closed).toBe(false);
    expect(m.tokens.map((t) => t.outcome)).toEqual(['Yes', 'No']);
    const [yes, no] = m.tokens.map((t) => t.price as number);
    expect(yes).toBe(sim.quote(NAME, DOGE_YES));
    expect(Math.abs((yes ?? 0) - sim.book.usd('DOGE')!)).toBeLessThan(0.0006);
    expect((yes ?? 0) + (no ?? 0)).toBeCloseTo(1, 9);
  });

  it('round-trips Yes and No tokens through the adapter', async () => {
    const yes = await viaAdapter(DOGE_YES);
    expect(yes.resolved).toEqual([{ ticker: DOGE_YES, price: String(sim.quote(NAME, DOGE_YES)) }]);
    const no = await viaAdapter(DOGE_NO);
    expect(Number(no.resolved[0]?.price)).toBeCloseTo(1 - (sim.quote(NAME, DOGE_YES) ?? 0), 9);
    expect((await viaAdapter(OSMO_YES)).resolved.map((q) => Number(q.price))).toEqual([sim.quote(NAME, OSMO_YES)]);
  });

  it('a settled market quotes its losing token at 0, which the adapter maps to 0.0001', async () => {
    const m = (await market(SETTLED)).body as Market;
    expect(m.closed).toBe(true);
    expect(m.tokens.map((t) => [t.price, t.winner])).toEqual([
      [0, false],
      [1, true],
    ]);
    expect((await viaAdapter(SETTLED_YES)).resolved).toEqual([{ ticker: SETTLED_YES, price: '0.0001' }]);
  });

  it('lists the live Yes tokens only, and 404s an unknown market', async () => {
    expect(Object.keys(sim.quotes(NAME))).toEqual([DOGE_YES, OSMO_YES]);
    expect(sim.quote(NAME, DOGE_NO)).toBeUndefined();
    expect(await market('0xdead')).toEqual({ status: 404, body: { error: 'market not found' } });
  });

  it('bad-price sends strings the adapter rejects', async () => {
    sim.setFault(NAME, { mode: 'bad-price' });
    expect(((await market(DOGE)).body as Market).tokens.map((t) => t.price)).toEqual(['abc', 'abc']);
    expect((await viaAdapter(DOGE_YES)).unresolved.map((u) => u.code)).toEqual([10]);
  });

  it('through the HTTP driver: trailing garbage after the JSON fails with FailedToDecode (12)', async () => {
    const registry = new Registry();
    const metrics = new ProviderMetrics(createMetrics(registry, false), NAME, 'api');
    const store = new QuoteStore();
    const config = { ...adapter.defaults, interval: 50, endpoints: [{ url: sim.endpoints[NAME] ?? '', authentication: { apiKey: '', apiKeyHeader: '' } }] };
    const sink = new ProviderSink(store, metrics);
    const poller = new HttpPoller({ name: NAME, config, exchange: adapter, tickers: tickers(DOGE_YES), sink, metrics, log: silentLog() });
    sim.setFault(NAME, { mode: 'trailing-garbage' });
    poller.start();
    try {
      const failed = { provider: NAME, id: DOGE_YES.toLowerCase(), status: 'failure', code: '12' };
      await waitFor(async () => (await sample(registry, 'side_car_provider_status_responses_per_id', failed)) >= 2);
      expect(store.get(NAME, DOGE_YES)).toBeUndefined();
      sim.setFault(NAME, { mode: 'none' });
      await waitFor(() => store.get(NAME, DOGE_YES));
      expect(Number(store.get(NAME, DOGE_YES)?.price)).toBe(sim.quote(NAME, DOGE_YES));
    } finally {
      await poller.stop();
    }
  });
});
