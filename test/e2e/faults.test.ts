/**
 * Faults injected through the simulator's control API show in the daemon's metrics while
 * every market keeps being served from the other providers, and the feed comes back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { ROOT, parseExposition, startDaemon, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/metrics.js';

const market = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as { markets: Record<string, unknown> };
let sim: Simulator;
let daemon: Daemon;

const scrape = async () => parseExposition(await (await fetch(`${daemon.metricsUrl}/metrics`)).text());
const value = async (family: string, labels: Record<string, string>, sampleName = family) =>
  (await scrape()).get(family)?.samples.filter((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0) ?? 0;
const served = async () => Object.keys(((await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/prices`)).json()) as { prices: object }).prices).length;

async function fault(exchange: string, f: object): Promise<void> {
  const res = await fetch(`${sim.controlUrl}/fault`, { method: 'POST', body: JSON.stringify({ exchange, fault: f }), headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 11 });
  const override = sim.oracleOverride() as { providers: Record<string, { webSocket?: object }> };
  for (const p of Object.values(override.providers)) if (p.webSocket) Object.assign(p.webSocket, { reconnectionTimeout: '1s' });
  daemon = await startDaemon({ ...override, updateInterval: '100ms' }, market);
  await waitFor(async () => (await served()) === Object.keys(market.markets).length, 15_000);
});

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('faults injected through the simulator', () => {
  it('kraken_api answering 500: counted as 5XX/500, markets still served, feed back after clearing', async () => {
    await fault('kraken_api', { mode: 'status', status: 500 });
    await waitFor(async () => (await value('side_car_api_http_status_code', { provider: 'kraken_api', status_code: '5XX', status_code_exact: '500' })) >= 2, 10_000);
    expect(await value('side_car_provider_status_responses_per_id', { provider: 'kraken_api', id: 'xxbtzusd', status: 'failure', code: '500' })).toBeGreaterThanOrEqual(1);
    expect(await served()).toBe(Object.keys(market.markets).length);
    await fault('kraken_api', { mode: 'none' });
    const before = await value('side_car_provider_status_responses_per_id', { provider: 'kraken_api', id: 'xxbtzusd', status: 'success' });
    await waitFor(async () => (await value('side_car_provider_status_responses_per_id', { provider: 'kraken_api', id: 'xxbtzusd', status: 'success' })) > before, 5000);
  });

  it('coinbase_api answering 429: rate-limit code 1 and 4XX/429', async () => {
    await fault('coinbase_api', { mode: 'status', status: 429 });
    await waitFor(async () => (await value('side_car_provider_status_responses', { provider: 'coinbase_api', status: 'failure', code: '1' })) >= 1, 10_000);
    expect(await value('side_car_api_http_status_code', { provider: 'coinbase_api', status_code: '4XX', status_code_exact: '429' })).toBeGreaterThanOrEqual(1);
    expect(await value('side_car_api_response_internal_status', { provider: 'coinbase_api', internal_status: 'rate limit exceeded' })).toBeGreaterThanOrEqual(1);
    await fault('coinbase_api', { mode: 'none' });
  });

  it('okx_ws sockets dropped: read_err and unhealthy counted, then it reconnects and streams again', async () => {
    const dials = await value('side_car_web_socket_connection_status', { provider: 'okx_ws', status: 'dial_success' });
    await fault('okx_ws', { mode: 'drop' });
    await waitFor(async () => (await value('side_car_web_socket_connection_status', { provider: 'okx_ws', status: 'read_err' })) >= 1, 10_000);
    expect(await value('side_car_web_socket_connection_status', { provider: 'okx_ws', status: 'unhealthy' })).toBeGreaterThanOrEqual(1);
    expect(await served()).toBe(Object.keys(market.markets).length);
    await fault('okx_ws', { mode: 'none' });
    await waitFor(async () => (await value('side_car_web_socket_connection_status', { provider: 'okx_ws', status: 'dial_success' })) > dials + 0, 10_000);
    const reads = await value('side_car_web_socket_connection_status', { provider: 'okx_ws', status: 'read_success' });
    await waitFor(async () => (await value('side_car_web_socket_connection_status', { provider: 'okx_ws', status: 'read_success' })) > reads, 5000);
  });

  it('binance_ws sending a bad price: that feed is rejected, never served', async () => {
    await fault('binance_ws', { mode: 'bad-price' });
    await waitFor(async () => (await value('side_car_provider_status_responses_per_id', { provider: 'binance_ws', id: 'btcusdt', status: 'failure', code: '10' })) >= 1, 10_000);
    await fault('binance_ws', { mode: 'none' });
  });
});
