/**
 * Pieces of an HTTP GET shared by the price pollers (http-poller.ts) and the REST market-map
 * providers (marketmap/rest.ts): the endpoint's API-key header, a size-bounded body read, and
 * a transport error described without its URL.
 */
import type { Endpoint } from '../config/types.js';

/** The endpoint's own API-key header (connect sent one only when a single endpoint was configured). */
export function authHeaders(endpoint: Endpoint | undefined): Record<string, string> {
  const auth = endpoint?.authentication;
  return auth && auth.apiKey && auth.apiKeyHeader ? { [auth.apiKeyHeader]: auth.apiKey } : {};
}

/** The body as UTF-8, or undefined (and the body destroyed) once it passes `max` bytes. */
export async function readBounded(body: AsyncIterable<Uint8Array> & { destroy(): unknown }, max: number): Promise<string | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A transport error's description without the URL (which may carry a key in its query). */
export function transportError(err: unknown): string {
  const e = err as { name?: string; code?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'request timed out';
  return e?.code ? `transport error ${e.code}` : `transport error ${e?.name ?? 'unknown'}`;
}
