/**
 * Documented limits of coinbase_ws, gate_ws, huobi_ws and mexc_ws: the simulator serves a
 * client within them with no violation and answers one over them as the exchange does. The
 * adapters' defaults against these limits: ws-pacing.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sim as coinbaseSim } from '../../src/exchanges/coinbase_ws/sim.js';
import { sim as gateSim } from '../../src/exchanges/gate_ws/sim.js';
import { sim as huobiSim } from '../../src/exchanges/huobi_ws/sim.js';
import { sim as mexcSim } from '../../src/exchanges/mexc_ws/sim.js';
import type { LimitKind, RunningExchange } from '../../src/sim/types.js';
import { Client, has, sleep, startAlone, upgrade } from '../helpers/sim-ws1-client.js';

const clients: Client[] = [];
const servers: RunningExchange[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  for (const s of servers.splice(0)) await s.close();
});

async function alone(def: Parameters<typeof startAlone>[0]) {
  const started = await startAlone(def);
  servers.push(started.running);
  return started;
}

const dial = (url: string): Promise<number> => upgrade(url, clients);

const only = (kind: LimitKind, n: number): Record<LimitKind, number> => ({
  connections: 0, open_connections: 0, messages: 0, topics_per_message: 0, topics_per_connection: 0, [kind]: n,
});
const NONE = only('connections', 0);

describe('coinbase_ws limits', () => {
  const subscribe = (id: string) => ({ type: 'subscribe', product_ids: [id], channels: ['ticker'] });

  it('takes a burst of 20 new connections and refuses the 21st with 429', async () => {
    const { url, running } = await alone(coinbaseSim);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => dial(url)));
    expect(statuses.every((s) => s === 101)).toBe(true);
    expect(running.violations()).toEqual(NONE);
    expect(await dial(url)).toBe(429);
    expect(running.violations()).toEqual(only('connections', 1));
  });

  it('serves 100 messages a second and answers the 101st with an error and a close', async () => {
    const { url, running } = await alone(coinbaseSim);
    const c = await Client.open(url, clients);
    for (let i = 0; i < 100; i++) c.send(subscribe('BTC-USD'));
    await c.waitFor(() => c.frames.filter(has('subscriptions')).length === 100);
    expect(running.violations()).toEqual(NONE);
    c.send(subscribe('BTC-USD'));
    expect(JSON.parse(await c.waitFor(has('"error"')))).toMatchObject({ type: 'error', message: 'Rate limit exceeded' });
    expect(await c.closed).toBe(1008);
    expect(running.violations()).toEqual(only('messages', 1));
  });
});

describe('gate_ws limits', () => {
  it('holds 100 connections open and refuses the 101st with 429', async () => {
    const { url, running } = await alone(gateSim);
    const statuses = await Promise.all(Array.from({ length: 100 }, () => dial(url)));
    expect(statuses.every((s) => s === 101)).toBe(true);
    const c = clients[0] as Client;
    c.send({ time: 1, channel: 'spot.tickers', event: 'subscribe', id: 1, payload: gateSim.symbols(['BTC', 'ETH', 'SOL']) });
    await c.waitFor(has('"success"'));
    expect(running.violations()).toEqual(NONE);
    expect(await dial(url)).toBe(429);
    expect(running.violations()).toEqual(only('open_connections', 1));
  });
});

describe('huobi_ws limits', () => {
  it('declares none: a client subscribing 300 topics without pause is served with no violation', async () => {
    expect(huobiSim).not.toHaveProperty('limits');
    const { url, running } = await alone(huobiSim);
    const c = await Client.open(url, clients);
    let acks = 0;
    c.ws.on('message', () => (acks += 1));
    const symbols = huobiSim.symbols(['BTC', 'ETH', 'SOL', 'ATOM', 'DOGE']);
    for (let i = 0; i < 300; i++) c.send({ sub: `market.${symbols[i % symbols.length]!}.ticker`, id: String(i) });
    const deadline = Date.now() + 3000;
    while (acks < 300 && Date.now() < deadline) await sleep(20);
    expect(acks).toBeGreaterThanOrEqual(300);
    expect(running.violations()).toEqual(NONE);
  });
});

describe('mexc_ws limits', () => {
  const stream = (s: string) => `spot@public.miniTicker.v3.api@${s}@UTC+8`;
  const symbols = mexcSim.symbols(['BTC', 'ETH', 'SOL', 'ATOM', 'OSMO', 'TIA', 'DYDX', 'DOGE']);

  it('takes 30 subscriptions on a connection and refuses the 31st whole', async () => {
    const { url, running } = await alone(mexcSim);
    const c = await Client.open(url, clients);
    c.send({ method: 'SUBSCRIPTION', params: symbols.slice(0, 30).map(stream) });
    const ack = await c.waitFor(has('spot@'));
    expect(String((JSON.parse(ack) as { msg: string }).msg).split(',')).toHaveLength(30);
    expect(running.violations()).toEqual(NONE);
    const from = c.frames.length;
    c.send({ method: 'SUBSCRIPTION', params: [stream(symbols[30]!)] });
    const refused = JSON.parse(await c.waitFor(has('Not Subscribed'), from)) as { msg: string };
    expect(refused).toEqual({ id: 0, code: 0, msg: `Not Subscribed successfully! [${stream(symbols[30]!)}].  Reason： Blocked! ` });
    expect(running.violations()).toEqual(only('topics_per_connection', 1));
  });

  it('serves 100 messages a second and closes the connection on the 101st', async () => {
    const { url, running } = await alone(mexcSim);
    const c = await Client.open(url, clients);
    for (let i = 0; i < 100; i++) c.send({ method: 'PING' });
    await c.waitFor(() => c.frames.filter(has('PONG')).length === 100);
    expect(running.violations()).toEqual(NONE);
    c.send({ method: 'PING' });
    expect(await c.closed).toBe(1008);
    expect(running.violations()).toEqual(only('messages', 1));
  });
});
