/**
 * Decoding market.json into typed values the way Go encoding/json fills connect's structs:
 * keys match exactly or else case-insensitively, `null` leaves a field at its zero value,
 * and a JSON type that does not fit the Go field is an error. Unlike encoding/json, an
 * unknown key is an error (connect's own writer never produces one, so it is a typo).
 * Every key of the JSON text is kept as an own key, `"__proto__"` included.
 */
import { isRecord } from './coerce.js';
import { preview } from './limits.js';
import type { CurrencyPair, Market, MarketMap, MarketProviderConfig, Ticker } from './types.js';

/** Reports a problem at a rendered path such as `markets["BTC/USD"].ticker.decimals`. */
export type Report = (path: string, message: string) => void;

type Reader<T> = (value: unknown, at: string, report: Report) => T;
type Readers<T> = { [K in keyof T]: Reader<T[K]> };

const typeName = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

const str: Reader<string> = (v, at, report) => {
  if (typeof v === 'string') return v;
  report(at, `must be a string, got ${typeName(v)}`);
  return '';
};

const bool: Reader<boolean> = (v, at, report) => {
  if (typeof v === 'boolean') return v;
  report(at, `must be a boolean, got ${typeName(v)}`);
  return false;
};

/** Go uint64: a non-negative integer JSON number. */
const uint: Reader<number> = (v, at, report) => {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  report(at, `must be a non-negative integer, got ${JSON.stringify(v) ?? typeName(v)}`);
  return 0;
};

/** Decodes an object field by field over `zero` (a fresh value). */
function readObject<T extends object>(v: unknown, at: string, report: Report, readers: Readers<T>, zero: T): T {
  if (!isRecord(v)) {
    report(at, `must be an object, got ${typeName(v)}`);
    return zero;
  }
  const out = zero as Record<string, unknown>;
  const keys = Object.keys(readers);
  for (const [raw, value] of Object.entries(v)) {
    const key = keys.includes(raw) ? raw : keys.find((k) => k.toLowerCase() === raw.toLowerCase());
    if (key === undefined) report(`${at}.${raw}`, 'unknown key');
    else if (value !== null) out[key] = (readers as Record<string, Reader<unknown>>)[key]?.(value, `${at}.${key}`, report);
  }
  return zero;
}

const pair: Reader<CurrencyPair> = (v, at, report) =>
  readObject<CurrencyPair>(v, at, report, { Base: str, Quote: str }, { Base: '', Quote: '' });

const ticker: Reader<Ticker> = (v, at, report) =>
  readObject<Ticker>(v, at, report,
    { currency_pair: pair, decimals: uint, min_provider_count: uint, enabled: bool, metadata_JSON: str },
    { currency_pair: { Base: '', Quote: '' }, decimals: 0, min_provider_count: 0, enabled: false, metadata_JSON: '' });

const providerConfig: Reader<MarketProviderConfig> = (v, at, report) =>
  readObject<MarketProviderConfig>(v, at, report,
    { name: str, off_chain_ticker: str, normalize_by_pair: pair, invert: bool, metadata_JSON: str },
    { name: '', off_chain_ticker: '', normalize_by_pair: null, invert: false, metadata_JSON: '' });

const providerConfigs: Reader<MarketProviderConfig[]> = (v, at, report) => {
  if (!Array.isArray(v)) {
    report(at, `must be an array, got ${typeName(v)}`);
    return [];
  }
  return v.map((item: unknown, i) => providerConfig(item, `${at}[${i}]`, report));
};

const market: Reader<Market> = (v, at, report) =>
  readObject<Market>(v, at, report, { ticker, provider_configs: providerConfigs }, {
    ticker: { currency_pair: { Base: '', Quote: '' }, decimals: 0, min_provider_count: 0, enabled: false, metadata_JSON: '' },
    provider_configs: [],
  });

const markets: Reader<Record<string, Market>> = (v, at, report) => {
  const out: Record<string, Market> = {};
  if (!isRecord(v)) {
    report(at, `must be an object, got ${typeName(v)}`);
    return out;
  }
  for (const [key, value] of Object.entries(v)) {
    // Defined, not assigned: `out["__proto__"] = …` would set the prototype and the market
    // would vanish without a word. As an own key it fails validation, which names it.
    Object.defineProperty(out, key, { value: market(value, marketPath(key), report), enumerable: true, writable: true, configurable: true });
  }
  return out;
};

/** Longest market key quoted whole in a path: two assets of MAX_ASSET_BYTES and the `/`. */
const MAX_KEY_CHARS = 520;

/** `markets["BTC/USD"]` */
export function marketPath(key: string): string {
  return `markets[${preview(key, MAX_KEY_CHARS)}]`;
}

/** Decodes a parsed market.json document; problems go to `report`. */
export function decodeMarketMap(doc: unknown, report: Report): MarketMap {
  return readObject<MarketMap>(doc, '', (p, m) => report(p.replace(/^\./, '') || '(root)', m), { markets }, { markets: {} });
}
