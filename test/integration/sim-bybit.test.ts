import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bybitWs as adapter } from '../../src/exchanges/bybit_ws/adapter.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { bybitWsWithPingTimeout } from '../../src/exchanges/bybit_ws/sim.js';
import { Client, has, sleep, startAlone } from '../helpers/sim-ws1-client.js';

const NAME = 'bybit_ws';
let sim: Simulator;
const clients: Client[] = [];
const open = () => Client.open(sim.endpoints[NAME]!, clients);
const sub = (args: string[], op = 'subscribe', req_id = '') => ({ req_id, op, args });
type Push = { topic: string; type: string; ts: number; data: Record<string, unknown> };

beforeAll(async () => {
  sim = await startSimulator({ seed: 23, stepMs: 10, pushIntervalMs: 50 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.book.freeze(true);
  sim.setFault(NAME, { mode: 'none' });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.ws.terminate();
});

describe('bybit_ws simulator', () => {
  it('acks the anchor subscribe, echoes req_id and pushes snapshots with lastPrice', async () => {
    expect(sim.endpoints[NAME]).toMatch(/\/v5\/public\/spot$/);
    const c = await open();
    c.send(sub(['tickers.BTCUSDT'], 'subscribe', 'r1'));
    expect(JSON.parse(await c.waitFor(has('"op":"subscribe"')))).toEqual({ success: true, ret_msg: 'subscribe', conn_id: expect.any(String), req_id: 'r1', op: 'subscribe' });
    await c.waitFor(has('"topic"'));
    await sleep(120);
    const pushes = c.json().filter((m): m is Push => typeof (m as Push).topic === 'string');
    expect(pushes.length).toBeGreaterThan(2);
    for (const p of pushes) {
      expect(p).toMatchObject({ topic: 'tickers.BTCUSDT', type: 'snapshot', data: { symbol: 'BTCUSDT' } });
      expect(Number(p.data['lastPrice'])).toBe(sim.quote(NAME, 'BTCUSDT'));
    }
  });

  it('answers ping with pong and feeds the adapter', async () => {
    const c = await open();
    const session = adapter.session([{ offChainTicker: 'SOLUSDT', metadataJSON: '' }], 1);
    for (const m of [...session.subscriptions(), ...session.heartbeat()]) c.send(m);
    expect(JSON.parse(await c.waitFor(has('"pong"')))).toEqual({ success: true, ret_msg: 'pong', conn_id: expect.any(String), req_id: '1', op: 'ping' });
    await c.waitFor(has('"topic"'));
    const results = c.frames.map((f) => session.handle(f));
    expect(results.filter((r) => r.error !== undefined)).toEqual([]);
    const prices = results.flatMap((r) => r.response?.resolved ?? []);
    expect(prices.length).toBeGreaterThan(0);
    expect(prices.every((p) => p.ticker === 'SOLUSDT' && Number(p.price) === sim.quote(NAME, 'SOLUSDT'))).toBe(true);
  });

  it('keeps topics per connection, unsubscribes, and refuses bad requests as a whole', async () => {
    const a = await open();
    const b = await open();
    a.send(sub(['tickers.ETHUSDT']));
    b.send(sub(['tickers.DOGEUSDT']));
    await a.waitFor(has('"topic"'));
    await b.waitFor(has('"topic"'));
    expect(a.frames.some(has('DOGE'))).toBe(false);
    let from = a.frames.length;
    a.send(sub(['tickers.ATOMUSDT', 'tickers.FOOUSDT']));
    expect(JSON.parse(await a.waitFor(has('"success":false'), from))).toMatchObject({ ret_msg: 'Invalid symbol :[tickers.FOOUSDT]', op: 'subscribe' });
    from = a.frames.length;
    a.send(sub(Array.from({ length: 11 }, () => 'tickers.BTCUSDT')));
    expect(JSON.parse(await a.waitFor(has('"success":false'), from))).toMatchObject({ ret_msg: 'args size >10' });
    a.send(sub(['tickers.ETHUSDT'], 'unsubscribe'));
    await a.waitFor(has('"op":"unsubscribe"'));
    await sleep(60);
    const mark = a.frames.length;
    await sleep(200);
    expect(a.frames.length).toBe(mark);
    expect(a.frames.some(has('ATOM'))).toBe(false);
  });

  it('error-ack answers success:false; bad-price sends lastPrice "abc"', async () => {
    sim.setFault(NAME, { mode: 'error-ack' });
    const c = await open();
    c.send(sub(['tickers.BTCUSDT']));
    const ack = await c.waitFor(has('"success":false'));
    expect(adapter.session([{ offChainTicker: 'BTCUSDT', metadataJSON: '' }], 1).handle(ack).error).toMatch(/^subscription refused/);
    await sleep(120);
    expect(c.frames.some(has('"topic"'))).toBe(false);
    sim.setFault(NAME, { mode: 'bad-price' });
    c.send(sub(['tickers.BTCUSDT']));
    expect((JSON.parse(await c.waitFor(has('"topic"'))) as Push).data['lastPrice']).toBe('abc');
  });

  it('with the idle rule on, a client that stops pinging goes dead and a pinging one lives', async () => {
    const alone = await startAlone(bybitWsWithPingTimeout(300));
    try {
      const quiet = await Client.open(alone.url, clients);
      const pinging = await Client.open(alone.url, clients);
      quiet.send(sub(['tickers.BTCUSDT']));
      pinging.send(sub(['tickers.BTCUSDT']));
      const timer = setInterval(() => pinging.send({ req_id: 'p', op: 'ping' }), 100);
      await sleep(600);
      const quietMark = quiet.frames.length;
      const pingMark = pinging.frames.length;
      await sleep(300);
      clearInterval(timer);
      expect(quiet.frames.length).toBe(quietMark);
      expect(pinging.frames.length).toBeGreaterThan(pingMark + 2);
      quiet.send({ req_id: 'late', op: 'ping' });
      await sleep(100);
      expect(quiet.frames.some(has('late'))).toBe(false);
    } finally {
      await alone.running.close();
    }
  });
});
