/**
 * Small pure helpers shared by the exchange adapters: narrowing decoded JSON, filling
 * `%s` URL templates, decoding WebSocket frames without throwing, building outcomes.
 * None of them throws (see the contract in providers/types.ts).
 */
import { failAll, unresolved } from '../providers/outcomes.js';
import { toPrice } from '../providers/tickers.js';
import type { ProviderResponse, ProviderTicker, ResolvedQuote, UnresolvedQuote } from '../providers/types.js';
import { ErrorCode } from '../providers/types.js';

export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A response with nothing in it (acks, pongs). */
export function emptyResponse(): ProviderResponse {
  return { resolved: [], unresolved: [] };
}

/** The drivers' outcome builders, for the adapters (one definition, in providers/). */
export { failAll, unresolved };

/** Validate `raw` with toPrice: a resolved quote, or an unresolved one with FailedToParsePrice. */
export function quote(ticker: ProviderTicker, raw: unknown): ResolvedQuote | UnresolvedQuote {
  const price = toPrice(raw);
  if (price instanceof Error) return unresolved(ticker, ErrorCode.FailedToParsePrice, price.message);
  return { ticker: ticker.offChainTicker, price };
}

/** Sort outcomes into a response. */
export function toResponse(outcomes: Iterable<ResolvedQuote | UnresolvedQuote>): ProviderResponse {
  const resolved: ResolvedQuote[] = [];
  const unresolved: UnresolvedQuote[] = [];
  for (const o of outcomes) {
    if ('code' in o) unresolved.push(o);
    else resolved.push(o);
  }
  return { resolved, unresolved };
}

/** Outcomes keyed by off-chain ticker, plus NoResponse for every ticker asked for but absent. */
export function completeResponse(
  outcomes: Map<string, ResolvedQuote | UnresolvedQuote>,
  tickers: readonly ProviderTicker[],
): ProviderResponse {
  for (const t of tickers) {
    if (!outcomes.has(t.offChainTicker)) outcomes.set(t.offChainTicker, unresolved(t, ErrorCode.NoResponse, 'no response'));
  }
  return toResponse(outcomes.values());
}

/** Replace each `%s` of `template` in order; the template must hold exactly `values.length`. */
export function fillTemplate(template: string, values: readonly string[]): string | Error {
  const parts = template.split('%s');
  if (parts.length - 1 !== values.length) {
    return new Error(`endpoint ${template} must contain ${values.length} "%s" placeholder(s), found ${parts.length - 1}`);
  }
  return parts.reduce((url, part, i) => url + (values[i - 1] ?? '') + part);
}

/** Decode one WebSocket frame as JSON; a string reason instead of throwing. */
export function decodeFrame(frame: string | Uint8Array): { value: unknown } | { error: string } {
  const text = typeof frame === 'string' ? frame : new TextDecoder().decode(frame);
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: invalidJson(err, text) };
  }
}

/**
 * The opening of most `handle()`s: decode one frame and require a JSON object. Returns the
 * object, or the reason it is not one (a string, for `{ error }`). Allocates no wrapper.
 */
export function frameObject(frame: string | Uint8Array): JsonObject | string {
  const text = typeof frame === 'string' ? frame : new TextDecoder().decode(frame);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return invalidJson(err, text);
  }
  return isObject(value) ? value : 'expected a JSON object';
}

function invalidJson(err: unknown, text: string): string {
  return `invalid JSON (${(err as Error).message}): ${text.slice(0, 80)}`;
}

/** Split `items` into chunks of at most `size` (at least 1). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const n = Math.max(1, Math.floor(size) || 1);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}
