/** The simulated huobi_ws over real sockets: gzip binary frames, subscribe replies, pings. */
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/index.js';

let sim: Simulator;
const sockets: WebSocket[] = [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Frame {
  binary: boolean;
  raw: Buffer;
  json?: Record<string, unknown>;
}

/** Opens a client that keeps every frame, gunzipping binary ones. */
async function open(url = sim.endpoints['huobi_ws']!): Promise<{ ws: WebSocket; frames: Frame[]; closed: Promise<number> }> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const frames: Frame[] = [];
  ws.on('message', (data: Buffer, binary) => {
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse((binary ? gunzipSync(data) : data).toString('utf8')) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    frames.push({ binary, raw: data, json });
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

async function waitFor(frames: Frame[], pred: (f: Record<string, unknown>) => boolean, from = 0, timeoutMs = 3000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = frames.slice(from).find((f) => f.json !== undefined && pred(f.json));
    if (hit?.json !== undefined) return hit.json;
    if (Date.now() > deadline) throw new Error(`no matching frame in ${timeoutMs} ms`);
    await sleep(20);
  }
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, stepMs: 10, pushIntervalMs: 50 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.book.freeze(true);
  sim.setFault('huobi_ws', { mode: 'none' });
});
afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
});

describe('huobi_ws simulator', () => {
  it('acks a subscription and pushes gzip binary tickers with a numeric lastPrice', async () => {
    const c = await open();
    const request = '{"sub":"market.btcusdt.ticker","id":"btcusdt"}';
    c.ws.send(request);
    expect(await waitFor(c.frames, (f) => f['id'] === 'btcusdt')).toMatchObject({ id: 'btcusdt', status: 'ok', subbed: 'market.btcusdt.ticker' });
    const t = await waitFor(c.frames, (f) => f['ch'] === 'market.btcusdt.ticker');
    expect(typeof t['ts']).toBe('number');
    const tick = t['tick'] as Record<string, unknown>;
    expect(typeof tick['lastPrice']).toBe('number');
    expect(tick['lastPrice']).toBe(sim.quote('huobi_ws', 'btcusdt'));
    expect(c.frames.every((f) => f.binary && f.raw[0] === 0x1f && f.raw[1] === 0x8b)).toBe(true);
    expect(c.frames.some((f) => JSON.stringify(f.json).includes('ethusdt'))).toBe(false);
    expect(sim.received('huobi_ws').map((r) => r.text)).toContain(request);
    expect(sim.quote('huobi_ws', 'BTCUSDT')).toBeUndefined();
  });

  it('refuses unknown topics and, under error-ack, every subscription without `subbed`', async () => {
    const c = await open();
    c.ws.send('{"sub":"market.foousdt.ticker","id":"foousdt"}');
    expect(await waitFor(c.frames, (f) => f['id'] === 'foousdt')).toMatchObject({ status: 'error', 'err-code': 'bad-request', 'err-msg': 'invalid topic market.foousdt.ticker' });
    sim.setFault('huobi_ws', { mode: 'error-ack' });
    c.ws.send('{"sub":"market.ethusdt.ticker","id":"ethusdt"}');
    const reply = await waitFor(c.frames, (f) => f['id'] === 'ethusdt');
    expect(reply['status']).toBe('error');
    expect(reply).not.toHaveProperty('subbed');
    await sleep(150);
    expect(c.frames.some((f) => f.json?.['ch'] !== undefined)).toBe(false);
  });

  it('pings about every 20 pushes, takes the pong, and closes a client that misses two', async () => {
    const good = await open();
    const deaf = await open();
    const ping = await waitFor(good.frames, (f) => typeof f['ping'] === 'number', 0, 3000);
    good.ws.send(JSON.stringify({ pong: ping['ping'] }));
    expect(await deaf.closed).toBe(1008);
    expect(good.ws.readyState).toBe(WebSocket.OPEN);
    const pings = good.frames.filter((f) => typeof f.json?.['ping'] === 'number').length;
    expect(pings).toBeGreaterThanOrEqual(2);
    expect(sim.received('huobi_ws').map((r) => r.text)).toContain(`{"pong":${String(ping['ping'])}}`);
  }, 10_000);

  it('bad-price sends lastPrice as the string "abc"; malformed sends frames that do not gunzip', async () => {
    const c = await open();
    c.ws.send('{"sub":"market.ethusdt.ticker","id":"ethusdt"}');
    await waitFor(c.frames, (f) => f['ch'] !== undefined);
    sim.setFault('huobi_ws', { mode: 'bad-price' });
    const from = c.frames.length;
    const bad = await waitFor(c.frames, (f) => f['ch'] !== undefined && (f['tick'] as { lastPrice: unknown }).lastPrice === 'abc', from);
    expect(bad['ch']).toBe('market.ethusdt.ticker');
    sim.setFault('huobi_ws', { mode: 'malformed' });
    await sleep(60);
    const mark = c.frames.length;
    await sleep(150);
    const broken = c.frames.slice(mark);
    expect(broken.length).toBeGreaterThan(0);
    for (const f of broken) expect(() => gunzipSync(f.raw)).toThrow();
  });
});
