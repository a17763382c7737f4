/**
 * Documented limits of kraken_ws, bitfinex_ws and crypto_dot_com_ws in the simulator (each
 * exchange served alone, so every test starts with fresh windows; bitstamp_ws documents none).
 * The adapters' defaults against these limits: ws-pacing.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bitfinexWs } from '../../src/exchanges/bitfinex_ws/adapter.js';
import { sim as bitfinex } from '../../src/exchanges/bitfinex_ws/sim.js';
import { sim as cryptoDotCom } from '../../src/exchanges/crypto_dot_com_ws/sim.js';
import { sim as kraken } from '../../src/exchanges/kraken_ws/sim.js';
import { ErrorCode } from '../../src/providers/types.js';
import { PriceBook } from '../../src/sim/price-book.js';
import type { WsSimExchange } from '../../src/sim/types.js';
import { Client, has, startAlone, violated } from '../helpers/sim-ws1-client.js';

const clients: Client[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function alone(def: WsSimExchange, limits = true) {
  const served = await startAlone(def, 50, limits);
  cleanups.push(() => served.running.close());
  return served;
}

/** Open `n` connections at once; resolves with the clients that got in and the refusals. */
async function openMany(url: string, n: number): Promise<{ open: Client[]; refused: string[] }> {
  const results = await Promise.allSettled(Array.from({ length: n }, () => Client.open(url, clients)));
  return {
    open: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    refused: results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : [])),
  };
}

/** The simulator's symbols for an exchange, in its own spelling. */
function symbols(def: WsSimExchange): string[] {
  const book = new PriceBook({ seed: 3 });
  return def.symbols(book.assets());
}

describe('connections per IP per window', () => {
  for (const [def, max] of [[kraken, 150], [bitfinex, 20]] as const) {
    it(`${def.name}: ${max} new connections are served, the next one gets HTTP 429`, async () => {
      const { url, running } = await alone(def);
      const within = await openMany(url, max);
      expect(within.refused).toEqual([]);
      expect(within.open).toHaveLength(max);
      await within.open[0]?.waitFor(() => true);
      expect(violated(running)).toEqual({});
      await expect(Client.open(url, clients)).rejects.toThrow(/429/);
      expect(violated(running)).toEqual({ connections: 1 });
    });
  }

  it('bitfinex_ws: closing connections frees no slot within the minute', async () => {
    const { url, running } = await alone(bitfinex);
    const first = await openMany(url, 20);
    for (const c of first.open) c.ws.close();
    await Promise.all(first.open.map((c) => c.closed));
    await expect(Client.open(url, clients)).rejects.toThrow(/429/);
    expect(running.violations().connections).toBe(1);
  });

  it('kraken_ws: with limits off the 151st connection is served', async () => {
    const { url, running } = await alone(kraken, false);
    const all = await openMany(url, 151);
    expect(all.refused).toEqual([]);
    expect(violated(running)).toEqual({});
  });
});

describe('bitfinex_ws channels per connection', () => {
  const sub = (symbol: string) => ({ event: 'subscribe', channel: 'ticker', symbol });

  it('serves 25 channels on one connection and refuses the 26th with 10305', async () => {
    const { url, running } = await alone(bitfinex);
    const c = await Client.open(url, clients);
    const pairs = symbols(bitfinex).slice(0, 26);
    for (const p of pairs.slice(0, 25)) c.send(sub(p));
    await c.waitFor(has(`"pair":"${pairs[24]}"`));
    expect(c.objects().filter((m) => m['event'] === 'subscribed')).toHaveLength(25);
    expect(violated(running)).toEqual({});

    c.send(sub(`t${pairs[25]}`));
    const refusal = await c.waitFor(has('10305'));
    expect(JSON.parse(refusal)).toEqual({ event: 'error', msg: 'subscribe: limit', code: 10305, channel: 'ticker', symbol: `t${pairs[25]}`, pair: pairs[25] });
    expect(violated(running)).toEqual({ topics_per_connection: 1 });
    // The adapter reports the refused symbol, not the frame.
    const session = bitfinexWs.session([{ offChainTicker: pairs[25] ?? '', metadataJSON: '' }], 1);
    expect(session.handle(refusal).response?.unresolved).toMatchObject([{ ticker: pairs[25], code: ErrorCode.APIGeneral }]);
  });

  it('pings and other events take no channel', async () => {
    const { url, running } = await alone(bitfinex);
    const c = await Client.open(url, clients);
    for (let i = 0; i < 30; i++) c.send({ event: 'ping', cid: i });
    await c.waitFor(has('"cid":29'));
    expect(violated(running)).toEqual({});
  });

  it('with limits off a 26th channel is served', async () => {
    const { url, running } = await alone(bitfinex, false);
    const c = await Client.open(url, clients);
    const pairs = symbols(bitfinex).slice(0, 26);
    for (const p of pairs) c.send(sub(p));
    await c.waitFor(has(`"pair":"${pairs[25]}"`));
    expect(c.frames.some(has('10305'))).toBe(false);
    expect(violated(running)).toEqual({});
  });
});

describe('crypto_dot_com_ws requests per second and subscriptions per connection', () => {
  const channels = (n: number): string[] => {
    const all = symbols(cryptoDotCom);
    return Array.from({ length: n }, (_, i) => `ticker.${all[i % all.length]}`);
  };
  const subscribe = (id: number, list: string[]) => ({ id, method: 'subscribe', params: { channels: list } });

  it('serves 100 requests within a second and answers the 101st with 42901', async () => {
    const { url, running } = await alone(cryptoDotCom);
    const c = await Client.open(url, clients);
    for (let id = 1; id <= 100; id++) c.send(subscribe(id, ['ticker.BTC_USD']));
    await c.waitFor(has('"id":100,'));
    expect(violated(running)).toEqual({});
    c.send(subscribe(101, ['ticker.ETH_USD']));
    expect(await c.waitFor(has('42901'))).toBe('{"id":101,"method":"subscribe","code":42901,"message":"TOO_MANY_REQUESTS"}');
    expect(violated(running)).toEqual({ messages: 1 });
    expect(c.frames.some(has('"instrument_name":"ETH_USD"'))).toBe(false);
  });

  it('counts heartbeat replies and bad frames as requests', async () => {
    const { url, running } = await alone(cryptoDotCom);
    const c = await Client.open(url, clients);
    for (let i = 0; i < 100; i++) c.send({ id: i, method: 'public/respond-heartbeat' });
    c.send('not json');
    expect(await c.waitFor(has('42901'))).toBe('{"id":-1,"method":"ERROR","code":42901,"message":"TOO_MANY_REQUESTS"}');
    expect(violated(running)).toEqual({ messages: 1 });
  });

  it('serves 400 subscriptions on one connection and refuses the 401st with 40107', async () => {
    const { url, running } = await alone(cryptoDotCom);
    const c = await Client.open(url, clients);
    c.send(subscribe(1, channels(400)));
    await c.waitFor(() => c.objects().filter((m) => m['id'] === 1 && m['code'] === 0).length === 400);
    expect(violated(running)).toEqual({});
    c.send(subscribe(2, channels(1)));
    expect(await c.waitFor(has('40107'))).toBe('{"id":2,"method":"subscribe","code":40107,"message":"EXCEED_MAX_SUBSCRIPTIONS"}');
    expect(violated(running)).toEqual({ topics_per_connection: 1 });
  });
});
