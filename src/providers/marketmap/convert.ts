/**
 * connect.marketmap.v2.MarketMapResponse (as @grpc/proto-loader decodes it: keepCase,
 * uint64 as decimal strings, unset messages null) → our MarketMap (src/config/types.ts):
 * numbers for decimals and min_provider_count, `normalize_by_pair` null when unset,
 * `metadata_JSON` "" when unset. Pure and total: anything that does not fit decodes to the
 * zero value, which validation then rejects market by market (valid-subset.ts).
 */
import { isRecord } from '../../config/coerce.js';
import type { CurrencyPair, Market, MarketMap, MarketProviderConfig, Ticker } from '../../config/types.js';

export type Converted = { ok: true; map: MarketMap } | { ok: false; error: string };

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const bool = (v: unknown): boolean => v === true;

/** A uint64 as proto-loader gives it (decimal string, or a number); anything else is 0. A
 *  value above 2^53 loses precision, which cannot turn an invalid value into a valid one. */
export function uint64(v: unknown): number {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : 0;
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0;
}

function pair(v: unknown): CurrencyPair {
  return isRecord(v) ? { Base: str(v.Base), Quote: str(v.Quote) } : { Base: '', Quote: '' };
}

function ticker(v: unknown): Ticker {
  const t = isRecord(v) ? v : {};
  return {
    currency_pair: pair(t.currency_pair),
    decimals: uint64(t.decimals),
    min_provider_count: uint64(t.min_provider_count),
    enabled: bool(t.enabled),
    metadata_JSON: str(t.metadata_JSON),
  };
}

function providerConfig(v: unknown): MarketProviderConfig {
  const pc = isRecord(v) ? v : {};
  return {
    name: str(pc.name),
    off_chain_ticker: str(pc.off_chain_ticker),
    normalize_by_pair: isRecord(pc.normalize_by_pair) ? pair(pc.normalize_by_pair) : null,
    invert: bool(pc.invert),
    metadata_JSON: str(pc.metadata_JSON),
  };
}

function market(v: unknown): Market {
  const m = isRecord(v) ? v : {};
  const configs = Array.isArray(m.provider_configs) ? (m.provider_configs as unknown[]) : [];
  return { ticker: ticker(m.ticker), provider_configs: configs.map(providerConfig) };
}

/** Converts a decoded MarketMapResponse; an error only when it carries no market map. */
export function marketMapFromResponse(response: unknown): Converted {
  if (!isRecord(response) || !isRecord(response.market_map)) return { ok: false, error: 'response has no market_map' };
  const raw = response.market_map.markets;
  const markets: Record<string, Market> = {};
  // defineProperty: a "__proto__" key becomes an own market (then rejected by validation as not
  // its pair) instead of silently replacing the object's prototype.
  if (isRecord(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      Object.defineProperty(markets, key, { value: market(value), enumerable: true, writable: true, configurable: true });
    }
  }
  return { ok: true, map: { markets } };
}
