/**
 * The Prometheus rule files in config/prometheus: promtool accepts them and their unit tests
 * pass, every alert of the catalogue exists with its severity, `for:` and annotations, and
 * every series a rule reads is one the side-car exports (or a recording rule). The YAML is read
 * with a few regexes: the files are ours and keep one key per line.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = 'config/prometheus';
const PROMTOOL = process.env.PROMTOOL_BIN ?? 'promtool';

/** Every side_car_* family the side-car exports (the metric catalogue): type and labels. */
const CATALOGUE: Record<string, { type: 'counter' | 'gauge' | 'histogram'; labels: string[] }> = {
  side_car_health_check_system_updates_total: { type: 'counter', labels: [] },
  side_car_health_check_ticker_updates_total: { type: 'counter', labels: ['id'] },
  side_car_health_check_provider_updates_total: { type: 'counter', labels: ['provider', 'id', 'success'] },
  side_car_health_check_market_providers: { type: 'gauge', labels: ['id'] },
  side_car_provider_price: { type: 'gauge', labels: ['provider', 'id', 'decimals'] },
  side_car_aggregated_price: { type: 'gauge', labels: ['id', 'decimals'] },
  side_car_connect_build_info: { type: 'gauge', labels: ['version'] },
  side_car_provider_status_responses_per_id: { type: 'counter', labels: ['provider', 'id', 'status', 'code', 'type'] },
  side_car_provider_status_responses: { type: 'counter', labels: ['provider', 'status', 'code', 'type'] },
  side_car_provider_last_updated_id: { type: 'gauge', labels: ['provider', 'id', 'type'] },
  side_car_api_http_status_code: { type: 'counter', labels: ['provider', 'status_code', 'status_code_exact'] },
  side_car_api_response_internal_status: { type: 'counter', labels: ['provider', 'id', 'internal_status'] },
  side_car_api_response_latency: { type: 'histogram', labels: ['provider', 'endpoint'] },
  side_car_api_rpc_status_code: { type: 'counter', labels: ['provider', 'status_code', 'endpoint'] },
  side_car_web_socket_connection_status: { type: 'counter', labels: ['provider', 'status'] },
  side_car_web_socket_data_handler_status: { type: 'counter', labels: ['provider', 'status'] },
  side_car_web_socket_response_time: { type: 'histogram', labels: ['provider'] },
  side_car_build_info: { type: 'gauge', labels: ['version', 'node_version'] },
  side_car_update_interval_seconds: { type: 'gauge', labels: [] },
  side_car_max_price_age_seconds: { type: 'gauge', labels: [] },
  side_car_last_tick_timestamp_seconds: { type: 'gauge', labels: [] },
  side_car_tick_duration_seconds: { type: 'histogram', labels: [] },
  side_car_market_price_served: { type: 'gauge', labels: ['id'] },
  side_car_market_min_provider_count: { type: 'gauge', labels: ['id'] },
  side_car_config_last_reload_successful: { type: 'gauge', labels: [] },
  side_car_config_last_reload_success_timestamp_seconds: { type: 'gauge', labels: [] },
  side_car_provider_price_age_seconds: { type: 'gauge', labels: ['provider', 'id'] },
  side_car_provider_price_deviation_ratio: { type: 'gauge', labels: ['provider', 'id'] },
  side_car_web_socket_connections: { type: 'gauge', labels: ['provider'] },
  side_car_web_socket_connections_configured: { type: 'gauge', labels: ['provider'] },
  side_car_market_unsupported: { type: 'gauge', labels: ['id'] },
  side_car_provider_unavailable: { type: 'gauge', labels: ['provider', 'reason'] },
};

/** Recording rules of the catalogue; `null` where it gives the meaning but not the expression. */
const RECORDING: Record<string, string | null> = {
  'side_car:tick_rate:rate1m': 'sum by (job, instance) (rate(side_car_health_check_system_updates_total[1m]))',
  'side_car:tick_rate_expected': '1 / side_car_update_interval_seconds',
  'side_car:market_update_ratio:rate5m': 'sum by (job, instance, id) (rate(side_car_health_check_ticker_updates_total[5m])) / on (job, instance) group_left sum by (job, instance) (rate(side_car_health_check_system_updates_total[5m]))',
  'side_car:provider_success_ratio:rate5m': 'sum by (job, instance, provider) (rate(side_car_provider_status_responses{status="success"}[5m])) / sum by (job, instance, provider) (rate(side_car_provider_status_responses[5m]))',
  'side_car:api_http_requests:rate5m': 'sum by (job, instance, provider, status_code) (rate(side_car_api_http_status_code[5m]))',
  'side_car:api_http_error_ratio:rate5m': null,
  'side_car:api_http_rate_limited_ratio:rate5m': null,
  'side_car:api_response_latency_ms:p95_5m': 'histogram_quantile(0.95, sum by (job, instance, provider, le) (rate(side_car_api_response_latency_bucket[5m])))',
  'side_car:web_socket_response_time_ms:p95_5m': 'histogram_quantile(0.95, sum by (job, instance, provider, le) (rate(side_car_web_socket_response_time_bucket[5m])))',
  'side_car:web_socket_reconnects:increase10m': 'sum by (job, instance, provider) (increase(side_car_web_socket_connection_status{status="unhealthy"}[10m]))',
};

/** The alerts of the catalogue: severity, `for:` and the threshold literal in the expression. */
const ALERTS: Record<string, { severity: 'critical' | 'warning'; for: string; threshold: string }> = {
  OracleSidecarDown: { severity: 'critical', for: '1m', threshold: '== 0' },
  OracleSidecarUpdateRateLow: { severity: 'critical', for: '2m', threshold: '0.9 *' },
  OracleSidecarMarketPriceMissing: { severity: 'critical', for: '1m', threshold: '== 0' },
  OracleSidecarMarketBelowMinProviders: { severity: 'warning', for: '1m', threshold: '< on (job, instance, id)' },
  OracleSidecarProviderFeedStale: { severity: 'warning', for: '1m', threshold: '> 300' },
  OracleSidecarProviderErrorRateHigh: { severity: 'warning', for: '5m', threshold: '> 0.5' },
  OracleSidecarProviderRateLimited: { severity: 'warning', for: '5m', threshold: '> 0.1' },
  OracleSidecarWebSocketUnhealthy: { severity: 'warning', for: '2m', threshold: '< on (job, instance, provider)' },
  OracleSidecarWebSocketReconnecting: { severity: 'warning', for: '0m', threshold: '> 3' },
  OracleSidecarWebSocketResponseTimeHigh: { severity: 'warning', for: '10m', threshold: '> 1500' },
  OracleSidecarProviderPriceDeviation: { severity: 'warning', for: '5m', threshold: '> 0.02' },
};

interface Rule { name: string; expr: string; fields: Record<string, string> }

const read = (file: string): string => readFileSync(join(ROOT, DIR, file), 'utf8');

/** The rules of a rule file: name, expression (folded onto one line) and `key: value` fields. */
function parseRules(text: string): Rule[] {
  const items = text.split(/^\s*- (?=record:|alert:)/m).slice(1);
  return items.map((item) => {
    const lines = item.split('\n').filter((l) => !/^\s*#/.test(l));
    const name = /^(?:record|alert):\s*(\S+)/.exec(lines[0] ?? '')?.[1] ?? '';
    const fields: Record<string, string> = {};
    let expr = '';
    for (let i = 1; i < lines.length; i++) {
      const m = /^(\s*)([a-z_]+):\s*(.*)$/.exec(lines[i] ?? '');
      if (!m) continue;
      const [, indent = '', key = '', value = ''] = m;
      if (key !== 'expr') { fields[key] = value.replace(/^'(.*)'$/, '$1'); continue; }
      const body = [value];
      if (/^[>|]/.test(value)) {
        body.length = 0;
        while (i + 1 < lines.length && (lines[i + 1] ?? '').search(/\S|$/) > indent.length) body.push(lines[++i] ?? '');
      }
      expr = body.join(' ').replace(/\s+/g, ' ').trim();
    }
    return { name, expr, fields };
  });
}

/** Series names an expression reads: label lists, matchers, ranges and strings removed. */
function seriesNames(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, '')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\bgroup_(?:left|right)\b/g, ' ');
  const names = [...bare.matchAll(/(?<![A-Za-z0-9_:])([A-Za-z_:][A-Za-z0-9_:]*)(?!\s*\(|[A-Za-z0-9_:])/g)].map((m) => m[1] ?? '');
  return names.filter((n) => !['and', 'or', 'unless', 'bool', 'offset'].includes(n));
}

/** `[metric, label]` for every label matcher in an expression. */
function matchedLabels(expr: string): Array<[string, string]> {
  return [...expr.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\{([^}]*)\}/g)].flatMap((m) =>
    [...(m[2] ?? '').matchAll(/([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((l): [string, string] => [m[1] ?? '', l[1] ?? '']));
}

function promtool(...args: string[]): void {
  const r = spawnSync(PROMTOOL, args, { cwd: ROOT, encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run ${PROMTOOL} (apt-get install prometheus): ${r.error.message}`);
  expect(r.status, `promtool ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
}

const recording = parseRules(read('recording.yml'));
const alerts = parseRules(read('alerts.yml'));
const exportedSeries = new Set(Object.entries(CATALOGUE).flatMap(([name, m]) =>
  m.type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name]));
const knownSeries = new Set([...exportedSeries, ...recording.map((r) => r.name), 'up']);

describe('promtool', () => {
  it('accepts the rule files', () => promtool('check', 'rules', `${DIR}/recording.yml`, `${DIR}/alerts.yml`));
  it('accepts the example prometheus.yml and the rule files it loads', () => promtool('check', 'config', `${DIR}/prometheus.yml`));
  it('passes the rule unit tests', () => {
    const tests = readdirSync(join(ROOT, DIR, 'tests')).filter((f) => f.endsWith('.yml')).sort();
    expect(tests).toEqual(expect.arrayContaining(['alerts.test.yml', 'recording.test.yml']));
    promtool('test', 'rules', ...tests.map((f) => `${DIR}/tests/${f}`));
  });
});

describe('recording.yml', () => {
  it('defines exactly the catalogue rules, in one group', () => {
    expect(recording.map((r) => r.name)).toEqual(Object.keys(RECORDING));
    expect([...read('recording.yml').matchAll(/^\s*- name:\s*(\S+)/gm)].map((m) => m[1])).toEqual(['oracle-sidecar-recording']);
  });

  it('uses the catalogue expressions where it gives one', () => {
    for (const rule of recording) {
      const want = RECORDING[rule.name];
      if (want) expect(rule.expr, rule.name).toBe(want);
    }
  });

  it('splits HTTP errors from rate limiting on status_code_exact 429', () => {
    const expr = (name: string) => recording.find((r) => r.name === name)?.expr ?? '';
    expect(expr('side_car:api_http_error_ratio:rate5m')).toContain('status_code_exact!="429"');
    expect(expr('side_car:api_http_rate_limited_ratio:rate5m')).toContain('status_code_exact="429"');
  });
});

describe('alerts.yml', () => {
  it('has exactly the catalogue alerts, in the group oracle-sidecar-alerts', () => {
    expect(alerts.map((a) => a.name).sort()).toEqual(Object.keys(ALERTS).sort());
    expect([...read('alerts.yml').matchAll(/^\s*- name:\s*(\S+)/gm)].map((m) => m[1])).toEqual(['oracle-sidecar-alerts']);
  });

  it.each(Object.entries(ALERTS))('%s: severity, for, threshold and annotations', (name, want) => {
    const alert = alerts.find((a) => a.name === name);
    expect(alert?.fields.severity).toBe(want.severity);
    expect(alert?.fields.for).toBe(want.for);
    expect(alert?.expr).toContain(want.threshold);
    expect(alert?.fields.summary).toMatch(/\{\{ \$labels\.\w+ \}\}/);
    expect(alert?.fields.description).toMatch(/\{\{ (?:\$labels\.\w+|\$value|printf .*\$value|\$value \| \w+) \}\}/);
    expect(alert?.fields.runbook).toMatch(/^[A-Z].{20,}\.$/);
  });

  it('watches the scrape job that prometheus.yml defines', () => {
    expect(alerts.find((a) => a.name === 'OracleSidecarDown')?.expr).toBe('up{job="oracle-sidecar"} == 0');
    expect(read('prometheus.yml')).toMatch(/- job_name: oracle-sidecar\n/);
  });
});

describe('series the rules read', () => {
  const rules = [...recording, ...alerts];

  it('are exported by the side-car or recorded by recording.yml', () => {
    for (const rule of rules) {
      expect(rule.expr, rule.name).not.toBe('');
      for (const name of seriesNames(rule.expr)) expect(knownSeries.has(name), `${rule.name} reads ${name}`).toBe(true);
    }
    expect(rules.flatMap((r) => seriesNames(r.expr)).filter((n) => n.startsWith('side_car_')).length).toBeGreaterThan(10);
  });

  it('are matched only on labels they carry', () => {
    for (const rule of rules) {
      for (const [metric, label] of matchedLabels(rule.expr)) {
        const family = CATALOGUE[metric.replace(/_bucket$/, '')];
        const labels = metric === 'up' ? ['job', 'instance'] : [...(family?.labels ?? []), 'job', 'instance'];
        expect(labels, `${rule.name}: ${metric}{${label}}`).toContain(label);
      }
    }
    expect(rules.flatMap((r) => matchedLabels(r.expr)).length).toBeGreaterThan(4);
  });

  it('match the metrics module: every side_car_ family with its type and labels', () => {
    const registry = new Registry();
    createMetrics(registry, false);
    const built = registry.getMetricsAsArray().filter((m) => m.name.startsWith('side_car_')).map((m) => {
      const labelNames = (m as unknown as { labelNames?: readonly string[] }).labelNames ?? [];
      return [m.name, { type: String(m.type), labels: [...labelNames].sort() }] as const;
    });
    const want = Object.entries(CATALOGUE).map(([name, m]) => [name, { type: m.type, labels: [...m.labels].sort() }] as const);
    expect(Object.fromEntries(built)).toEqual(Object.fromEntries(want));
  });
});

describe('promtool unit tests', () => {
  const alertTests = read('tests/alerts.test.yml').split(/^\s*- \{?eval_time:/m).slice(1).map((chunk) => ({
    alert: /alertname:\s*(\w+)/.exec(chunk)?.[1],
    firing: !/exp_alerts:\s*\[\]/.test(/exp_alerts:.*/.exec(chunk)?.[0] ?? ''),
  }));

  it.each(Object.keys(ALERTS))('%s is tested firing and silent', (name) => {
    expect(alertTests.filter((t) => t.alert === name && t.firing).length, 'firing cases').toBeGreaterThan(0);
    expect(alertTests.filter((t) => t.alert === name && !t.firing).length, 'silent cases').toBeGreaterThan(0);
  });

  it('evaluate every recording rule', () => {
    const exprs = [...read('tests/recording.test.yml').matchAll(/^\s*- expr:\s*(\S+)/gm)].map((m) => m[1]);
    for (const name of Object.keys(RECORDING)) expect(exprs, name).toContain(name);
  });
});
