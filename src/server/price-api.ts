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

/** The market map as gogoproto jsonpb prints it: orig names, defaults emitted, uint64 as strings. */
export function marketMapBody(map: MarketMap): object {
  const markets: Record<string, object> = {};
  for (const key of Object.keys(map.markets).sort()) {
    const m = map.markets[key];
    if (!m) continue;
    const t = m.ticker;
    markets[key] = {
      ticker: {
        currency_pair: { Base: t.currency_pair.Base, Quote: t.currency_pair.Quote },
        decimals: String(t.decimals),
        min_provider_count: String(t.min_provider_count),
        enabled: t.enabled,
        metadata_JSON: t.metadata_JSON,
      },
      provider_configs: m.provider_configs.map((pc) => ({
        name: pc.name,
        off_chain_ticker: pc.off_chain_ticker,
        normalize_by_pair: pc.normalize_by_pair ? { Base: pc.normalize_by_pair.Base, Quote: pc.normalize_by_pair.Quote } : null,
        invert: pc.invert,
        metadata_JSON: pc.metadata_JSON,
      })),
    };
  }
  return { market_map: { markets } };
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
