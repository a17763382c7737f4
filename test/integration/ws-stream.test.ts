import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { WebSocketConfig } from '../../src/config/types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { ProviderMetrics } from '../../src/metrics/provider.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { wsDefaults } from '../../src/config/provider-defaults.js';
import { ProviderSink } from '../../src/providers/sink.js';
import type { WsExchange } from '../../src/providers/types.js';
import { MAX_WS_MESSAGE_BYTES } from '../../src/providers/ws-connection.js';
import { WsStream } from '../../src/providers/ws-stream.js';
import { histogramCount, sample, waitFor } from '../helpers/metrics.js';
import { silentLog } from '../helpers/silent-log.js';

/** Minimal protocol: client {"sub":[..]} / {"ping":1}; server {"t":ticker,"p":price}. */
const fakeExchange = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('fakews', 'ws://x') },
  session: (tickers, batch) => ({
    subscriptions: () => {
      const out: string[] = [];
      for (let i = 0; i < tickers.length; i += batch) out.push(JSON.stringify({ sub: tickers.slice(i, i + batch).map((t) => t.offChainTicker) }));
      return out;
    },
    handle: (frame) => {
      let m: { t?: unknown; p?: unknown };
      try {
        m = JSON.parse(typeof frame === 'string' ? frame : Buffer.from(frame).toString()) as typeof m;
      } catch {
        return { error: 'not JSON' };
      }
      if (typeof m.t !== 'string' || typeof m.p !== 'string') return { error: 'unexpected message' };
      return { response: { resolved: [{ ticker: m.t, price: m.p }], unresolved: [] } };
    },
    heartbeat: () => ['{"ping":1}'],
  }),
} satisfies WsExchange;

interface Conn { socket: WebSocket; at: number; frames: Array<{ at: number; text: string }> }
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(onConnect: (c: Conn) => void = () => undefined) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const conns: Conn[] = [];
  wss.on('connection', (socket) => {
    const c: Conn = { socket, at: Date.now(), frames: [] };
    conns.push(c);
    socket.on('message', (d) => c.frames.push({ at: Date.now(), text: d.toString() }));
    onConnect(c);
  });
  cleanups.push(() => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }));
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, conns };
}

function stream(url: string, tickers: string[], o: Partial<WebSocketConfig> = {}, exchange: WsExchange = fakeExchange) {
  const registry = new Registry();
  const metrics = new ProviderMetrics(createMetrics(registry, false), 'fakews', 'websockets');
  const store = new QuoteStore();
  const config = wsDefaults('fakews', url, { postConnectionTimeout: 0, writeInterval: 0, reconnectionTimeout: 200, ...o });
  if (o.endpoints) config.endpoints = o.endpoints;
  const s = new WsStream({
    name: 'fakews', config, api: undefined, exchange, metrics, log: silentLog(),
    tickers: tickers.map((t) => ({ offChainTicker: t, metadataJSON: '' })),
    sink: new ProviderSink(store, metrics),
  });
  cleanups.push(() => s.stop());
  s.start();
  return { registry, store, stream: s };
}

const conn = (registry: Registry, status: string) => sample(registry, 'side_car_web_socket_connection_status', { provider: 'fakews', status });
const handler = (registry: Registry, status: string) => sample(registry, 'side_car_web_socket_data_handler_status', { provider: 'fakews', status });

describe('WebSocket driver against a loopback server', () => {
  it('subscribes, stores pushed prices and counts the connection metrics', async () => {
    const srv = await server((c) => c.socket.on('message', () => c.socket.send(JSON.stringify({ t: 'AAA', p: '42.5' }))));
    const { registry, store } = stream(srv.url, ['AAA']);
    await waitFor(() => store.get('fakews', 'AAA'));
    expect(store.get('fakews', 'AAA')?.price).toBe('42.5');
    expect(srv.conns[0]?.frames[0]?.text).toBe('{"sub":["AAA"]}');
    for (const s of ['dial_success', 'write_success', 'healthy', 'read_success']) expect(await conn(registry, s)).toBeGreaterThanOrEqual(1);
    expect(await handler(registry, 'create_message_success')).toBe(1);
    expect(await handler(registry, 'handle_message_success')).toBe(1);
    expect(await histogramCount(registry, 'side_car_web_socket_response_time', { provider: 'fakews' })).toBe(1);
    expect(await sample(registry, 'side_car_provider_status_responses_per_id', { id: 'aaa', status: 'success', type: 'websockets' })).toBe(1);
  });

  it('opens one connection per maxSubscriptionsPerConnection chunk and batches subscriptions', async () => {
    const srv = await server();
    const { stream: s } = stream(srv.url, ['A', 'B', 'C', 'D', 'E'], { maxSubscriptionsPerConnection: 2, maxSubscriptionsPerBatch: 2 });
    expect(s.size).toBe(3);
    await waitFor(() => srv.conns.length === 3 && srv.conns.every((c) => c.frames.length > 0));
    const subs = srv.conns.map((c) => c.frames[0]?.text).sort();
    expect(subs).toEqual(['{"sub":["A","B"]}', '{"sub":["C","D"]}', '{"sub":["E"]}']);
  });

  it("keeps the provider's dials to the exchange's dialLimit, reconnections included", async () => {
    const srv = await server();
    const { stream: s } = stream(srv.url, ['A', 'B', 'C', 'D', 'E'], { maxSubscriptionsPerConnection: 1 }, { ...fakeExchange, dialLimit: { max: 2, windowMs: 300 } });
    expect(s.size).toBe(5);
    await waitFor(() => srv.conns.length === 5, 3000);
    // Two at once, two 300 ms later, the fifth 300 ms after that.
    const at = srv.conns.map((c) => c.at).sort((a, b) => a - b);
    const gaps = at.slice(1).map((t, i) => t - (at[i] ?? 0));
    expect(gaps[0]).toBeLessThan(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(270);
    expect(gaps[2]).toBeLessThan(100);
    expect(gaps[3]).toBeGreaterThanOrEqual(270);
    // No 300 ms window holds more than two dials, even when all five drop at once.
    for (const c of srv.conns) c.socket.terminate();
    await waitFor(() => srv.conns.length === 10, 5000);
    const all = srv.conns.map((c) => c.at).sort((a, b) => a - b);
    for (let i = 2; i < all.length; i++) expect((all[i] ?? 0) - (all[i - 2] ?? 0)).toBeGreaterThanOrEqual(270);
  });

  it('dials every connection at once without a dialLimit', async () => {
    const srv = await server();
    stream(srv.url, ['A', 'B', 'C', 'D'], { maxSubscriptionsPerConnection: 1 });
    await waitFor(() => srv.conns.length === 4, 3000);
    const at = srv.conns.map((c) => c.at);
    expect(Math.max(...at) - Math.min(...at)).toBeLessThan(130);
  });

  it('spaces subscription writes by writeInterval', async () => {
    const srv = await server();
    stream(srv.url, ['A', 'B', 'C'], { writeInterval: 150 });
    await waitFor(() => (srv.conns[0]?.frames.length ?? 0) >= 3);
    const [a, b, c] = srv.conns[0]?.frames ?? [];
    expect((b?.at ?? 0) - (a?.at ?? 0)).toBeGreaterThanOrEqual(130);
    expect((c?.at ?? 0) - (b?.at ?? 0)).toBeGreaterThanOrEqual(130);
  });

  it('sends application heartbeats every pingInterval', async () => {
    const srv = await server();
    const { registry } = stream(srv.url, ['A'], { pingInterval: 100 });
    await waitFor(() => (srv.conns[0]?.frames.filter((f) => f.text === '{"ping":1}').length ?? 0) >= 3);
    expect(await handler(registry, 'heartbeat_success')).toBeGreaterThanOrEqual(3);
  });

  it('reconnects and resubscribes after a read timeout', async () => {
    const srv = await server();
    const { registry } = stream(srv.url, ['A'], { readTimeout: 200 });
    await waitFor(() => srv.conns.length >= 2 && (srv.conns[1]?.frames.length ?? 0) >= 1, 5000);
    expect(await conn(registry, 'read_err')).toBeGreaterThanOrEqual(1);
    expect(await conn(registry, 'unhealthy')).toBeGreaterThanOrEqual(1);
    expect(srv.conns[1]?.frames[0]?.text).toBe('{"sub":["A"]}');
  });

  it('keeps a connection that delivers within readTimeout, and times out readTimeout after its last message', async () => {
    let sent = 0;
    let lastSentAt = 0;
    const srv = await server((c) => {
      if (sent > 0) return; // only the first connection speaks, then goes silent
      const t = setInterval(() => {
        c.socket.send(JSON.stringify({ t: 'A', p: String(100 + sent) }));
        sent += 1;
        lastSentAt = Date.now();
        if (sent === 12) clearInterval(t);
      }, 50);
    });
    const { registry } = stream(srv.url, ['A'], { readTimeout: 250 });
    // 12 messages 50 ms apart span 600 ms, more than twice readTimeout: no timeout meanwhile.
    await waitFor(() => sent === 12, 5000);
    expect(await conn(registry, 'read_err')).toBe(0);
    await waitFor(async () => (await conn(registry, 'read_err')) >= 1, 3000);
    const timedOutAfter = Date.now() - lastSentAt;
    expect(timedOutAfter).toBeGreaterThanOrEqual(240);
    expect(timedOutAfter).toBeLessThan(1000);
    expect(srv.conns.length).toBeGreaterThanOrEqual(1);
  });

  it('reconnects after an abrupt close (1006)', async () => {
    let n = 0;
    const srv = await server((c) => { if (n++ === 0) setTimeout(() => c.socket.terminate(), 50); });
    const { registry } = stream(srv.url, ['A']);
    await waitFor(() => srv.conns.length >= 2 && (srv.conns[1]?.frames.length ?? 0) >= 1);
    expect(await conn(registry, 'read_err')).toBeGreaterThanOrEqual(1);
    expect(await conn(registry, 'dial_success')).toBeGreaterThanOrEqual(2);
  });

  it('marks every ticker code 5 when the dial fails, and keeps retrying', async () => {
    const srv = await server();
    await cleanups.pop()?.();
    const { registry } = stream(srv.url, ['A', 'B'], { reconnectionTimeout: 100 });
    await waitFor(async () => (await conn(registry, 'dial_err')) >= 3);
    expect(await sample(registry, 'side_car_provider_status_responses_per_id', { id: 'b', status: 'failure', code: '5', type: 'websockets' })).toBeGreaterThanOrEqual(3);
  });

  it('discards frames the adapter rejects without dropping the connection', async () => {
    const srv = await server((c) => c.socket.on('message', () => { c.socket.send('garbage'); c.socket.send('{"t":"A","p":"7"}'); }));
    const { registry, store } = stream(srv.url, ['A']);
    await waitFor(() => store.get('fakews', 'A'));
    expect(await handler(registry, 'handle_message_err')).toBe(1);
    expect(srv.conns).toHaveLength(1);
  });

  it('drops a connection that sends a frame over the size limit, then reconnects', async () => {
    let n = 0;
    const srv = await server((c) => { if (n++ === 0) c.socket.on('message', () => c.socket.send('x'.repeat(MAX_WS_MESSAGE_BYTES + 1))); });
    const { registry } = stream(srv.url, ['A']);
    await waitFor(() => srv.conns.length >= 2, 5000);
    expect(await conn(registry, 'read_err')).toBeGreaterThanOrEqual(1);
    expect(await conn(registry, 'read_success')).toBe(0);
  });

  it('stops within a second, even while the peer is silent', async () => {
    const srv = await server();
    const { stream: s } = stream(srv.url, ['A']);
    await waitFor(() => srv.conns.length === 1);
    const t0 = Date.now();
    await s.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('on a ticker change reconnects only the connections whose tickers changed', async () => {
    const srv = await server();
    const { stream: s, registry } = stream(srv.url, ['A', 'B', 'C', 'D', 'E'], { maxSubscriptionsPerConnection: 2, maxSubscriptionsPerBatch: 2 });
    await waitFor(() => srv.conns.length === 3 && srv.conns.every((c) => c.frames.length > 0));
    const first = srv.conns.find((c) => c.frames[0]?.text === '{"sub":["A","B"]}');
    const result = await s.update(['A', 'B', 'D', 'E', 'F'].map((t) => ({ offChainTicker: t, metadataJSON: '' })));
    // [A,B] and [E] keep their connections; [C,D] becomes [D,F] on a new one.
    expect(result).toEqual({ kept: 2, replaced: 1 });
    await waitFor(() => srv.conns.length === 4 && (srv.conns[3]?.frames.length ?? 0) > 0);
    expect(first?.socket.readyState).toBe(WebSocket.OPEN);
    expect(srv.conns[3]?.frames[0]?.text).toBe('{"sub":["D","F"]}');
    expect(srv.conns.filter((c) => c.socket.readyState === WebSocket.OPEN)).toHaveLength(3);
    expect(await sample(registry, 'side_car_web_socket_connections_configured', { provider: 'fakews' })).toBe(3);
    expect(s.tickers.map((t) => t.offChainTicker).sort()).toEqual(['A', 'B', 'D', 'E', 'F']);
  });

  it('fails over to the next endpoint when the first cannot be dialled', async () => {
    const dead = await server();
    await cleanups.pop()?.();
    const srv = await server((c) => c.socket.on('message', () => c.socket.send('{"t":"A","p":"5"}')));
    const { store, registry } = stream(dead.url, ['A'], {
      reconnectionTimeout: 100,
      endpoints: [dead.url, srv.url].map((url) => ({ url, authentication: { apiKey: '', apiKeyHeader: '' } })),
    });
    await waitFor(() => store.get('fakews', 'A'));
    expect(await conn(registry, 'dial_err')).toBeGreaterThanOrEqual(1);
    expect(srv.conns).toHaveLength(1);
  });
});
