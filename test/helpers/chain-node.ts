/**
 * A fake chain node for tests: a grpc-js Server implementing
 * `/connect.marketmap.v2.Query/MarketMap` and/or (a node on connect v1)
 * `/slinky.marketmap.v1.Query/MarketMap` from our protos; every other method, and the
 * version it does not serve, answer UNIMPLEMENTED. The served market map is settable (including invalid markets, or none at
 * all), answers can be delayed, calls are counted, and the node can stop and restart on the
 * same port, the way a validator's node goes down and comes back.
 */
import * as grpc from '@grpc/grpc-js';
import type { MarketMap } from '../../src/config/types.js';
import { service } from '../../src/grpc/protos.js';
import { marketMapJson } from '../../src/grpc/market-map.js';
import { MARKET_MAP_QUERY, type MarketMapVersion } from '../../src/sim/dydx-grpc.js';

export interface ChainNode {
  readonly port: number;
  /** `127.0.0.1:<port>`, for --market-map-endpoint. */
  readonly address: string;
  /** MarketMap calls received since start (across restarts), answered or not. */
  calls(): number;
  /** MarketMap calls per query service, e.g. `{ 'slinky.marketmap.v1.Query': 3 }`. */
  callsBy(): Record<string, number>;
  /** Which versions the node serves (takes effect at the next restart). */
  setVersions(versions: readonly NodeVersion[]): void;
  /** The map to serve; `null` answers a MarketMapResponse without market_map. */
  setMarketMap(map: MarketMap | null): void;
  /** Delay every answer by `ms` (0 = answer at once). */
  setDelay(ms: number): void;
  stop(): Promise<void>;
  /** Listen again on the same port. */
  restart(): Promise<void>;
}


/** A query service a node can serve. */
export type NodeVersion = MarketMapVersion;

function bind(server: grpc.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
}

export async function startChainNode(initial: MarketMap | null = { markets: {} }, o: { versions?: readonly NodeVersion[] } = {}): Promise<ChainNode> {
  let map = initial;
  let delayMs = 0;
  let calls = 0;
  let versions = o.versions ?? ['v2'];
  const by: Record<string, number> = {};
  const handler = (query: string): grpc.handleUnaryCall<unknown, unknown> => (_call, callback) => {
    calls += 1;
    by[query] = (by[query] ?? 0) + 1;
    const response = { market_map: map ? marketMapJson(map) : null, last_updated: String(calls), chain_id: 'test-chain' };
    if (delayMs > 0) setTimeout(() => callback(null, response), delayMs);
    else callback(null, response);
  };
  const create = () => {
    const server = new grpc.Server();
    for (const v of versions) server.addService(service(MARKET_MAP_QUERY[v]).service, { MarketMap: handler(MARKET_MAP_QUERY[v]) });
    return server;
  };
  let server: grpc.Server | undefined = create();
  const port = await bind(server, 0);
  return {
    port,
    address: `127.0.0.1:${port}`,
    calls: () => calls,
    callsBy: () => ({ ...by }),
    setVersions: (v) => void (versions = v),
    setMarketMap: (m) => void (map = m),
    setDelay: (ms) => void (delayMs = ms),
    async stop() {
      server?.forceShutdown();
      server = undefined;
      await new Promise((r) => setTimeout(r, 20));
    },
    async restart() {
      if (server) return;
      server = create();
      await bind(server, port);
    },
  };
}
