/**
 * End to end: one built daemon serves connect v1 nodes (slinky.service.v1.Oracle, REST
 * /slinky/oracle/v1/) and connect v2 nodes (connect.service.v2.Oracle, REST /connect/oracle/v2/)
 * the same data on the same port. The gRPC client is grpc-go (test/go/grpccall), as on a node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { ROOT, startDaemon, type Daemon } from '../helpers/daemon.js';
import { goCall, goCalls, goTool, type GoResult } from '../helpers/go-grpc.js';
import { waitFor } from '../helpers/metrics.js';

const market = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as MarketMap;
const MARKETS = Object.keys(market.markets).sort();

const V1 = '/slinky.service.v1.Oracle/';
const V2 = '/connect.service.v2.Oracle/';
const REST_V1 = '/slinky/oracle/v1/';
const REST_V2 = '/connect/oracle/v2/';

/** Prices over REST, or over gRPC as protojson (the timestamp an RFC 3339 string either way). */
interface Prices {
  prices: Record<string, string>;
  timestamp: string;
  version: string;
}

let sim: Simulator;
let daemon: Daemon;
let target: string;

function ok<T>(r: GoResult | undefined): T {
  expect(r).toMatchObject({ code: status.OK, message: '' });
  return r?.response as T;
}

/** One method of both services, called at once on one connection. */
async function both<T>(method: string): Promise<[T, T]> {
  const [v1, v2] = await goCalls(target, [{ method: `${V1}${method}` }, { method: `${V2}${method}` }], true);
  return [ok<T>(v1), ok<T>(v2)];
}

async function rest<T>(path: string): Promise<T> {
  const res = await fetch(`${daemon.apiUrl}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** Read a pair of price bodies until both come from the same tick. */
async function sameTick(read: () => Promise<[Prices, Prices]>): Promise<[Prices, Prices]> {
  return waitFor(async () => {
    const pair = await read();
    return Date.parse(pair[0].timestamp) === Date.parse(pair[1].timestamp) ? pair : null;
  }, 10_000, 0).then((pair) => {
    if (!pair) throw new Error('unreachable: waitFor returns a truthy value');
    return pair;
  });
}

beforeAll(async () => {
  await goTool();
  sim = await startSimulator({ seed: 11 });
  daemon = await startDaemon({ ...sim.oracleOverride(), updateInterval: '100ms' }, market);
  target = daemon.apiUrl.replace('http://', '');
  await waitFor(async () => Object.keys((await rest<Prices>(`${REST_V2}prices`)).prices).length === MARKETS.length, 15_000);
}, 300_000); // room for a cold build of the Go client (about 10 s, longer on a busy machine)

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('connect v1 and v2 on one port', () => {
  it('gives a v1 and a v2 gRPC client the same prices for the same tick', async () => {
    const [v1, v2] = await sameTick(() => both<Prices>('Prices'));
    expect(Object.keys(v1.prices).sort()).toEqual(MARKETS);
    expect(v1).toEqual(v2);
    for (const v of Object.values(v1.prices)) expect(v).toMatch(/^\d+$/);
    expect(Date.parse(v1.timestamp)).toBeGreaterThan(Date.now() - 5000);
  });

  it('gives a v1 and a v2 gRPC client the same market map and version', async () => {
    const [m1, m2] = await both<{ market_map: { markets: Record<string, unknown> } }>('MarketMap');
    expect(Object.keys(m1.market_map.markets).sort()).toEqual(MARKETS);
    expect(m1).toEqual(m2);
    expect(m1).toEqual(await rest(`${REST_V1}marketmap`));
    const [v1, v2] = await both<{ version: string }>('Version');
    expect(v1.version).not.toBe('');
    expect(v1).toEqual(v2);
  });

  it('serves REST under /slinky/oracle/v1/ exactly as under /connect/oracle/v2/', async () => {
    const [p1, p2] = await sameTick(() => Promise.all([rest<Prices>(`${REST_V1}prices`), rest<Prices>(`${REST_V2}prices`)]));
    expect(Object.keys(p1.prices).sort()).toEqual(MARKETS);
    expect(p1).toEqual(p2);
    for (const path of ['marketmap', 'version']) {
      expect(await rest(`${REST_V1}${path}`)).toEqual(await rest(`${REST_V2}${path}`));
    }
  });

  it('reports the v1 Oracle service SERVING on the health service', async () => {
    const r = await goCall(target, '/grpc.health.v1.Health/Check', { service: 'slinky.service.v1.Oracle' });
    expect(ok(r)).toEqual({ status: 'SERVING' });
  });
});
