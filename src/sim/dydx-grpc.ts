/**
 * The simulated dYdX node's gRPC side: x/marketmap `MarketMap` on
 * `connect.marketmap.v2.Query` and/or `slinky.marketmap.v1.Query` (dYdX v7 nodes run connect
 * v1.0.13, hence v1). Both services are always registered; a version the node does not serve,
 * or x/marketmap switched off, answers UNIMPLEMENTED, as a node without the module does.
 */
import * as grpc from '@grpc/grpc-js';
import type { MarketMap } from '../config/types.js';
import { service } from '../grpc/protos.js';
import { marketMapJson } from '../grpc/market-map.js';

export type MarketMapVersion = 'v1' | 'v2';
export const MARKET_MAP_QUERY: Record<MarketMapVersion, string> = { v2: 'connect.marketmap.v2.Query', v1: 'slinky.marketmap.v1.Query' };

/** What the server asks the node at each call. */
export interface GrpcState {
  versions(): readonly MarketMapVersion[];
  /** The x/marketmap map, or null when the module is off. */
  marketMap(): MarketMap | null;
  /** Delay before answering, ms (0: at once). */
  delayMs(): number;
  /** Counts a call (answered or not). */
  called(version: MarketMapVersion): void;
}

export function createGrpcServer(state: GrpcState, timers: Set<NodeJS.Timeout>): grpc.Server {
  const server = new grpc.Server();
  for (const version of ['v2', 'v1'] as const) {
    const MarketMap: grpc.handleUnaryCall<unknown, unknown> = (_call, callback) => {
      state.called(version);
      const map = state.marketMap();
      const answer = () => {
        if (!state.versions().includes(version) || map === null) {
          callback({ code: grpc.status.UNIMPLEMENTED, details: `unknown service ${MARKET_MAP_QUERY[version]}` });
        } else {
          callback(null, { market_map: marketMapJson(map), last_updated: '1', chain_id: 'dydx-sim' });
        }
      };
      const delay = state.delayMs();
      if (delay <= 0) return answer();
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, delay);
      timers.add(timer);
    };
    server.addService(service(MARKET_MAP_QUERY[version]).service, { MarketMap });
  }
  return server;
}

export function bindGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
}
