/**
 * The documented limits of binance_ws, okx_ws, bybit_ws and kucoin_ws as the simulator
 * enforces them: a client within a limit is served and counts no violation; a client over it
 * gets the exchange's answer and the violation is counted by kind. Each test starts its own
 * exchange so the per-IP connection windows start empty. The adapters' defaults against these
 * limits: ws-pacing.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sim as binance } from '../../src/exchanges/binance_ws/sim.js';
import { sim as bybit } from '../../src/exchanges/bybit_ws/sim.js';
import { sim as kucoin } from '../../src/exchanges/kucoin_ws/sim.js';
import { sim as okx } from '../../src/exchanges/okx_ws/sim.js';
import type { RunningExchange, WsSimExchange } from '../../src/sim/types.js';
import { Client, has, startAlone, upgrade, violated } from '../helpers/sim-ws1-client.js';

const clients: Client[] = [];
const running: RunningExchange[] = [];

afterEach(async () => {
  vi.useRealTimers();
  for (const c of clients.splice(0)) c.ws.terminate();
  for (const r of running.splice(0)) await r.close();
});

async function alone(def: WsSimExchange): Promise<{ url: string; running: RunningExchange }> {
  const started = await startAlone(def, 1000);
  running.push(started.running);
  return started;
}

/** Dial `url`: 'open' (kept in `clients`) or the HTTP status the upgrade was refused with. */
async function dial(url: string): Promise<'open' | number> {
  const status = await upgrade(url, clients);
  return status === 101 ? 'open' : status;
}

/** Dial `n` connections, `parallel` at a time; every one must open. */
async function dialMany(url: string, n: number, parallel = 50): Promise<void> {
  for (let done = 0; done < n; done += parallel) {
    const batch = await Promise.all(Array.from({ length: Math.min(parallel, n - done) }, () => dial(url)));
    expect(batch.every((r) => r === 'open')).toBe(true);
  }
}

async function waitCount(c: Client, pred: (f: string) => boolean, n: number, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (c.frames.filter(pred).length < n) {
    if (Date.now() > deadline) throw new Error(`${c.frames.filter(pred).length} of ${n} frames; last ${c.frames.slice(-2).join(' | ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('binance_ws limits', () => {
  const subscribe = (params: string[], id: number) => ({ method: 'SUBSCRIBE', params, id });

  it('serves 5 messages in a second and disconnects the 6th with 1008', async () => {
    const { url, running: r } = await alone(binance);
    await dial(url);
    const c = clients[0]!;
    for (let id = 1; id <= 5; id++) c.send(subscribe([`btcusdt@ticker`], id));
    await waitCount(c, has('"result":null'), 5);
    expect(violated(r)).toEqual({});
    c.send(subscribe(['ethusdt@ticker'], 6));
    expect(await c.closed).toBe(1008);
    expect(violated(r)).toEqual({ messages: 1 });
    expect(c.frames.some(has('"id":6'))).toBe(false);
  });

  it('serves 1024 streams on a connection and disconnects on the 1025th', async () => {
    const { url, running: r } = await alone(binance);
    await dial(url);
    const c = clients[0]!;
    c.send(subscribe(Array.from({ length: 1024 }, (_, i) => `sym${i}usdt@ticker`), 1));
    await c.waitFor(has('"result":null'));
    expect(violated(r)).toEqual({});
    c.send(subscribe(['btcusdt@aggTrade'], 2));
    expect(await c.closed).toBe(1008);
    expect(violated(r)).toEqual({ topics_per_connection: 1 });
  });

  it('accepts 300 connections in 5 minutes and refuses the 301st with HTTP 429', async () => {
    const { url, running: r } = await alone(binance);
    await dialMany(url, 300);
    expect(violated(r)).toEqual({});
    expect(await dial(url)).toBe(429);
    expect(violated(r)).toEqual({ connections: 1 });
  });
});

describe('okx_ws limits', () => {
  it('accepts 3 connections in a second, refuses the 4th with HTTP 429, accepts again a second later', async () => {
    const { url, running: r } = await alone(okx);
    await dialMany(url, 3, 3);
    expect(violated(r)).toEqual({});
    expect(await dial(url)).toBe(429);
    expect(violated(r)).toEqual({ connections: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await dial(url)).toBe('open');
    expect(violated(r)).toEqual({ connections: 1 });
  });

  it('serves 480 subscribe requests in an hour and answers the 481st with error 60014', async () => {
    const { url, running: r } = await alone(okx);
    await dial(url);
    const c = clients[0]!;
    const request = JSON.stringify({ op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT' }] });
    for (let i = 0; i < 480; i++) c.send(request);
    await waitCount(c, has('"event":"subscribe"'), 480);
    expect(violated(r)).toEqual({});
    c.send(request);
    const error = JSON.parse(await c.waitFor(has('"event":"error"'))) as Record<string, unknown>;
    expect(error).toEqual({ event: 'error', code: '60014', msg: 'Requests too frequent.', connId: expect.any(String) });
    expect(violated(r)).toEqual({ messages: 1 });
    expect(c.frames.filter(has('"event":"subscribe"'))).toHaveLength(480);
  });
});

describe('bybit_ws limits', () => {
  const topics = (n: number) => Array.from({ length: n }, () => 'tickers.BTCUSDT');

  it('acks 10 args in a subscribe and refuses 11 with success:false "args size >10"', async () => {
    const { url, running: r } = await alone(bybit);
    await dial(url);
    const c = clients[0]!;
    c.send({ req_id: 'a', op: 'subscribe', args: topics(10) });
    expect(JSON.parse(await c.waitFor(has('"req_id":"a"')))).toMatchObject({ success: true, ret_msg: 'subscribe' });
    expect(violated(r)).toEqual({});
    c.send({ req_id: 'b', op: 'subscribe', args: topics(11) });
    expect(JSON.parse(await c.waitFor(has('"req_id":"b"')))).toEqual({ success: false, ret_msg: 'args size >10', conn_id: expect.any(String), req_id: 'b', op: 'subscribe' });
    expect(violated(r)).toEqual({ topics_per_message: 1 });
  });

  it('accepts 500 connections in 5 minutes, refuses the 501st; holds 1000 open and refuses the 1001st', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { url, running: r } = await alone(bybit);
    await dialMany(url, 500);
    expect(violated(r)).toEqual({});
    expect(await dial(url)).toBe(429);
    expect(violated(r)).toEqual({ connections: 1 });
    vi.setSystemTime(Date.now() + 300_000);
    await dialMany(url, 500);
    expect(r.connections()).toBe(1000);
    expect(violated(r)).toEqual({ connections: 1 });
    vi.setSystemTime(Date.now() + 300_000);
    expect(await dial(url)).toBe(429);
    expect(violated(r)).toEqual({ connections: 1, open_connections: 1 });
  }, 30_000);
});

describe('kucoin_ws limits', () => {
  async function kucoinUrl(): Promise<{ url: string; running: RunningExchange }> {
    const { url, running: r } = await alone(kucoin);
    const res = await fetch(`http://127.0.0.1:${r.port}/api/v1/bullet-public`, { method: 'POST' });
    const body = (await res.json()) as { data: { token: string } };
    return { url: `${url}?token=${encodeURIComponent(body.data.token)}`, running: r };
  }
  const subscribe = (id: number, n: number) => ({ id, type: 'subscribe', topic: `/market/ticker:${Array.from({ length: n }, () => 'BTC-USDT').join(',')}`, response: true });

  it('serves 100 messages in 10 s and answers the 101st with error 509', async () => {
    const { url, running: r } = await kucoinUrl();
    await dial(url);
    const c = clients[0]!;
    for (let id = 1; id <= 100; id++) c.send({ id: String(id), type: 'ping' });
    await waitCount(c, has('"type":"pong"'), 100);
    expect(violated(r)).toEqual({});
    c.send({ id: '101', type: 'ping' });
    expect(JSON.parse(await c.waitFor(has('"type":"error"')))).toEqual({ id: '101', type: 'error', code: 509, data: 'exceed max permits per second' });
    expect(violated(r)).toEqual({ messages: 1 });
  });

  it('acks 100 topics in one subscribe and answers 101 with error 509', async () => {
    const { url, running: r } = await kucoinUrl();
    await dial(url);
    const c = clients[0]!;
    c.send(subscribe(1, 100));
    expect(JSON.parse(await c.waitFor(has('"ack"')))).toEqual({ id: '1', type: 'ack' });
    expect(violated(r)).toEqual({});
    c.send(subscribe(2, 101));
    expect(JSON.parse(await c.waitFor(has('"type":"error"')))).toEqual({ id: '2', type: 'error', code: 509, data: 'exceed max subscription count limitation of 100 per time' });
    expect(violated(r)).toEqual({ topics_per_message: 1 });
  });

  it('acks 300 topics on a connection and answers the 301st with error 509', async () => {
    const { url, running: r } = await kucoinUrl();
    await dial(url);
    const c = clients[0]!;
    for (let id = 1; id <= 3; id++) c.send(subscribe(id, 100));
    await waitCount(c, has('"ack"'), 3);
    expect(violated(r)).toEqual({});
    c.send(subscribe(4, 1));
    expect(JSON.parse(await c.waitFor(has('"type":"error"')))).toEqual({ id: '4', type: 'error', code: 509, data: 'exceed max subscription count limitation of 300' });
    expect(violated(r)).toEqual({ topics_per_connection: 1 });
  });

  it('accepts 30 connections in a minute and refuses the 31st with HTTP 429', async () => {
    const { url, running: r } = await kucoinUrl();
    await dialMany(url, 30);
    expect(violated(r)).toEqual({});
    expect(await dial(url)).toBe(429);
    expect(violated(r)).toEqual({ connections: 1 });
  });
});
