/** The simulated gecko_terminal_api over real sockets, read back through the real adapter. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { geckoTerminalApi as adapter } from '../../src/exchanges/gecko_terminal_api/adapter.js';
import type { ProviderTicker } from '../../src/providers/types.js';
import { startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/index.js';

const NAME = 'gecko_terminal_api';
let sim: Simulator;
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

const WETH = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2';
const WBTC = '0x2260fac5e5542a773aa44fbcfedf7c193bc2c599';
const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
const UNKNOWN = '0x0000000000000000000000000000000000000001';

interface GtBody {
  data: { id: string; type: string; attributes: { token_prices: Record<string, unknown> } };
}

async function get(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, body: JSON.parse(await res.text()) };
}
const priceUrl = (addresses: string): string => (sim.endpoints[NAME] ?? '').replace('%s', addresses);

beforeAll(async () => {
  sim = await startSimulator({ seed: 14, stepMs: 10 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.book.freeze(true);
  sim.setFault(NAME, { mode: 'none' });
});

describe('gecko_terminal_api simulator', () => {
  it('answers lower-case address keys with string prices, in request order', async () => {
    expect(sim.endpoints[NAME]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2\/simple\/networks\/eth\/token_price\/%s$/);
    const { status, body } = await get(priceUrl(`${USDC},${WETH},${UNKNOWN}`));
    expect(status).toBe(200);
    const data = (body as GtBody).data;
    expect(data.type).toBe('simple_token_price');
    expect(data.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(data.attributes.token_prices)).toEqual([USDC, WETH.toLowerCase()]);
    expect(typeof data.attributes.token_prices[USDC]).toBe('string');
    expect(rel(Number(data.attributes.token_prices[WETH.toLowerCase()]), sim.book.usd('ETH')! * 1.0003)).toBeLessThan(1e-9);
  });

  it('round-trips a batch through the adapter; an unknown address is no response', async () => {
    const asked = tickers(WETH, WBTC, UNKNOWN);
    const url = adapter.buildUrl(sim.endpoints[NAME] ?? '', asked);
    const r = adapter.parse(await (await fetch(url as string)).json(), asked);
    expect(r.resolved.map((q) => [q.ticker, Number(q.price)])).toEqual([
      [WETH, sim.quote(NAME, WETH)],
      [WBTC, sim.quote(NAME, WBTC)],
    ]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([[UNKNOWN, 7]]);
  });

  it('404s another network and 400s more than 30 addresses, in JSON:API error shape', async () => {
    expect(await get(priceUrl(WBTC).replace('/eth/', '/bsc/'))).toEqual({ status: 404, body: { errors: [{ status: '404', title: 'Not Found' }] } });
    const many = await get(priceUrl(Array.from({ length: 31 }, () => WBTC).join(',')));
    expect(many.status).toBe(400);
  });

  it('error-ack answers a wrong data.type, which the adapter reports as InvalidResponse', async () => {
    sim.setFault(NAME, { mode: 'error-ack' });
    const { body } = await get(priceUrl(WBTC));
    expect((body as GtBody).data.type).toBe('error');
    expect(adapter.parse(body, tickers(WBTC)).unresolved.map((u) => u.code)).toEqual([8]);
  });

  it('bad-price is rejected by the adapter; trailing garbage is not JSON', async () => {
    sim.setFault(NAME, { mode: 'bad-price' });
    const { body } = await get(priceUrl(WBTC));
    expect((body as GtBody).data.attributes.token_prices[WBTC]).toBe('abc');
    expect(adapter.parse(body, tickers(WBTC)).unresolved.map((u) => u.code)).toEqual([10]);
    sim.setFault(NAME, { mode: 'trailing-garbage' });
    const text = await (await fetch(priceUrl(WBTC))).text();
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  });
});
