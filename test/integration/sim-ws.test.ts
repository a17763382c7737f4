import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Client, has, sleep } from '../helpers/sim-ws1-client.js';
import { startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/index.js';

let sim: Simulator;
const clients: Client[] = [];

beforeAll(async () => {
  // These tests open connections faster than OKX allows (3 a second); the exchanges' limits
  // are tested in sim-limits*.test.ts.
  sim = await startSimulator({ seed: 11, stepMs: 10, pushIntervalMs: 50, limits: false });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.book.freeze(true);
  for (const name of sim.exchanges()) sim.setFault(name, { mode: 'none' });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.ws.terminate();
});

describe('binance_ws', () => {
  it('echoes a 64-bit id verbatim and pushes only the subscribed symbol', async () => {
    const c = await Client.open(sim.endpoints['binance_ws']!, clients);
    const raw = '{"method":"SUBSCRIBE","params":["btcusdt@aggTrade","btcusdt@ticker"],"id":9223372036854775000}';
    c.send(raw);
    expect(await c.waitFor(has('"id"'))).toBe('{"result":null,"id":9223372036854775000}');
    const ticker = JSON.parse(await c.waitFor(has('"btcusdt@ticker"'))) as { data: Record<string, unknown> };
    expect(ticker.data).toMatchObject({ e: '24hrTicker', s: 'BTCUSDT' });
    expect(typeof ticker.data['E']).toBe('number');
    expect(Number(ticker.data['c'])).toBe(sim.quote('binance_ws', 'BTCUSDT'));
    const trade = JSON.parse(await c.waitFor(has('"btcusdt@aggTrade"'))) as { data: Record<string, unknown> };
    expect(trade.data).toMatchObject({ e: 'aggTrade', s: 'BTCUSDT' });
    expect(Number(trade.data['p'])).toBe(sim.quote('binance_ws', 'BTCUSDT'));
    const streams = new Set(c.objects().map((f) => f['stream']).filter((s) => s !== undefined));
    expect([...streams].sort()).toEqual(['btcusdt@aggTrade', 'btcusdt@ticker']);
    expect(sim.received('binance_ws').map((r) => r.text)).toContain(raw);
  });

  it('keeps subscriptions per connection and honours UNSUBSCRIBE', async () => {
    const a = await Client.open(sim.endpoints['binance_ws']!, clients);
    const b = await Client.open(sim.endpoints['binance_ws']!, clients);
    a.send({ method: 'SUBSCRIBE', params: ['ethusdt@ticker'], id: 1 });
    b.send({ method: 'SUBSCRIBE', params: ['solusdt@ticker'], id: 2 });
    await a.waitFor(has('ethusdt@ticker'));
    await b.waitFor(has('solusdt@ticker'));
    expect(a.frames.some(has('solusdt'))).toBe(false);
    expect(b.frames.some(has('ethusdt'))).toBe(false);
    expect(sim.connections('binance_ws')).toBe(2);
    a.send({ method: 'UNSUBSCRIBE', params: ['ethusdt@ticker'], id: 3 });
    await a.waitFor((f) => f === '{"result":null,"id":3}');
    await sleep(60);
    const mark = a.frames.length;
    await sleep(200);
    expect(a.frames.length).toBe(mark);
  });

  it('error-ack refuses with a non-null result', async () => {
    sim.setFault('binance_ws', { mode: 'error-ack' });
    const c = await Client.open(sim.endpoints['binance_ws']!, clients);
    c.send('{"method":"SUBSCRIBE","params":["btcusdt@ticker"],"id":18446744073709551615}');
    const ack = await c.waitFor(has('"id"'));
    expect(ack).toContain('"id":18446744073709551615}');
    expect((JSON.parse(ack) as { result: unknown }).result).not.toBeNull();
    await sleep(150);
    expect(c.frames.some(has('@ticker'))).toBe(false);
  });

  it('bad-price and malformed frames', async () => {
    const c = await Client.open(sim.endpoints['binance_ws']!, clients);
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@ticker'], id: 1 });
    await c.waitFor(has('@ticker'));
    sim.setFault('binance_ws', { mode: 'bad-price' });
    let from = c.frames.length;
    expect((JSON.parse(await c.waitFor(has('@ticker'), from)) as { data: { c: string } }).data.c).toBe('abc');
    sim.setFault('binance_ws', { mode: 'malformed' });
    await sleep(60);
    from = c.frames.length;
    await sleep(150);
    const bad = c.frames.slice(from);
    expect(bad.length).toBeGreaterThan(0);
    for (const f of bad) expect(() => JSON.parse(f)).toThrow();
  });
});

describe('coinbase_ws', () => {
  it('acks, pushes tickers with increasing sequences and a heartbeat per second', async () => {
    const c = await Client.open(sim.endpoints['coinbase_ws']!, clients);
    c.send({ type: 'subscribe', product_ids: ['BTC-USD'], channels: ['ticker', 'heartbeat'] });
    const ack = JSON.parse(await c.waitFor(has('subscriptions'))) as Record<string, unknown>;
    expect(ack).toEqual({
      type: 'subscriptions',
      channels: [
        { name: 'ticker', product_ids: ['BTC-USD'] },
        { name: 'heartbeat', product_ids: ['BTC-USD'] },
      ],
    });
    await c.waitFor(has('"heartbeat"'), 1, 1500);
    const msgs = c.objects(1);
    const seqs = msgs.map((m) => m['sequence'] as number);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
    const hbIndex = msgs.findIndex((m) => m['type'] === 'heartbeat');
    const lastTicker = msgs.slice(0, hbIndex).filter((m) => m['type'] === 'ticker').at(-1);
    expect(msgs[hbIndex]).toMatchObject({ product_id: 'BTC-USD', last_trade_id: lastTicker?.['trade_id'] });
    expect(Number.isInteger(lastTicker?.['trade_id'])).toBe(true);
    expect(Number(lastTicker?.['price'])).toBe(sim.quote('coinbase_ws', 'BTC-USD'));
    expect(Number.isNaN(Date.parse(String(lastTicker?.['time'])))).toBe(false);
  });

  it('refuses an unknown product', async () => {
    const c = await Client.open(sim.endpoints['coinbase_ws']!, clients);
    c.send({ type: 'subscribe', product_ids: ['FOO-USD'], channels: ['ticker', 'heartbeat'] });
    expect(JSON.parse(await c.waitFor(has('error')))).toEqual({
      type: 'error',
      message: 'Failed to subscribe',
      reason: 'FOO-USD is not a valid product',
    });
  });

  it('sequence-back sends a sequence below the last', async () => {
    const c = await Client.open(sim.endpoints['coinbase_ws']!, clients);
    c.send({ type: 'subscribe', product_ids: ['ETH-USD'], channels: ['ticker'] });
    await c.waitFor(has('"ticker"'), 1);
    await sleep(100);
    sim.setFault('coinbase_ws', { mode: 'sequence-back' });
    const max = Math.max(...c.objects(1).map((m) => m['sequence'] as number));
    const from = c.frames.length;
    // Tickers sent before the fault may still be in flight (raising the highest sent); from the
    // fault on, a frame carries a sequence below the highest one received before it.
    const firstDrop = () => {
      let highest = max;
      for (const f of c.frames.slice(from)) {
        if (!f.includes('"ticker"')) continue;
        const seq = (JSON.parse(f) as { sequence: number }).sequence;
        if (seq < highest) return { seq, highest };
        highest = seq;
      }
      return undefined;
    };
    await c.waitFor(() => firstDrop() !== undefined, from);
    const drop = firstDrop();
    expect(drop?.seq).toBeLessThan(drop?.highest ?? -Infinity);
  });
});

describe('okx_ws', () => {
  it('acks each arg, pushes tickers and answers ping with pong', async () => {
    const c = await Client.open(sim.endpoints['okx_ws']!, clients);
    c.send({ op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT' }, { channel: 'tickers', instId: 'ETH-USDT' }] });
    await c.waitFor(has('"ETH-USDT"},"event"'));
    const acks = c.objects().filter((m) => m['event'] === 'subscribe');
    expect(acks.map((a) => a['arg'])).toEqual([
      { channel: 'tickers', instId: 'BTC-USDT' },
      { channel: 'tickers', instId: 'ETH-USDT' },
    ]);
    expect(typeof acks[0]!['connId']).toBe('string');
    const push = JSON.parse(await c.waitFor(has('"data"'))) as { arg: unknown; data: Array<Record<string, string>> };
    const entry = push.data[0]!;
    expect(entry['instType']).toBe('SPOT');
    expect(push.arg).toEqual({ channel: 'tickers', instId: entry['instId'] });
    expect(Number(entry['last'])).toBe(sim.quote('okx_ws', entry['instId']!));
    expect(entry['ts']).toMatch(/^\d{13}$/);
    c.send('ping');
    await c.waitFor((f) => f === 'pong');
  });

  it('error-ack and >25 args answer 60012 with the original request', async () => {
    const c = await Client.open(sim.endpoints['okx_ws']!, clients);
    const many = JSON.stringify({ op: 'subscribe', args: Array.from({ length: 26 }, () => ({ channel: 'tickers', instId: 'BTC-USDT' })) });
    c.send(many);
    expect(JSON.parse(await c.waitFor(has('60012')))).toMatchObject({ event: 'error', code: '60012', msg: `Invalid request: ${many}` });
    sim.setFault('okx_ws', { mode: 'error-ack' });
    const one = '{"op":"subscribe","args":[{"channel":"tickers","instId":"SOL-USDT"}]}';
    const from = c.frames.length;
    c.send(one);
    const err = JSON.parse(await c.waitFor(has('60012'), from)) as Record<string, unknown>;
    expect(err).toEqual({ event: 'error', code: '60012', msg: `Invalid request: ${one}`, connId: expect.any(String) });
    await sleep(150);
    expect(c.frames.some(has('"data"'))).toBe(false);
  });
});

describe('WS faults', () => {
  it('drop terminates sockets (1006) and keeps dropping until cleared', async () => {
    const c = await Client.open(sim.endpoints['okx_ws']!, clients);
    expect(sim.connections('okx_ws')).toBe(1);
    sim.setFault('okx_ws', { mode: 'drop' });
    expect(await c.closed).toBe(1006);
    const again = new Client(new WebSocket(sim.endpoints['okx_ws']!));
    expect(await again.closed).toBe(1006);
    expect(sim.connections('okx_ws')).toBe(0);
    sim.setFault('okx_ws', { mode: 'none' });
    const ok = await Client.open(sim.endpoints['okx_ws']!, clients);
    ok.send('ping');
    await ok.waitFor((f) => f === 'pong');
  });

  it('silent keeps the socket open, says nothing and records input', async () => {
    sim.setFault('coinbase_ws', { mode: 'silent' });
    const c = await Client.open(sim.endpoints['coinbase_ws']!, clients);
    const sub = '{"type":"subscribe","product_ids":["BTC-USD"],"channels":["ticker"]}';
    c.send(sub);
    await sleep(300);
    expect(c.frames).toEqual([]);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    expect(sim.received('coinbase_ws').at(-1)?.text).toBe(sub);
    const pong = new Promise<void>((resolve) => c.ws.once('pong', () => resolve()));
    c.ws.ping();
    await pong;
    sim.setFault('coinbase_ws', { mode: 'none' });
    c.send(sub);
    await c.waitFor(has('subscriptions'));
  });

  it('reject refuses upgrades with 503', async () => {
    sim.setFault('binance_ws', { mode: 'reject' });
    const ws = new WebSocket(sim.endpoints['binance_ws']!);
    const status = await new Promise<number | undefined>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.on('open', () => resolve(undefined));
      ws.on('error', () => undefined);
    });
    ws.terminate();
    expect(status).toBe(503);
  });

  it('freeze pins the pushed price', async () => {
    const c = await Client.open(sim.endpoints['okx_ws']!, clients);
    c.send({ op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT' }] });
    sim.setFault('okx_ws', { mode: 'freeze' });
    sim.book.freeze(false);
    await c.waitFor(has('"data"'));
    await sleep(250);
    const lasts = c.objects().flatMap((m) => (Array.isArray(m['data']) ? [(m['data'] as Array<{ last: string }>)[0]!.last] : []));
    expect(lasts.length).toBeGreaterThan(2);
    expect(new Set(lasts).size).toBe(1);
    sim.setFault('okx_ws', { mode: 'none' });
    const from = c.frames.length;
    await sleep(250);
    const moving = c.objects(from).flatMap((m) => (Array.isArray(m['data']) ? [(m['data'] as Array<{ last: string }>)[0]!.last] : []));
    expect(new Set(moving).size).toBeGreaterThan(1);
  });

  it('refuses unknown paths and closes quickly with clients attached', async () => {
    const ws = new WebSocket(sim.endpoints['okx_ws']!.replace('/ws/v5/public', '/nope'));
    const status = await new Promise<number | undefined>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.on('open', () => resolve(undefined));
      ws.on('error', () => undefined);
    });
    ws.terminate();
    expect(status).toBe(404);
    const other = await startSimulator({ pushIntervalMs: 50 });
    const c = await Client.open(other.endpoints['binance_ws']!, clients);
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@ticker'], id: 1 });
    await c.waitFor(has('@ticker'));
    const t0 = Date.now();
    await other.close();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(await c.closed).toBe(1006);
  });
});
