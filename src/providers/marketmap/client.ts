/**
 * The gRPC client of the chain node's x/marketmap query service: one unary call,
 * `/connect.marketmap.v2.Query/MarketMap` (connect providers/apis/marketmap/client.go), or on
 * a node built against connect v1 (dYdX v7 runs v1.0.13; Neutron, Stargaze, Warden and
 * Initia shipped v1 too) `/slinky.marketmap.v1.Query/MarketMap`: the same messages under v1
 * names. The client asks v2 first; when the node answers UNIMPLEMENTED it asks the other
 * version in the same call and keeps using the one that answered (a chain upgrade that
 * changes the version is followed the same way). `onVersion` hears each version the node
 * is found to speak, once per change.
 *
 * Like connect: plaintext (insecure credentials), the HTTP proxy disabled. Unlike connect,
 * every call carries a real deadline (connect passed the query loop's context, so a hung
 * node hung the provider). The reconnect back-off is capped so that a node that comes back
 * is seen again within about one polling interval (grpc-js caps it at 120 s by default).
 */
import * as grpc from '@grpc/grpc-js';
import { service } from '../../grpc/protos.js';

/** The x/marketmap query services, newest first. */
export const MARKET_MAP_QUERIES = ['connect.marketmap.v2.Query', 'slinky.marketmap.v1.Query'] as const;
export type MarketMapQuery = (typeof MARKET_MAP_QUERIES)[number];

export interface MarketMapClient {
  /** One MarketMap call; resolves with the decoded MarketMapResponse (keepCase field names,
   *  uint64 as strings; the same shape for v1 and v2), rejects with the grpc-js ServiceError
   *  (e.g. DEADLINE_EXCEEDED; UNIMPLEMENTED only when the node serves neither version). */
  marketMap(timeoutMs: number): Promise<unknown>;
  /** Cancels the calls in flight (they reject with CANCELLED) and closes the channel. */
  close(): void;
}

export interface ClientOptions {
  /** Upper bound of the channel's reconnect back-off, in ms. */
  maxReconnectBackoffMs: number;
  /** Called when the node answers on a version other than the one last used (first answer included). */
  onVersion?: (query: MarketMapQuery) => void;
}

type Method = grpc.MethodDefinition<unknown, unknown>;

function methodOf(query: MarketMapQuery): Method {
  const method = service(query).service['MarketMap'];
  if (!method) throw new Error(`${query} has no MarketMap method`);
  return method;
}

/** A client for the node at `target` (`host:port`, or any grpc-js target such as `dns:///host:port`). */
export function createMarketMapClient(target: string, o: ClientOptions): MarketMapClient {
  const methods = MARKET_MAP_QUERIES.map((q) => ({ query: q, method: methodOf(q) }));
  const backoff = Math.max(100, Math.round(o.maxReconnectBackoffMs));
  const client = new grpc.Client(target, grpc.credentials.createInsecure(), {
    'grpc.enable_http_proxy': 0,
    'grpc.initial_reconnect_backoff_ms': Math.min(1000, backoff),
    'grpc.max_reconnect_backoff_ms': backoff,
  });
  const pending = new Set<grpc.ClientUnaryCall>();
  let current = 0; // index into methods: the version to ask first
  let answered: MarketMapQuery | undefined;

  const unary = (method: Method, deadline: Date): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const call = client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, {}, new grpc.Metadata(), { deadline },
        (err, response) => {
          pending.delete(call);
          if (err) reject(err);
          else resolve(response);
        });
      pending.add(call);
    });

  const ask = async (timeoutMs: number): Promise<unknown> => {
    const deadline = new Date(Date.now() + timeoutMs);
    let firstError: unknown;
    for (let tried = 0; tried < methods.length; tried++) {
      const index = (current + tried) % methods.length;
      const { query, method } = methods[index] ?? methods[0]!;
      try {
        const response = await unary(method, deadline);
        current = index;
        if (answered !== query) o.onVersion?.(query);
        answered = query;
        return response;
      } catch (err) {
        if ((err as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED) throw err;
        firstError ??= err;
      }
    }
    throw firstError;
  };

  return {
    marketMap: ask,
    close: () => {
      for (const call of pending) call.cancel();
      client.close();
    },
  };
}
