/**
 * The metrics server (connect service/servers/prometheus): the exposition on every path but
 * the health endpoints (health.ts) and /status (status/endpoint.ts), like connect (so /metrics
 * and / both work), GET and HEAD only.
 *
 * A flood of the metrics port must never starve the aggregation tick or the price API
 * (limits.ts): at most MAX_CONCURRENT_SCRAPES scrapes at once, each counted until its last
 * byte is flushed to the kernel or its connection is gone, not merely rendered (a further one
 * gets 503 at once, as promhttp's MaxRequestsInFlight = 3); no new scrape while the unflushed
 * bytes of all scrapes exceed MAX_QUEUED_SCRAPE_BYTES; rendering yields to the event loop every
 * RENDER_SLICE_MS, the scrapes in flight taking turns, one slice per loop turn (registry.ts);
 * a client that stops reading is cut after the write timeout (http-util.ts); connections past
 * METRICS_MAX_CONNECTIONS are closed at accept (sidecar.ts).
 */
import type http from 'node:http';
import type { Registry } from 'prom-client';
import type { Metrics } from '../metrics/metrics.js';
import { SidecarRegistry } from '../metrics/registry.js';
import { liveness, readiness, type LoopState } from './health.js';
import { createServer, sendJson } from './http-util.js';
import { MAX_CONCURRENT_SCRAPES, MAX_QUEUED_SCRAPE_BYTES, RENDER_SLICE_MS, WRITE_TIMEOUT_MS } from './limits.js';

export { MAX_CONCURRENT_SCRAPES } from './limits.js';

/** The two families the metrics server writes: scrapes by answer code and scrapes in flight. */
export type ScrapeMetrics = Pick<Metrics, 'scrapes' | 'scrapesInFlight'>;

export interface MetricsServerOptions {
  /** Cut a response whose socket takes no byte for this long (default WRITE_TIMEOUT_MS). */
  writeTimeoutMs?: number;
  /** `GET /status[?market=BASE/QUOTE]`: the status code and JSON body (status/endpoint.ts). */
  status?: (market: string | undefined) => Promise<{ code: number; body: readonly Buffer[]; release: () => void }>;
}

/** Resolves once `res` has flushed its last byte or its connection is gone, whichever first. */
function settled(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.writableFinished || res.destroyed) return resolve();
    res.once('finish', () => resolve());
    res.once('close', () => resolve());
  });
}

export function createMetricsServer(registry: Registry, metrics: ScrapeMetrics, loop: () => LoopState, o: MetricsServerOptions = {}): http.Server {
  let inFlight = 0;
  /** Bytes handed to responses and not yet flushed, over all scrapes. */
  let queued = 0;
  /** Render into `res`; resolves with the bytes still unflushed, read when the scrape settles. */
  const scrape = async (req: http.IncomingMessage, res: http.ServerResponse, pending: { bytes: number }) => {
    if (registry instanceof SidecarRegistry && req.method === 'GET') {
      // Streamed as rendered (chunked): the scraper reads while the rest is rendered.
      const emit = (chunk: Buffer, done: () => void) => {
        if (!res.headersSent) res.writeHead(200, { 'content-type': registry.contentType });
        const n = chunk.length;
        queued += n;
        pending.bytes += n;
        // Called once the chunk is flushed, or with an error once the socket failed.
        res.write(chunk, () => {
          if (pending.bytes >= n) {
            pending.bytes -= n;
            queued -= n;
          }
          done();
        });
      };
      await registry.stream(emit, undefined, RENDER_SLICE_MS);
      res.end();
      return;
    }
    if (registry instanceof SidecarRegistry) {
      // HEAD: the headers alone; rendering an exposition only to drop it would hold the loop.
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end();
      return;
    }
    const body = Buffer.from(await registry.metrics());
    res.writeHead(200, { 'content-type': registry.contentType, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  return createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, { error: 'method not allowed' });
    }
    const [path, query] = (req.url ?? '/').split('?', 2);
    if (path === '/healthz' || path === '/readyz') {
      const report = (path === '/healthz' ? liveness : readiness)(loop(), Date.now());
      return sendJson(res, report.status === 'ok' ? 200 : 503, report);
    }
    if (path === '/status' && o.status) {
      const market = new URLSearchParams(query ?? '').get('market') ?? undefined;
      const { code, body, release } = await o.status(market);
      // The body's buffers are reused once written out (or dropped with the connection).
      void settled(res).then(release);
      res.writeHead(code, { 'content-type': 'application/json', 'content-length': body.reduce((n, b) => n + b.length, 0) });
      if (req.method === 'GET') for (const b of body) res.write(b);
      res.end();
      return;
    }
    if (inFlight >= MAX_CONCURRENT_SCRAPES || queued > MAX_QUEUED_SCRAPE_BYTES) {
      metrics.scrapes.inc({ code: '503' });
      res.shouldKeepAlive = false;
      return sendJson(res, 503, { error: 'too many concurrent scrapes' });
    }
    inFlight += 1;
    metrics.scrapesInFlight.set(inFlight);
    metrics.scrapes.inc({ code: '200' });
    const flushed = settled(res);
    const pending = { bytes: 0 };
    await scrape(req, res, pending).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
    await flushed;
    // Whatever a destroyed socket never flushed is no longer queued anywhere.
    queued -= pending.bytes;
    pending.bytes = 0;
    inFlight -= 1;
    metrics.scrapesInFlight.set(inFlight);
  }, o.writeTimeoutMs ?? WRITE_TIMEOUT_MS);
}
