/**
 * End to end: the built daemon against the simulator, called over gRPC (connect.service.v2.Oracle
 * and grpc.health.v1.Health) and REST on the same port, compared with each other. The gRPC
 * client is grpc-go (test/go/grpccall), as on a chain node.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { ROOT, startDaemon, type Daemon } from '../helpers/daemon.js';
import { goCall, goCalls, goStream, goTool, type GoResult } from '../helpers/go-grpc.js';
import { waitFor } from '../helpers/metrics.js';

const market = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as MarketMap;
const MARKETS = Object.keys(market.markets).sort();

/** Prices over REST, or over gRPC as protojson (the timestamp an RFC 3339 string either way). */
interface Prices {
  prices: Record<string, string>;
  timestamp: string;
  version: string;
}
const ORACLE = '/connect.service.v2.Oracle/';
const HEALTH = '/grpc.health.v1.Health/';

let sim: Simulator;
let daemon: Daemon;
let target: string;

/** The reply of a call that must succeed. */
function ok<T>(r: GoResult): T {
  expect(r).toMatchObject({ code: status.OK, message: '' });
  return r.response as T;
}

async function call<T>(method: string, req: object = {}): Promise<T> {
  return ok<T>(await goCall(target, method, req));
}

async function rest<T>(path: string): Promise<T> {
  const res = await fetch(`${daemon.apiUrl}/connect/oracle/v2/${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  await goTool();
  sim = await startSimulator({ seed: 7 });
  daemon = await startDaemon({ ...sim.oracleOverride(), updateInterval: '100ms' }, market);
  target = daemon.apiUrl.replace('http://', '');
  await waitFor(async () => Object.keys((await rest<Prices>('prices')).prices).length === MARKETS.length, 15_000);
}, 300_000); // room for a cold build of the Go client (about 10 s, longer on a busy machine)

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('gRPC on the price API port', () => {
  it('serves the same prices as REST for the same tick', async () => {
    // Both are read from one immutable snapshot per tick: ask both until they hit the same tick.
    const pair = await waitFor(async () => {
      const [r, g] = await Promise.all([rest<Prices>('prices'), call<Prices>(`${ORACLE}Prices`)]);
      return Date.parse(r.timestamp) === Date.parse(g.timestamp) ? { r, g } : null;
    }, 10_000, 0);
    if (!pair) throw new Error('unreachable: waitFor returns a truthy value');
    expect(Object.keys(pair.g.prices).sort()).toEqual(MARKETS);
    expect(pair.g.prices).toEqual(pair.r.prices);
    for (const v of Object.values(pair.g.prices)) expect(v).toMatch(/^\d+$/);
    expect(pair.g.version).toBe(pair.r.version);
    expect(Date.parse(pair.g.timestamp)).toBeGreaterThan(Date.now() - 5000);
  });

  it('serves MarketMap and Version exactly as REST does', async () => {
    const [g, r] = await Promise.all([call<object>(`${ORACLE}MarketMap`), rest<object>('marketmap')]);
    expect(g).toEqual(r);
    const gm = g as { market_map: { markets: Record<string, unknown> } };
    expect(Object.keys(gm.market_map.markets).sort()).toEqual(MARKETS);
    expect(await call(`${ORACLE}Version`)).toEqual(await rest('version'));
  });

  it('reports SERVING on the health service for the server and the Oracle service', async () => {
    expect(await call(`${HEALTH}Check`, { service: '' })).toEqual({ status: 'SERVING' });
    expect(await call(`${HEALTH}Check`, { service: 'connect.service.v2.Oracle' })).toEqual({ status: 'SERVING' });
    const unknown = await goCall(target, `${HEALTH}Check`, { service: 'nope' });
    expect(unknown.code).toBe(status.NOT_FOUND);
    expect(unknown.response).toBeUndefined();
  });

  it('answers 50 REST and 50 gRPC price requests made at once', async () => {
    // The 50 gRPC calls are concurrent streams on one HTTP/2 connection, as from a node.
    const [r, g] = await Promise.all([
      Promise.all(Array.from({ length: 50 }, () => rest<Prices>('prices'))),
      goCalls(target, Array.from({ length: 50 }, () => ({ method: `${ORACLE}Prices` })), true),
    ]);
    expect(g).toHaveLength(50);
    for (const body of [...r, ...g.map((x) => ok<Prices>(x))]) expect(Object.keys(body.prices).sort()).toEqual(MARKETS);
  });

  it('exits 0 within 3 s on SIGTERM with a Watch stream open, removing its unix socket', async () => {
    const pid = daemon.child.pid;
    const sockets = () => readdirSync(tmpdir()).filter((f) => f.startsWith(`oracle-sidecar-grpc-${pid}-`));
    if (process.platform !== 'win32') expect(sockets()).toHaveLength(1);
    const stream = await goStream(target, `${HEALTH}Watch`, { service: '' });
    expect(await stream.next()).toEqual({ status: 'SERVING' });
    const started = Date.now();
    expect(await daemon.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    // The server ends the stream with a status (OK) before it goes, rather than cutting it.
    expect(await stream.ended).toEqual({ code: status.OK, message: '' });
    expect(sockets()).toEqual([]);
  });
});
