/**
 * The limits of the network servers (src/server/limits.ts), in process: the price port
 * (listener.ts + grpc-server.ts + price-api.ts) and the metrics server, each attacked over raw
 * sockets. Timeouts are shortened through the servers' options; the caps are the real ones
 * unless a test says otherwise.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { service } from '../../src/grpc/protos.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { SidecarRegistry } from '../../src/metrics/registry.js';
import { EMPTY_SNAPSHOT } from '../../src/oracle/aggregator.js';
import { ResetBudget } from '../../src/server/h2-guard.js';
import { removeStaleSocketFiles, startGrpcServer, type GrpcServerOptions, type OracleState } from '../../src/server/grpc-server.js';
import { close, listen } from '../../src/server/http-util.js';
import { GRPC_MAX_CONCURRENT_STREAMS, GRPC_MAX_RECEIVE_BYTES, MAX_CONCURRENT_SCRAPES } from '../../src/server/limits.js';
import { H2_PREFACE, listenShared, type SharedListener } from '../../src/server/listener.js';
import { createMetricsServer } from '../../src/server/metrics-server.js';
import { createPriceApi } from '../../src/server/price-api.js';
import { waitFor } from '../helpers/metrics.js';
import { CANCEL, frame, RAPID_RESET } from '../helpers/h2-frames.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const state: OracleState = { snapshot: () => EMPTY_SNAPSHOT, marketMap: () => ({ markets: {} }), version: '1.0.0', alive: () => true, ready: () => true };

async function pricePort(o: GrpcServerOptions & { maxConnections?: number; rest?: http.Server } = {}): Promise<SharedListener> {
  const backend = await startGrpcServer(state, { watchPollMs: 50, ...o });
  const l = await listenShared({ host: '127.0.0.1', port: 0, http: o.rest ?? createPriceApi(state), h2: backend, ...(o.maxConnections ? { maxConnections: o.maxConnections } : {}) });
  cleanup.push(() => l.close());
  return l;
}

const fds = () => readdirSync('/proc/self/fd').length;

type Hangup = 'end' | 'destroy' | 'reset';

/** One rapid-reset session: write, wait for the server's first bytes, hang up as `how`, resolve once closed. */
function rapidReset(port: number, how: Hangup): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(RAPID_RESET));
    s.once('data', () => {
      if (how === 'end') s.end();
      else if (how === 'destroy') s.destroy();
      else s.resetAndDestroy();
    });
    s.on('error', () => undefined);
    s.once('close', () => resolve());
  });
}

/** A raw connection that writes `bytes` and never reads; resolves once connected. */
function stalled(port: number, bytes: Buffer | string): Promise<net.Socket> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(bytes);
      resolve(s);
    });
    s.pause();
    s.on('error', () => undefined);
    cleanup.push(() => s.destroy());
  });
}

/** Resolves once `s` is closed by the server (it reads, so it sees the FIN). */
function closedByServer(s: net.Socket): Promise<string> {
  let got = '';
  s.on('data', (d: Buffer) => (got += d.toString('latin1')));
  s.resume();
  return new Promise((resolve) => {
    if (s.destroyed) return resolve(got);
    s.once('close', () => resolve(got));
  });
}

describe('internal socket files', () => {
  it('removes those of side-cars that are gone, and only those', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oracle-sidecar-stale-'));
    const gone = join(dir, 'oracle-sidecar-grpc-999999999-0a1b2c3d.sock'); // above any pid_max
    const alive = join(dir, `oracle-sidecar-grpc-${process.ppid}-0a1b2c3d.sock`);
    const other = join(dir, 'oracle-sidecar-grpc-999999999-notes.txt');
    [gone, alive, other].forEach((f) => writeFileSync(f, ''));
    removeStaleSocketFiles(dir);
    expect([gone, alive, other].map((f) => existsSync(f))).toEqual([false, true, true]);
  });
});

describe('ResetBudget', () => {
  it('counts RST_STREAM frames split anywhere across chunks, refills over time, and skips payloads', () => {
    let now = 0;
    const budget = new ResetBudget(3, 10, () => now);
    // A DATA frame whose payload holds bytes that look like an RST_STREAM header: not counted.
    const data = frame(0, 0, 1, frame(3, 0, 1, CANCEL));
    const resets = Buffer.concat([data, frame(3, 0, 1, CANCEL), frame(3, 0, 3, CANCEL), frame(3, 0, 5, CANCEL)]);
    for (let i = 0; i < resets.length; i += 5) expect(budget.feed(resets.subarray(i, i + 5))).toBe(true);
    expect(budget.feed(frame(3, 0, 7, CANCEL))).toBe(false); // the 4th within the burst of 3
    now += 250; // 2.5 resets refilled at 10/s
    expect(budget.feed(Buffer.concat([frame(3, 0, 9, CANCEL), frame(3, 0, 11, CANCEL)]))).toBe(false);
    now += 1000;
    expect(budget.feed(frame(3, 0, 13, CANCEL))).toBe(true);
  });
});

describe('HTTP/2 on the price port', () => {
  it('leaks no descriptor after 150 rapid-reset sessions, whichever way the client hangs up', async () => {
    const l = await pricePort();
    await rapidReset(l.port, 'end'); // warm up lazily opened handles
    await waitFor(() => l.sockets() === 0, 5000);
    const baseline = fds();
    const ways: Hangup[] = ['end', 'destroy', 'reset'];
    for (let batch = 0; batch < 3; batch++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => rapidReset(l.port, ways[(batch + i) % 3] as Hangup)));
    }
    await waitFor(() => l.sockets() === 0 && fds() <= baseline, 5000).catch(() => undefined);
    expect({ sockets: l.sockets(), fds: fds() - baseline }).toEqual({ sockets: 0, fds: 0 });
    const started = Date.now();
    await l.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it(`announces at most ${GRPC_MAX_CONCURRENT_STREAMS} concurrent streams per connection`, async () => {
    const l = await pricePort();
    const session = http2.connect(`http://127.0.0.1:${l.port}`);
    cleanup.push(() => session.destroy());
    const settings = await new Promise<http2.Settings>((resolve) => session.once('remoteSettings', resolve));
    expect(settings.maxConcurrentStreams).toBe(GRPC_MAX_CONCURRENT_STREAMS);
  });

  it('closes a gRPC connection idle past the idle timeout', async () => {
    const l = await pricePort({ grpcIdleTimeoutMs: 300 });
    const client = new (service('connect.service.v2.Oracle'))(`127.0.0.1:${l.port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      Version(req: object, cb: (err: Error | null) => void): void;
    };
    cleanup.push(() => client.close());
    await new Promise<void>((resolve, reject) => client.Version({}, (err) => (err ? reject(err) : resolve())));
    expect(l.sockets()).toBe(2); // the client's connection and the internal one
    await waitFor(() => l.sockets() === 0, 5000);
  });

  it('drops a connection that stops answering keepalive pings', async () => {
    const l = await pricePort({ grpcKeepaliveTimeMs: 200, grpcKeepaliveTimeoutMs: 200 });
    await stalled(l.port, Buffer.concat([H2_PREFACE, frame(4, 0, 0)]));
    await waitFor(() => l.sockets() === 2, 2000);
    await waitFor(() => l.sockets() === 0, 5000);
  });

  it('ends Health/Watch streams past the cap with RESOURCE_EXHAUSTED, and takes new ones once some end', async () => {
    const l = await pricePort({ maxWatchStreams: 3 });
    const health = new (service('grpc.health.v1.Health'))(`127.0.0.1:${l.port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      Watch(req: object): grpc.ClientReadableStream<{ status: string }>;
    };
    cleanup.push(() => health.close());
    const open = () => {
      const stream = health.Watch({ service: '' });
      const first = new Promise<string>((resolve) => {
        stream.once('data', (m: { status: string }) => resolve(m.status));
        stream.once('error', (e: grpc.ServiceError) => resolve(grpc.status[e.code]));
      });
      stream.on('error', () => undefined);
      return { stream, first };
    };
    const watches = [open(), open(), open()];
    expect(await Promise.all(watches.map((w) => w.first))).toEqual(['SERVING', 'SERVING', 'SERVING']);
    expect(await open().first).toBe('RESOURCE_EXHAUSTED');
    watches[0]?.stream.cancel();
    await waitFor(async () => (await open().first) === 'SERVING', 5000);
    for (const w of watches) w.stream.cancel();
  });

  it(`answers a request over ${GRPC_MAX_RECEIVE_BYTES} bytes with RESOURCE_EXHAUSTED`, async () => {
    const l = await pricePort();
    const health = new (service('grpc.health.v1.Health'))(`127.0.0.1:${l.port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      Check(req: object, cb: (err: grpc.ServiceError | null) => void): void;
    };
    cleanup.push(() => health.close());
    const check = (name: string) => new Promise<number>((resolve) => health.Check({ service: name }, (err) => resolve(err?.code ?? 0)));
    expect(await check('x'.repeat(1000))).toBe(grpc.status.NOT_FOUND);
    expect(await check('x'.repeat(GRPC_MAX_RECEIVE_BYTES + 1))).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(await check('x'.repeat(5 * 1024 * 1024))).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });
});

describe('connection caps', () => {
  it('closes connections past the cap of the price port at accept', async () => {
    const l = await pricePort({ maxConnections: 4 });
    const held = await Promise.all(Array.from({ length: 4 }, () => stalled(l.port, 'G')));
    await waitFor(() => l.sockets() === 4, 2000);
    const extra = await stalled(l.port, 'GET /connect/oracle/v2/version HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(await closedByServer(extra)).toBe('');
    held[0]?.destroy();
    await waitFor(() => l.sockets() === 3, 2000);
    const res = await fetch(`http://127.0.0.1:${l.port}/connect/oracle/v2/version`);
    expect(res.status).toBe(200);
  });

  it('closes connections past the cap of the metrics port at accept', async () => {
    const registry = new SidecarRegistry();
    const server = createMetricsServer(registry, createMetrics(registry, false), () => ({ startedAt: Date.now(), updateIntervalMs: 250, snapshot: EMPTY_SNAPSHOT }));
    const port = await listen(server, '127.0.0.1', 0, 2);
    cleanup.push(() => close(server));
    await Promise.all([stalled(port, 'G'), stalled(port, 'G')]);
    await waitFor(() => new Promise<boolean>((r) => server.getConnections((_e, n) => r(n === 2))), 2000);
    expect(await closedByServer(await stalled(port, 'GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n'))).toBe('');
  });
});

describe('stalled scrapes', () => {
  it('counts a scrape until its bytes are read, and cuts readers stalled past the write timeout', async () => {
    const registry = new SidecarRegistry();
    const m = createMetrics(registry, false);
    // ~20 MB: more than the kernel buffers of a loopback connection take.
    for (let i = 0; i < 250_000; i++) m.providerPrice.set({ provider: `p${i % 8}`, id: `asset${i}/usd`, decimals: '8' }, i);
    const loopState = () => ({ startedAt: Date.now(), updateIntervalMs: 250, snapshot: EMPTY_SNAPSHOT });
    const server = createMetricsServer(registry, m, loopState, { writeTimeoutMs: 1500 });
    const port = await listen(server, '127.0.0.1', 0);
    cleanup.push(() => close(server));
    const url = `http://127.0.0.1:${port}/metrics`;
    const request = 'GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n';
    const readers = await Promise.all(Array.from({ length: MAX_CONCURRENT_SCRAPES }, () => stalled(port, request)));
    // Rendered and handed to node, but not read: still in flight, so the next scrape is refused.
    await waitFor(async () => (await fetch(url, { method: 'HEAD' })).status === 503, 5000);
    // The write timeout cuts the stalled readers (still not reading) and frees their places.
    const inFlight = async () => (await m.scrapesInFlight.get()).values[0]?.value;
    await waitFor(async () => (await inFlight()) === 0, 8000);
    // What they got, once they do read, is a cut exposition: no chunked terminator.
    for (const got of await Promise.all(readers.map((s) => closedByServer(s)))) {
      expect(got).toMatch(/^HTTP\/1\.1 200 /);
      expect(got.endsWith('\r\n0\r\n\r\n')).toBe(false);
    }
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect((await res.text()).length).toBeGreaterThan(15_000_000);
  });
});

describe('malformed and abusive HTTP/1.1 on the price port (regressions)', () => {
  it('answers a malformed request 400 and headers over 16 KiB 431, then keeps serving', async () => {
    const l = await pricePort();
    const bad = await stalled(l.port, 'GET / HTTP/1.1\r\nno colon here\r\n\r\n');
    expect(await closedByServer(bad)).toMatch(/^HTTP\/1\.1 400 /);
    const huge = await stalled(l.port, `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
    expect(await closedByServer(huge)).toMatch(/^HTTP\/1\.1 431 /);
    expect((await fetch(`http://127.0.0.1:${l.port}/connect/oracle/v2/version`)).status).toBe(200);
  });

  it('closes a connection that dribbles its headers past the headers timeout (slowloris)', async () => {
    const rest = createPriceApi(state);
    rest.headersTimeout = 500;
    const l = await pricePort({ rest });
    const s = await stalled(l.port, 'GET / HTTP/1.1\r\n');
    const dribble = setInterval(() => s.write('X-A: b\r\n'), 100);
    cleanup.push(() => clearInterval(dribble));
    const started = Date.now();
    expect(await closedByServer(s)).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
