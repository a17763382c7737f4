/**
 * The simulator's limit plumbing (src/sim/ws-server.ts) with a minimal exchange declaring
 * every kind of limit: within a limit the session is served and nothing is counted; over it
 * the exchange's own answer goes out, the session never sees the message, and the violation is
 * counted by kind. Each exchange's own limits are tested in its sim-<name> test file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderDecimal } from '../../src/sim/symbols.js';
import type { LimitKind, RunningExchange, WsConn, WsLimits, WsSimExchange } from '../../src/sim/types.js';
import { Client, has, sleep, startAlone, upgrade } from '../helpers/sim-ws1-client.js';

/** Protocol: {"sub":[topics]} → {"ok":n}; anything else → {"echo":text}. */
function fakeExchange(limits: Partial<WsLimits>): WsSimExchange {
  const full: WsLimits = {
    source: 'https://example.invalid/limits',
    topics: (text) => {
      try {
        const m = JSON.parse(text) as { sub?: unknown };
        return Array.isArray(m.sub) ? m.sub.length : 0;
      } catch {
        return 0;
      }
    },
    violate: (conn: WsConn, kind: LimitKind) => {
      conn.send(JSON.stringify({ error: kind }));
      if (kind === 'messages') conn.close(1008, 'too many messages');
    },
    ...limits,
  };
  return {
    kind: 'ws', name: 'fake_ws', offsetBps: 0, endpointPath: '/ws', path: '/ws',
    resolve: () => undefined, symbols: () => [], render: (v) => renderDecimal(v, 8, 0),
    open: (conn) => ({
      onMessage: (text) => {
        const n = full.topics(text);
        conn.send(n > 0 ? JSON.stringify({ ok: n }) : JSON.stringify({ echo: text }));
      },
      push: () => undefined,
    }),
    limits: full,
  };
}

const clients: Client[] = [];
const servers: RunningExchange[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  for (const s of servers.splice(0)) await s.close();
});

async function serve(limits: Partial<WsLimits>, enforce = true): Promise<{ url: string; running: RunningExchange }> {
  const alone = await startAlone(fakeExchange(limits), 1000, enforce);
  servers.push(alone.running);
  return alone;
}

describe('simulator limit plumbing', () => {
  it('counts nothing and serves every message within the limits', async () => {
    const { url, running } = await serve({ messages: { max: 5, windowMs: 1000 }, topicsPerMessage: 3, topicsPerConnection: 6 });
    const c = await Client.open(url, clients);
    c.send({ sub: ['a', 'b', 'c'] });
    c.send({ sub: ['d', 'e', 'f'] });
    c.send('ping');
    await c.waitFor((f) => f.includes('echo'));
    expect(c.objects()).toEqual([{ ok: 3 }, { ok: 3 }, { echo: 'ping' }]);
    expect(Object.values(running.violations()).every((n) => n === 0)).toBe(true);
  });

  it('answers too many topics in one message and keeps the connection', async () => {
    const { url, running } = await serve({ topicsPerMessage: 2 });
    const c = await Client.open(url, clients);
    c.send({ sub: ['a', 'b', 'c'] });
    await c.waitFor(has('error'));
    c.send({ sub: ['a', 'b'] });
    await c.waitFor(has('"ok"'));
    expect(c.objects()).toEqual([{ error: 'topics_per_message' }, { ok: 2 }]);
    expect(running.violations().topics_per_message).toBe(1);
  });

  it('counts the topics a connection holds, across messages', async () => {
    const { url, running } = await serve({ topicsPerConnection: 4 });
    const c = await Client.open(url, clients);
    c.send({ sub: ['a', 'b', 'c'] });
    c.send({ sub: ['d', 'e'] });
    c.send({ sub: ['d'] });
    await c.waitFor((f) => c.frames.length >= 3 && f.length > 0);
    expect(c.objects()).toEqual([{ ok: 3 }, { error: 'topics_per_connection' }, { ok: 1 }]);
    expect(running.violations().topics_per_connection).toBe(1);
    // A second connection has its own allowance.
    const d = await Client.open(url, clients);
    d.send({ sub: ['a', 'b', 'c', 'd'] });
    await d.waitFor(has('"ok"'));
    expect(running.violations().topics_per_connection).toBe(1);
  });

  it('answers the message over the rate and lets the exchange close the connection', async () => {
    const { url, running } = await serve({ messages: { max: 3, windowMs: 1000 } });
    const c = await Client.open(url, clients);
    for (let i = 0; i < 4; i++) c.send(`m${i}`);
    expect(await c.closed).toBe(1008);
    expect(c.objects()).toEqual([{ echo: 'm0' }, { echo: 'm1' }, { echo: 'm2' }, { error: 'messages' }]);
    expect(running.violations().messages).toBe(1);
  });

  it('counts only the messages the exchange counts', async () => {
    const { url, running } = await serve({ messages: { max: 2, windowMs: 10_000, counts: (text) => text.startsWith('{') } });
    const c = await Client.open(url, clients);
    for (let i = 0; i < 5; i++) c.send(`ping${i}`);
    c.send({ sub: ['a'] });
    c.send({ sub: ['b'] });
    c.send({ sub: ['c'] });
    await c.waitFor(has('error'));
    expect(c.objects().slice(5)).toEqual([{ ok: 1 }, { ok: 1 }, { error: 'messages' }]);
    expect(running.violations().messages).toBe(1);
  });

  it('frees the message window as it slides', async () => {
    const { url, running } = await serve({ messages: { max: 2, windowMs: 200 } });
    const c = await Client.open(url, clients);
    for (let i = 0; i < 6; i++) {
      c.send(`m${i}`);
      await sleep(120);
    }
    await c.waitFor(has('m5'));
    expect(running.violations().messages).toBe(0);
  });

  it('refuses upgrades over the new-connection rate with 429, then admits again', async () => {
    const { url, running } = await serve({ connections: { max: 2, windowMs: 400 } });
    expect(await upgrade(url)).toBe(101);
    expect(await upgrade(url)).toBe(101);
    expect(await upgrade(url)).toBe(429);
    expect(running.violations().connections).toBe(1);
    await sleep(450);
    expect(await upgrade(url)).toBe(101);
    expect(running.violations().connections).toBe(1);
  });

  it('refuses upgrades over the open-connection limit with the declared status', async () => {
    const { url, running } = await serve({ openConnections: 2, refusal: '503 Service Unavailable' });
    await Client.open(url, clients);
    const b = await Client.open(url, clients);
    expect(await upgrade(url)).toBe(503);
    expect(running.violations().open_connections).toBe(1);
    b.ws.close();
    await b.closed;
    await sleep(50);
    expect(await upgrade(url)).toBe(101);
  });

  it('enforces nothing when limits are off', async () => {
    const { url, running } = await serve({ topicsPerMessage: 1, connections: { max: 1, windowMs: 10_000 } }, false);
    expect(await upgrade(url)).toBe(101);
    const c = await Client.open(url, clients);
    c.send({ sub: ['a', 'b'] });
    await c.waitFor(has('"ok"'));
    expect(Object.values(running.violations()).every((n) => n === 0)).toBe(true);
  });
});
