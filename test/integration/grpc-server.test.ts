/**
 * The Oracle and Health gRPC services and the REST API on one port (listener.ts +
 * grpc-server.ts), with a fake snapshot source, called by a grpc-js client built from our
 * protos and by fetch.
 */
import { existsSync } from 'node:fs';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { service } from '../../src/grpc/protos.js';
import { EMPTY_SNAPSHOT, type Snapshot } from '../../src/oracle/aggregator.js';
import { startGrpcServer, type GrpcServer, type OracleState } from '../../src/server/grpc-server.js';
import { listenShared, type SharedListener } from '../../src/server/listener.js';
import { createPriceApi, marketMapBody } from '../../src/server/price-api.js';
import { feed, market, marketMap } from '../helpers/market.js';

const MAP: MarketMap = marketMap(
  market('BTC/USD', 5, 1, [feed('kraken_api', 'XXBTZUSD'), feed('okx_ws', 'BTC-USDT', { normalize: 'USDT/USD' })]),
  market('USDT/USD', 9, 1, [feed('okx_ws', 'USDC-USDT', { invert: true })], false),
);
const TICK: Snapshot = { prices: { 'BTC/USD': '6500012345', 'USDT/USD': '1000100000' }, timestamp: new Date('2026-11-22T06:28:59.472Z'), missing: [] };

interface Fake extends OracleState {
  snap: Snapshot;
  map: MarketMap;
  isAlive: boolean;
  isReady: boolean;
}

type Unary = (req: object, cb: (err: grpc.ServiceError | null, res?: unknown) => void) => void;
type Client = grpc.Client & Record<string, Unary>;

let state: Fake;
let backend: GrpcServer;
let listener: SharedListener;
let url: string;
let oracle: Client;
let health: Client & { Watch(req: object): grpc.ClientReadableStream<{ status: string }> };

function call<T>(client: Client, method: string, req: object = {}): Promise<T> {
  return new Promise((resolve, reject) => client[method]?.(req, (err, res) => (err ? reject(err) : resolve(res as T))));
}

function failure(p: Promise<unknown>): Promise<grpc.ServiceError> {
  return p.then(
    () => {
      throw new Error('call succeeded');
    },
    (err: grpc.ServiceError) => err,
  );
}

beforeEach(async () => {
  state = {
    snap: TICK,
    map: MAP,
    isAlive: true,
    isReady: true,
    snapshot: () => state.snap,
    marketMap: () => state.map,
    version: '1.2.3',
    alive: () => state.isAlive,
    ready: () => state.isReady,
  };
  backend = await startGrpcServer(state, { watchPollMs: 20 });
  listener = await listenShared({ host: '127.0.0.1', port: 0, http: createPriceApi(state), h2: backend });
  url = `http://127.0.0.1:${listener.port}`;
  const target = `127.0.0.1:${listener.port}`;
  oracle = new (service('connect.service.v2.Oracle'))(target, grpc.credentials.createInsecure()) as Client;
  health = new (service('grpc.health.v1.Health'))(target, grpc.credentials.createInsecure()) as typeof health;
});

afterEach(async () => {
  oracle.close();
  health.close();
  await listener.close();
});

describe('connect.service.v2.Oracle over gRPC on the REST port', () => {
  it('serves Prices with the tick timestamp, equal to the REST body', async () => {
    const res = await call<{ prices: object; timestamp: { seconds: string; nanos: number }; version: string }>(oracle, 'Prices');
    expect(res).toEqual({ prices: TICK.prices, timestamp: { seconds: '1795328939', nanos: 472_000_000 }, version: '1.2.3' });
    const rest = (await (await fetch(`${url}/connect/oracle/v2/prices`)).json()) as { prices: object; timestamp: string };
    expect(rest.prices).toEqual(res.prices);
    expect(Number(res.timestamp.seconds) * 1000 + res.timestamp.nanos / 1e6).toBe(Date.parse(rest.timestamp));
  });

  it("serves empty prices and Go's zero time before the first tick, like connect", async () => {
    state.snap = EMPTY_SNAPSHOT;
    const res = await call<object>(oracle, 'Prices');
    expect(res).toEqual({ prices: {}, timestamp: { seconds: '-62135596800', nanos: 0 }, version: '1.2.3' });
  });

  it('answers UNAVAILABLE "oracle is not running" when the loop is not alive', async () => {
    state.isAlive = false;
    const err = await failure(call(oracle, 'Prices'));
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
    expect(err.details).toBe('oracle is not running');
    expect(await call(oracle, 'Version')).toEqual({ version: '1.2.3' });
  });

  it('serves the current MarketMap exactly as the REST gateway body (uint64 strings, unset pair null)', async () => {
    const res = await call<{ market_map: { markets: Record<string, { ticker: { decimals: string } }> } }>(oracle, 'MarketMap');
    expect(res).toEqual(marketMapBody(MAP));
    expect(res.market_map.markets['BTC/USD']?.ticker.decimals).toBe('5');
    state.map = marketMap(market('ETH/USD', 6, 1, [feed('coinbase_ws', 'ETH-USD')]));
    expect(await call(oracle, 'MarketMap')).toEqual(marketMapBody(state.map));
  });

  it('serves Version', async () => {
    expect(await call(oracle, 'Version')).toEqual({ version: '1.2.3' });
  });
});

describe('slinky.service.v1.Oracle (connect v1 nodes) beside v2', () => {
  it('answers Prices, MarketMap and Version exactly as v2, and UNAVAILABLE alike', async () => {
    const v1 = new (service('slinky.service.v1.Oracle'))(`127.0.0.1:${listener.port}`, grpc.credentials.createInsecure()) as Client;
    try {
      for (const method of ['Prices', 'MarketMap', 'Version']) expect(await call(v1, method)).toEqual(await call(oracle, method));
      expect(await call(v1, 'Prices')).toMatchObject({ prices: TICK.prices });
      state.isAlive = false;
      const err = await failure(call(v1, 'Prices'));
      expect([err.code, err.details]).toEqual([grpc.status.UNAVAILABLE, 'oracle is not running']);
      state.isReady = false;
      state.isAlive = true;
      expect(await call(health, 'Check', { service: 'slinky.service.v1.Oracle' })).toEqual({ status: 'NOT_SERVING' });
      state.isReady = true;
      expect(await call(health, 'Check', { service: 'slinky.service.v1.Oracle' })).toEqual({ status: 'SERVING' });
    } finally {
      v1.close();
    }
  });

  it('serves REST /slinky/oracle/v1/* with the same bodies as /connect/oracle/v2/*', async () => {
    for (const path of ['prices', 'marketmap', 'version']) {
      const [a, b] = await Promise.all([`/slinky/oracle/v1/${path}`, `/connect/oracle/v2/${path}`].map(async (p) => {
        const res = await fetch(`${url}${p}`);
        expect(res.status).toBe(200);
        return res.text();
      }));
      expect(a).toBe(b);
    }
    expect((await fetch(`${url}/slinky/oracle/v1/nope`)).status).toBe(404);
    expect((await fetch(`${url}/slinky/oracle/v2/prices`)).status).toBe(404);
  });
});

describe('grpc.health.v1.Health', () => {
  it('Check: "" follows liveness, the Oracle service readiness, unknown services NOT_FOUND', async () => {
    expect(await call(health, 'Check', { service: '' })).toEqual({ status: 'SERVING' });
    expect(await call(health, 'Check', { service: 'connect.service.v2.Oracle' })).toEqual({ status: 'SERVING' });
    state.isReady = false;
    expect(await call(health, 'Check', { service: 'connect.service.v2.Oracle' })).toEqual({ status: 'NOT_SERVING' });
    expect(await call(health, 'Check', { service: '' })).toEqual({ status: 'SERVING' });
    state.isAlive = false;
    expect(await call(health, 'Check', { service: '' })).toEqual({ status: 'NOT_SERVING' });
    const err = await failure(call(health, 'Check', { service: 'no.such.Service' }));
    expect(err.code).toBe(grpc.status.NOT_FOUND);
  });

  it('Watch: sends the current status, then each change, until cancelled', async () => {
    const stream = health.Watch({ service: 'connect.service.v2.Oracle' });
    const seen: string[] = [];
    const next = () => new Promise<void>((resolve) => stream.once('data', (m: { status: string }) => resolve(void seen.push(m.status))));
    await next();
    state.isReady = false;
    await next();
    state.isReady = true;
    await next();
    expect(seen).toEqual(['SERVING', 'NOT_SERVING', 'SERVING']);
    const ended = new Promise<number>((resolve) => stream.on('error', (e: grpc.ServiceError) => resolve(e.code)));
    stream.cancel();
    expect(await ended).toBe(grpc.status.CANCELLED);
  });

  it('Watch of an unknown service says SERVICE_UNKNOWN', async () => {
    const stream = health.Watch({ service: 'no.such.Service' });
    stream.on('error', () => undefined); // the cancellation below
    const first = await new Promise<{ status: string }>((resolve) => stream.once('data', resolve));
    expect(first).toEqual({ status: 'SERVICE_UNKNOWN' });
    stream.cancel();
  });
});

describe('REST and gRPC sharing the port', () => {
  it('answers 50 REST and 50 gRPC requests made at once', async () => {
    const rest = Array.from({ length: 50 }, () => fetch(`${url}/connect/oracle/v2/prices`).then(async (r) => ({ status: r.status, body: (await r.json()) as { prices: object } })));
    const rpc = Array.from({ length: 50 }, () => call<{ prices: object }>(oracle, 'Prices'));
    const [restResults, rpcResults] = await Promise.all([Promise.all(rest), Promise.all(rpc)]);
    expect(restResults.map((r) => r.status)).toEqual(Array(50).fill(200));
    for (const r of restResults) expect(r.body.prices).toEqual(TICK.prices);
    for (const r of rpcResults) expect(r.prices).toEqual(TICK.prices);
  });

  it('keeps REST errors and methods as before', async () => {
    const missing = await fetch(`${url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'Not Found', code: 5, message: 'Not Found', details: [] });
    expect((await fetch(`${url}/connect/oracle/v2/version`, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('closing releases the port, removes the unix socket and ends open Watch streams', async () => {
    const path = 'path' in backend.address ? backend.address.path : undefined;
    if (process.platform !== 'win32') expect(path && existsSync(path)).toBe(true);
    const stream = health.Watch({ service: '' });
    await new Promise((resolve) => stream.once('data', resolve));
    const streamEnded = new Promise((resolve) => {
      stream.on('error', resolve);
      stream.on('end', resolve);
    });
    await fetch(`${url}/connect/oracle/v2/version`); // leaves a keep-alive connection open
    const started = Date.now();
    await listener.close();
    expect(Date.now() - started).toBeLessThan(1500);
    await streamEnded;
    if (path) expect(existsSync(path)).toBe(false);
    const free = net.createServer();
    await new Promise<void>((resolve, reject) => free.once('error', reject).listen(listener.port, '127.0.0.1', () => resolve()));
    await new Promise((resolve) => free.close(resolve));
  });
});
