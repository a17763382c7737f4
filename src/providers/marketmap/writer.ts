/**
 * `--update-market-config-path`: the market map as connect writes it (oracle/market_mapper.go
 * WriteMarketMap: Go encoding/json MarshalIndent with 2 spaces over the gogoproto structs).
 * Field order is the struct order, map keys sorted, and `omitempty` applies: zero
 * `decimals`, `min_provider_count`, `enabled`, `invert`, empty `metadata_JSON` and a nil
 * `normalize_by_pair` are left out. Like Go, `<`, `>`, `&`, U+2028 and U+2029 are escaped
 * and there is no trailing newline. The file reads back with --market-config-path.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type { CurrencyPair, Market, MarketMap, MarketProviderConfig, Ticker } from '../../config/types.js';

type Json = Record<string, unknown>;

const pair = (p: CurrencyPair): Json => ({ Base: p.Base, Quote: p.Quote });

/** Sets `key` only when `value` is not Go's zero value (omitempty). */
function put(out: Json, key: string, value: string | number | boolean): void {
  if (value !== '' && value !== 0 && value !== false) out[key] = value;
}

function ticker(t: Ticker): Json {
  const out: Json = { currency_pair: pair(t.currency_pair) };
  put(out, 'decimals', t.decimals);
  put(out, 'min_provider_count', t.min_provider_count);
  put(out, 'enabled', t.enabled);
  put(out, 'metadata_JSON', t.metadata_JSON);
  return out;
}

function providerConfig(pc: MarketProviderConfig): Json {
  const out: Json = { name: pc.name, off_chain_ticker: pc.off_chain_ticker };
  if (pc.normalize_by_pair) out.normalize_by_pair = pair(pc.normalize_by_pair);
  put(out, 'invert', pc.invert);
  put(out, 'metadata_JSON', pc.metadata_JSON);
  return out;
}

const market = (m: Market): Json => ({ ticker: ticker(m.ticker), provider_configs: m.provider_configs.map(providerConfig) });

const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** The file content connect would write for `map`. */
export function marketMapFileText(map: MarketMap): string {
  const markets: Json = {};
  for (const key of Object.keys(map.markets).sort()) {
    const m = map.markets[key];
    if (m) markets[key] = market(m);
  }
  return JSON.stringify({ markets }, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c);
}

/** Writes the file atomically (a temporary file in the same directory, then a rename), so a
 *  reader never sees half a map. Throws on I/O errors. */
export function writeMarketMapFile(path: string, map: MarketMap): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, marketMapFileText(map));
  renameSync(tmp, path);
}
