/** A real Prometheus scrapes the built daemon, which runs against the simulator. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { ROOT, startDaemon, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/metrics.js';
import { startPrometheus, type Prometheus } from '../helpers/prometheus.js';

let sim: Simulator;
let daemon: Daemon;
let prom: Prometheus;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3 });
  const market = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as object;
  daemon = await startDaemon(sim.oracleOverride(), market);
  prom = await startPrometheus([daemon.metricsUrl.replace('http://', '')]);
  await waitFor(async () => (await prom.query('up{job="oracle-sidecar"} == 1')).length === 1, 20_000, 250);
});

afterAll(async () => {
  await prom?.stop();
  await daemon?.stop();
  await sim?.close();
});

describe('Prometheus scraping the side-car', () => {
  it('stores every side_car_ family a CEX side-car exports', async () => {
    const expected = [
      'side_car_health_check_system_updates_total', 'side_car_health_check_ticker_updates_total',
      'side_car_provider_price', 'side_car_aggregated_price', 'side_car_health_check_provider_updates_total',
      'side_car_health_check_market_providers', 'side_car_connect_build_info',
      'side_car_provider_status_responses_per_id', 'side_car_provider_status_responses',
      'side_car_provider_last_updated_id', 'side_car_api_response_internal_status',
      'side_car_api_http_status_code', 'side_car_api_response_latency_bucket',
      'side_car_web_socket_connection_status', 'side_car_web_socket_data_handler_status',
      'side_car_web_socket_response_time_bucket',
    ];
    const names = async () => new Set((await prom.query('count by (__name__) ({__name__=~"side_car_.+"})')).map((r) => r.metric.__name__));
    await waitFor(async () => { const n = await names(); return expected.every((e) => n.has(e)); }, 20_000, 500).catch(() => undefined);
    const have = await names();
    for (const name of expected) expect(have.has(name), name).toBe(true);
  });

  it('sees the tick rate implied by updateInterval (250 ms → 4 per second)', async () => {
    await waitFor(async () => (await prom.query('rate(side_car_health_check_system_updates_total[3s])')).length > 0, 20_000, 500);
    await new Promise((r) => setTimeout(r, 3000));
    const [rate] = await prom.query('rate(side_car_health_check_system_updates_total[3s])');
    expect(Number(rate?.value[1])).toBeGreaterThan(3);
    expect(Number(rate?.value[1])).toBeLessThan(5);
  });

  it('stores a served price for every market', async () => {
    const rows = await prom.query('side_car_aggregated_price');
    const market = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as { markets: object };
    expect(rows.map((r) => r.metric.id).sort()).toEqual(Object.keys(market.markets).map((k) => k.toLowerCase()).sort());
  });
});
