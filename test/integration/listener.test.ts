/**
 * The shared price API port (listener.ts) at the byte level: HTTP/2 connections are piped
 * to the backend unchanged, everything else reaches node:http, whatever the TCP chunking.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { H2_PREFACE, classify, listenShared, type H2Backend, type SharedListener } from '../../src/server/listener.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

/** A backend that echoes every byte back on its own loopback port. */
async function echoBackend(): Promise<H2Backend & { connections: number }> {
  const sockets = new Set<net.Socket>();
  const b = { connections: 0, address: {} as net.NetConnectOpts, close: async () => undefined as void };
  const server = net.createServer((s) => {
    b.connections += 1;
    sockets.add(s);
    s.pipe(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  b.address = { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port };
  b.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  open.push(b);
  return b;
}

function restServer(o: http.ServerOptions = {}): http.Server {
  return http.createServer(o, (req, res) => res.end(`${req.method} ${req.url}`));
}

async function shared(backend: H2Backend, sniffTimeoutMs?: number, rest = restServer()): Promise<SharedListener> {
  const l = await listenShared({ host: '127.0.0.1', port: 0, http: rest, h2: backend, ...(sniffTimeoutMs ? { sniffTimeoutMs } : {}) });
  open.push(l);
  return l;
}

/** Write `chunks` with a pause between them and collect everything read until the peer closes or `until` holds. */
async function exchange(port: number, chunks: Buffer[], until: (got: Buffer) => boolean): Promise<Buffer> {
  const socket = net.connect(port, '127.0.0.1');
  const parts: Buffer[] = [];
  let total = 0;
  const done = new Promise<Buffer>((resolve) => {
    const finish = () => resolve(Buffer.concat(parts));
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      total += d.length;
      if (until(Buffer.concat(parts, total))) {
        socket.destroy();
        finish();
      }
    });
    socket.on('close', finish);
    socket.on('error', finish);
  });
  for (const c of chunks) {
    socket.write(c);
    await new Promise((r) => setTimeout(r, 5));
  }
  return done;
}

describe('classify', () => {
  it('waits while the bytes may still be the preface and decides at the first mismatch', () => {
    expect(classify(Buffer.from('P'))).toBeUndefined();
    expect(classify(H2_PREFACE.subarray(0, 23))).toBeUndefined();
    expect(classify(H2_PREFACE)).toBe('h2');
    expect(classify(Buffer.concat([H2_PREFACE, Buffer.from('rest')]))).toBe('h2');
    expect(classify(Buffer.from('PO'))).toBe('http');
    expect(classify(Buffer.from('GET / HTTP/1.1'))).toBe('http');
  });
});

describe('the shared port', () => {
  it('pipes an HTTP/2 connection to the backend without losing or reordering a byte (4 MiB, odd chunks)', async () => {
    const backend = await echoBackend();
    const l = await shared(backend);
    const payload = Buffer.concat([H2_PREFACE, randomBytes(4 * 1024 * 1024)]);
    // The preface split across writes, then the rest in uneven pieces.
    const chunks = [payload.subarray(0, 3), payload.subarray(3, 20), payload.subarray(20, 100_003), payload.subarray(100_003)];
    const started = performance.now();
    const echoed = await exchange(l.port, chunks, (got) => got.length >= payload.length);
    const ms = performance.now() - started;
    expect(echoed.length).toBe(payload.length);
    expect(echoed.equals(payload)).toBe(true);
    expect(backend.connections).toBe(1);
    expect(ms).toBeLessThan(5000);
  });

  it('hands HTTP/1.1 to node:http even when the method arrives a byte at a time', async () => {
    const backend = await echoBackend();
    const l = await shared(backend);
    const request = Buffer.from('PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    const reply = await exchange(l.port, [request.subarray(0, 1), request.subarray(1, 2), request.subarray(2)], () => false);
    expect(reply.toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nPUT \/x$/);
    expect(backend.connections).toBe(0);
  });

  it('serves pipelined keep-alive requests on one connection in order', async () => {
    const l = await shared(await echoBackend());
    const req = (p: string) => `GET ${p} HTTP/1.1\r\nHost: a\r\n\r\n`;
    const reply = await exchange(l.port, [Buffer.from(req('/1') + req('/2') + req('/3'))], (got) => got.toString().includes('GET /3'));
    expect([...reply.toString().matchAll(/GET \/(\d)/g)].map((m) => m[1])).toEqual(['1', '2', '3']);
  });

  it("keeps node:http's header timeout on the connections it is handed", async () => {
    const rest = restServer({ headersTimeout: 200, requestTimeout: 300, connectionsCheckingInterval: 50 });
    const l = await shared(await echoBackend(), undefined, rest);
    const started = Date.now();
    const reply = await exchange(l.port, [Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n')], () => false);
    expect(reply.toString()).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('drops a connection that sends nothing within the sniff timeout', async () => {
    const l = await shared(await echoBackend(), 100);
    const started = Date.now();
    const reply = await exchange(l.port, [], () => false);
    expect(reply.length).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('closes the client connection when the backend cannot be reached', async () => {
    const backend = await echoBackend();
    const l = await shared({ address: backend.address, close: async () => undefined });
    await backend.close();
    const reply = await exchange(l.port, [H2_PREFACE], () => false);
    expect(reply.length).toBe(0);
  });

  it('fails to start on a port in use', async () => {
    const l = await shared(await echoBackend());
    await expect(listenShared({ host: '127.0.0.1', port: l.port, http: restServer(), h2: await echoBackend() })).rejects.toThrow(/EADDRINUSE/);
  });
});
