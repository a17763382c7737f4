/**
 * The gRPC client of the chain node's x/marketmap query service: one unary call,
 * `/connect.marketmap.v2.Query/MarketMap` (connect providers/apis/marketmap/client.go).
 * Like connect: plaintext (insecure credentials), the HTTP proxy disabled. Unlike connect,
 * every call carries a real deadline (connect passed the query loop's context, so a hung
 * node hung the provider). The reconnect back-off is capped so that a node that comes back
 * is seen again within about one polling interval (grpc-js caps it at 120 s by default).
 */
import * as grpc from '@grpc/grpc-js';
import { service } from '../../grpc/protos.js';

export interface MarketMapClient {
  /** One MarketMap call; resolves with the decoded MarketMapResponse (keepCase field names,
   *  uint64 as strings), rejects with the grpc-js ServiceError (e.g. DEADLINE_EXCEEDED). */
  marketMap(timeoutMs: number): Promise<unknown>;
  /** Cancels the calls in flight (they reject with CANCELLED) and closes the channel. */
  close(): void;
}

export interface ClientOptions {
  /** Upper bound of the channel's reconnect back-off, in ms. */
  maxReconnectBackoffMs: number;
}

/** A client for the node at `target` (`host:port`, or any grpc-js target such as `dns:///host:port`). */
export function createMarketMapClient(target: string, o: ClientOptions): MarketMapClient {
  const Query = service('connect.marketmap.v2.Query');
  const method = Query.service['MarketMap'];
  if (!method) throw new Error('connect.marketmap.v2.Query has no MarketMap method');
  const backoff = Math.max(100, Math.round(o.maxReconnectBackoffMs));
  const client = new grpc.Client(target, grpc.credentials.createInsecure(), {
    'grpc.enable_http_proxy': 0,
    'grpc.initial_reconnect_backoff_ms': Math.min(1000, backoff),
    'grpc.max_reconnect_backoff_ms': backoff,
  });
  const pending = new Set<grpc.ClientUnaryCall>();
  return {
    marketMap: (timeoutMs) =>
      new Promise((resolve, reject) => {
        const deadline = new Date(Date.now() + timeoutMs);
        const call = client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, {}, new grpc.Metadata(), { deadline },
          (err, response) => {
            pending.delete(call);
            if (err) reject(err);
            else resolve(response);
          });
        pending.add(call);
      }),
    close: () => {
      for (const call of pending) call.cancel();
      client.close();
    },
  };
}
