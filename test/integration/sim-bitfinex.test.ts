import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bitfinexWs as adapter } from '../../src/exchanges/bitfinex_ws/adapter.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { Client, has, sleep } from '../helpers/sim-ws1-client.js';

const NAME = 'bitfinex_ws';
let sim: Simulator;
const clients: Client[] = [];
const open = () => Client.open(sim.endpoints[NAME]!, clients);
const sub = (symbol: string) => ({ event: 'subscribe', channel: 'ticker', symbol });

beforeAll(async () => {
  sim = await startSimulator({ seed: 21, stepMs: 10, pushIntervalMs: 50 });
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

describe('bitfinex_ws simulator', () => {
  it('sends info, acks with a chanId, then a snapshot and updates with LAST_PRICE at index 6', async () => {
    expect(sim.endpoints[NAME]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/2$/);
    const c = await open();
    expect(JSON.parse(await c.waitFor(has('"info"')))).toMatchObject({ event: 'info', version: 2, platform: { status: 1 } });
    c.send(sub('BTCUSD'));
    const ack = JSON.parse(await c.waitFor(has('subscribed'))) as { chanId: number };
    expect(ack).toEqual({ event: 'subscribed', channel: 'ticker', chanId: expect.any(Number), symbol: 'tBTCUSD', pair: 'BTCUSD' });
    await c.waitFor((f) => f.startsWith(`[${ack.chanId},[`), 0);
    await sleep(120);
    const updates = c.json().filter((m): m is [number, number[]] => Array.isArray(m) && Array.isArray(m[1]));
    expect(updates.length).toBeGreaterThan(2);
    for (const [chanId, values] of updates) {
      expect(chanId).toBe(ack.chanId);
      expect(values).toHaveLength(10);
      expect(values.every((v) => typeof v === 'number')).toBe(true);
      expect(values[6]).toBe(sim.quote(NAME, 'BTCUSD'));
    }
    expect(sim.received(NAME).map((r) => r.text)).toContain(JSON.stringify(sub('BTCUSD')));
  });

  it('feeds the adapter: ack, snapshot and updates resolve to the simulator quote', async () => {
    const c = await open();
    const session = adapter.session([{ offChainTicker: 'ETHUSD', metadataJSON: '' }], 1);
    for (const m of session.subscriptions()) c.send(m);
    await c.waitFor((f) => f.startsWith('[') && !f.includes('"hb"'));
    const results = c.frames.map((f) => session.handle(f));
    expect(results.filter((r) => r.error !== undefined)).toEqual([]);
    const prices = results.flatMap((r) => r.response?.resolved ?? []);
    expect(prices.length).toBeGreaterThan(0);
    expect(prices.every((p) => p.ticker === 'ETHUSD' && Number(p.price) === sim.quote(NAME, 'ETHUSD'))).toBe(true);
  });

  it('keeps channels per connection, unsubscribes, answers ping and refuses bad requests', async () => {
    const a = await open();
    const b = await open();
    a.send(sub('tETHUSD'));
    b.send(sub('SOLUSD'));
    const ackA = JSON.parse(await a.waitFor(has('subscribed'))) as { chanId: number; pair: string };
    expect(ackA.pair).toBe('ETHUSD');
    await b.waitFor(has('"SOLUSD"'));
    a.send(sub('ETHUSD'));
    expect(JSON.parse(await a.waitFor(has('"error"')))).toMatchObject({ event: 'error', code: 10301, pair: 'ETHUSD' });
    a.send(sub('FOOUSD'));
    expect(JSON.parse(await a.waitFor(has('10001')))).toEqual({ event: 'error', msg: 'Unknown pair', code: 10001, channel: 'ticker', symbol: 'FOOUSD', pair: 'FOOUSD' });
    a.send({ event: 'subscribe', channel: 'book', symbol: 'tBTCUSD' });
    await a.waitFor(has('10300'));
    a.send({ event: 'ping', cid: 42 });
    expect(JSON.parse(await a.waitFor(has('"pong"')))).toMatchObject({ event: 'pong', cid: 42 });
    a.send('not json');
    await a.waitFor(has('10000'));
    a.send({ event: 'unsubscribe', chanId: ackA.chanId });
    await a.waitFor((f) => f === `{"event":"unsubscribed","status":"OK","chanId":${ackA.chanId}}`);
    await sleep(60);
    const mark = a.frames.length;
    await sleep(200);
    expect(a.frames.length).toBe(mark);
    expect(b.frames.length).toBeGreaterThan(3);
  });

  it('refuses a 26th channel with 10305 and counts the violation', async () => {
    const before = sim.limits(NAME).violations.topics_per_connection;
    const c = await open();
    const pairs = sim.quotes(NAME);
    const symbols = Object.keys(pairs).slice(0, 26);
    expect(symbols).toHaveLength(26);
    for (const s of symbols) c.send(sub(s));
    expect(JSON.parse(await c.waitFor(has('10305')))).toMatchObject({ event: 'error', msg: 'subscribe: limit', code: 10305, pair: symbols[25] });
    expect(c.json().filter((m) => (m as { event?: string }).event === 'subscribed')).toHaveLength(25);
    expect(sim.limits(NAME).violations.topics_per_connection).toBe(before + 1);
    expect(sim.limits(NAME).limits).toMatchObject({ connections: { max: 20, windowMs: 60_000 }, topicsPerConnection: 25 });
  });

  it('error-ack refuses with 10400; bad-price puts "abc" at index 6', async () => {
    sim.setFault(NAME, { mode: 'error-ack' });
    const c = await open();
    c.send(sub('BTCUSD'));
    expect(JSON.parse(await c.waitFor(has('"error"')))).toMatchObject({ event: 'error', code: 10400 });
    await sleep(120);
    expect(c.frames.some((f) => f.startsWith('['))).toBe(false);
    sim.setFault(NAME, { mode: 'bad-price' });
    c.send(sub('BTCUSD'));
    const from = c.frames.length;
    const update = JSON.parse(await c.waitFor((f) => f.startsWith('['), from)) as [number, unknown[]];
    expect(update[1][6]).toBe('abc');
  });

  it('sends [chanId,"hb"] every 5 s on each channel', async () => {
    const c = await open();
    c.send(sub('BTCUSD'));
    const ack = JSON.parse(await c.waitFor(has('subscribed'))) as { chanId: number };
    expect(await c.waitFor(has('"hb"'), 0, 6500)).toBe(`[${ack.chanId},"hb"]`);
  }, 10_000);
});
