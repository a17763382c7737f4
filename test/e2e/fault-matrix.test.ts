/**
 * The fault matrix: each fault injected through the simulator into one provider of a running
 * daemon. For each one: the process stays up, every market keeps being served on every tick
 * (the other providers carry it), the fault shows in the metric that should show it, and once
 * the fault clears the provider's feed is used again within its reconnection delay (WebSocket)
 * or polling interval (HTTP) + 2 s. Recovery times are printed as a table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fault, Simulator } from '../../src/sim/index.js';
import { startSimulator } from '../../src/sim/index.js';
import { parseExposition, startDaemon, type Daemon } from '../helpers/daemon.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { waitFor } from '../helpers/metrics.js';

const WS_RECONNECT_MS = 2000;
const HTTP_INTERVAL_MS: Record<string, number> = { kraken_api: 600, coinbase_api: 100, binance_api: 750 };
const PROVIDERS: Array<[string, string, string]> = [
  ['kraken_api', 'XXBTZUSD', 'XETHZUSD'],
  ['coinbase_api', 'BTC-USD', 'ETH-USD'],
  ['binance_api', 'BTCUSD', 'ETHUSD'],
  ['coinbase_ws', 'BTC-USD', 'ETH-USD'],
  ['okx_ws', 'BTC-USD', 'ETH-USD'],
  ['binance_ws', 'BTCUSD', 'ETHUSD'],
];
const map = marketMap(
  market('BTC/USD', 5, 2, PROVIDERS.map(([p, btc]) => feed(p, btc))),
  market('ETH/USD', 6, 2, PROVIDERS.map(([p, , eth]) => feed(p, eth))),
);

interface Case {
  provider: string;
  fault: Fault;
  /** Metric (and labels) that must grow while the fault is on. */
  shows: [string, Record<string, string>];
  /** A fault applied first, e.g. `drop` so that the connection re-subscribes into `fault`. */
  before?: Fault;
}

const PRICES = ['NaN', 'Infinity', '0', '-1', '1e300'];
const failure = (code?: string): [string, Record<string, string>] => ['side_car_provider_status_responses', code ? { status: 'failure', code } : { status: 'failure' }];

const http = (provider: string): Case[] => [
  { provider, fault: { mode: 'status', status: 500 }, shows: ['side_car_api_http_status_code', { status_code: '5XX', status_code_exact: '500' }] },
  { provider, fault: { mode: 'status', status: 429 }, shows: ['side_car_provider_status_responses', { status: 'failure', code: '1' }] },
  { provider, fault: { mode: 'slow', delayMs: 2500 }, shows: ['side_car_provider_status_responses', { status: 'failure', code: '2' }] },
  { provider, fault: { mode: 'malformed' }, shows: ['side_car_provider_status_responses', { status: 'failure', code: '12' }] },
  { provider, fault: { mode: 'trailing-garbage' }, shows: ['side_car_provider_status_responses', { status: 'failure', code: '12' }] },
  { provider, fault: { mode: 'bad-price' }, shows: ['side_car_provider_status_responses', { status: 'failure', code: '10' }] },
  { provider, fault: { mode: 'refuse' }, shows: failure('2') },
  { provider, fault: { mode: 'wrong-types' }, shows: failure('12') },
  { provider, fault: { mode: 'unknown-symbol' }, shows: failure() },
];
const ws = (provider: string): Case[] => [
  { provider, fault: { mode: 'drop' }, shows: ['side_car_web_socket_connection_status', { status: 'read_err' }] },
  { provider, fault: { mode: 'silent' }, shows: ['side_car_web_socket_connection_status', { status: 'read_err' }] },
  { provider, fault: { mode: 'malformed' }, shows: ['side_car_web_socket_data_handler_status', { status: 'handle_message_err' }] },
  { provider, fault: { mode: 'bad-price' }, shows: ['side_car_provider_status_responses', { status: 'failure', code: '10' }] },
];
const wsMore = (provider: string): Case[] => [
  { provider, fault: { mode: 'refuse' }, shows: ['side_car_web_socket_connection_status', { status: 'dial_err' }] },
  { provider, fault: { mode: 'wrong-types' }, shows: ['side_car_web_socket_data_handler_status', { status: 'handle_message_err' }] },
  { provider, fault: { mode: 'oversized' }, shows: ['side_car_web_socket_connection_status', { status: 'read_err' }] },
  { provider, before: { mode: 'drop' }, fault: { mode: 'error-ack' }, shows: ['side_car_web_socket_connection_status', { status: 'read_err' }] },
];
const prices = (provider: string): Case[] => PRICES.map((value) => ({ provider, fault: { mode: 'price', value }, shows: failure('10') }));
const cases: Case[] = [
  ...http('kraken_api'),
  ...http('coinbase_api'),
  ...prices('kraken_api'),
  ...ws('okx_ws'),
  ...ws('binance_ws'),
  ...ws('coinbase_ws'),
  ...wsMore('okx_ws'),
  ...wsMore('binance_ws'),
  ...prices('okx_ws'),
  { provider: 'coinbase_ws', fault: { mode: 'sequence-back' }, shows: ['side_car_web_socket_data_handler_status', { status: 'handle_message_err' }] },
];

let sim: Simulator;
let daemon: Daemon;
const recoveries: Array<{ provider: string; fault: string; ms: number; boundMs: number }> = [];

type Exposition = ReturnType<typeof parseExposition>;
const scrape = async (): Promise<Exposition> => parseExposition(await (await fetch(`${daemon.metricsUrl}/metrics`)).text());
const total = (f: Exposition, name: string, labels: Record<string, string>) =>
  f.get(name)?.samples.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0) ?? 0;
const ticks = (f: Exposition) => total(f, 'side_car_health_check_system_updates_total', {});
const served = (f: Exposition, id: string) => total(f, 'side_car_health_check_ticker_updates_total', { id });
const used = (f: Exposition, provider: string) => total(f, 'side_car_health_check_provider_updates_total', { provider, success: 'true' });
/** Prices received from the provider (quotes in the store stay usable for maxPriceAge, so
 *  recovery is measured by new prices arriving, not by the aggregation using held ones). */
const received = (f: Exposition, provider: string) => total(f, 'side_car_provider_status_responses', { provider, status: 'success' });

beforeAll(async () => {
  sim = await startSimulator({ seed: 21, pushIntervalMs: 200 });
  const override = sim.oracleOverride() as { providers: Record<string, { api?: object; webSocket?: object }> };
  const providers: Record<string, object> = {};
  for (const [name] of PROVIDERS) {
    const p = override.providers[name] ?? {};
    providers[name] = p.webSocket
      ? { webSocket: { ...p.webSocket, reconnectionTimeout: `${WS_RECONNECT_MS}ms`, readTimeout: '2s' } }
      : { api: { ...p.api, timeout: '1s', interval: `${HTTP_INTERVAL_MS[name]}ms` } };
  }
  daemon = await startDaemon({ providers }, map);
  await waitFor(async () => {
    const f = await scrape();
    return PROVIDERS.every(([p]) => used(f, p) > 0);
  }, 20_000, 200);
});

afterAll(async () => {
  console.log(['provider        fault              recovered   bound', ...recoveries.map((r) => `${r.provider.padEnd(15)} ${r.fault.padEnd(18)} ${String(r.ms).padStart(6)} ms  ${r.boundMs} ms`)].join('\n'));
  await daemon?.stop();
  await sim?.close();
});

describe('fault matrix', () => {
  for (const c of cases) {
    const label = c.fault.mode === 'status' ? `status ${c.fault.status}` : c.fault.mode === 'price' ? `price ${c.fault.value}` : c.fault.mode;
    it(`${c.provider}: ${label}`, async () => {
      const [metric, labels] = c.shows;
      const before = await scrape();
      if (c.before) {
        sim.setFault(c.provider, c.before);
        await new Promise((r) => setTimeout(r, 300));
      }
      sim.setFault(c.provider, c.fault);
      await waitFor(async () => total(await scrape(), metric, { provider: c.provider, ...labels }) > total(before, metric, { provider: c.provider, ...labels }), 15_000, 100);
      await new Promise((r) => setTimeout(r, 1000));
      const during = await scrape();
      // Every tick while the fault was on served both markets.
      const tickDelta = ticks(during) - ticks(before);
      expect(tickDelta).toBeGreaterThan(3);
      expect(served(during, 'btc/usd') - served(before, 'btc/usd')).toBe(tickDelta);
      expect(served(during, 'eth/usd') - served(before, 'eth/usd')).toBe(tickDelta);

      // While the fault is on, the provider delivers no new price.
      const stalled = received(await scrape(), c.provider);
      await new Promise((r) => setTimeout(r, 300));
      const stalledAfter = received(await scrape(), c.provider);
      expect(stalledAfter - stalled, 'new prices during the fault').toBe(0);
      sim.setFault(c.provider, { mode: 'none' });
      const t0 = Date.now();
      const boundMs = (c.provider.endsWith('_ws') ? WS_RECONNECT_MS : (HTTP_INTERVAL_MS[c.provider] ?? 1000)) + 2000;
      await waitFor(async () => received(await scrape(), c.provider) > stalledAfter, boundMs + 5000, 50);
      const ms = Date.now() - t0;
      recoveries.push({ provider: c.provider, fault: label, ms, boundMs });
      expect(ms).toBeLessThanOrEqual(boundMs);
      expect(daemon.child.exitCode).toBeNull();
    }, 40_000);
  }
});

describe('a flood of messages', () => {
  it('leaves the metrics and price endpoints answering within 1 s, every tick served, and SIGTERM exits 0 within 3 s', async () => {
    const before = await scrape();
    const reads = total(before, 'side_car_web_socket_connection_status', { provider: 'binance_ws', status: 'read_success' });
    for (const p of ['binance_ws', 'okx_ws', 'coinbase_ws']) sim.setFault(p, { mode: 'flood', factor: 300 });
    const latencies: number[] = [];
    const end = Date.now() + 4000;
    while (Date.now() < end) {
      for (const url of [`${daemon.metricsUrl}/metrics`, `${daemon.apiUrl}/connect/oracle/v2/prices`]) {
        const t0 = performance.now();
        const res = await fetch(url);
        await res.text();
        latencies.push(performance.now() - t0);
        expect(res.status).toBe(200);
      }
    }
    const during = await scrape();
    const rate = (total(during, 'side_car_web_socket_connection_status', { provider: 'binance_ws', status: 'read_success' }) - reads) / 4;
    console.log(`flood: binance_ws ${Math.round(rate)} messages/s; endpoint latency max ${Math.round(Math.max(...latencies))} ms over ${latencies.length} requests`);
    expect(rate).toBeGreaterThan(1000);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    const tickDelta = ticks(during) - ticks(before);
    expect(tickDelta).toBeGreaterThan(10);
    expect(served(during, 'btc/usd') - served(before, 'btc/usd')).toBe(tickDelta);
    const t0 = Date.now();
    const code = await daemon.stop('SIGTERM');
    const took = Date.now() - t0;
    console.log(`SIGTERM during the flood: exit ${code} after ${took} ms`);
    expect(code).toBe(0);
    expect(took).toBeLessThan(3000);
  }, 30_000);
});
