/**
 * Go `time.Duration` input, as connect's oracle.json accepts it: a Go duration string
 * (`time.ParseDuration`: "250ms", "1m30s", "1.5s", "-2s", "0") or an integer number of
 * nanoseconds (a JSON number, or an all-digits string from env and flags).
 * The result is in milliseconds and may be fractional ("500us" → 0.5). The configuration's
 * bounds on durations are applied by the callers (coerce.ts, rules.ts; limits.ts).
 */
import { preview } from './limits.js';

const NS_PER_UNIT: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const INTEGER = /^[-+]?\d+$/;
const COMPONENT = /(\d*\.?\d*)([a-zµμ]+)/gy;

/** Parses a Go duration string into nanoseconds; throws naming the string. */
function parseGoDuration(text: string): number {
  const bad = new Error(`invalid duration ${preview(text)}`);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw bad;
  let total = 0;
  let consumed = 0;
  COMPONENT.lastIndex = 0;
  for (let m = COMPONENT.exec(rest); m !== null; m = COMPONENT.exec(rest)) {
    const [whole, num = '', unit = ''] = m;
    const scale = NS_PER_UNIT[unit];
    if (scale === undefined || num === '' || num === '.') throw bad;
    total += Number(num) * scale;
    consumed += whole.length;
  }
  if (consumed !== rest.length) throw bad;
  return sign * total;
}

/** Converts a duration value (see file comment) to milliseconds; throws an Error naming the value. */
export function parseDurationMs(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new Error(`invalid duration ${String(value)}: a number must be an integer count of nanoseconds`);
    }
    return value / 1e6;
  }
  if (typeof value !== 'string') {
    throw new Error(`invalid duration ${preview(value)}: expected a string or an integer`);
  }
  const text = value.trim();
  if (INTEGER.test(text)) return Number(text) / 1e6;
  return parseGoDuration(text) / 1e6;
}
