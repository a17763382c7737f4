import type http from 'node:http';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';
import { SidecarRegistry } from '../../src/metrics/registry.js';
import { EMPTY_SNAPSHOT } from '../../src/oracle/aggregator.js';
import { close, createServer, listen } from '../../src/server/http-util.js';
import { MAX_CONCURRENT_SCRAPES, createMetricsServer } from '../../src/server/metrics-server.js';
import { createPriceApi } from '../../src/server/price-api.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

async function serve(server: http.Server): Promise<string> {
  servers.push(server);
  return `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
}

/** A registry whose exposition takes `ms` to render, to hold scrapes open. */
class SlowRegistry extends Registry {
  constructor(private readonly ms: number) {
    super();
  }
  override async metrics(): Promise<string> {
    await new Promise((r) => setTimeout(r, this.ms));
    return super.metrics();
  }
}

const loop = () => ({ startedAt: Date.now(), updateIntervalMs: 250, snapshot: EMPTY_SNAPSHOT });

describe('metrics server', () => {
  it('streams the side-car registry: every scrape, concurrent or reusing chunk memory, is the whole current exposition', async () => {
    const registry = new SidecarRegistry();
    const m = createMetrics(registry, false);
    const url = await serve(createMetricsServer(registry, m, loop));
    const fill = (round: number) => {
      for (let i = 0; i < 12_000; i++) m.providerPrice.set({ provider: `p${i % 8}`, id: `a${i}/usd`, decimals: '8' }, round * 1_000_000 + i);
    };
    const generic = () => Registry.prototype.metrics.call(registry);
    for (let round = 1; round <= 4; round++) {
      fill(round);
      const want = await generic();
      expect(want.length).toBeGreaterThan(600 * 1024); // several chunks per scrape
      const bodies = await Promise.all(Array.from({ length: 3 }, () => fetch(`${url}/metrics`).then((r) => r.text())));
      for (const body of bodies) {
        // The scrape counters move with the scrapes themselves; everything else must match.
        const steady = (t: string) => t.replace(/^promhttp_metric_handler_requests_(total|in_flight)[{ ].*\n/gm, '');
        expect(steady(body)).toBe(steady(want));
      }
      expect(bodies[0]).toContain(`decimals="8"} ${round * 1_000_000 + 11_999}\n`);
    }
  });

  it(`answers at most ${MAX_CONCURRENT_SCRAPES} concurrent scrapes and 503 beyond, like promhttp`, async () => {
    const registry = new SlowRegistry(300);
    const metrics = createMetrics(registry, false);
    const url = await serve(createMetricsServer(registry, metrics, loop));
    const statuses = await Promise.all(Array.from({ length: 5 }, () => fetch(`${url}/metrics`).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 503)).toHaveLength(2);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/promhttp_metric_handler_requests_total\{code="503"\} 2/);
  });

  it('serves the exposition on any path but only for GET and HEAD', async () => {
    const registry = new Registry();
    const url = await serve(createMetricsServer(registry, createMetrics(registry, false), loop));
    expect((await fetch(`${url}/anything`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`, { method: 'HEAD' })).status).toBe(200);
    const post = await fetch(`${url}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('price API', () => {
  const source = { snapshot: () => EMPTY_SNAPSHOT, marketMap: () => ({ markets: {} }), version: '1.2.3' };

  it('answers only GET, with grpc-gateway JSON errors', async () => {
    const url = await serve(createPriceApi(source));
    const prices = await (await fetch(`${url}/connect/oracle/v2/prices`)).json();
    expect(prices).toEqual({ prices: {}, timestamp: '0001-01-01T00:00:00Z', version: '1.2.3' });
    const post = await fetch(`${url}/connect/oracle/v2/prices`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(await post.json()).toMatchObject({ code: 12, message: 'Method Not Allowed' });
    const missing = await fetch(`${url}/connect/oracle/v2/nope?x=1`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'Not Found', code: 5, message: 'Not Found', details: [] });
  });
});

describe('server plumbing', () => {
  it('answers a failing handler with a plain 500, never a stack trace', async () => {
    const url = await serve(createServer(() => {
      throw new Error('secret internals at /srv/app/x.js:1:1');
    }));
    const res = await fetch(url);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toBe('{"error":"internal error"}');
  });

  it('bounds the time to send request headers', async () => {
    const server = createServer((_req, res) => {
      res.end('ok');
    });
    expect(server.headersTimeout).toBeLessThanOrEqual(10_000);
    expect(server.requestTimeout).toBeLessThanOrEqual(30_000);
  });
});
