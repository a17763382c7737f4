/** The simulated coinmarketcap_api over real sockets, read back through the real adapter. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { coinmarketcapApi as adapter } from '../../src/exchanges/coinmarketcap_api/adapter.js';
import type { ProviderTicker } from '../../src/providers/types.js';
import { startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/index.js';

const NAME = 'coinmarketcap_api';
let sim: Simulator;
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

interface CmcBody {
  data?: Record<string, { id: number; symbol: string; slug: string; quote: { USD: { price: unknown } } }>;
  status: { error_code: number; error_message: string | null };
}

async function get(ids: string, extra = ''): Promise<{ status: number; body: CmcBody }> {
  const res = await fetch(`${sim.endpoints[NAME] ?? ''}/v2/cryptocurrency/quotes/latest?id=${ids}${extra}`);
  return { status: res.status, body: JSON.parse(await res.text()) as CmcBody };
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 13, stepMs: 10 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.book.freeze(true);
  sim.setFault(NAME, { mode: 'none' });
});

describe('coinmarketcap_api simulator', () => {
  it('answers data keyed by id with a numeric USD price and a zero status', async () => {
    expect(sim.endpoints[NAME]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { status, body } = await get('1,1027');
    expect(status).toBe(200);
    expect(Object.keys(body.data ?? {})).toEqual(['1', '1027']);
    expect(body.data?.['1']).toMatchObject({ id: 1, symbol: 'BTC', slug: 'bitcoin' });
    expect(typeof body.data?.['1']?.quote.USD.price).toBe('number');
    expect(rel(body.data?.['1']?.quote.USD.price as number, sim.book.usd('BTC')! * 1.0001)).toBeLessThan(1e-9);
    expect(body.status).toMatchObject({ error_code: 0, error_message: null });
  });

  it('round-trips through the adapter; an unknown id is skipped and reported as no response', async () => {
    const asked = tickers('1', '3794', '12220', '999999', 'DOGE');
    const url = adapter.buildUrl(sim.endpoints[NAME] ?? '', asked);
    expect(url).toBe(`${sim.endpoints[NAME] ?? ''}/v2/cryptocurrency/quotes/latest?id=1,3794,12220,999999`);
    const r = adapter.parse(await (await fetch(url as string)).json(), asked);
    expect(r.resolved.map((q) => [q.ticker, Number(q.price)])).toEqual(['1', '3794', '12220'].map((t) => [t, sim.quote(NAME, t)]));
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['DOGE', 4],
      ['999999', 7],
    ]);
  });

  it('400s with a CMC status when nothing is valid, with skip_invalid=false, or without id', async () => {
    const none = await get('999999');
    expect(none.status).toBe(400);
    expect(none.body.status).toMatchObject({ error_code: 400, error_message: 'Invalid value for "id": "999999"' });
    const strict = await get('1,999999', '&skip_invalid=false');
    expect(strict.status).toBe(400);
    expect(strict.body.status.error_code).toBe(400);
    const res = await fetch(`${sim.endpoints[NAME] ?? ''}/v2/cryptocurrency/quotes/latest`);
    expect(res.status).toBe(400);
  });

  it('error-ack answers 200 with an in-body API error the adapter reports as APIGeneral', async () => {
    sim.setFault(NAME, { mode: 'error-ack' });
    const { status, body } = await get('1');
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.status.error_code).toBe(1008);
    expect(adapter.parse(body, tickers('1')).unresolved.map((u) => [u.ticker, u.code])).toEqual([['1', 13]]);
  });

  it('bad-price sends a string price the adapter rejects; malformed bodies are not JSON', async () => {
    sim.setFault(NAME, { mode: 'bad-price' });
    const { body } = await get('1027');
    expect(body.data?.['1027']?.quote.USD.price).toBe('abc');
    expect(adapter.parse(body, tickers('1027')).unresolved.map((u) => u.code)).toEqual([10]);
    sim.setFault(NAME, { mode: 'malformed' });
    const text = await (await fetch(`${sim.endpoints[NAME] ?? ''}/v2/cryptocurrency/quotes/latest?id=1`)).text();
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  });
});
