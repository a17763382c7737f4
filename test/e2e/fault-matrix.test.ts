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
}

const http = (provider: string): Case[] => [
  { provider, fault: { mode: 'status', status: 500 }, shows: ['side_car_api_http_status_code', { status_code: '5XX', status_code_exact: '500' }] },
  { provider, fault: { mode: 'status', status: 429 }, shows: ['side_car_provider_status_responses', { status: 'failure', code: '1' }] },
  { provider, fault: { mode: 'slow', delayMs: 2500 }, shows: ['side_car_provider_status_responses', { status: 'failure', code: '2' }] },
  { provider, fault: { mode: 'malformed' }, shows: ['side_car_provider_status_responses', { status: 'failure', code: '12' }] },
  { provider, fault: { mode: 'trailing-garbage' }, shows: ['side_car_provider_status_responses', { status: 'failure', code: '12' }] },
  { provider, fault: { mode: 'bad-price' }, shows: ['side_car_provider_status_responses', { status: 'failure', code: '10' }] },
];
const ws = (provider: string): Case[] => [
  { provider, fault: { mode: 'drop' }, shows: ['side_car_web_socket_connection_status', { status: 'read_err' }] },
  { provider, fault: { mode: 'silent' }, shows: ['side_car_web_socket_connection_status', { status: 'read_err' }] },
  { provider, fault: { mode: 'malformed' }, shows: ['side_car_web_socket_data_handler_status', { status: 'handle_message_err' }] },
  { provider, fault: { mode: 'bad-price' }, shows: ['side_car_provider_status_responses', { status: 'failure', code: '10' }] },
];
const cases: Case[] = [
  ...http('kraken_api'),
  ...http('coinbase_api'),
  ...ws('okx_ws'),
  ...ws('binance_ws'),
  ...ws('coinbase_ws'),
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
    const label = c.fault.mode === 'status' ? `status ${c.fault.status}` : c.fault.mode;
    it(`${c.provider}: ${label}`, async () => {
      const [metric, labels] = c.shows;
      const before = await scrape();
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
      expect(stalledAfter - stalled, 'new prices during the fault').toBeLessThanOrEqual(c.fault.mode === 'bad-price' ? 1 : 0);
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
