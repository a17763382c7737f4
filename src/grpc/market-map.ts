/**
 * The market map as the MarketMap message of connect.marketmap.v2 / slinky.marketmap.v1 in its
 * JSON form, the one shape every reader of the market map gets: the REST gateway bodies
 * (gogoproto jsonpb with orig names and defaults: uint64 as decimal strings, an unset
 * `normalize_by_pair` as null, markets in key order), the gRPC answers (@grpc/proto-loader
 * takes the same object: strings for uint64, null for an unset message) and the simulated
 * chain nodes. connect-spec §5.3.
 */
import type { MarketMap } from '../config/types.js';

export function marketMapJson(map: MarketMap): { markets: Record<string, object> } {
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
  return { markets };
}
