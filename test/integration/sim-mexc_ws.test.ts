/** The simulated mexc_ws over real sockets: SUBSCRIPTION acks, miniTicker pushes, both PING forms. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/index.js';

let sim: Simulator;
const sockets: WebSocket[] = [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
type Obj = Record<string, unknown>;
const stream = (s: string) => `spot@public.miniTicker.v3.api@${s}@UTC+8`;

async function open(): Promise<{ ws: WebSocket; frames: Obj[] }> {
  const ws = new WebSocket(sim.endpoints['mexc_ws']!);
  sockets.push(ws);
  const frames: Obj[] = [];
  ws.on('message', (data) => {
    try {
      frames.push(JSON.parse(String(data)) as Obj);
    } catch {
      frames.push({ unparsable: String(data) });
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames };
}

async function waitFor(frames: Obj[], pred: (f: Obj) => boolean, from = 0, timeoutMs = 3000): Promise<Obj> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = frames.slice(from).find(pred);
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-3))}`);
    await sleep(20);
  }
}
const msg = (text: string) => (f: Obj) => f['msg'] === text;
const data = (symbol: string) => (f: Obj) => f['s'] === symbol && typeof f['d'] === 'object';

beforeAll(async () => {
  sim = await startSimulator({ seed: 8, stepMs: 10, pushIntervalMs: 50 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.book.freeze(true);
  sim.setFault('mexc_ws', { mode: 'none' });
});
afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
});

describe('mexc_ws simulator', () => {
  it('acks with the params and pushes miniTickers with a string price for subscribed symbols only', async () => {
    const c = await open();
    const request = JSON.stringify({ method: 'SUBSCRIPTION', params: [stream('BTCUSDT'), stream('ETHUSDC')] });
    c.ws.send(request);
    expect(await waitFor(c.frames, (f) => f['msg'] !== undefined)).toEqual({ id: 0, code: 0, msg: `${stream('BTCUSDT')},${stream('ETHUSDC')}` });
    const btc = await waitFor(c.frames, data('BTCUSDT'));
    expect(btc['c']).toBe(stream('BTCUSDT'));
    const d = btc['d'] as Obj;
    expect(d['s']).toBe('BTCUSDT');
    expect(typeof d['p']).toBe('string');
    expect(Number(d['p'])).toBe(sim.quote('mexc_ws', 'BTCUSDT'));
    await waitFor(c.frames, data('ETHUSDC'));
    expect(c.frames.some(data('SOLUSDT'))).toBe(false);
    expect(sim.received('mexc_ws').map((r) => r.text)).toContain(request);
  });

  it('answers both the documented and the anchor ping with PONG', async () => {
    const c = await open();
    c.ws.send('{"method":"PING"}');
    await waitFor(c.frames, msg('PONG'));
    const from = c.frames.length;
    c.ws.send('{"id":0,"code":0,"msg":"PING"}');
    expect(await waitFor(c.frames, msg('PONG'), from)).toEqual({ id: 0, code: 0, msg: 'PONG' });
  });

  it('refuses unknown symbols, params beyond 30 per connection (the limits), and everything under error-ack', async () => {
    const c = await open();
    c.ws.send(JSON.stringify({ method: 'SUBSCRIPTION', params: [stream('FOOUSDT')] }));
    await waitFor(c.frames, (f) => String(f['msg']).startsWith(`Not Subscribed successfully! [${stream('FOOUSDT')}]`));
    const symbols = ['BTC', 'ETH', 'SOL', 'ATOM', 'OSMO', 'TIA', 'DYDX', 'DOGE'].flatMap((b) => ['USDT', 'USDC', 'USD', 'BTC'].filter((q) => q !== b).map((q) => b + q));
    expect(symbols.length).toBeGreaterThan(30);
    // The unknown symbol's param counted towards the 30 (the plumbing counts every param sent).
    c.ws.send(JSON.stringify({ method: 'SUBSCRIPTION', params: symbols.slice(0, 29).map(stream) }));
    const ack = await waitFor(c.frames, (f) => String(f['msg']).startsWith('spot@'));
    expect(String(ack['msg']).split(',')).toHaveLength(29);
    c.ws.send(JSON.stringify({ method: 'SUBSCRIPTION', params: [stream(symbols[29]!)] }));
    const refused = await waitFor(c.frames, (f) => String(f['msg']).startsWith('Not Subscribed') && String(f['msg']).includes(symbols[29]!));
    expect(refused['msg']).toBe(`Not Subscribed successfully! [${stream(symbols[29]!)}].  Reason： Blocked! `);
    expect(sim.limits('mexc_ws').violations.topics_per_connection).toBeGreaterThan(0);
    sim.setFault('mexc_ws', { mode: 'error-ack' });
    const d = await open();
    d.ws.send(JSON.stringify({ method: 'SUBSCRIPTION', params: [stream('BTCUSDT')] }));
    await waitFor(d.frames, (f) => String(f['msg']).startsWith('Not Subscribed'));
    await sleep(150);
    expect(d.frames.some((f) => f['d'] !== undefined)).toBe(false);
  });

  it('bad-price sends "abc" as d.p', async () => {
    const c = await open();
    c.ws.send(JSON.stringify({ method: 'SUBSCRIPTION', params: [stream('SOLUSDT')] }));
    await waitFor(c.frames, data('SOLUSDT'));
    sim.setFault('mexc_ws', { mode: 'bad-price' });
    const from = c.frames.length;
    await waitFor(c.frames, (f) => data('SOLUSDT')(f) && (f['d'] as Obj)['p'] === 'abc', from);
  });
});
