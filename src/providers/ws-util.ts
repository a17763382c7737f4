/** Small helpers for the WebSocket driver. */
import type WebSocket from 'ws';
import { withoutUrls } from '../log.js';
import { undici } from './undici.js';

/** First retry delay before jitter, ms. */
export const BACKOFF_BASE_MS = 250;

/**
 * Capped exponential backoff with jitter: attempt 0 waits about BACKOFF_BASE_MS, each
 * further attempt doubles, never beyond `capMs`; the result is drawn from [d/2, d].
 */
export function backoffDelay(attempt: number, capMs: number, random: () => number = Math.random): number {
  const d = Math.min(capMs, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 30));
  return d / 2 + (random() * d) / 2;
}

/** POST with no body within `timeoutMs`, returning the decoded JSON body (undefined when not JSON). */
export async function postJson(url: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  const res = await undici().request(url, { method: 'POST', headers, signal: AbortSignal.timeout(Math.ceil(timeoutMs)) });
  const text = await res.body.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body };
}

/** A message frame as one Buffer (ws hands out a Buffer, Buffer[] or ArrayBuffer). */
export function toBytes(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** An error's description without URLs, bounded (it goes into logs and unresolved reasons). */
export function errorText(err: unknown): string {
  return withoutUrls(err instanceof Error ? err.message : String(err)).slice(0, 200);
}
