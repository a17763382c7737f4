/** The simulated kucoin_ws over real sockets: bullet-public token on HTTP, then the WS feed. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { kucoinWs as adapter } from '../../src/exchanges/kucoin_ws/adapter.js';
import { postJson } from '../../src/providers/ws-util.js';
import { startSimulator } from '../../src/sim/index.js';
import type { Simulator } from '../../src/sim/index.js';

let sim: Simulator;
let api: string;
const sockets: WebSocket[] = [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
type Obj = Record<string, unknown>;

async function open(url: string): Promise<{ ws: WebSocket; frames: Obj[]; raw: string[] }> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const frames: Obj[] = [];
  const raw: string[] = [];
  ws.on('message', (data) => {
    raw.push(String(data));
    try {
      frames.push(JSON.parse(String(data)) as Obj);
    } catch {
      /* kept in raw */
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, raw };
}

async function waitFor(frames: Obj[], pred: (f: Obj) => boolean, from = 0, timeoutMs = 3000): Promise<Obj> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = frames.slice(from).find(pred);
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-3))}`);
    await sleep(20);
  }
}

/** The adapter's own pre-dial against the simulator, with the real undici POST. */
const preDial = () =>
  adapter.preDial({
    config: adapter.defaults.webSocket,
    api: { ...adapter.defaults.api, endpoints: [{ url: api, authentication: { apiKey: '', apiKeyHeader: '' } }] },
    post: (url, headers) => postJson(url, headers, 5000),
  });
const topic = (symbol: string) => (f: Obj) => f['type'] === 'message' && f['topic'] === `/market/ticker:${symbol}`;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, stepMs: 10, pushIntervalMs: 50 });
  const override = sim.oracleOverride() as { providers: Record<string, { api?: { endpoints: Array<{ url: string }> } }> };
  api = override.providers['kucoin_ws']?.api?.endpoints[0]?.url ?? '';
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.book.freeze(true);
  sim.setFault('kucoin_ws', { mode: 'none' });
});
afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
});

describe('kucoin_ws simulator', () => {
  it('oracleOverride points both the api and the webSocket endpoint at the simulator port', () => {
    const port = new URL(sim.endpoints['kucoin_ws']!).port;
    expect(api).toBe(`http://127.0.0.1:${port}`);
    expect(sim.endpoints['kucoin_ws']).toBe(`ws://127.0.0.1:${port}/kucoin/ws`);
  });

  it('issues a token over POST that the adapter turns into a dial target; the WS refuses other tokens', async () => {
    const target = await preDial();
    expect(target).toMatchObject({ pingIntervalMs: 10_000, readTimeoutMs: 20_000 });
    expect(target.url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/kucoin/ws\\?token=.+`));
    expect(sim.received('kucoin_ws').map((r) => r.text)).toContain('POST /api/v1/bullet-public');
    expect((await fetch(`${api}/api/v1/bullet-public`)).status).toBe(405);
    await expect(open(`${sim.endpoints['kucoin_ws']!}?token=nope`)).rejects.toThrow(/401/);
    await expect(open(sim.endpoints['kucoin_ws']!)).rejects.toThrow(/401/);
  });

  it('welcomes, acks only with response:true, pushes one topic per symbol with increasing sequences, answers ping', async () => {
    const c = await open((await preDial()).url);
    expect((await waitFor(c.frames, (f) => f['type'] === 'welcome'))['id']).toMatch(/^sim/);
    c.ws.send('{"id":1716915868145000001,"type":"subscribe","topic":"/market/ticker:BTC-USDT,ETH-USDT","privateChannel":false,"response":true}');
    await waitFor(c.frames, (f) => f['type'] === 'ack');
    expect(c.raw).toContain('{"id":"1716915868145000001","type":"ack"}');
    c.ws.send('{"id":2,"type":"subscribe","topic":"/market/ticker:SOL-USDT","privateChannel":false,"response":false}');
    const btc = await waitFor(c.frames, topic('BTC-USDT'));
    expect(btc['subject']).toBe('trade.ticker');
    expect(Number((btc['data'] as Obj)['price'])).toBe(sim.quote('kucoin_ws', 'BTC-USDT'));
    await waitFor(c.frames, topic('ETH-USDT'));
    await waitFor(c.frames, topic('SOL-USDT'));
    expect(c.frames.filter((f) => f['type'] === 'ack')).toHaveLength(1);
    const seqs = c.frames.filter(topic('BTC-USDT')).map((f) => BigInt((f['data'] as { sequence: string }).sequence));
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    c.ws.send('{"id":"77","type":"ping"}');
    expect(await waitFor(c.frames, (f) => f['type'] === 'pong')).toEqual({ id: '77', type: 'pong' });
  });

  it('refuses unknown topics and, under error-ack, the subscription and the token call', async () => {
    const c = await open((await preDial()).url);
    c.ws.send('{"id":5,"type":"subscribe","topic":"/market/ticker:FOO-USDT","response":true}');
    expect(await waitFor(c.frames, (f) => f['type'] === 'error')).toMatchObject({ id: '5', code: 404 });
    sim.setFault('kucoin_ws', { mode: 'error-ack' });
    c.ws.send('{"id":6,"type":"subscribe","topic":"/market/ticker:BTC-USDT","response":true}');
    expect((await waitFor(c.frames, (f) => f['type'] === 'error' && f['id'] === '6'))['code']).toBe(401);
    await expect(preDial()).rejects.toThrow('bullet-public: code "400100"');
    sim.setFault('kucoin_ws', { mode: 'status', status: 503 });
    await expect(preDial()).rejects.toThrow('bullet-public: HTTP 503');
  });

  it('sequence-back sends the highest sequence minus one', async () => {
    const c = await open((await preDial()).url);
    c.ws.send('{"id":1,"type":"subscribe","topic":"/market/ticker:ETH-USDT","response":false}');
    await waitFor(c.frames, topic('ETH-USDT'));
    sim.setFault('kucoin_ws', { mode: 'sequence-back' });
    const from = c.frames.length;
    await sleep(200);
    const seqs = c.frames.slice(from).filter(topic('ETH-USDT')).map((f) => BigInt((f['data'] as { sequence: string }).sequence));
    expect(seqs.length).toBeGreaterThan(1);
    expect(new Set(seqs).size).toBe(1);
    const before = c.frames.slice(0, from).filter(topic('ETH-USDT')).map((f) => BigInt((f['data'] as { sequence: string }).sequence));
    expect(seqs[0]).toBeLessThan(before[before.length - 1]!);
  });
});
