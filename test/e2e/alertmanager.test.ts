/**
 * Alerts delivered, not just fired: the built daemon runs against the simulator, a real
 * Prometheus evaluates our rules (windows and `for:` shortened) and sends to a real
 * Alertmanager running config/alertmanager/alertmanager.yml (webhook URL and grouping
 * durations replaced), whose webhook posts to a receiver run by this test. Proves:
 *  - a market losing a provider below min_provider_count notifies MarketPriceMissing with its
 *    labels and annotations, on the critical route, and then its resolution;
 *  - MarketBelowMinProviders for that market is inhibited (Alertmanager marks it suppressed by
 *    the PriceMissing alert) and never reaches the receiver;
 *  - OracleSidecarDown inhibits every other alert of its instance, not of another instance;
 *  - stopping the side-car notifies OracleSidecarDown.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { startAlertmanager, type AmAlert, type Alertmanager } from '../helpers/alertmanager.js';
import { ROOT, startDaemon, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/metrics.js';
import { shortenedRuleFiles, startPrometheus, type Prometheus } from '../helpers/prometheus.js';

const JOB = 'oracle-sidecar';
const MARKET = 'atom/usd';
const GROUP_INTERVAL_MS = 1000;

interface Notified {
  receiver: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** ATOM/USD on kraken_api and coinbase_ws (min 2): kraken_api down leaves it one provider.
 *  BTC/USD on three other exchanges keeps the side-car serving. */
function marketMap(): object {
  const shipped = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as { markets: Record<string, { ticker: object; provider_configs: Array<{ name: string }> }> };
  const pick = (pair: string, names: string[]) => {
    const m = shipped.markets[pair];
    if (!m) throw new Error(`market.json has no ${pair}`);
    const providers = m.provider_configs.filter((p) => names.includes(p.name));
    if (providers.length !== names.length) throw new Error(`market.json ${pair} lacks one of ${names.join(', ')}`);
    return { ticker: { ...m.ticker, min_provider_count: 2 }, provider_configs: providers };
  };
  return { markets: { 'ATOM/USD': pick('ATOM/USD', ['kraken_api', 'coinbase_ws']), 'BTC/USD': pick('BTC/USD', ['bitstamp_ws', 'bitfinex_ws', 'crypto_dot_com_ws']) } };
}

const runbooks = new Map(
  (parse(readFileSync(join(ROOT, 'config/prometheus/alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; annotations: { runbook: string } }> }> }).groups
    .flatMap((g) => g.rules)
    .map((r) => [r.alert, r.annotations.runbook]),
);

let sim: Simulator;
let daemon: Daemon;
let prom: Prometheus;
let am: Alertmanager;
let webhook: http.Server;
let instance: string;
const notified: Notified[] = [];

const matches = (labels: Record<string, string>, want: Record<string, string>) => Object.entries(want).every(([k, v]) => labels[k] === v);
const received = (want: Record<string, string>, status?: Notified['status']) => notified.filter((n) => matches(n.labels, want) && (status === undefined || n.status === status));
/** Poll every 100 ms until `fn` gives a value. */
const until = async <T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> => (await waitFor(fn, timeoutMs, 100)) as T;
const arrives = (want: Record<string, string>, status: Notified['status'], timeoutMs = 30_000) => until(() => received(want, status)[0], timeoutMs);
const amAlert = async (want: Record<string, string>): Promise<AmAlert | undefined> => (await am.alerts()).find((a) => matches(a.labels, want));

beforeAll(async () => {
  webhook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const msg = JSON.parse(body) as { receiver: string; alerts: Array<Omit<Notified, 'receiver'>> };
      for (const a of msg.alerts) notified.push({ receiver: msg.receiver, status: a.status, labels: a.labels, annotations: a.annotations });
      res.end();
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
  am = await startAlertmanager(hook, { groupWait: '1s', groupInterval: `${GROUP_INTERVAL_MS}ms`, repeatInterval: '1h' });

  sim = await startSimulator({ seed: 16 });
  // A dead provider's last quote stops counting after 2 s (not 2 min), so the market drops fast.
  daemon = await startDaemon({ ...sim.oracleOverride(), maxPriceAge: '2s' }, marketMap());
  instance = daemon.metricsUrl.replace('http://', '');
  const ruleFiles = shortenedRuleFiles();
  prom = await startPrometheus([instance], { ruleFiles, job: JOB, alertmanagers: [am.address] });
  await waitFor(async () => (await prom.query(`side_car_market_price_served{id="${MARKET}"} == 1`)).length === 1, 20_000, 250);
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await daemon?.stop();
  await am?.stop();
  await sim?.close();
  await new Promise((r) => webhook?.close(r));
});

describe('notifications from the live side-car', () => {
  const missing = { alertname: 'OracleSidecarMarketPriceMissing', id: MARKET };
  const belowMin = { alertname: 'OracleSidecarMarketBelowMinProviders', id: MARKET };

  it('a market below min_provider_count notifies MarketPriceMissing with labels and annotations', async () => {
    sim.setFault('kraken_api', { mode: 'refuse' });
    const n = await arrives(missing, 'firing');
    expect(n.receiver).toBe('oracle-sidecar-critical');
    expect(n.labels).toMatchObject({ severity: 'critical', instance, job: JOB });
    expect(n.annotations.summary).toBe(`Market ${MARKET} has no price on ${instance}`);
    expect(n.annotations.runbook).toBe(runbooks.get('OracleSidecarMarketPriceMissing'));
    expect(n.annotations.runbook?.length).toBeGreaterThan(20);
  }, 40_000);

  it('MarketBelowMinProviders for the market is inhibited by MarketPriceMissing, not delivered', async () => {
    // Alertmanager holds the warning, suppressed by the critical alert's fingerprint.
    const source = await until(() => amAlert(missing), 10_000);
    const target = await until(() => amAlert(belowMin), 20_000);
    expect(target.labels).toMatchObject({ severity: 'warning', instance });
    expect(target.status.state).toBe('suppressed');
    expect(target.status.inhibitedBy).toEqual([source.fingerprint]);
    // A later warning of the same fault (the dead feed going stale; `id` is the feed's
    // off-chain ticker) is delivered on the warning
    // route; by then an uninhibited BelowMin (firing earlier) would have been sent too.
    const stale = await arrives({ alertname: 'OracleSidecarProviderFeedStale', provider: 'kraken_api', id: 'atomusd' }, 'firing');
    expect(stale.receiver).toBe('oracle-sidecar-warning');
    await new Promise((r) => setTimeout(r, 2 * GROUP_INTERVAL_MS));
    expect(received(belowMin)).toEqual([]);
  }, 40_000);

  it('the fault cleared, the resolution is delivered (and BelowMin never was)', async () => {
    sim.setFault('kraken_api', { mode: 'none' });
    const n = await arrives(missing, 'resolved');
    expect(n.receiver).toBe('oracle-sidecar-critical');
    expect(n.labels).toMatchObject({ severity: 'critical', instance });
    await waitFor(async () => (await amAlert(belowMin))?.status.state !== 'active', 10_000, 100);
    await new Promise((r) => setTimeout(r, 2 * GROUP_INTERVAL_MS));
    expect(received(belowMin)).toEqual([]);
  }, 40_000);
});

describe('OracleSidecarDown inhibits the rest of its instance', () => {
  // Posted straight to Alertmanager's API as Prometheus would, for two made-up instances.
  const down = { alertname: 'OracleSidecarDown', severity: 'critical', job: JOB, instance: '192.0.2.7:8002' };
  const slow = { alertname: 'OracleSidecarUpdateRateLow', severity: 'critical', job: JOB, instance: '192.0.2.7:8002' };
  const stale = { alertname: 'OracleSidecarProviderFeedStale', severity: 'warning', job: JOB, instance: '192.0.2.7:8002', provider: 'kraken_api', id: 'xxbtzusd' };
  const otherSlow = { alertname: 'OracleSidecarUpdateRateLow', severity: 'critical', job: JOB, instance: '192.0.2.8:8002' };

  it('suppresses every other alert of the same instance and job, and only those', async () => {
    const endsAt = new Date(Date.now() + 120_000).toISOString();
    await am.post([down, slow, stale, otherSlow].map((labels) => ({ labels, annotations: { summary: labels.alertname }, endsAt })));
    const source = await until(() => amAlert(down), 10_000);
    expect(source.status.state).toBe('active');
    for (const want of [slow, stale]) {
      const a = await until(() => amAlert(want), 10_000);
      expect(a.status.state, want.alertname).toBe('suppressed');
      expect(a.status.inhibitedBy).toEqual([source.fingerprint]);
    }
    expect((await amAlert(otherSlow))?.status.state).toBe('active');
    // The uninhibited ones are delivered; the inhibited ones are not.
    await arrives(down, 'firing');
    await arrives(otherSlow, 'firing');
    await new Promise((r) => setTimeout(r, 2 * GROUP_INTERVAL_MS));
    expect(received(slow)).toEqual([]);
    expect(received(stale)).toEqual([]);
  }, 30_000);

  it('stopping the side-car notifies OracleSidecarDown for its instance', async () => {
    await daemon.stop();
    const n = await arrives({ alertname: 'OracleSidecarDown', instance }, 'firing');
    expect(n.receiver).toBe('oracle-sidecar-critical');
    expect(n.labels).toMatchObject({ severity: 'critical', job: JOB });
    expect(n.annotations.summary).toBe(`Oracle side-car ${instance} is down`);
    expect(n.annotations.runbook).toBe(runbooks.get('OracleSidecarDown'));
  }, 30_000);
});
