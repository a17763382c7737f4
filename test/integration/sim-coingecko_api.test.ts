/** The simulated coingecko_api over real sockets, read back through the real adapter. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { coingeckoApi as adapter } from '../../src/exchanges/coingecko_api/adapter.js';
import type { ProviderTicker } from '../../src/providers/types.js';
import { startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/index.js';

const NAME = 'coingecko_api';
let sim: Simulator;
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

async function get(pathAndQuery: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sim.endpoints[NAME] ?? ''}${pathAndQuery}`);
  return { status: res.status, body: JSON.parse(await res.text()) };
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 12, stepMs: 10 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.book.freeze(true);
  sim.setFault(NAME, { mode: 'none' });
});

describe('coingecko_api simulator', () => {
  it('answers the ids × vs_currencies cross product with JSON numbers', async () => {
    expect(sim.endpoints[NAME]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
    const { status, body } = await get('/simple/price?ids=bitcoin,ethereum,nope&vs_currencies=usd,btc,eur&precision=18');
    expect(status).toBe(200);
    const b = body as Record<string, Record<string, unknown>>;
    expect(Object.keys(b)).toEqual(['bitcoin', 'ethereum']);
    expect(Object.keys(b.bitcoin ?? {})).toEqual(['usd']);
    expect(Object.keys(b.ethereum ?? {})).toEqual(['usd', 'btc']);
    expect(typeof b.bitcoin?.usd).toBe('number');
    expect(b.ethereum?.btc).toBe(sim.quote(NAME, 'ethereum/btc'));
    expect(rel(b.bitcoin?.usd as number, sim.book.usd('BTC')!)).toBeLessThan(1e-9);
    expect(sim.received(NAME).at(-1)?.text).toBe('GET /api/v3/simple/price?ids=bitcoin,ethereum,nope&vs_currencies=usd,btc,eur&precision=18');
  });

  it('round-trips through the adapter', async () => {
    const asked = tickers('bitcoin/usd', 'ethereum/btc', 'solana/eth', 'tether/usd', 'dydx-chain/usd', 'nope/usd', 'bitcoin/usdt');
    const url = adapter.buildUrl(sim.endpoints[NAME] ?? '', asked);
    const r = adapter.parse(await (await fetch(url as string)).json(), asked);
    expect(r.resolved.map((q) => [q.ticker, Number(q.price)])).toEqual(
      ['bitcoin/usd', 'ethereum/btc', 'solana/eth', 'tether/usd', 'dydx-chain/usd'].map((t) => [t, sim.quote(NAME, t)]),
    );
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['nope/usd', 7],
      ['bitcoin/usdt', 7],
    ]);
  });

  it('lists every coin id against usd, btc and eth', () => {
    const symbols = Object.keys(sim.quotes(NAME));
    expect(symbols).toContain('dogecoin/usd');
    expect(symbols).toContain('usd-coin/eth');
    expect(symbols).not.toContain('bitcoin/btc');
    expect(symbols.length).toBe(10 * 3 - 2);
  });

  it('400s a missing vs_currencies, answers {} without ids, and pings', async () => {
    expect(await get('/simple/price?ids=bitcoin')).toEqual({ status: 400, body: { error: 'Missing parameter vs_currencies' } });
    expect(await get('/simple/price?vs_currencies=usd')).toEqual({ status: 200, body: {} });
    expect(await get('/ping')).toEqual({ status: 200, body: { gecko_says: '(V3) To the Moon!' } });
  });

  it('bad-price sends a string where the number belongs; the adapter rejects it', async () => {
    sim.setFault(NAME, { mode: 'bad-price' });
    const { body } = await get('/simple/price?ids=bitcoin&vs_currencies=usd&precision=18');
    expect(body).toEqual({ bitcoin: { usd: 'abc' } });
    expect(adapter.parse(body, tickers('bitcoin/usd')).unresolved.map((u) => u.code)).toEqual([10]);
  });

  it('malformed and trailing-garbage bodies are not JSON; status faults answer the status', async () => {
    for (const mode of ['malformed', 'trailing-garbage'] as const) {
      sim.setFault(NAME, { mode });
      const text = await (await fetch(`${sim.endpoints[NAME] ?? ''}/simple/price?ids=bitcoin&vs_currencies=usd`)).text();
      expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    }
    sim.setFault(NAME, { mode: 'status', status: 503 });
    expect((await fetch(`${sim.endpoints[NAME] ?? ''}/ping`)).status).toBe(503);
  });
});
