/**
 * config/alertmanager/alertmanager.yml: amtool accepts it (and rejects a broken copy, so the
 * check can fail), every severity of our alert rules has a route, and the inhibit rules name
 * alerts that exist with the labels those alerts carry.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FILE = join(ROOT, 'config/alertmanager/alertmanager.yml');
const AMTOOL = process.env.AMTOOL_BIN ?? 'amtool';
const text = readFileSync(FILE, 'utf8');

interface Route {
  receiver?: string;
  group_by?: string[];
  matchers?: string[];
  repeat_interval?: string;
  routes?: Route[];
}
interface Inhibit {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}
const config = parse(text) as { route: Route; inhibit_rules: Inhibit[]; receivers: Array<{ name: string; webhook_configs?: Array<{ url: string; send_resolved?: boolean }> }> };

const alertsText = readFileSync(join(ROOT, 'config/prometheus/alerts.yml'), 'utf8');
const alertRules = (parse(alertsText) as { groups: Array<{ rules: Array<{ alert: string; labels: { severity: string } }> }> }).groups.flatMap((g) => g.rules);

function amtoolCheck(path: string): { status: number | null; out: string } {
  const r = spawnSync(AMTOOL, ['check-config', path], { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run ${AMTOOL} (install the Debian package prometheus-alertmanager): ${r.error.message}`);
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('amtool check-config', () => {
  it('accepts the shipped file', () => {
    const r = amtoolCheck(FILE);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('SUCCESS');
    expect(r.out).toContain('2 inhibit rules');
  });

  it('rejects a copy with a route to an undefined receiver', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oracle-sidecar-am-'));
    const broken = join(dir, 'alertmanager.yml');
    writeFileSync(broken, text.replace('receiver: oracle-sidecar-critical', 'receiver: nobody'));
    const r = amtoolCheck(broken);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('undefined receiver "nobody"');
  });
});

describe('routing and inhibition', () => {
  it('groups by alert name, instance, market and provider', () => {
    expect(config.route.group_by).toEqual(['alertname', 'instance', 'id', 'provider']);
  });

  it('routes every severity of the alert rules, critical more often than warning', () => {
    const severities = new Set(alertRules.map((r) => r.labels.severity));
    expect([...severities].sort()).toEqual(['critical', 'warning']);
    const routes = config.route.routes ?? [];
    const bySeverity = (s: string) => routes.find((r) => r.matchers?.includes(`severity="${s}"`));
    const hours = (d: string | undefined) => Number(/^(\d+)h$/.exec(d ?? '')?.[1]);
    for (const s of severities) expect(bySeverity(s)?.receiver, s).toBeDefined();
    expect(hours(bySeverity('critical')?.repeat_interval)).toBeLessThan(hours(bySeverity('warning')?.repeat_interval));
  });

  it('inhibit rules name existing alerts and compare labels those alerts carry', () => {
    const names = new Set(alertRules.map((r) => r.alert));
    const named = config.inhibit_rules.flatMap((r) => [...r.source_matchers, ...r.target_matchers]).map((m) => /alertname!?="(\w+)"/.exec(m)?.[1]);
    expect(named).toHaveLength(4);
    for (const n of named) expect(names.has(n ?? ''), n).toBe(true);
    expect(config.inhibit_rules).toEqual([
      { source_matchers: ['alertname="OracleSidecarDown"'], target_matchers: ['alertname!="OracleSidecarDown"'], equal: ['instance', 'job'] },
      {
        source_matchers: ['alertname="OracleSidecarMarketPriceMissing"'],
        target_matchers: ['alertname="OracleSidecarMarketBelowMinProviders"'],
        equal: ['instance', 'id'],
      },
    ]);
    // Both market alerts carry `id` (from the same side_car_* series), so `equal` can match.
    const exprs = new Map([...alertsText.matchAll(/alert: (\w+)\n\s+expr: (.*)/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    expect(exprs.get('OracleSidecarMarketPriceMissing')).toMatch(/^side_car_market_price_served\b/);
    expect(exprs.get('OracleSidecarMarketBelowMinProviders')).toMatch(/^side_car_health_check_market_providers < on \(job, instance, id\)/);
  });

  it('every receiver posts resolved notifications to the example URL the e2e test substitutes', () => {
    expect(config.receivers.length).toBeGreaterThan(0);
    for (const r of config.receivers) expect(r.webhook_configs, r.name).toEqual([{ url: 'http://127.0.0.1:5001/', send_resolved: true }]);
  });
});
