import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIM_EXCHANGES, startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/index.js';

let sim: Simulator;

async function call(path: string, body?: unknown, method = 'POST'): Promise<{ status: number; json: Record<string, unknown> }> {
  const init = body === undefined ? {} : { method, body: typeof body === 'string' ? body : JSON.stringify(body) };
  const res = await fetch(`${sim.controlUrl}${path}`, init);
  expect(res.headers.get('content-type')).toBe('application/json');
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 2, stepMs: 10 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.book.freeze(true);
  for (const name of sim.exchanges()) sim.setFault(name, { mode: 'none' });
});

describe('control API', () => {
  it('GET /health lists the exchanges', async () => {
    expect(await call('/health')).toEqual({
      status: 200,
      json: { status: 'ok', exchanges: SIM_EXCHANGES.map((x) => x.name) },
    });
  });

  it('GET /book has asset prices and every exchange quote', async () => {
    const { status, json } = await call('/book');
    expect(status).toBe(200);
    expect(json['frozen']).toBe(true);
    expect(json['assets']).toEqual(sim.book.snapshot());
    const exchanges = json['exchanges'] as Record<string, { fault: unknown; frozen: boolean; quotes: Record<string, number> }>;
    expect(Object.keys(exchanges)).toEqual(sim.exchanges());
    expect(exchanges['kraken_api']!.quotes['XXBTZUSD']).toBe(sim.quote('kraken_api', 'XXBTZUSD'));
    expect(exchanges['binance_ws']!.quotes['ETHUSDT']).toBe(sim.quote('binance_ws', 'ETHUSDT'));
    expect(exchanges['okx_ws']!.fault).toEqual({ mode: 'none' });
    expect(Object.keys(exchanges['coinbase_api']!.quotes)).toContain('DOGE-USD');
  });

  it('GET /quote', async () => {
    expect(await call('/quote?exchange=coinbase_api&symbol=BTC-USD')).toEqual({
      status: 200,
      json: { exchange: 'coinbase_api', symbol: 'BTC-USD', price: sim.quote('coinbase_api', 'BTC-USD') },
    });
  });

  it('POST /fault applies and clears a fault', async () => {
    const set = await call('/fault', { exchange: 'binance_api', fault: { mode: 'status', status: 503 } });
    expect(set).toEqual({ status: 200, json: { exchange: 'binance_api', fault: { mode: 'status', status: 503 } } });
    expect(sim.fault('binance_api')).toEqual({ mode: 'status', status: 503 });
    const url = sim.endpoints['binance_api']!.replace('%s%s%s', '%5B%22BTCUSDT%22%5D');
    expect((await fetch(url)).status).toBe(503);
    await call('/fault', { exchange: 'binance_api', fault: { mode: 'none' } });
    expect((await fetch(url)).status).toBe(200);
  });

  it('POST /freeze and POST /price drive the book', async () => {
    expect(await call('/freeze', { frozen: false })).toEqual({ status: 200, json: { frozen: false } });
    expect(sim.book.frozen).toBe(false);
    await call('/freeze', { frozen: true });
    expect(sim.book.frozen).toBe(true);
    expect(await call('/price', { asset: 'BTC', usd: 70000 })).toEqual({ status: 200, json: { asset: 'BTC', usd: 70000 } });
    expect(sim.quote('coinbase_api', 'BTC-USD')).toBe(70007);
    const body = (await (await fetch(sim.endpoints['coinbase_api']!.replace('%s', 'BTC-USD'))).json()) as { data: { amount: string } };
    expect(body.data.amount).toBe('70007.00');
  });

  it('GET /received returns recorded requests', async () => {
    await fetch(sim.endpoints['kraken_api']!.replace('%s', 'XBTUSD'));
    const { json } = await call('/received?exchange=kraken_api');
    const received = json['received'] as Array<{ at: number; text: string }>;
    expect(received.at(-1)?.text).toBe('GET /0/public/Ticker?pair=XBTUSD');
    expect(Math.abs(received.at(-1)!.at - Date.now())).toBeLessThan(5000);
  });

  it.each([
    ['/quote?exchange=nope&symbol=BTCUSDT', undefined, 'exchange'],
    ['/quote?exchange=binance_api', undefined, 'symbol'],
    ['/quote?exchange=binance_api&symbol=FOOUSDT', undefined, 'symbol'],
    ['/received', undefined, 'exchange'],
    ['/fault', { exchange: 'nope', fault: { mode: 'none' } }, 'exchange'],
    ['/fault', { exchange: 'okx_ws' }, 'fault'],
    ['/fault', { exchange: 'okx_ws', fault: { mode: 'explode' } }, 'fault.mode'],
    ['/fault', { exchange: 'okx_ws', fault: { mode: 'status', status: 'x' } }, 'fault.status'],
    ['/fault', { exchange: 'okx_ws', fault: { mode: 'slow', delayMs: -1 } }, 'fault.delayMs'],
    ['/freeze', { frozen: 'yes' }, 'frozen'],
    ['/price', { asset: 'btc', usd: 1 }, 'asset'],
    ['/price', { asset: 'BTC', usd: -1 }, 'usd'],
    ['/price', '{not json', 'body'],
    ['/price', '[1]', 'body'],
    ['/endpoint?exchange=kraken_api&index=99', undefined, 'index'],
    ['/endpoint', { exchange: 'kraken_api', index: 0, lag: -2 }, 'lag'],
    ['/endpoint', { exchange: 'kraken_api', index: 0, frozen: 'yes' }, 'frozen'],
    ['/endpoint', { exchange: 'kraken_api', index: 0, apiKeyHeader: 'bad header' }, 'apiKeyHeader'],
  ])('rejects bad input %s %j naming %s', async (path, body, field) => {
    const { status, json } = await call(path, body);
    expect(status).toBe(400);
    expect(json['field']).toBe(field);
    expect(typeof json['error']).toBe('string');
  });

  it('POST /endpoint sets a node endpoint\'s knobs: its key, lag and frozen height apply to requests under /node/<i>', async () => {
    const set = await call('/endpoint', { exchange: 'kraken_api', index: 1, apiKeyHeader: 'X-Api-Key', apiKey: 'k1', lag: 25 });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ exchange: 'kraken_api', index: 1, apiKeyHeader: 'X-Api-Key', apiKey: 'k1', lag: 25, frozen: false });
    const base = new URL(sim.endpoints['kraken_api']!.replace('%s', 'XBTUSD'));
    const viaNode1 = `${base.origin}/node/1${base.pathname}${base.search}`;
    expect((await fetch(viaNode1)).status).toBe(401);
    expect((await fetch(viaNode1, { headers: { 'x-api-key': 'k1' } })).status).toBe(200);
    expect((await fetch(base)).status).toBe(200);
    const e0 = (await call('/endpoint?exchange=kraken_api&index=0', undefined, 'GET')).json;
    const e1 = (await call('/endpoint?exchange=kraken_api&index=1', undefined, 'GET')).json;
    expect(e1['refused']).toBe(1);
    expect(BigInt(e0['height'] as string) - BigInt(e1['height'] as string)).toBeGreaterThanOrEqual(24n);
    await call('/endpoint', { exchange: 'kraken_api', index: 1, frozen: true });
    const frozenAt = sim.endpoint('kraken_api', 1).height;
    await new Promise((r) => setTimeout(r, 900));
    expect(sim.endpoint('kraken_api', 1).height).toBe(frozenAt);
    expect(BigInt(sim.endpoint('kraken_api', 0).height)).toBeGreaterThan(BigInt(e0['height'] as string));
    await call('/endpoint', { exchange: 'kraken_api', index: 1, frozen: false, apiKeyHeader: '', lag: 0 });
    expect((await fetch(viaNode1)).status).toBe(200);
  });

  it('404s unknown routes and 405s other methods', async () => {
    expect((await call('/nope')).status).toBe(404);
    expect((await call('/fault', {}, 'PUT')).status).toBe(405);
  });
});
