/** market.json hot reload in the built daemon: on file change and on SIGHUP. */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { parseExposition, startDaemon, type Daemon } from '../helpers/daemon.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { waitFor } from '../helpers/metrics.js';

let sim: Simulator;
let daemon: Daemon;

const v1 = marketMap(
  market('BTC/USD', 5, 1, [feed('coinbase_ws', 'BTC-USD'), feed('kraken_api', 'XXBTZUSD')]),
  market('ETH/USD', 6, 1, [feed('okx_ws', 'ETH-USD'), feed('kraken_api', 'XETHZUSD')]),
);
const v2 = marketMap(
  market('BTC/USD', 5, 1, [feed('coinbase_ws', 'BTC-USD'), feed('kraken_api', 'XXBTZUSD')]),
  market('SOL/USD', 8, 2, [feed('binance_ws', 'SOLUSD'), feed('kraken_api', 'SOLUSD')]),
);

const prices = async () => ((await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/prices`)).json()) as { prices: Record<string, string> }).prices;
const metric = async (name: string, labels: Record<string, string> = {}) =>
  parseExposition(await (await fetch(`${daemon.metricsUrl}/metrics`)).text()).get(name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

beforeAll(async () => {
  sim = await startSimulator({ seed: 2 });
  daemon = await startDaemon(sim.oracleOverride(), v1);
  await waitFor(async () => Object.keys(await prices()).length === 2, 15_000);
  await waitFor(async () => (await metric('side_car_web_socket_connection_status', { provider: 'coinbase_ws', status: 'healthy' })) === 1, 15_000);
  await waitFor(async () => (await metric('side_car_web_socket_connection_status', { provider: 'okx_ws', status: 'healthy' })) === 1, 15_000);
});

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('market.json hot reload', () => {
  it('applies a valid map within 2 s and leaves unaffected connections alone', async () => {
    const dials = await metric('side_car_web_socket_connection_status', { provider: 'coinbase_ws', status: 'dial_success' });
    expect(dials).toBe(1);
    const t0 = Date.now();
    writeFileSync(daemon.marketPath, JSON.stringify(v2));
    await waitFor(async () => {
      const mm = (await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/marketmap`)).json()) as { market_map: { markets: object } };
      return Object.keys(mm.market_map.markets).join() === 'BTC/USD,SOL/USD';
    }, 2000, 50);
    const applied = Date.now() - t0;
    expect(applied).toBeLessThan(2000);
    await waitFor(async () => (await prices())['SOL/USD'] !== undefined, 10_000);
    expect(Object.keys(await prices()).sort()).toEqual(['BTC/USD', 'SOL/USD']);
    // coinbase_ws kept its only ticker: same connection, no new dial.
    expect(await metric('side_car_web_socket_connection_status', { provider: 'coinbase_ws', status: 'dial_success' })).toBe(1);
    expect(sim.connections('coinbase_ws')).toBe(1);
    // okx_ws lost every ticker and closed; binance_ws is new.
    await waitFor(() => sim.connections('okx_ws') === 0, 5000);
    expect(sim.connections('binance_ws')).toBe(1);
    expect(await metric('side_car_config_last_reload_successful')).toBe(1);
    expect(await metric('side_car_config_last_reload_success_timestamp_seconds')).toBeGreaterThanOrEqual(Math.floor(t0 / 1000));
    console.log(`market map applied ${applied} ms after the file was written`);
  });

  it('rejects an invalid map, logs every problem by key path and keeps serving the previous one', async () => {
    const bad = JSON.parse(JSON.stringify(v2)) as { markets: Record<string, { ticker: { decimals: number; min_provider_count: number } }> };
    const sol = bad.markets['SOL/USD'];
    if (sol) {
      sol.ticker.decimals = 0;
      sol.ticker.min_provider_count = 5;
    }
    writeFileSync(daemon.marketPath, JSON.stringify(bad));
    await waitFor(async () => (await metric('side_car_config_last_reload_successful')) === 0, 3000, 50);
    expect(daemon.stdout()).toContain('markets[\\"SOL/USD\\"].ticker.decimals');
    expect(daemon.stdout()).toContain('min_provider_count');
    expect(Object.keys(await prices()).sort()).toEqual(['BTC/USD', 'SOL/USD']);
    const mm = (await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/marketmap`)).json()) as { market_map: { markets: Record<string, { ticker: { decimals: string } }> } };
    expect(mm.market_map.markets['SOL/USD']?.ticker.decimals).toBe('8');
  });

  it('reloads on SIGHUP', async () => {
    writeFileSync(daemon.marketPath, JSON.stringify(v2));
    await waitFor(async () => (await metric('side_car_config_last_reload_successful')) === 1, 3000, 50);
    const before = daemon.stdout().split('market map reloaded').length;
    daemon.child.kill('SIGHUP');
    await waitFor(() => daemon.stdout().split('market map reloaded').length > before, 3000, 50);
    expect(daemon.child.exitCode).toBeNull();
  });
});
