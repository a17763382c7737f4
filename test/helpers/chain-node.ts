/**
 * A fake chain node for tests: a grpc-js Server implementing
 * `/connect.marketmap.v2.Query/MarketMap` from our protos (the other Query methods answer
 * UNIMPLEMENTED). The served market map is settable (including invalid markets, or none at
 * all), answers can be delayed, calls are counted, and the node can stop and restart on the
 * same port, the way a validator's node goes down and comes back.
 */
import * as grpc from '@grpc/grpc-js';
import type { MarketMap } from '../../src/config/types.js';
import { service } from '../../src/grpc/protos.js';

export interface ChainNode {
  readonly port: number;
  /** `127.0.0.1:<port>`, for --market-map-endpoint. */
  readonly address: string;
  /** MarketMap calls received since start (across restarts). */
  calls(): number;
  /** The map to serve; `null` answers a MarketMapResponse without market_map. */
  setMarketMap(map: MarketMap | null): void;
  /** Delay every answer by `ms` (0 = answer at once). */
  setDelay(ms: number): void;
  stop(): Promise<void>;
  /** Listen again on the same port. */
  restart(): Promise<void>;
}

/** Our MarketMap as the proto message (uint64 as strings, unset normalize_by_pair omitted). */
export function toProto(map: MarketMap): object {
  const markets: Record<string, object> = {};
  for (const [key, m] of Object.entries(map.markets)) {
    markets[key] = {
      ticker: { ...m.ticker, decimals: String(m.ticker.decimals), min_provider_count: String(m.ticker.min_provider_count) },
      provider_configs: m.provider_configs.map(({ normalize_by_pair, ...pc }) => (normalize_by_pair ? { ...pc, normalize_by_pair } : pc)),
    };
  }
  return { markets };
}

function bind(server: grpc.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
}

export async function startChainNode(initial: MarketMap | null = { markets: {} }): Promise<ChainNode> {
  let map = initial;
  let delayMs = 0;
  let calls = 0;
  const handler: grpc.handleUnaryCall<unknown, unknown> = (_call, callback) => {
    calls += 1;
    const response = { market_map: map ? toProto(map) : null, last_updated: String(calls), chain_id: 'test-chain' };
    if (delayMs > 0) setTimeout(() => callback(null, response), delayMs);
    else callback(null, response);
  };
  const create = () => {
    const server = new grpc.Server();
    server.addService(service('connect.marketmap.v2.Query').service, { MarketMap: handler });
    return server;
  };
  let server: grpc.Server | undefined = create();
  const port = await bind(server, 0);
  return {
    port,
    address: `127.0.0.1:${port}`,
    calls: () => calls,
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
