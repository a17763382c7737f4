/**
 * market.json: decoding plus connect's MarketMap.ValidateBasic (x/marketmap/types/
 * {market,ticker,provider}.go, pkg/types/currency_pair.go). Every problem names its path
 * (`markets["BTC/USD"].provider_configs[2].normalize_by_pair`) and the source; all are
 * collected into one ConfigError.
 */
import { ConfigError } from './errors.js';
import { decodeMarketMap, marketPath } from './market-decode.js';
import { readConfigFile } from './read-file.js';
import { pairString, type CurrencyPair, type Market, type MarketMap, type MarketProviderConfig, type Ticker } from './types.js';

type Report = (path: string, message: string) => void;

export const MAX_ASSET_BYTES = 256;
export const MAX_DECIMALS = 36;
export const MAX_METADATA_BYTES = 16384;

/** Decodes and validates a parsed market.json document. Throws ConfigError. */
export function parseMarketMap(json: unknown, source: string): MarketMap {
  const problems: string[] = [];
  const report: Report = (path, message) => problems.push(`${path}: ${message} (${source})`);
  const map = decodeMarketMap(json, report);
  validateMarketMap(map, report);
  if (problems.length > 0) throw new ConfigError(problems, 'invalid market map');
  return map;
}

/** Reads (a regular file within the size limit, read-file.ts), parses and validates a
 *  market.json file. Throws ConfigError naming the file. */
export function loadMarketMap(path: string): MarketMap {
  const source = `file ${path}`;
  let text: string;
  try {
    text = readConfigFile(path);
  } catch (err) {
    throw new ConfigError([`cannot read market map: ${(err as Error).message} (${source})`], 'invalid market map');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`invalid JSON: ${(err as Error).message} (${source})`], 'invalid market map');
  }
  return parseMarketMap(json, source);
}

/** Asset rule: 1..256 bytes; legacy (no comma) fully upper-case, or DeFi TOKEN,ADDRESS,CHAINID
 *  with a legacy-valid TOKEN and the whole string upper-case. Returns the problem or undefined. */
export function assetProblem(asset: string): string | undefined {
  const bytes = Buffer.byteLength(asset, 'utf8');
  if (bytes === 0) return 'must not be empty';
  if (bytes > MAX_ASSET_BYTES) return `must be at most ${MAX_ASSET_BYTES} bytes, got ${bytes}`;
  const fields = asset.split(',');
  if (fields.length === 1) {
    return asset.toUpperCase() === asset ? undefined : `must be upper-case, got ${JSON.stringify(asset)}`;
  }
  if (fields.length !== 3) return `must be a legacy asset or TOKEN,ADDRESS,CHAINID, got ${JSON.stringify(asset)}`;
  const token = fields[0] ?? '';
  if (token === '' || token.toUpperCase() !== token) return `DeFi token must be a non-empty upper-case asset, got ${JSON.stringify(asset)}`;
  return asset.toUpperCase() === asset ? undefined : `must be upper-case, got ${JSON.stringify(asset)}`;
}

function validatePair(pair: CurrencyPair, at: string, report: Report): boolean {
  const base = assetProblem(pair.Base);
  const quote = assetProblem(pair.Quote);
  if (base) report(`${at}.Base`, base);
  if (quote) report(`${at}.Quote`, quote);
  return !base && !quote;
}

/** metadata_JSON: empty, or a JSON object (Go also accepts `null`) of at most 16384 bytes. */
function validateMetadata(text: string, at: string, report: Report): void {
  if (text === '') return;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_METADATA_BYTES) return report(at, `must be at most ${MAX_METADATA_BYTES} bytes, got ${bytes}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return report(at, `must be a JSON object: ${(err as Error).message}`);
  }
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) report(at, 'must be a JSON object');
}

function validateTicker(t: Ticker, at: string, report: Report): void {
  validatePair(t.currency_pair, `${at}.currency_pair`, report);
  if (t.decimals < 1 || t.decimals > MAX_DECIMALS) report(`${at}.decimals`, `must be between 1 and ${MAX_DECIMALS}, got ${t.decimals}`);
  if (t.min_provider_count < 1) report(`${at}.min_provider_count`, `must be >= 1, got ${t.min_provider_count}`);
  validateMetadata(t.metadata_JSON, `${at}.metadata_JSON`, report);
}

function validateProviderConfig(pc: MarketProviderConfig, at: string, report: Report): void {
  if (pc.name === '') report(`${at}.name`, 'must not be empty');
  if (pc.off_chain_ticker === '') report(`${at}.off_chain_ticker`, 'must not be empty');
  validateMetadata(pc.metadata_JSON, `${at}.metadata_JSON`, report);
}

/** Every rule of MarketMap.ValidateBasic, reported through `report`. */
export function validateMarketMap(map: MarketMap, report: Report): void {
  for (const [key, market] of Object.entries(map.markets)) validateMarket(map, key, market, report);
}

/** The rules for one market of `map` (Market.ValidateBasic plus its key and its
 *  normalize_by_pair references into `map`), reported through `report`. */
export function validateMarket(map: MarketMap, key: string, market: Market, report: Report): void {
  const at = marketPath(key);
  const t = market.ticker;
  validateTicker(t, `${at}.ticker`, report);
  const expected = pairString(t.currency_pair);
  if (key !== expected) report(at, `key must equal the ticker's currency pair ${JSON.stringify(expected)}`);
  const count = market.provider_configs.length;
  if (count < t.min_provider_count) {
    report(`${at}.provider_configs`, `has ${count} entries, fewer than min_provider_count ${t.min_provider_count}`);
  }
  const seen = new Set<string>();
  market.provider_configs.forEach((pc, i) => {
    const pcAt = `${at}.provider_configs[${i}]`;
    validateProviderConfig(pc, pcAt, report);
    const id = JSON.stringify([pc.name, pc.off_chain_ticker]);
    if (seen.has(id)) report(pcAt, `duplicate provider ${JSON.stringify(pc.name)} with off_chain_ticker ${JSON.stringify(pc.off_chain_ticker)}`);
    seen.add(id);
    if (pc.normalize_by_pair) validateNormalize(map, pc.normalize_by_pair, t.enabled, `${pcAt}.normalize_by_pair`, report);
  });
}

function validateNormalize(map: MarketMap, pair: CurrencyPair, enabled: boolean, at: string, report: Report): void {
  if (!validatePair(pair, at, report)) return;
  const target = map.markets[pairString(pair)];
  if (!target) report(at, `market ${JSON.stringify(pairString(pair))} does not exist in the market map`);
  else if (enabled && !target.ticker.enabled) {
    report(at, `market ${JSON.stringify(pairString(pair))} must be enabled because the referring market is enabled`);
  }
}

