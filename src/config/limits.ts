/**
 * Bounds on configuration values, checked at load (README "Limits"). Each one keeps a value
 * that would misbehave at run time from being accepted silently:
 *
 * - Durations are at most MAX_DURATION_MS: Node timers hold at most 2^31-1 ms (about 24.8
 *   days) and run a longer delay after 1 ms, so `"1000h"` would poll in a tight loop.
 * - Loop periods (updateInterval, api.interval, the reconnect pauses, a non-zero
 *   webSocket.pingInterval) are at least MIN_PERIOD_MS: below that a timer cannot keep its
 *   schedule and the loop only burns CPU and hammers the exchange (`"1ns"` gave ~730 ticks/s).
 *   connect's defaults and dYdX's documented values (100 ms to 10 s) are far above it.
 * - Timeouts are at least MIN_TIMEOUT_MS: timers count whole milliseconds.
 * - oracle.json and market.json are regular files of at most MAX_CONFIG_FILE_BYTES (a
 *   9,000-market map is about 10 MB).
 * - A listen host is at most MAX_HOST_LENGTH characters (a DNS name's limit).
 */

export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;
export const MIN_PERIOD_MS = 10;
export const MIN_TIMEOUT_MS = 1;
export const MAX_CONFIG_FILE_BYTES = 64 * 1024 * 1024;
export const MAX_HOST_LENGTH = 253;

/** Longest value quoted whole in a message; longer ones are cut and their length given. */
const PREVIEW_CHARS = 80;

/** A value as quoted in a message, bounded: a 10 MB value must not make a 10 MB line. */
export function preview(value: unknown, maxChars = PREVIEW_CHARS): string {
  const text = JSON.stringify(value) ?? String(value);
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}… (${text.length} characters)`;
}

/** `24h`, `10ms`: a limit as an operator writes it. */
export function formatMs(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
