import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gateWs as adapter } from '../../src/exchanges/gate_ws/adapter.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { Client, has, sleep } from '../helpers/sim-ws1-client.js';

const NAME = 'gate_ws';
let sim: Simulator;
const clients: Client[] = [];
const open = () => Client.open(sim.endpoints[NAME]!, clients);
const sub = (payload: string[], id = 1, event = 'subscribe', channel = 'spot.tickers') => ({ time: 42, channel, event, id, payload });
type Update = { time: number; time_ms: number; channel: string; event: string; result: Record<string, unknown> };
const updates = (c: Client, from = 0) => c.json(from).filter((m): m is Update => (m as Update).event === 'update');

beforeAll(async () => {
  sim = await startSimulator({ seed: 25, stepMs: 10, pushIntervalMs: 50 });
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

describe('gate_ws simulator', () => {
  it('acks with error:null, echoes the id and pushes updates with result.last', async () => {
    expect(sim.endpoints[NAME]).toMatch(/\/ws\/v4\/$/);
    const c = await open();
    c.send('{"time":42,"channel":"spot.tickers","event":"subscribe","id":123456789012345678,"payload":["BTC_USDT"]}');
    const ack = await c.waitFor(has('"subscribe"'));
    expect(ack).toContain('"id":123456789012345678,');
    expect(JSON.parse(ack)).toMatchObject({ channel: 'spot.tickers', event: 'subscribe', payload: ['BTC_USDT'], error: null, result: { status: 'success' } });
    await c.waitFor(has('"update"'));
    await sleep(120);
    const ups = updates(c);
    expect(ups.length).toBeGreaterThan(2);
    for (const u of ups) {
      expect(u.channel).toBe('spot.tickers');
      expect(Number.isInteger(u.time)).toBe(true);
      expect(u.time).toBe(Math.floor(u.time_ms / 1000));
      expect(u.result['currency_pair']).toBe('BTC_USDT');
      expect(Number(u.result['last'])).toBe(sim.quote(NAME, 'BTC_USDT'));
    }
  });

  it('feeds the adapter and answers spot.ping', async () => {
    const c = await open();
    const session = adapter.session([{ offChainTicker: 'DOGE_USDT', metadataJSON: '' }], 1);
    for (const m of session.subscriptions()) c.send(m);
    c.send({ time: 1, channel: 'spot.ping' });
    await c.waitFor(has('spot.pong'));
    await c.waitFor(has('"update"'));
    const results = c.frames.map((f) => session.handle(f));
    expect(results.filter((r) => r.error !== undefined)).toEqual([]);
    const prices = results.flatMap((r) => r.response?.resolved ?? []);
    expect(prices.length).toBeGreaterThan(0);
    expect(prices.every((p) => p.ticker === 'DOGE_USDT' && Number(p.price) === sim.quote(NAME, 'DOGE_USDT'))).toBe(true);
  });

  it('keeps pairs per connection, unsubscribes and refuses bad requests', async () => {
    const a = await open();
    const b = await open();
    a.send(sub(['ETH_USDT']));
    b.send(sub(['SOL_USDT']));
    await a.waitFor(has('"update"'));
    await b.waitFor(has('"update"'));
    expect(a.frames.some(has('SOL_USDT'))).toBe(false);
    a.send(sub(['FOO_USDT'], 5));
    expect(JSON.parse(await a.waitFor(has('"fail"')))).toMatchObject({ id: 5, error: { code: 2, message: 'unknown currency pair: FOO_USDT' }, result: { status: 'fail' } });
    let from = a.frames.length;
    a.send(sub(['BTC_USDT'], 6, 'subscribe', 'spot.trades'));
    expect(JSON.parse(await a.waitFor(has('"fail"'), from))).toMatchObject({ id: 6, error: { code: 2 } });
    from = a.frames.length;
    a.send('{"time":');
    expect(JSON.parse(await a.waitFor(has('"fail"'), from))).toMatchObject({ error: { code: 1, message: 'invalid body' } });
    a.send(sub(['ETH_USDT'], 7, 'unsubscribe'));
    await a.waitFor(has('"unsubscribe"'));
    await sleep(60);
    const mark = a.frames.length;
    await sleep(200);
    expect(updates(a, mark)).toEqual([]);
  });

  it('error-ack refuses with code 3 and the adapter attributes it; bad-price sends last "abc"', async () => {
    sim.setFault(NAME, { mode: 'error-ack' });
    const c = await open();
    const session = adapter.session([{ offChainTicker: 'BTC_USDT', metadataJSON: '' }], 1);
    for (const m of session.subscriptions()) c.send(m);
    const ack = await c.waitFor(has('"fail"'));
    expect(session.handle(ack).response?.unresolved).toEqual([{ ticker: 'BTC_USDT', code: 13, reason: 'gate error 3: server error (simulated fault)' }]);
    await sleep(120);
    expect(updates(c)).toEqual([]);
    sim.setFault(NAME, { mode: 'bad-price' });
    c.send(sub(['BTC_USDT'], 2));
    await c.waitFor(has('"update"'));
    expect(updates(c)[0]?.result['last']).toBe('abc');
  });
});
