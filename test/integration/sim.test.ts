import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIM_EXCHANGES, startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/index.js';

let sim: Simulator;

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function get(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

const binanceUrl = (symbols: string[]): string =>
  sim.endpoints['binance_api']!.replace('%s%s%s', `%5B${symbols.map((s) => `%22${s}%22`).join(',')}%5D`);
const krakenUrl = (pairs: string): string => sim.endpoints['kraken_api']!.replace('%s', pairs);
const coinbaseUrl = (pair: string): string => sim.endpoints['coinbase_api']!.replace('%s', pair);

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, stepMs: 10, pushIntervalMs: 50 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.book.freeze(true);
  for (const name of sim.exchanges()) sim.setFault(name, { mode: 'none' });
});

describe('addressing', () => {
  it('serves every exchange on its own loopback port with the real path and templates', () => {
    const e = sim.endpoints;
    expect(e['binance_api']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3\/ticker\/price\?symbols=%s%s%s$/);
    expect(e['kraken_api']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/0\/public\/Ticker\?pair=%s$/);
    expect(e['coinbase_api']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2\/prices\/%s\/spot$/);
    expect(e['binance_ws']).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/stream$/);
    expect(e['coinbase_ws']).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(e['okx_ws']).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/v5\/public$/);
    const ports = Object.values(e).map((u) => new URL(u).port);
    expect(new Set(ports).size).toBe(SIM_EXCHANGES.length);
    expect(Object.keys(e)).toEqual(SIM_EXCHANGES.map((x) => x.name));
    expect(sim.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('builds an oracle.json override for every provider', () => {
    const override = sim.oracleOverride() as { providers: Record<string, unknown> };
    expect(Object.keys(override.providers)).toEqual(SIM_EXCHANGES.map((x) => x.name));
    expect(override.providers['kucoin_ws']).toEqual({
      webSocket: { endpoints: [{ url: sim.endpoints['kucoin_ws'] }] },
      api: { endpoints: [{ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) }] },
    });
    expect(override).toMatchObject({
      providers: {
        binance_api: { api: { endpoints: [{ url: sim.endpoints['binance_api'] }] } },
        kraken_api: { api: { endpoints: [{ url: sim.endpoints['kraken_api'] }] } },
        coinbase_api: { api: { endpoints: [{ url: sim.endpoints['coinbase_api'] }] } },
        binance_ws: { webSocket: { endpoints: [{ url: sim.endpoints['binance_ws'] }] } },
        coinbase_ws: { webSocket: { endpoints: [{ url: sim.endpoints['coinbase_ws'] }] } },
        okx_ws: { webSocket: { endpoints: [{ url: sim.endpoints['okx_ws'] }] } },
      },
    });
  });
});

describe('quotes', () => {
  it('track the book within 1e-6 with fixed per-exchange offsets', () => {
    const btc = sim.book.usd('BTC')!;
    const usdt = sim.book.usd('USDT')!;
    expect(rel(sim.quote('binance_api', 'BTCUSDT')!, (btc / usdt) * 1.0002)).toBeLessThan(1e-6);
    expect(rel(sim.quote('kraken_api', 'XXBTZUSD')!, btc * 0.9997)).toBeLessThan(1e-6);
    expect(rel(sim.quote('coinbase_api', 'BTC-USD')!, btc * 1.0001)).toBeLessThan(1e-6);
    expect(rel(sim.quote('okx_ws', 'ETH-BTC')!, (sim.book.usd('ETH')! / btc) * 0.9998)).toBeLessThan(1e-6);
    expect(sim.quote('binance_api', 'FOOUSDT')).toBeUndefined();
    expect(sim.quote('nope', 'BTCUSDT')).toBeUndefined();
  });
});

describe('binance_api', () => {
  it('answers the percent-encoded symbols array in order', async () => {
    const { status, text } = await get(binanceUrl(['BTCUSDT', 'ETHUSDT']));
    expect(status).toBe(200);
    const body = JSON.parse(text) as Array<{ symbol: string; price: string }>;
    expect(body.map((t) => t.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(body[0]!.price).toMatch(/^\d+\.\d{8}$/);
    expect(Number(body[0]!.price)).toBe(sim.quote('binance_api', 'BTCUSDT'));
    expect(Number(body[1]!.price)).toBe(sim.quote('binance_api', 'ETHUSDT'));
    expect(sim.received('binance_api').at(-1)?.text).toBe(`GET ${new URL(binanceUrl(['BTCUSDT', 'ETHUSDT'])).pathname}?symbols=%5B%22BTCUSDT%22,%22ETHUSDT%22%5D`);
  });

  it('fails the whole request on one unknown symbol', async () => {
    const { status, text } = await get(binanceUrl(['BTCUSDT', 'FOOUSDT']));
    expect(status).toBe(400);
    expect(JSON.parse(text)).toEqual({ code: -1121, msg: 'Invalid symbol.' });
  });
});

describe('kraken_api', () => {
  it('answers canonical keys for canonical and alt names', async () => {
    const { status, text } = await get(krakenUrl('XBTUSD,XETHZUSD'));
    expect(status).toBe(200);
    const body = JSON.parse(text) as { error: string[]; result: Record<string, { c: string[]; t: number[]; o: string }> };
    expect(body.error).toEqual([]);
    expect(Object.keys(body.result).sort()).toEqual(['XETHZUSD', 'XXBTZUSD']);
    const btc = body.result['XXBTZUSD']!;
    expect(Number(btc.c[0])).toBe(sim.quote('kraken_api', 'XXBTZUSD'));
    expect(btc.c[0]).toMatch(/^\d+\.\d{5,}$/);
    expect(btc.t.every((n) => typeof n === 'number')).toBe(true);
    expect(typeof btc.o).toBe('string');
  });

  it('reports unknown pairs in the error array', async () => {
    const { status, text } = await get(krakenUrl('XXBTZUSD,FOOBAR'));
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ error: ['EQuery:Unknown asset pair'] });
  });
});

describe('coinbase_api', () => {
  it('answers the spot price', async () => {
    const { status, text } = await get(coinbaseUrl('ETH-USD'));
    expect(status).toBe(200);
    const body = JSON.parse(text) as { data: { amount: string; base: string; currency: string } };
    expect(body.data.base).toBe('ETH');
    expect(body.data.currency).toBe('USD');
    expect(Number(body.data.amount)).toBe(sim.quote('coinbase_api', 'ETH-USD'));
  });

  it('404s an unknown pair', async () => {
    const { status, text } = await get(coinbaseUrl('FOO-USD'));
    expect(status).toBe(404);
    expect(JSON.parse(text)).toEqual({ errors: [{ id: 'not_found', message: 'Invalid currency' }] });
  });
});

describe('HTTP faults', () => {
  it('status 500 and 429', async () => {
    sim.setFault('binance_api', { mode: 'status', status: 500 });
    expect((await get(binanceUrl(['BTCUSDT']))).status).toBe(500);
    sim.setFault('binance_api', { mode: 'status', status: 429 });
    const res = await fetch(binanceUrl(['BTCUSDT']));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    sim.setFault('binance_api', { mode: 'none' });
    expect((await get(binanceUrl(['BTCUSDT']))).status).toBe(200);
  });

  it('slow delays the answer', async () => {
    sim.setFault('coinbase_api', { mode: 'slow', delayMs: 300 });
    const t0 = Date.now();
    const { status } = await get(coinbaseUrl('BTC-USD'));
    expect(status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    await expect(fetch(coinbaseUrl('BTC-USD'), { signal: AbortSignal.timeout(100) })).rejects.toThrow();
  });

  it('malformed, bad-price and trailing-garbage bodies', async () => {
    sim.setFault('kraken_api', { mode: 'malformed' });
    const malformed = await get(krakenUrl('XXBTZUSD'));
    expect(malformed.status).toBe(200);
    expect(() => JSON.parse(malformed.text)).toThrow();

    sim.setFault('binance_api', { mode: 'bad-price' });
    expect(JSON.parse((await get(binanceUrl(['BTCUSDT']))).text)).toEqual([{ symbol: 'BTCUSDT', price: 'abc' }]);

    sim.setFault('coinbase_api', { mode: 'trailing-garbage' });
    const { text } = await get(coinbaseUrl('BTC-USD'));
    expect(() => JSON.parse(text)).toThrow();
    expect(text.endsWith(']}garbage')).toBe(true);
    const first = JSON.parse(text.slice(0, -']}garbage'.length)) as { data: { amount: string } };
    expect(Number(first.data.amount)).toBe(sim.quote('coinbase_api', 'BTC-USD'));
  });

  it('freeze pins one exchange while the book moves', async () => {
    sim.setFault('kraken_api', { mode: 'freeze' });
    const pinned = sim.quote('kraken_api', 'XXBTZUSD');
    const other = sim.quote('coinbase_api', 'BTC-USD');
    sim.book.freeze(false);
    await sleep(100);
    expect(sim.quote('coinbase_api', 'BTC-USD')).not.toBe(other);
    const body = JSON.parse((await get(krakenUrl('XXBTZUSD'))).text) as { result: { XXBTZUSD: { c: string[] } } };
    expect(Number(body.result.XXBTZUSD.c[0])).toBe(pinned);
    sim.setFault('kraken_api', { mode: 'none' });
    expect(sim.quote('kraken_api', 'XXBTZUSD')).not.toBe(pinned);
  });
});
