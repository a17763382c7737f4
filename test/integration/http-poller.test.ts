import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../../src/config/types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { ProviderMetrics } from '../../src/metrics/provider.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { apiDefaults } from '../../src/config/provider-defaults.js';
import { HttpPoller } from '../../src/providers/http-poller.js';
import { ProviderSink } from '../../src/providers/sink.js';
import type { HttpExchange, ProviderTicker } from '../../src/providers/types.js';
import { histogramCount, sample, waitFor } from '../helpers/metrics.js';
import { silentLog } from '../helpers/silent-log.js';

/** A minimal exchange: GET /q?s=A,B → {"A":"1.5",...}. Pure logic, so a fake is fine here. */
const fakeExchange = {
  kind: 'http',
  defaults: apiDefaults('fake', 'http://x/q?s=%s', {}),
  buildUrl: (endpoint, tickers) => endpoint.replace('%s', tickers.map((t) => t.offChainTicker).join(',')),
  parse: (body, tickers) => {
    const obj = body as Record<string, unknown>;
    return {
      resolved: tickers.filter((t) => typeof obj[t.offChainTicker] === 'string').map((t) => ({ ticker: t.offChainTicker, price: obj[t.offChainTicker] as string })),
      unresolved: tickers.filter((t) => typeof obj[t.offChainTicker] !== 'string').map((t) => ({ ticker: t.offChainTicker, code: 7, reason: 'missing' })),
    };
  },
} satisfies HttpExchange;

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function server(handler: Handler): Promise<{ url: string; requests: string[]; headers: http.IncomingHttpHeaders[] }> {
  const requests: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const s = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    headers.push(req.headers);
    handler(req, res);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => { s.closeAllConnections(); s.close(() => r()); }));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/q?s=%s`, requests, headers };
}

function poller(url: string, tickers: string[], o: Partial<ApiConfig> = {}) {
  const registry = new Registry();
  const metrics = new ProviderMetrics(createMetrics(registry, false), 'fake', 'api');
  const store = new QuoteStore();
  const config: ApiConfig = { ...apiDefaults('fake', url, { atomic: true, interval: 50, timeout: 300, ...o }) };
  if (o.endpoints) config.endpoints = o.endpoints;
  const list: ProviderTicker[] = tickers.map((t) => ({ offChainTicker: t, metadataJSON: '' }));
  const p = new HttpPoller({ name: 'fake', config, exchange: fakeExchange, tickers: list, sink: new ProviderSink(store, metrics), metrics, log: silentLog() });
  cleanups.push(() => p.stop());
  p.start();
  return { registry, store, p };
}

describe('HTTP poller against a loopback server', () => {
  it('stores parsed prices and counts the success metrics', async () => {
    const srv = await server((_req, res) => res.end(JSON.stringify({ AAA: '1.5', BBB: '2.5' })));
    const { registry, store } = poller(srv.url, ['AAA', 'BBB', 'CCC']);
    await waitFor(() => store.get('fake', 'BBB'));
    expect(store.get('fake', 'AAA')?.price).toBe('1.5');
    expect(srv.requests[0]).toBe('/q?s=AAA,BBB,CCC');
    await waitFor(async () => (await sample(registry, 'side_car_api_http_status_code', { status_code: '2XX', status_code_exact: '200' })) >= 1);
    expect(await sample(registry, 'side_car_provider_status_responses_per_id', { id: 'aaa', status: 'success', code: '0', type: 'api' })).toBeGreaterThanOrEqual(1);
    expect(await sample(registry, 'side_car_provider_status_responses_per_id', { id: 'ccc', status: 'failure', code: '7' })).toBeGreaterThanOrEqual(1);
    expect(await sample(registry, 'side_car_api_response_internal_status', { id: 'ccc', internal_status: 'got no response' })).toBeGreaterThanOrEqual(1);
    expect(await histogramCount(registry, 'side_car_api_response_latency', { provider: 'fake', endpoint: 'redacted_url' })).toBeGreaterThanOrEqual(1);
  });

  it.each([
    [429, '4XX', '1', 'rate limit exceeded'],
    [404, '4XX', '404', 'unknown error'],
    [503, '5XX', '503', 'unknown error'],
  ])('classifies HTTP %i', async (status, bucket, code, internal) => {
    const srv = await server((_req, res) => { res.statusCode = status; res.end('{}'); });
    const { registry } = poller(srv.url, ['AAA']);
    await waitFor(async () => (await sample(registry, 'side_car_provider_status_responses', { status: 'failure', code })) >= 1);
    expect(await sample(registry, 'side_car_api_http_status_code', { status_code: bucket, status_code_exact: String(status) })).toBeGreaterThanOrEqual(1);
    expect(await sample(registry, 'side_car_api_response_internal_status', { id: 'aaa', internal_status: internal })).toBeGreaterThanOrEqual(1);
  });

  it('times out a slow server as code 2 and status 5XX/500', async () => {
    const srv = await server((_req, res) => { setTimeout(() => res.end('{"AAA":"1"}'), 1000).unref(); });
    const { registry, store } = poller(srv.url, ['AAA'], { timeout: 100, interval: 200 });
    await waitFor(async () => (await sample(registry, 'side_car_provider_status_responses', { status: 'failure', code: '2' })) >= 1);
    expect(await sample(registry, 'side_car_api_http_status_code', { status_code: '5XX', status_code_exact: '500' })).toBeGreaterThanOrEqual(1);
    expect(store.get('fake', 'AAA')).toBeUndefined();
  });

  it('reports a refused connection as code 2', async () => {
    const srv = await server((_req, res) => res.end('{}'));
    await cleanups.pop()?.();
    const { registry } = poller(srv.url, ['AAA']);
    await waitFor(async () => (await sample(registry, 'side_car_provider_status_responses_per_id', { id: 'aaa', code: '2' })) >= 1);
  });

  it('fails every ticker with code 12 on a body that is not JSON', async () => {
    const srv = await server((_req, res) => res.end('{"AAA": "1",'));
    const { registry } = poller(srv.url, ['AAA', 'BBB']);
    await waitFor(async () => (await sample(registry, 'side_car_provider_status_responses_per_id', { code: '12' })) >= 2);
    expect(await sample(registry, 'side_car_api_response_internal_status', { internal_status: 'failed to decode message' })).toBeGreaterThanOrEqual(2);
  });

  it('splits non-atomic providers into batches and rotates through them', async () => {
    const srv = await server((req, res) => {
      const ids = new URL(req.url ?? '', 'http://x').searchParams.get('s')?.split(',') ?? [];
      res.end(JSON.stringify(Object.fromEntries(ids.map((i) => [i, '1']))));
    });
    const { store } = poller(srv.url, ['A', 'B', 'C', 'D', 'E'], { atomic: false, batchSize: 2, interval: 20 });
    await waitFor(() => store.get('fake', 'E') && srv.requests.length >= 4);
    expect(srv.requests.slice(0, 4)).toEqual(['/q?s=A,B', '/q?s=C,D', '/q?s=E', '/q?s=A,B']);
  });

  it('drops what a request started before a ticker update says about a ticker removed meanwhile', async () => {
    const held: http.ServerResponse[] = [];
    const srv = await server((_req, res) => held.push(res));
    const { registry, store, p } = poller(srv.url, ['AAA', 'BBB', 'CCC'], { interval: 10_000, timeout: 5000 });
    await waitFor(() => held.length === 1);
    await p.update(['AAA', 'CCC'].map((t) => ({ offChainTicker: t, metadataJSON: '' })));
    held[0]?.end(JSON.stringify({ AAA: '1.5', BBB: '2.5' }));
    await waitFor(() => store.get('fake', 'AAA'));
    expect(store.get('fake', 'BBB')).toBeUndefined();
    for (const name of ['side_car_provider_status_responses_per_id', 'side_car_provider_last_updated_id', 'side_car_api_response_internal_status']) {
      expect(await sample(registry, name, { id: 'bbb' }), name).toBe(0);
    }
    expect(await sample(registry, 'side_car_provider_status_responses_per_id', { id: 'aaa', status: 'success' })).toBe(1);
    expect(await sample(registry, 'side_car_provider_status_responses_per_id', { id: 'ccc', status: 'failure' })).toBe(1);
  });

  it('never has more than maxQueries requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const srv = await server((_req, res) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      setTimeout(() => { inFlight -= 1; res.end('{"A":"1"}'); }, 120).unref();
    });
    poller(srv.url, ['A', 'B', 'C', 'D'], { atomic: false, maxQueries: 2, interval: 10, timeout: 1000 });
    await waitFor(() => srv.requests.length >= 6);
    expect(peak).toBe(2);
  });

  it('sends the API-key header of a single endpoint', async () => {
    const srv = await server((_req, res) => res.end('{"A":"1"}'));
    poller(srv.url, ['A'], { endpoints: [{ url: srv.url, authentication: { apiKey: 'k-123', apiKeyHeader: 'x-api-key' } }] });
    await waitFor(() => srv.headers.length > 0);
    expect(srv.headers[0]?.['x-api-key']).toBe('k-123');
  });

  it('rotates a failing endpoint out and uses each endpoint with its own key', async () => {
    const bad = await server((_req, res) => { res.statusCode = 503; res.end('{}'); });
    const good = await server((_req, res) => res.end('{"A":"3"}'));
    const auth = (apiKey: string) => ({ apiKey, apiKeyHeader: 'x-api-key' });
    const { store } = poller(bad.url, ['A'], { endpoints: [{ url: bad.url, authentication: auth('k-bad') }, { url: good.url, authentication: auth('k-good') }] });
    await waitFor(() => store.get('fake', 'A'));
    expect(store.get('fake', 'A')?.price).toBe('3');
    expect(bad.requests.length).toBeGreaterThanOrEqual(1);
    expect(good.headers[0]?.['x-api-key']).toBe('k-good');
    expect(bad.headers[0]?.['x-api-key']).toBe('k-bad');
    // Once on the healthy endpoint it stays there.
    const before = bad.requests.length;
    await waitFor(() => good.requests.length >= 4);
    expect(bad.requests.length).toBe(before);
  });
});
