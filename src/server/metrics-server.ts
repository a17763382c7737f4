/**
 * The metrics server (connect service/servers/prometheus): the exposition on every path but
 * the health endpoints (health.ts), like connect (so /metrics and / both work), at most MAX_CONCURRENT_SCRAPES scrapes at once
 * (a further one gets 503, as promhttp's MaxRequestsInFlight = 3), GET and HEAD only.
 */
import type http from 'node:http';
import type { Registry } from 'prom-client';
import type { Metrics } from '../metrics/metrics.js';
import { SidecarRegistry } from '../metrics/registry.js';
import { liveness, readiness, type LoopState } from './health.js';
import { createServer, sendJson } from './http-util.js';

export const MAX_CONCURRENT_SCRAPES = 3;

/** The two families the metrics server writes: scrapes by answer code and scrapes in flight. */
export type ScrapeMetrics = Pick<Metrics, 'scrapes' | 'scrapesInFlight'>;

export function createMetricsServer(registry: Registry, metrics: ScrapeMetrics, loop: () => LoopState): http.Server {
  let inFlight = 0;
  return createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, { error: 'method not allowed' });
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/readyz') {
      const report = (path === '/healthz' ? liveness : readiness)(loop(), Date.now());
      return sendJson(res, report.status === 'ok' ? 200 : 503, report);
    }
    if (inFlight >= MAX_CONCURRENT_SCRAPES) {
      metrics.scrapes.inc({ code: '503' });
      return sendJson(res, 503, { error: 'too many concurrent scrapes' });
    }
    inFlight += 1;
    metrics.scrapesInFlight.set(inFlight);
    try {
      metrics.scrapes.inc({ code: '200' });
      if (registry instanceof SidecarRegistry && req.method === 'GET') {
        // Streamed as rendered (chunked): the scraper reads while the rest is rendered.
        await registry.stream((chunk, done) => {
          if (!res.headersSent) res.writeHead(200, { 'content-type': registry.contentType });
          res.write(chunk, () => done()); // called once the chunk is flushed (or the socket failed)
        });
        res.end();
        return;
      }
      const body = Buffer.from(await registry.metrics());
      res.writeHead(200, { 'content-type': registry.contentType, 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } finally {
      inFlight -= 1;
      metrics.scrapesInFlight.set(inFlight);
    }
  });
}
