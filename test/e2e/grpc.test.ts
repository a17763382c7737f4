/**
 * End to end: the built daemon against the simulator, called over gRPC (connect.service.v2.Oracle
 * and grpc.health.v1.Health) and REST on the same port, compared with each other.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { service } from '../../src/grpc/protos.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { ROOT, startDaemon, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/metrics.js';

const market = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as MarketMap;
const MARKETS = Object.keys(market.markets).sort();

interface RestPrices {
  prices: Record<string, string>;
  timestamp: string;
  version: string;
}
interface GrpcPrices {
  prices: Record<string, string>;
  timestamp: { seconds: string; nanos: number };
  version: string;
}
type Unary = (req: object, cb: (err: grpc.ServiceError | null, res?: unknown) => void) => void;
type Client = grpc.Client & Record<string, Unary>;

let sim: Simulator;
let daemon: Daemon;
let oracle: Client;
let health: Client & { Watch(req: object): grpc.ClientReadableStream<{ status: string }> };

function call<T>(client: Client, method: string, req: object = {}): Promise<T> {
  return new Promise((resolve, reject) => client[method]?.(req, (err, res) => (err ? reject(err) : resolve(res as T))));
}

async function rest<T>(path: string): Promise<T> {
  const res = await fetch(`${daemon.apiUrl}/connect/oracle/v2/${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

const millis = (t: GrpcPrices['timestamp']) => Number(t.seconds) * 1000 + t.nanos / 1e6;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7 });
  daemon = await startDaemon({ ...sim.oracleOverride(), updateInterval: '100ms' }, market);
  const target = daemon.apiUrl.replace('http://', '');
  oracle = new (service('connect.service.v2.Oracle'))(target, grpc.credentials.createInsecure()) as Client;
  health = new (service('grpc.health.v1.Health'))(target, grpc.credentials.createInsecure()) as typeof health;
  await waitFor(async () => Object.keys((await rest<RestPrices>('prices')).prices).length === MARKETS.length, 15_000);
});

afterAll(async () => {
  oracle?.close();
  health?.close();
  await daemon?.stop();
  await sim?.close();
});

describe('gRPC on the price API port', () => {
  it('serves the same prices as REST for the same tick', async () => {
    // Both are read from one immutable snapshot per tick: ask both until they hit the same tick.
    const pair = await waitFor(async () => {
      const [r, g] = await Promise.all([rest<RestPrices>('prices'), call<GrpcPrices>(oracle, 'Prices')]);
      return Date.parse(r.timestamp) === millis(g.timestamp) ? { r, g } : null;
    }, 10_000, 0);
    if (!pair) throw new Error('unreachable: waitFor returns a truthy value');
    expect(Object.keys(pair.g.prices).sort()).toEqual(MARKETS);
    expect(pair.g.prices).toEqual(pair.r.prices);
    for (const v of Object.values(pair.g.prices)) expect(v).toMatch(/^\d+$/);
    expect(pair.g.version).toBe(pair.r.version);
    expect(millis(pair.g.timestamp)).toBeGreaterThan(Date.now() - 5000);
  });

  it('serves MarketMap and Version exactly as REST does', async () => {
    const [g, r] = await Promise.all([call<object>(oracle, 'MarketMap'), rest<object>('marketmap')]);
    expect(g).toEqual(r);
    const gm = g as { market_map: { markets: Record<string, unknown> } };
    expect(Object.keys(gm.market_map.markets).sort()).toEqual(MARKETS);
    expect(await call(oracle, 'Version')).toEqual(await rest('version'));
  });

  it('reports SERVING on the health service for the server and the Oracle service', async () => {
    expect(await call(health, 'Check', { service: '' })).toEqual({ status: 'SERVING' });
    expect(await call(health, 'Check', { service: 'connect.service.v2.Oracle' })).toEqual({ status: 'SERVING' });
    await expect(call(health, 'Check', { service: 'nope' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it('answers 50 REST and 50 gRPC price requests made at once', async () => {
    const [r, g] = await Promise.all([
      Promise.all(Array.from({ length: 50 }, () => rest<RestPrices>('prices'))),
      Promise.all(Array.from({ length: 50 }, () => call<GrpcPrices>(oracle, 'Prices'))),
    ]);
    for (const body of [...r, ...g]) expect(Object.keys(body.prices).sort()).toEqual(MARKETS);
  });

  it('exits 0 within 3 s on SIGTERM with a Watch stream open, removing its unix socket', async () => {
    const pid = daemon.child.pid;
    const sockets = () => readdirSync(tmpdir()).filter((f) => f.startsWith(`oracle-sidecar-grpc-${pid}-`));
    if (process.platform !== 'win32') expect(sockets()).toHaveLength(1);
    const stream = health.Watch({ service: '' });
    expect(await new Promise((resolve) => stream.once('data', resolve))).toEqual({ status: 'SERVING' });
    const ended = new Promise((resolve) => {
      stream.on('error', resolve);
      stream.on('end', resolve);
    });
    const started = Date.now();
    expect(await daemon.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    await ended;
    expect(sockets()).toEqual([]);
  });
});
