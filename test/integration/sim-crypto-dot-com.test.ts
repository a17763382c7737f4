import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cryptoDotComWs as adapter } from '../../src/exchanges/crypto_dot_com_ws/adapter.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { cryptoDotComWsWith } from '../../src/exchanges/crypto_dot_com_ws/sim.js';
import { Client, has, sleep, startAlone } from '../helpers/sim-ws1-client.js';

const NAME = 'crypto_dot_com_ws';
let sim: Simulator;
const clients: Client[] = [];
const open = () => Client.open(sim.endpoints[NAME]!, clients);
const sub = (channels: string[], id = 1, method = 'subscribe') => ({ id, method, params: { channels } });
type Push = { id: number; method: string; code: number; result: { subscription: string; channel: string; data?: Array<Record<string, unknown>> } };
const pushes = (c: Client, from = 0) => c.json(from).filter((m): m is Push => (m as Push).id === -1 && Array.isArray((m as Push).result?.data));

beforeAll(async () => {
  sim = await startSimulator({ seed: 24, stepMs: 10, pushIntervalMs: 50 });
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

describe('crypto_dot_com_ws simulator', () => {
  it('lists spot and perpetual instruments, confirms per channel and pushes `a`', async () => {
    expect(sim.endpoints[NAME]).toMatch(/\/exchange\/v1\/market$/);
    expect(sim.quote(NAME, 'BTCUSD-PERP')).toBe(sim.quote(NAME, 'BTC_USD'));
    expect(sim.quote(NAME, 'BTCUSD')).toBeUndefined();
    const c = await open();
    c.send('{"id":9007199254740993,"method":"subscribe","params":{"channels":["ticker.BTC_USD","ticker.BTCUSD-PERP"]}}');
    await c.waitFor(has('BTCUSD-PERP","channel'));
    expect(c.frames.slice(0, 2)).toEqual([
      '{"id":9007199254740993,"method":"subscribe","code":0,"result":{"subscription":"ticker.BTC_USD","channel":"ticker","instrument_name":"BTC_USD"}}',
      '{"id":9007199254740993,"method":"subscribe","code":0,"result":{"subscription":"ticker.BTCUSD-PERP","channel":"ticker","instrument_name":"BTCUSD-PERP"}}',
    ]);
    await c.waitFor(has('"id":-1'));
    await sleep(120);
    const data = pushes(c);
    expect(data.length).toBeGreaterThan(4);
    for (const p of data) {
      const entry = p.result.data?.[0] ?? {};
      expect(p.result.subscription).toBe(`ticker.${String(entry['i'])}`);
      expect(Number(entry['a'])).toBe(sim.quote(NAME, String(entry['i'])));
    }
  });

  it('feeds the adapter, and answers heartbeats through it', async () => {
    const alone = await startAlone(cryptoDotComWsWith({ heartbeatMs: 100, maxMissed: 2 }));
    try {
      const c = await Client.open(alone.url, clients);
      const session = adapter.session([{ offChainTicker: 'ETH_USD', metadataJSON: '' }], 1);
      for (const m of session.subscriptions()) c.send(m);
      const answered: string[] = [];
      c.ws.on('message', (data) => {
        for (const reply of session.handle(String(data)).replies ?? []) {
          answered.push(reply);
          c.send(reply);
        }
      });
      await sleep(700);
      expect(answered.length).toBeGreaterThan(3);
      expect(answered[0]).toMatch(/^\{"id":\d{13},"method":"public\/respond-heartbeat"\}$/);
      const mark = c.frames.length;
      await sleep(200);
      expect(c.frames.length).toBeGreaterThan(mark);
      const results = c.frames.map((f) => adapter.session([{ offChainTicker: 'ETH_USD', metadataJSON: '' }], 1).handle(f));
      expect(results.filter((r) => r.error !== undefined)).toEqual([]);
      expect(results.flatMap((r) => r.response?.resolved ?? []).length).toBeGreaterThan(3);
    } finally {
      await alone.running.close();
    }
  });

  it('goes dead for a client that leaves maxMissed heartbeats unanswered', async () => {
    const alone = await startAlone(cryptoDotComWsWith({ heartbeatMs: 100, maxMissed: 2 }));
    try {
      const c = await Client.open(alone.url, clients);
      c.send(sub(['ticker.BTC_USD']));
      await sleep(500);
      expect(c.json().filter((m) => (m as { method?: string }).method === 'public/heartbeat')).toHaveLength(2);
      const mark = c.frames.length;
      await sleep(200);
      expect(c.frames.length).toBe(mark);
    } finally {
      await alone.running.close();
    }
  });

  it('keeps subscriptions per connection, unsubscribes, and refuses bad requests', async () => {
    const a = await open();
    const b = await open();
    a.send(sub(['ticker.ETH_USD']));
    b.send(sub(['ticker.SOL_USD']));
    await a.waitFor(has('"id":-1'));
    await b.waitFor(has('"id":-1'));
    expect(a.frames.some(has('SOL_USD'))).toBe(false);
    a.send(sub(['ticker.FOO_USD'], 7));
    expect(JSON.parse(await a.waitFor(has('40004')))).toEqual({ id: 7, method: 'subscribe', code: 40004, message: 'invalid channel "ticker.FOO_USD"' });
    a.send({ id: 8, method: 'public/get-book' });
    await a.waitFor(has('10008'));
    a.send(sub(['ticker.ETH_USD'], 9, 'unsubscribe'));
    await a.waitFor(has('"method":"unsubscribe","code":0'));
    await sleep(60);
    const mark = a.frames.length;
    await sleep(200);
    expect(pushes(a, mark)).toEqual([]);
  });

  it('error-ack refuses with code 40004; bad-price sends a "abc"', async () => {
    sim.setFault(NAME, { mode: 'error-ack' });
    const c = await open();
    c.send(sub(['ticker.BTC_USD']));
    expect(JSON.parse(await c.waitFor(has('40004')))).toMatchObject({ id: 1, code: 40004, message: 'subscription refused (simulated fault)' });
    await sleep(120);
    expect(pushes(c)).toEqual([]);
    sim.setFault(NAME, { mode: 'bad-price' });
    c.send(sub(['ticker.BTC_USD'], 2));
    await c.waitFor(has('"id":-1'));
    expect(pushes(c)[0]?.result.data?.[0]?.['a']).toBe('abc');
  });
});
