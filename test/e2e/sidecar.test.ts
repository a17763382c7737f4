/**
 * End to end: the built daemon, as a separate process, against the exchange simulator over
 * real sockets, configured only through an --oracle-config override of the endpoints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { ROOT, parseExposition, startDaemon, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/metrics.js';

const market = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as MarketMap;
const MARKETS = Object.keys(market.markets).sort();

type Exposition = ReturnType<typeof parseExposition>;

/** Scrape until `ready` holds (up to 10 s), then return that scrape. */
async function scrapeUntil(ready: (f: Exposition) => boolean): Promise<Exposition> {
  let last: Exposition = new Map();
  await waitFor(async () => ready((last = parseExposition(await (await fetch(`${daemon.metricsUrl}/metrics`)).text()))), 10_000, 200).catch(() => undefined);
  return last;
}

let sim: Simulator;
let daemon: Daemon;

async function prices(): Promise<{ prices: Record<string, string>; timestamp: string; version: string }> {
  const res = await fetch(`${daemon.apiUrl}/connect/oracle/v2/prices`);
  expect(res.status).toBe(200);
  return (await res.json()) as { prices: Record<string, string>; timestamp: string; version: string };
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 42 });
  sim.book.freeze(true);
  daemon = await startDaemon({ ...sim.oracleOverride(), updateInterval: '100ms' }, market);
  await waitFor(async () => Object.keys((await prices()).prices).length === MARKETS.length, 15_000);
});

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('prices served from the simulator', () => {
  it('serves every market of market.json as an integer string close to the book', async () => {
    const body = await prices();
    expect(Object.keys(body.prices)).toEqual(MARKETS);
    for (const key of MARKETS) {
      const m = market.markets[key];
      const [base = '', quote = ''] = key.split('/');
      const truth = (sim.book.usd(base) ?? NaN) / (quote === 'USD' ? 1 : (sim.book.usd(quote) ?? NaN));
      const served = body.prices[key] ?? '';
      expect(served).toMatch(/^\d+$/);
      const value = Number(served) / 10 ** (m?.ticker.decimals ?? 0);
      // Exchange offsets are a few basis points; normalisation adds the USDT/USD error.
      expect(Math.abs(value / truth - 1), key).toBeLessThan(0.002);
    }
    expect(new Date(body.timestamp).getTime()).toBeGreaterThan(Date.now() - 5000);
    expect(body.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('reports each direct feed at exactly the price its exchange quotes', async () => {
    const cases: Array<[string, string, string]> = [
      ['kraken_api', 'XXBTZUSD', 'btc/usd'],
      ['coinbase_api', 'ETH-USD', 'eth/usd'],
      ['coinbase_ws', 'SOL-USD', 'sol/usd'],
    ];
    // A market is served once min_provider_count feeds are in, possibly before these three.
    const has = (f: Exposition, provider: string, id: string) => f.get('side_car_provider_price')?.samples.some((s) => s.labels.provider === provider && s.labels.id === id);
    const gauge = (await scrapeUntil((f) => cases.every(([p, , id]) => has(f, p, id)))).get('side_car_provider_price');
    for (const [provider, symbol, id] of cases) {
      const quoted = sim.quote(provider, symbol);
      const reported = gauge?.samples.find((s) => s.labels.provider === provider && s.labels.id === id)?.value;
      expect(quoted, `${provider} ${symbol}`).toBeDefined();
      expect(reported, `${provider} ${id}`).toBeCloseTo(quoted ?? NaN, 6);
    }
  });

  it('serves the median of the feeds for a market', async () => {
    const count = market.markets['ETH/USD']?.provider_configs.length;
    const ethFeeds = (f: Exposition) => f.get('side_car_provider_price')?.samples.filter((s) => s.labels.id === 'eth/usd').length;
    const fams = await scrapeUntil((f) => ethFeeds(f) === count);
    const feeds = fams.get('side_car_provider_price')?.samples.filter((s) => s.labels.id === 'eth/usd').map((s) => s.value).sort((a, b) => a - b) ?? [];
    const agg = fams.get('side_car_aggregated_price')?.samples.find((s) => s.labels.id === 'eth/usd')?.value;
    expect(feeds.length).toBe(market.markets['ETH/USD']?.provider_configs.length);
    const mid = feeds.length / 2;
    const median = feeds.length % 2 ? feeds[Math.floor(mid)] : ((feeds[mid - 1] ?? 0) + (feeds[mid] ?? 0)) / 2;
    expect(agg).toBeCloseTo(median ?? NaN, 6);
  });

  it('serves the market map and the version in connect JSON', async () => {
    const mm = (await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/marketmap`)).json()) as { market_map: { markets: Record<string, { ticker: { decimals: string; min_provider_count: string } }> } };
    expect(Object.keys(mm.market_map.markets).sort()).toEqual(MARKETS);
    expect(mm.market_map.markets['BTC/USD']?.ticker.decimals).toBe(String(market.markets['BTC/USD']?.ticker.decimals));
    const v = await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/version`)).json();
    expect(v).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    const missing = await fetch(`${daemon.apiUrl}/connect/oracle/v1/prices`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 5, message: 'Not Found' });
  });

  it('moves prices when the book moves', async () => {
    const before = (await prices()).prices['BTC/USD'];
    sim.book.set('BTC', (sim.book.usd('BTC') ?? 0) * 1.01);
    await waitFor(async () => Number((await prices()).prices['BTC/USD']) / Number(before) > 1.005, 10_000);
    const after = Number((await prices()).prices['BTC/USD']);
    expect(after / Number(before)).toBeGreaterThan(1.003);
  });
});

describe('metrics in a real scrape', () => {
  const FAMILIES: Record<string, string> = {
    side_car_health_check_system_updates_total: 'counter',
    side_car_health_check_ticker_updates_total: 'counter',
    side_car_provider_price: 'gauge',
    side_car_aggregated_price: 'gauge',
    side_car_health_check_provider_updates_total: 'counter',
    side_car_health_check_market_providers: 'gauge',
    side_car_connect_build_info: 'gauge',
    side_car_provider_status_responses_per_id: 'counter',
    side_car_provider_status_responses: 'counter',
    side_car_provider_last_updated_id: 'gauge',
    side_car_api_response_internal_status: 'counter',
    side_car_api_http_status_code: 'counter',
    side_car_api_rpc_status_code: 'counter',
    side_car_api_response_latency: 'histogram',
    side_car_web_socket_connection_status: 'counter',
    side_car_web_socket_data_handler_status: 'counter',
    side_car_web_socket_response_time: 'histogram',
  };

  it('exports all 17 connect families with their types, on /metrics and on /', async () => {
    for (const path of ['/metrics', '/']) {
      const fams = parseExposition(await (await fetch(`${daemon.metricsUrl}${path}`)).text());
      for (const [name, type] of Object.entries(FAMILIES)) expect(fams.get(name)?.type, name).toBe(type);
    }
  });

  it('has samples in every family a CEX side-car produces, with connect label values', async () => {
    // Every subscription is written within a few seconds (binance_ws: 300 ms apart).
    const feeds = new Set(Object.values(market.markets).flatMap((m) => m.provider_configs.map((pc) => `${pc.name} ${pc.off_chain_ticker}`)));
    const fams = await scrapeUntil((f) => f.get('side_car_provider_last_updated_id')?.samples.length === feeds.size);
    expect(fams.get('side_car_provider_last_updated_id')?.samples.length).toBe(feeds.size);
    // side_car_api_rpc_status_code belongs to the RPC (DeFi / market-map) providers only.
    for (const name of Object.keys(FAMILIES).filter((n) => n !== 'side_car_api_rpc_status_code')) {
      expect(fams.get(name)?.samples.length, name).toBeGreaterThan(0);
    }
    const has = (sampleName: string, labels: Record<string, string>) =>
      fams.get(sampleName.replace(/_bucket$/, ''))?.samples.some((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(has('side_car_provider_price', { provider: 'kraken_api', id: 'btc/usd', decimals: '5' }), 'side_car_provider_price').toBe(true);
    expect(has('side_car_health_check_ticker_updates_total', { id: 'usdt/usd' }), 'side_car_health_check_ticker_updates_total').toBe(true);
    expect(has('side_car_provider_status_responses_per_id', { provider: 'binance_ws', id: 'btcusdt', status: 'success', code: '0', type: 'websockets' }), 'side_car_provider_status_responses_per_id').toBe(true);
    expect(has('side_car_provider_status_responses', { provider: 'kraken_api', status: 'success', code: '0', type: 'api' }), 'side_car_provider_status_responses').toBe(true);
    expect(has('side_car_provider_last_updated_id', { provider: 'okx_ws', id: 'btc-usdt', type: 'websockets' }), 'side_car_provider_last_updated_id').toBe(true);
    expect(has('side_car_api_http_status_code', { provider: 'coinbase_api', status_code: '2XX', status_code_exact: '200' }), 'side_car_api_http_status_code').toBe(true);
    expect(has('side_car_api_response_internal_status', { provider: 'binance_api', id: 'ethusdt', internal_status: 'success' }), 'side_car_api_response_internal_status').toBe(true);
    expect(has('side_car_api_response_latency_bucket', { provider: 'kraken_api', endpoint: 'redacted_url', le: '50' }), 'side_car_api_response_latency_bucket').toBe(true);
    for (const status of ['dial_success', 'write_success', 'healthy', 'read_success']) {
      expect(has('side_car_web_socket_connection_status', { provider: 'okx_ws', status }), status).toBe(true);
    }
    expect(has('side_car_web_socket_data_handler_status', { provider: 'coinbase_ws', status: 'handle_message_success' }), 'side_car_web_socket_data_handler_status').toBe(true);
    expect(has('side_car_web_socket_response_time_bucket', { provider: 'binance_ws', le: '2000' }), 'side_car_web_socket_response_time_bucket').toBe(true);
    expect(fams.get('side_car_connect_build_info')?.samples[0]?.value).toBe(1);
    expect(fams.get('process_resident_memory_bytes')?.samples.length).toBe(1);
    expect(fams.get('promhttp_metric_handler_requests_total')?.samples.length).toBeGreaterThan(0);
  });

  it('counts one system update per tick', async () => {
    const read = async () => parseExposition(await (await fetch(`${daemon.metricsUrl}/metrics`)).text()).get('side_car_health_check_system_updates_total')?.samples[0]?.value ?? 0;
    const a = await read();
    await new Promise((r) => setTimeout(r, 1000));
    const b = await read();
    // updateInterval is 100 ms: about ten ticks a second.
    expect(b - a).toBeGreaterThanOrEqual(7);
    expect(b - a).toBeLessThanOrEqual(12);
  });
});
