/** The simulated bitstamp_api over real sockets, read back through the real adapter. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bitstampApi as adapter } from '../../src/exchanges/bitstamp_api/adapter.js';
import type { ProviderTicker } from '../../src/providers/types.js';
import { startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/index.js';

const NAME = 'bitstamp_api';
let sim: Simulator;
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

async function get(path?: string): Promise<{ status: number; text: string }> {
  const endpoint = sim.endpoints[NAME] ?? '';
  const res = await fetch(path === undefined ? endpoint : new URL(path, endpoint));
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, stepMs: 10 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.book.freeze(true);
  sim.setFault(NAME, { mode: 'none' });
});

describe('bitstamp_api simulator', () => {
  it('serves every market at the real path, every field a string', async () => {
    expect(sim.endpoints[NAME]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2\/ticker\/$/);
    const { status, text } = await get();
    expect(status).toBe(200);
    const rows = JSON.parse(text) as Array<Record<string, unknown>>;
    expect(rows.length).toBe(Object.keys(sim.quotes(NAME)).length);
    expect(rows.length).toBeGreaterThanOrEqual(30);
    const btc = rows.find((r) => r.pair === 'BTC/USD');
    expect(Object.keys(btc ?? {})).toEqual(['ask', 'bid', 'high', 'last', 'low', 'open', 'open_24', 'pair', 'percent_change_24', 'side', 'timestamp', 'volume', 'vwap']);
    expect(rows.every((r) => Object.values(r).every((v) => typeof v === 'string'))).toBe(true);
    expect(Number(btc?.last)).toBe(sim.quote(NAME, 'BTC/USD'));
    expect(rel(Number(btc?.last), sim.book.usd('BTC')! * 0.9999)).toBeLessThan(1e-6);
    expect(Math.abs(Number(btc?.timestamp) - Date.now() / 1000)).toBeLessThan(5);
    expect(sim.received(NAME).at(-1)?.text).toBe('GET /api/v2/ticker/');
  });

  it('round-trips through the adapter, including the compact spelling', async () => {
    const asked = tickers('BTC/USD', 'ethusd', 'SOL/USDT', 'XRP/USD');
    const url = adapter.buildUrl(sim.endpoints[NAME] ?? '', asked);
    expect(typeof url).toBe('string');
    const body: unknown = await (await fetch(url as string)).json();
    const r = adapter.parse(body, asked);
    expect(r.resolved.map((q) => [q.ticker, Number(q.price)])).toEqual([
      ['BTC/USD', sim.quote(NAME, 'BTC/USD')],
      ['ethusd', sim.quote(NAME, 'ETH/USD')],
      ['SOL/USDT', sim.quote(NAME, 'SOL/USDT')],
    ]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([['XRP/USD', 7]]);
  });

  it('serves one market at /api/v2/ticker/<compact>/ and 404s an unknown one', async () => {
    const one = await get('/api/v2/ticker/ethbtc/');
    expect(one.status).toBe(200);
    const row = JSON.parse(one.text) as Record<string, string>;
    expect(row.pair).toBe('ETH/BTC');
    expect(Number(row.last)).toBe(sim.quote(NAME, 'ETH/BTC'));
    const unknown = await get('/api/v2/ticker/xrpusd/');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toEqual({ status: 'error', reason: 'Not found.', code: '404.001' });
  });

  it('honours bad-price, malformed, trailing-garbage and status faults', async () => {
    sim.setFault(NAME, { mode: 'bad-price' });
    const body: unknown = JSON.parse((await get()).text);
    expect(adapter.parse(body, tickers('BTC/USD')).unresolved.map((u) => u.code)).toEqual([10]);
    sim.setFault(NAME, { mode: 'malformed' });
    const cut = (await get()).text;
    expect(() => JSON.parse(cut) as unknown).toThrow(SyntaxError);
    sim.setFault(NAME, { mode: 'trailing-garbage' });
    const text = (await get()).text;
    expect(text.endsWith(']}garbage')).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    sim.setFault(NAME, { mode: 'status', status: 429 });
    expect((await get()).status).toBe(429);
  });

  it('freeze pins this exchange while the book moves', async () => {
    sim.setFault(NAME, { mode: 'freeze' });
    const before = sim.quote(NAME, 'BTC/USD');
    sim.book.freeze(false);
    for (let i = 0; i < 20; i++) sim.book.step();
    sim.book.freeze(true);
    const rows = JSON.parse((await get()).text) as Array<Record<string, string>>;
    expect(Number(rows.find((r) => r.pair === 'BTC/USD')?.last)).toBe(before);
    sim.setFault(NAME, { mode: 'none' });
    expect(sim.quote(NAME, 'BTC/USD')).not.toBe(before);
  });
});
