/**
 * The REST price API of connect's Oracle service (grpc-gateway JSON, connect spec §5.3):
 *   GET /connect/oracle/v2/prices    {"prices":{...sorted},"timestamp":RFC3339,"version":...}
 *   GET /connect/oracle/v2/marketmap {"market_map":{"markets":{...}}} (uint64 as strings)
 *   GET /connect/oracle/v2/version   {"version":...}
 * and the same three under connect v1's /slinky/oracle/v1/ prefix (identical bodies).
 * Anything else is a JSON error in grpc-gateway's shape. Reads an immutable snapshot, so
 * serving never waits for aggregation.
 */
import type http from 'node:http';
import type { MarketMap } from '../config/types.js';
import type { Snapshot } from '../oracle/aggregator.js';
import { marketMapJson } from '../grpc/market-map.js';
import { createServer, sendJson } from './http-util.js';

export interface PriceSource {
  snapshot(): Snapshot;
  marketMap(): MarketMap;
  readonly version: string;
}

/** Go's zero time, which connect reports before its first tick. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** grpc-gateway v1 error body; `code` is the gRPC status code. */
function gatewayError(res: http.ServerResponse, status: number, grpcCode: number, message: string): void {
  sendJson(res, status, { error: message, code: grpcCode, message, details: [] });
}

export function pricesBody(s: Snapshot, version: string): object {
  return { prices: s.prices, timestamp: s.timestamp ? s.timestamp.toISOString() : ZERO_TIME, version };
}

/** The MarketMap query's body: `{"market_map": …}` (grpc/market-map.ts). */
export function marketMapBody(map: MarketMap): object {
  return { market_map: marketMapJson(map) };
}

/** The API prefixes of the two protocol versions. */
const PREFIXES = ['/connect/oracle/v2/', '/slinky/oracle/v1/'];

/** `prices`, `marketmap`, `version` (or anything else) for a path under either prefix. */
function methodOf(path: string): string | undefined {
  const prefix = PREFIXES.find((p) => path.startsWith(p));
  return prefix === undefined ? undefined : path.slice(prefix.length);
}

export function createPriceApi(source: PriceSource): http.Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET') return gatewayError(res, 405, 12, 'Method Not Allowed');
    switch (methodOf(path)) {
      case 'prices':
        return sendJson(res, 200, pricesBody(source.snapshot(), source.version));
      case 'marketmap':
        return sendJson(res, 200, marketMapBody(source.marketMap()));
      case 'version':
        return sendJson(res, 200, { version: source.version });
      default:
        return gatewayError(res, 404, 5, 'Not Found');
    }
  });
}
