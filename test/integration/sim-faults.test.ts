/** The reliability faults of the simulator, with real clients. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { parseFault } from '../../src/sim/faults.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 8, pushIntervalMs: 50 });
});
afterAll(async () => {
  await sim.close();
});

const kraken = () => sim.endpoints['kraken_api']?.replace('%s', 'XXBTZUSD') ?? '';

/** Collect the frames an okx_ws connection subscribed to BTC-USDT receives for `ms`. */
async function okxFrames(ms: number): Promise<{ frames: string[]; closeCode: number | undefined; sizes: number[] }> {
  const ws = new WebSocket(sim.endpoints['okx_ws'] ?? '', { maxPayload: 64 * 1024 * 1024 });
  const frames: string[] = [];
  const sizes: number[] = [];
  let closeCode: number | undefined;
  ws.on('message', (d) => {
    sizes.push((d as Buffer).length);
    if ((d as Buffer).length < 10_000) frames.push(d.toString());
  });
  ws.on('close', (code) => (closeCode = code));
  ws.on('error', () => undefined);
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT' }] }));
  await new Promise((r) => setTimeout(r, ms));
  ws.terminate();
  return { frames, closeCode, sizes };
}

describe('reliability faults', () => {
  it('refuse: the port stops listening and comes back on the same port', async () => {
    sim.setFault('kraken_api', { mode: 'refuse' });
    await new Promise((r) => setTimeout(r, 50));
    const err = await fetch(kraken()).then(() => undefined, (e: unknown) => e as { cause?: { code?: string } });
    expect(err?.cause?.code).toBe('ECONNREFUSED');
    sim.setFault('kraken_api', { mode: 'none' });
    await new Promise((r) => setTimeout(r, 50));
    expect((await fetch(kraken())).status).toBe(200);
  });

  it.each(['NaN', 'Infinity', '0', '-1', '1e300'])('price %s is sent verbatim in the price field', async (value) => {
    sim.setFault('kraken_api', { mode: 'price', value });
    const body = (await (await fetch(kraken())).json()) as { result: Record<string, { c: string[] }> };
    expect(body.result['XXBTZUSD']?.c[0]).toBe(value);
    sim.setFault('kraken_api', { mode: 'none' });
  });

  it('wrong-types swaps the top-level JSON type of HTTP bodies and WebSocket frames', async () => {
    sim.setFault('kraken_api', { mode: 'wrong-types' });
    expect(Array.isArray(await (await fetch(kraken())).json())).toBe(true);
    sim.setFault('kraken_api', { mode: 'none' });
    sim.setFault('okx_ws', { mode: 'wrong-types' });
    const { frames } = await okxFrames(300);
    sim.setFault('okx_ws', { mode: 'none' });
    expect(frames.length).toBeGreaterThan(0);
    for (const f of frames.filter((x) => x !== 'pong')) expect(Array.isArray(JSON.parse(f))).toBe(true);
  });

  it('unknown-symbol makes the exchange answer its unknown-pair error', async () => {
    sim.setFault('kraken_api', { mode: 'unknown-symbol' });
    expect(await (await fetch(kraken())).json()).toEqual({ error: ['EQuery:Unknown asset pair'] });
    sim.setFault('kraken_api', { mode: 'none' });
  });

  it('oversized sends 5 MiB frames and flood repeats every push', async () => {
    sim.setFault('okx_ws', { mode: 'oversized' });
    const big = await okxFrames(200);
    expect(Math.max(...big.sizes)).toBe(5 * 1024 * 1024);
    sim.setFault('okx_ws', { mode: 'flood', factor: 50 });
    const flood = await okxFrames(500);
    sim.setFault('okx_ws', { mode: 'none' });
    const normal = await okxFrames(500);
    const tickers = (r: { frames: string[] }) => r.frames.filter((f) => f.includes('"data"')).length;
    expect(tickers(flood)).toBeGreaterThan(10 * tickers(normal));
  });

  it('parses the new fault shapes and names the bad field', () => {
    expect(parseFault({ mode: 'price', value: 'NaN' })).toEqual({ ok: true, fault: { mode: 'price', value: 'NaN' } });
    expect(parseFault({ mode: 'price' })).toMatchObject({ ok: false, field: 'fault.value' });
    expect(parseFault({ mode: 'flood' })).toEqual({ ok: true, fault: { mode: 'flood', factor: 200 } });
    expect(parseFault({ mode: 'flood', factor: 0 })).toMatchObject({ ok: false, field: 'fault.factor' });
  });
});
