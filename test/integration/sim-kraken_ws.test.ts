/** The simulated kraken_ws over real sockets: systemStatus, subscriptionStatus, VWAP tickers, heartbeats. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/index.js';

let sim: Simulator;
const sockets: WebSocket[] = [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function open(): Promise<{ ws: WebSocket; frames: unknown[] }> {
  const ws = new WebSocket(sim.endpoints['kraken_ws']!);
  sockets.push(ws);
  const frames: unknown[] = [];
  ws.on('message', (data) => {
    try {
      frames.push(JSON.parse(String(data)));
    } catch {
      frames.push(String(data));
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames };
}

async function waitFor<T>(frames: unknown[], pred: (f: unknown) => f is T, from = 0, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = frames.slice(from).find(pred);
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-3))}`);
    await sleep(20);
  }
}

type Obj = Record<string, unknown>;
type Data = [number, { p: string[]; c: string[] }, string, string];
const event = (name: string, pair?: string) => (f: unknown): f is Obj =>
  typeof f === 'object' && f !== null && !Array.isArray(f) && (f as Obj)['event'] === name && (pair === undefined || (f as Obj)['pair'] === pair);
const data = (pair: string) => (f: unknown): f is Data => Array.isArray(f) && f[3] === pair;

beforeAll(async () => {
  sim = await startSimulator({ seed: 6, stepMs: 10, pushIntervalMs: 50 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.book.freeze(true);
  sim.setFault('kraken_ws', { mode: 'none' });
});
afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
});

describe('kraken_ws simulator', () => {
  it('greets with systemStatus, answers each pair, and pushes the quote as p[0] (VWAP), not c[0]', async () => {
    const c = await open();
    expect(await waitFor(c.frames, event('systemStatus'))).toMatchObject({ event: 'systemStatus', status: 'online' });
    const request = '{"event":"subscribe","pair":["XBT/USD","ETH/XBT"],"subscription":{"name":"ticker"}}';
    c.ws.send(request);
    const xbt = await waitFor(c.frames, event('subscriptionStatus', 'XBT/USD'));
    expect(xbt).toMatchObject({ channelName: 'ticker', status: 'subscribed', subscription: { name: 'ticker' } });
    expect(Number.isInteger(xbt['channelID'])).toBe(true);
    expect((await waitFor(c.frames, event('subscriptionStatus', 'ETH/XBT')))['status']).toBe('subscribed');
    const [channelId, ticker, name] = await waitFor(c.frames, data('XBT/USD'));
    expect([channelId, name]).toEqual([xbt['channelID'], 'ticker']);
    expect(Number(ticker.p[0])).toBe(sim.quote('kraken_ws', 'XBT/USD'));
    expect(Number(ticker.c[0])).not.toBe(Number(ticker.p[0]));
    expect(ticker.p).toHaveLength(2);
    expect(Number((await waitFor(c.frames, data('ETH/XBT')))[1].p[0])).toBe(sim.quote('kraken_ws', 'ETH/XBT'));
    expect(sim.received('kraken_ws').map((r) => r.text)).toContain(request);
    expect(sim.quote('kraken_ws', 'BTC/USD')).toBeUndefined();
  });

  it('sends a heartbeat when idle and answers ping with pong', async () => {
    const c = await open();
    await waitFor(c.frames, event('heartbeat'), 0, 2500);
    c.ws.send('{"event":"ping","reqid":7}');
    expect(await waitFor(c.frames, event('pong'))).toEqual({ event: 'pong', reqid: 7 });
  });

  it('refuses unknown pairs, and every pair under error-ack, with status error and no data', async () => {
    const c = await open();
    c.ws.send('{"event":"subscribe","pair":["XBT/FOO"],"subscription":{"name":"ticker"}}');
    expect(await waitFor(c.frames, event('subscriptionStatus', 'XBT/FOO'))).toMatchObject({ status: 'error', errorMessage: 'Currency pair not supported XBT/FOO' });
    sim.setFault('kraken_ws', { mode: 'error-ack' });
    c.ws.send('{"event":"subscribe","pair":["XBT/USD"],"subscription":{"name":"ticker"}}');
    const refused = await waitFor(c.frames, event('subscriptionStatus', 'XBT/USD'));
    expect(refused['status']).toBe('error');
    expect(refused).not.toHaveProperty('channelID');
    await sleep(150);
    expect(c.frames.some((f) => Array.isArray(f))).toBe(false);
  });

  it('bad-price puts "abc" into p[0]', async () => {
    const c = await open();
    c.ws.send('{"event":"subscribe","pair":["SOL/USD"],"subscription":{"name":"ticker"}}');
    await waitFor(c.frames, data('SOL/USD'));
    sim.setFault('kraken_ws', { mode: 'bad-price' });
    const from = c.frames.length;
    await waitFor(c.frames, (f): f is Data => data('SOL/USD')(f) && f[1].p[0] === 'abc', from);
  });
});
