/**
 * Monitoring proven against the real thing: the built daemon runs against the simulator, a
 * real Prometheus scrapes it with our recording and alert rules loaded (a copy with
 * shortened windows, `for:` durations and staleness threshold), and
 *  - the health endpoints answer as documented;
 *  - the clean run fires no alert;
 *  - faults injected through the simulator fire the matching alerts;
 *  - every metric our rules use exists in the live scrape;
 *  - every PromQL expression of connect's dashboard and of ours returns data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { dashboardExpressions, substituteVariables } from '../helpers/dashboard.js';
import { ROOT, parseExposition, startDaemon, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/metrics.js';
import { shortenedRuleFiles, startPrometheus, type Prometheus } from '../helpers/prometheus.js';

const JOB = 'oracle-sidecar';
const market = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as { markets: Record<string, unknown> };
const MARKETS = Object.keys(market.markets).length;

let sim: Simulator;
let daemon: Daemon;
let prom: Prometheus;

async function alerts(state: 'firing' | 'pending' | 'any' = 'firing'): Promise<Array<Record<string, string>>> {
  const sel = state === 'any' ? '' : `alertstate="${state}"`;
  return (await prom.query(`ALERTS{${sel}}`)).map((r) => r.metric);
}

async function firing(alertname: string, labels: Record<string, string>, timeoutMs = 45_000): Promise<void> {
  await waitFor(async () => (await alerts()).some((a) => a.alertname === alertname && Object.entries(labels).every(([k, v]) => a[k] === v)), timeoutMs, 500);
}

async function resolved(alertname: string): Promise<void> {
  await waitFor(async () => !(await alerts('any')).some((a) => a.alertname === alertname), 45_000, 500);
}

const served = async () => Object.keys(((await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/prices`)).json()) as { prices: object }).prices).length;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5 });
  const override = sim.oracleOverride() as { providers: Record<string, { webSocket?: object }> };
  for (const p of Object.values(override.providers)) if (p.webSocket) Object.assign(p.webSocket, { reconnectionTimeout: '1s', readTimeout: '3s' });
  // The staleness threshold is cut to 3 s below, so the slow aggregator APIs (20 s) poll faster.
  for (const name of ['coingecko_api', 'gecko_terminal_api', 'coinmarketcap_api']) {
    const api = (override.providers[name] as { api?: object } | undefined)?.api;
    if (api) Object.assign(api, { interval: '1s' });
  }
  daemon = await startDaemon(override, market);
  await waitFor(async () => (await served()) === MARKETS, 20_000);
  const ruleFiles = shortenedRuleFiles();
  prom = await startPrometheus([daemon.metricsUrl.replace('http://', '')], { ruleFiles, job: JOB });
  await waitFor(async () => (await prom.query(`up{job="${JOB}"} == 1`)).length === 1, 20_000, 250);
}, 90_000);

afterAll(async () => {
  await prom?.stop();
  await daemon?.stop();
  await sim?.close();
});

describe('health endpoints on the metrics port', () => {
  it('/healthz and /readyz answer 200 with their reasons while prices are served', async () => {
    const h = await fetch(`${daemon.metricsUrl}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ status: 'ok', update_interval_seconds: 0.25 });
    const r = await fetch(`${daemon.metricsUrl}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'ok', markets_served: MARKETS, markets_missing: [] });
  });

  it('exports the configured interval and price age as gauges', async () => {
    const fams = parseExposition(await (await fetch(`${daemon.metricsUrl}/metrics`)).text());
    expect(fams.get('side_car_update_interval_seconds')?.samples[0]?.value).toBe(0.25);
    expect(fams.get('side_car_max_price_age_seconds')?.samples[0]?.value).toBe(120);
    const build = fams.get('side_car_build_info')?.samples[0];
    expect(build?.labels.node_version).toBe(process.version);
    const ages = fams.get('side_car_provider_price_age_seconds')?.samples ?? [];
    expect(ages.find((s) => s.labels.provider === 'kraken_api' && s.labels.id === 'xxbtzusd')?.value).toBeLessThan(5);
  });
});

describe('alert rules in a real Prometheus', () => {
  it('fires nothing during a clean run', async () => {
    // Let the shortened windows fill with steady-state data first.
    await new Promise((r) => setTimeout(r, 12_000));
    for (let i = 0; i < 8; i++) {
      expect(await alerts('any')).toEqual([]);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }, 60_000);

  it('every metric the rules use exists in the live scrape', async () => {
    const text = ['recording.yml', 'alerts.yml'].map((f) => readFileSync(join(ROOT, 'config/prometheus', f), 'utf8')).join('\n');
    const used = new Set([...text.matchAll(/\b(side_car_[a-z0-9_]+|process_[a-z_]+|nodejs_[a-z_]+)\b/g)].map((m) => m[1] ?? ''));
    const fams = parseExposition(await (await fetch(`${daemon.metricsUrl}/metrics`)).text());
    const exported = new Set<string>();
    for (const [name, f] of fams) {
      exported.add(name);
      for (const s of f.samples) exported.add(s.name);
    }
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(exported.has(name), name).toBe(true);
  });

  it('an HTTP provider answering 500 fires OracleSidecarProviderErrorRateHigh', async () => {
    sim.setFault('kraken_api', { mode: 'status', status: 500 });
    await firing('OracleSidecarProviderErrorRateHigh', { provider: 'kraken_api' });
    sim.setFault('kraken_api', { mode: 'none' });
    expect(await served()).toBe(MARKETS);
    await resolved('OracleSidecarProviderErrorRateHigh');
  }, 100_000);

  it('an HTTP provider answering 429 fires OracleSidecarProviderRateLimited', async () => {
    sim.setFault('coinbase_api', { mode: 'status', status: 429 });
    await firing('OracleSidecarProviderRateLimited', { provider: 'coinbase_api' });
    sim.setFault('coinbase_api', { mode: 'none' });
    await resolved('OracleSidecarProviderRateLimited');
  }, 100_000);

  it('dropped WebSocket connections fire OracleSidecarWebSocketReconnecting', async () => {
    sim.setFault('okx_ws', { mode: 'drop' });
    await firing('OracleSidecarWebSocketReconnecting', { provider: 'okx_ws' });
    await firing('OracleSidecarWebSocketUnhealthy', { provider: 'okx_ws' });
    sim.setFault('okx_ws', { mode: 'none' });
    await resolved('OracleSidecarWebSocketUnhealthy');
    await resolved('OracleSidecarWebSocketReconnecting');
  }, 100_000);

  it('a WebSocket feed gone silent fires OracleSidecarProviderFeedStale', async () => {
    sim.setFault('coinbase_ws', { mode: 'silent' });
    await firing('OracleSidecarProviderFeedStale', { provider: 'coinbase_ws' });
    sim.setFault('coinbase_ws', { mode: 'none' });
    await resolved('OracleSidecarProviderFeedStale');
  }, 100_000);

  it('a frozen feed while the market moves fires OracleSidecarProviderPriceDeviation', async () => {
    const btc = sim.book.usd('BTC') ?? 0;
    sim.setFault('kraken_api', { mode: 'freeze' });
    sim.book.set('BTC', btc * 1.1);
    await firing('OracleSidecarProviderPriceDeviation', { provider: 'kraken_api', id: 'btc/usd' });
    sim.setFault('kraken_api', { mode: 'none' });
    await resolved('OracleSidecarProviderPriceDeviation');
  }, 100_000);
});

describe('dashboards against the live Prometheus', () => {
  const vars = { job: JOB, instance: '.*', provider: '.*', id: '.*', market_map_provider: '.*', datasource: 'prometheus', DS_PROMETHEUS: 'prometheus', __range: '1m', __rate_interval: '10s', __interval: '1s' };

  /** Evaluate at a time where `offset D` reaches back to now, as a dashboard opened D later. */
  function evalTime(expr: string): number {
    const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
    const offsets = [...expr.matchAll(/offset (\d+)([smhd])/g)].map((m) => Number(m[1]) * (units[m[2] ?? 's'] ?? 1));
    return Date.now() / 1000 + (offsets.length ? Math.max(...offsets) - 2 : 0);
  }

  async function hasData(expr: string): Promise<boolean> {
    const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(expr)}&time=${evalTime(expr)}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return (body.data?.result.length ?? 0) > 0;
  }

  it("every PromQL expression of connect's dashboard returns data", async () => {
    const json = JSON.parse(readFileSync(join(ROOT, '../shared/compat/connect/side-car-dashboard.json'), 'utf8')) as unknown;
    const exprs = dashboardExpressions(json).filter((e) => !/go_goroutines/.test(e.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(29);
    const empty: string[] = [];
    for (const e of exprs) if (!(await hasData(substituteVariables(e.expr, vars)))) empty.push(`${e.panel}: ${e.expr}`);
    expect(empty).toEqual([]);
  });

  it('every expression of our own dashboard returns data', async () => {
    const json = JSON.parse(readFileSync(join(ROOT, 'config/grafana/oracle-sidecar.json'), 'utf8')) as unknown;
    const exprs = dashboardExpressions(json);
    expect(exprs.length).toBeGreaterThan(15);
    const empty: string[] = [];
    for (const e of exprs) if (!(await hasData(substituteVariables(e.expr, vars)))) empty.push(`${e.panel}: ${e.expr}`);
    expect(empty).toEqual([]);
  });
});
