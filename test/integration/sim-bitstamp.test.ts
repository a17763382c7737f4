import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bitstampWs as adapter } from '../../src/exchanges/bitstamp_ws/adapter.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { Client, has, sleep } from '../helpers/sim-ws1-client.js';

const NAME = 'bitstamp_ws';
let sim: Simulator;
const clients: Client[] = [];
const open = () => Client.open(sim.endpoints[NAME]!, clients);
const sub = (channel: string, event = 'bts:subscribe') => ({ event, data: { channel } });
type Trade = { event: string; channel: string; data: Record<string, unknown> };

beforeAll(async () => {
  sim = await startSimulator({ seed: 22, stepMs: 10, pushIntervalMs: 50 });
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

describe('bitstamp_ws simulator', () => {
  it('lists lower-case pairs and pushes trades with price_str after the ack', async () => {
    expect(sim.endpoints[NAME]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    expect(sim.quote(NAME, 'btcusd')).toBeGreaterThan(0);
    expect(sim.quote(NAME, 'BTCUSD')).toBeUndefined();
    const c = await open();
    c.send(sub('live_trades_btcusd'));
    expect(JSON.parse(await c.waitFor(has('succeeded')))).toEqual({ event: 'bts:subscription_succeeded', channel: 'live_trades_btcusd', data: {} });
    await c.waitFor(has('"trade"'));
    await sleep(120);
    const trades = c.json().filter((m): m is Trade => (m as Trade).event === 'trade');
    expect(trades.length).toBeGreaterThan(2);
    for (const t of trades) {
      expect(t.channel).toBe('live_trades_btcusd');
      expect(Number(t.data['price_str'])).toBe(sim.quote(NAME, 'btcusd'));
      expect(t.data['price']).toBe(Number(t.data['price_str']));
      expect(t.data['microtimestamp']).toMatch(/^\d{16}$/);
    }
    const ids = trades.map((t) => t.data['id'] as number);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
  });

  it('answers the client heartbeat and feeds the adapter', async () => {
    const c = await open();
    const session = adapter.session([{ offChainTicker: 'ethusd', metadataJSON: '' }], 1);
    for (const m of [...session.subscriptions(), ...session.heartbeat()]) c.send(m);
    expect(JSON.parse(await c.waitFor(has('bts:heartbeat')))).toEqual({ event: 'bts:heartbeat', channel: '', data: { status: 'success' } });
    await c.waitFor(has('"trade"'));
    const results = c.frames.map((f) => session.handle(f));
    expect(results.filter((r) => r.error !== undefined)).toEqual([]);
    const prices = results.flatMap((r) => r.response?.resolved ?? []);
    expect(prices.length).toBeGreaterThan(0);
    expect(prices.every((p) => p.ticker === 'ethusd' && Number(p.price) === sim.quote(NAME, 'ethusd'))).toBe(true);
    expect(sim.received(NAME).map((r) => r.text)).toContain('{"event":"bts:heartbeat"}');
  });

  it('keeps subscriptions per connection and honours bts:unsubscribe', async () => {
    const a = await open();
    const b = await open();
    a.send(sub('live_trades_ethusd'));
    b.send(sub('live_trades_solusd'));
    await a.waitFor(has('"trade"'));
    await b.waitFor(has('"trade"'));
    expect(a.frames.some(has('solusd'))).toBe(false);
    expect(b.frames.some(has('ethusd'))).toBe(false);
    a.send(sub('live_trades_ethusd', 'bts:unsubscribe'));
    await a.waitFor(has('bts:unsubscription_succeeded'));
    await sleep(60);
    const mark = a.frames.length;
    await sleep(200);
    expect(a.frames.length).toBe(mark);
  });

  it('refuses unknown channels, upper-case pairs and bad requests with bts:error', async () => {
    const c = await open();
    for (const channel of ['live_trades_foousd', 'live_trades_BTCUSD', 'order_book_btcusd']) {
      const from = c.frames.length;
      c.send(sub(channel));
      expect(JSON.parse(await c.waitFor(has('bts:error'), from))).toEqual({ event: 'bts:error', channel, data: { code: null, message: 'Bad subscription string.' } });
    }
    const from = c.frames.length;
    c.send('nope');
    expect(JSON.parse(await c.waitFor(has('bts:error'), from))).toMatchObject({ data: { message: 'Bad request.' } });
  });

  it('error-ack refuses every subscription; bad-price sends price_str "abc"', async () => {
    sim.setFault(NAME, { mode: 'error-ack' });
    const c = await open();
    c.send(sub('live_trades_btcusd'));
    await c.waitFor(has('bts:error'));
    await sleep(120);
    expect(c.frames.some(has('"trade"'))).toBe(false);
    sim.setFault(NAME, { mode: 'bad-price' });
    c.send(sub('live_trades_btcusd'));
    const trade = JSON.parse(await c.waitFor(has('"trade"'))) as Trade;
    expect(trade.data['price_str']).toBe('abc');
    const session = adapter.session([{ offChainTicker: 'btcusd', metadataJSON: '' }], 1);
    expect(session.handle(JSON.stringify(trade)).response?.unresolved.map((u) => u.code)).toEqual([10]);
  });
});
