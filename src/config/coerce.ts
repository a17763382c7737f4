/**
 * Turning raw values (JSON from a file, strings from env and flags) into the typed leaves
 * of the config tree. The leaf's kind comes from the shape of the defaults, plus the list
 * of duration keys. Errors name the value, except for secrets, which read "<redacted>".
 */
import { parseDurationMs } from './duration.js';
import { formatMs, MAX_DURATION_MS, preview } from './limits.js';

/** Keys (canonical spelling) whose values are durations, held in milliseconds. */
export const DURATION_KEYS: ReadonlySet<string> = new Set([
  'updateInterval', 'maxPriceAge', 'timeout', 'interval', 'reconnectTimeout', 'maxBlockHeightAge',
  'reconnectionTimeout', 'postConnectionTimeout', 'handshakeTimeout', 'readTimeout', 'writeTimeout',
  'pingInterval', 'writeInterval',
]);

export type LeafKind = 'duration' | 'int' | 'bool' | 'string';

/** The kind of a leaf, from its canonical key and its default value. */
export function leafKind(key: string, defaultValue: unknown): LeafKind {
  if (DURATION_KEYS.has(key)) return 'duration';
  if (typeof defaultValue === 'number') return 'int';
  if (typeof defaultValue === 'boolean') return 'bool';
  return 'string';
}

/** True when the key holds a secret that must never be printed. */
export function isSecretKey(key: string): boolean {
  return key.toLowerCase() === 'apikey';
}

/** A value as it may appear in an error message (bounded in length). */
export function show(key: string, value: unknown): string {
  if (isSecretKey(key)) return '<redacted>';
  return preview(value);
}

/** A duration in milliseconds, at most MAX_DURATION_MS (the lower bounds depend on the key
 *  and are rules.ts's). Throws an Error naming the value. */
export function boundedDurationMs(raw: unknown): number {
  const ms = parseDurationMs(raw);
  if (!(ms <= MAX_DURATION_MS)) {
    throw new Error(`must be at most ${formatMs(MAX_DURATION_MS)} (${MAX_DURATION_MS} ms), got ${preview(raw)}`);
  }
  return ms;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go strconv.ParseBool: the spellings viper and pflag accept. */
export function parseBool(text: string): boolean | undefined {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  return undefined;
}

/** Coerces `raw` to the leaf's kind. Strings are accepted for every kind (viper's weak
 *  typing); other JSON types must match. Throws an Error whose message names the value. */
export function coerceLeaf(key: string, kind: LeafKind, raw: unknown): number | boolean | string {
  switch (kind) {
    case 'duration':
      return boundedDurationMs(raw);
    case 'int':
      if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
      if (typeof raw === 'string' && /^[-+]?\d+$/.test(raw.trim())) return Number(raw.trim());
      throw new Error(`must be an integer, got ${show(key, raw)}`);
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const b = typeof raw === 'string' ? parseBool(raw.trim()) : undefined;
      if (b === undefined) throw new Error(`must be a boolean (true or false), got ${show(key, raw)}`);
      return b;
    }
    case 'string':
      if (typeof raw === 'string') return raw;
      throw new Error(`must be a string, got ${show(key, raw)}`);
  }
}

/** A plain JSON object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
