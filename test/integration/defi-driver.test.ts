/**
 * The DeFi half of the HTTP driver: DefiTransport against loopback servers (per-endpoint keys,
 * timeout, metrics labelled by endpoint index, no URL in errors) and HttpPoller running a
 * DeFi adapter on its schedule. The adapter here is a fake (pure logic); the real ones are
 * tested against the simulated nodes in sim-uniswapv3/raydium/osmosis.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { apiDefaults } from '../../src/config/provider-defaults.js';
import type { ApiConfig } from '../../src/config/types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { ProviderMetrics } from '../../src/metrics/provider.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { DefiTransport } from '../../src/providers/defi-transport.js';
import { HttpPoller } from '../../src/providers/http-poller.js';
import { ProviderSink } from '../../src/providers/sink.js';
import type { DefiExchange, ProviderTicker } from '../../src/providers/types.js';
import { undici } from '../../src/providers/undici.js';
import { histogramCount, sample, waitFor } from '../helpers/metrics.js';
import { silentLog } from '../helpers/silent-log.js';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function server(handler: Handler): Promise<{ url: string; seen: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }> }> {
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  const s = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => { s.closeAllConnections(); s.close(() => r()); }));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen };
}

function transport(config: ApiConfig) {
  const registry = new Registry();
  const metrics = new ProviderMetrics(createMetrics(registry, false), 'fake_defi', 'api');
  const agent = new (undici().Agent)();
  cleanups.push(() => agent.destroy());
  return { registry, t: new DefiTransport(config, agent, metrics) };
}

const endpoint = (url: string, apiKey = '', apiKeyHeader = '') => ({ url, authentication: { apiKey, apiKeyHeader } });

describe('DefiTransport', () => {
  it('sends each endpoint its own key, a JSON POST body and a User-Agent', async () => {
    const a = await server((_q, _b, res) => res.end('{"n":1}'));
    const b = await server((_q, _b, res) => res.end('{"n":2}'));
    const config = { ...apiDefaults('fake_defi', a.url, {}), endpoints: [endpoint(a.url, 'key-a', 'X-Api-Key'), endpoint(`${b.url}/rpc/`, 'key-b', 'X-Api-Key')] };
    const { t } = transport(config);
    expect(t.endpoints).toBe(2);
    const read = (r: { body: unknown }) => (r.body as { n: number }).n;
    expect(await t.request(0, { method: 'POST', body: [{ id: 1 }] }, read)).toBe(1);
    expect(await t.request(1, { method: 'GET', path: '/x?y=ibc/ABC' }, read)).toBe(2);
    expect(a.seen[0]?.headers['x-api-key']).toBe('key-a');
    expect(a.seen[0]?.headers['content-type']).toBe('application/json');
    expect(a.seen[0]?.headers['user-agent']).toMatch(/^oracle-sidecar\//);
    expect(JSON.parse(a.seen[0]?.body ?? '')).toEqual([{ id: 1 }]);
    expect(b.seen[0]?.headers['x-api-key']).toBe('key-b');
    expect(b.seen[0]?.url).toBe('/rpc/x?y=ibc/ABC');
  });

  it('counts ok and request_error per endpoint index, with latency, and never names the URL', async () => {
    const ok = await server((_q, _b, res) => res.end('{"ok":true}'));
    const slow = await server((_q, _b, res) => setTimeout(() => res.end('{}'), 400));
    const config = { ...apiDefaults('fake_defi', ok.url, { timeout: 150 }), endpoints: [endpoint(ok.url), endpoint(`${slow.url}/secret-token-path`)] };
    const { t, registry } = transport(config);
    expect(await t.request(0, { method: 'GET', path: '/' }, () => 'fine')).toBe('fine');
    const notJson = await t.request(0, { method: 'GET', path: '/' }, (r) => (r.body === undefined ? new Error('not JSON') : new Error(`status ${r.status}`)));
    expect((notJson as Error).message).toBe('status 200');
    const timedOut = await t.request(1, { method: 'GET', path: '/' }, () => 'never');
    expect(timedOut).toBeInstanceOf(Error);
    expect((timedOut as Error).message).toBe('request timed out');
    expect((timedOut as Error).message).not.toContain('secret-token-path');
    const thrown = await t.request(0, { method: 'GET', path: '/' }, () => { throw new Error('boom'); });
    expect((thrown as Error).message).toBe('unreadable answer: boom');
    const e0 = 'redacted_endpoint_index=0';
    const e1 = 'redacted_endpoint_index=1';
    expect(await sample(registry, 'side_car_api_rpc_status_code', { provider: 'fake_defi', status_code: 'ok', endpoint: e0 })).toBe(1);
    expect(await sample(registry, 'side_car_api_rpc_status_code', { provider: 'fake_defi', status_code: 'request_error', endpoint: e0 })).toBe(2);
    expect(await sample(registry, 'side_car_api_rpc_status_code', { provider: 'fake_defi', status_code: 'request_error', endpoint: e1 })).toBe(1);
    expect(await histogramCount(registry, 'side_car_api_response_latency', { provider: 'fake_defi', endpoint: e0 })).toBe(3);
    expect(await histogramCount(registry, 'side_car_api_response_latency', { provider: 'fake_defi', endpoint: e1 })).toBe(1);
    expect(await sample(registry, 'side_car_api_http_status_code', { provider: 'fake_defi', status_code: '2XX', status_code_exact: '200' })).toBe(3);
    expect(await registry.metrics()).not.toContain('secret-token-path');
  });

  it('holds one block-age check per provider', async () => {
    const { t } = transport({ ...apiDefaults('fake_defi', 'http://127.0.0.1:1', { maxBlockHeightAge: 0 }) });
    expect(t.checkHeight(10n)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 5));
    expect(t.checkHeight(10n)?.message).toMatch(/height 10 is stale/);
  });
});

describe('HttpPoller with a DeFi adapter', () => {
  it('runs each batch through the adapter, stores prices, counts per-ticker status, and survives a throwing adapter', async () => {
    const node = await server((_q, body, res) => res.end(JSON.stringify({ height: 7, echo: body })));
    let calls = 0;
    const adapter: DefiExchange = {
      kind: 'defi',
      defaults: apiDefaults('fake_defi', node.url, {}),
      async fetch(tickers, ctx) {
        calls++;
        if (tickers.some((t) => t.offChainTicker === 'BOOM')) throw new Error('adapter bug');
        const answer = await ctx.request(0, { method: 'POST', body: tickers.map((t) => t.offChainTicker) }, (r) => r.body as { height: number });
        if (answer instanceof Error) return { resolved: [], unresolved: tickers.map((t) => ({ ticker: t.offChainTicker, code: 13, reason: answer.message })) };
        return { resolved: tickers.map((t) => ({ ticker: t.offChainTicker, price: `${answer.height}.5` })), unresolved: [] };
      },
    };
    const registry = new Registry();
    const metrics = new ProviderMetrics(createMetrics(registry, false), 'fake_defi', 'api');
    const store = new QuoteStore();
    const config = apiDefaults('fake_defi', node.url, { batchSize: 2, maxQueries: 3, interval: 60_000 });
    const tickers: ProviderTicker[] = ['A', 'B', 'C', 'BOOM'].map((t) => ({ offChainTicker: t, metadataJSON: '{}' }));
    const p = new HttpPoller({ name: 'fake_defi', config, exchange: adapter, tickers, sink: new ProviderSink(store, metrics), metrics, log: silentLog() });
    cleanups.push(() => p.stop());
    p.start();
    await waitFor(() => store.get('fake_defi', 'B'));
    await waitFor(async () => (await sample(registry, 'side_car_api_response_internal_status', { provider: 'fake_defi', id: 'boom', internal_status: 'unknown error' })) >= 1);
    expect(calls).toBe(2);
    expect(store.get('fake_defi', 'A')?.price).toBe('7.5');
    expect(store.get('fake_defi', 'C')).toBeUndefined();
    expect(JSON.parse(node.seen[0]?.body ?? '')).toEqual(['A', 'B']);
    expect(await sample(registry, 'side_car_api_response_internal_status', { provider: 'fake_defi', id: 'a', internal_status: 'success' })).toBe(1);
    expect(await sample(registry, 'side_car_api_response_internal_status', { provider: 'fake_defi', id: 'c', internal_status: 'unknown error' })).toBe(1);
    // The DeFi path observes latency per endpoint call, never the REST fetcher's redacted_url.
    expect(await histogramCount(registry, 'side_car_api_response_latency', { provider: 'fake_defi', endpoint: 'redacted_url' })).toBe(0);
  });
});
