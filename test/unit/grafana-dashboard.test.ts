import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  dashboardExpressions,
  metricNames,
  referencedVariables,
  substituteVariables,
  vectorSelectors,
} from '../helpers/dashboard.js';

const DASHBOARD_URL = new URL('../../config/grafana/oracle-sidecar.json', import.meta.url);
const ANCHOR_URL = new URL('../../../shared/compat/connect/side-car-dashboard.json', import.meta.url);

type Json = Record<string, unknown>;
interface Panel extends Json {
  id?: unknown;
  type?: unknown;
  title?: unknown;
  description?: unknown;
  datasource?: unknown;
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: Json[];
  panels?: Panel[];
  fieldConfig?: { defaults?: { unit?: unknown } };
}
interface Variable extends Json {
  name: string;
  type: string;
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_URL, 'utf8')) as Json & {
  panels: Panel[];
  templating: { list: Variable[] };
};

/** Every panel, rows and panels nested in collapsed rows included. */
function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}
const panels = allPanels(dashboard.panels);
const contentPanels = panels.filter((p) => p.type !== 'row');
const variable = (name: string): Variable | undefined => dashboard.templating.list.find((v) => v.name === name);
const queryOf = (v: Variable | undefined): unknown => {
  const q = v?.query;
  return typeof q === 'object' && q !== null ? (q as Json).query : q;
};

// Exported by the side-car (/tmp/metrics-spec.md), histograms as their series.
const EXPORTED = [
  'side_car_health_check_system_updates_total',
  'side_car_health_check_ticker_updates_total',
  'side_car_health_check_provider_updates_total',
  'side_car_health_check_market_providers',
  'side_car_provider_price',
  'side_car_aggregated_price',
  'side_car_connect_build_info',
  'side_car_provider_status_responses_per_id',
  'side_car_provider_status_responses',
  'side_car_provider_last_updated_id',
  'side_car_api_http_status_code',
  'side_car_api_response_internal_status',
  'side_car_web_socket_connection_status',
  'side_car_web_socket_data_handler_status',
  'side_car_api_rpc_status_code',
  'side_car_build_info',
  'side_car_update_interval_seconds',
  'side_car_max_price_age_seconds',
  'side_car_last_tick_timestamp_seconds',
  'side_car_market_price_served',
  'side_car_market_min_provider_count',
  'side_car_provider_price_age_seconds',
  'side_car_provider_price_deviation_ratio',
  'side_car_web_socket_connections',
  'side_car_web_socket_connections_configured',
];
const HISTOGRAMS = ['side_car_api_response_latency', 'side_car_web_socket_response_time', 'side_car_tick_duration_seconds'];
const RECORDING_RULES = [
  'side_car:tick_rate:rate1m',
  'side_car:tick_rate_expected',
  'side_car:market_update_ratio:rate5m',
  'side_car:provider_success_ratio:rate5m',
  'side_car:api_http_requests:rate5m',
  'side_car:api_http_error_ratio:rate5m',
  'side_car:api_http_rate_limited_ratio:rate5m',
  'side_car:api_response_latency_ms:p95_5m',
  'side_car:web_socket_response_time_ms:p95_5m',
  'side_car:web_socket_reconnects:increase10m',
];
const ALLOWED = new Set([
  ...EXPORTED,
  ...HISTOGRAMS.flatMap((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`]),
  ...RECORDING_RULES,
  'up',
]);
const isAllowed = (name: string): boolean => ALLOWED.has(name) || /^(process|nodejs)_\w+$/.test(name);

// Series that carry a provider label / a market id label ("btc/usd"), so panels must filter them.
const PROVIDER_LABELLED = new Set([
  'side_car_provider_price_age_seconds',
  'side_car_provider_price_deviation_ratio',
  'side_car_provider_price',
  'side_car_provider_status_responses',
  'side_car_web_socket_connections',
  'side_car_web_socket_connections_configured',
  'side_car_web_socket_connection_status',
  'side_car_web_socket_response_time_bucket',
  'side_car_api_response_latency_bucket',
  'side_car_api_http_status_code',
  ...RECORDING_RULES.filter((r) => /provider|api_|web_socket/.test(r)),
]);
const ID_LABELLED = new Set([
  'side_car_aggregated_price',
  'side_car_market_price_served',
  'side_car_market_min_provider_count',
  'side_car_health_check_market_providers',
  'side_car_provider_price_deviation_ratio',
  'side_car:market_update_ratio:rate5m',
]);

const expressions = dashboardExpressions(dashboard);

describe('config/grafana/oracle-sidecar.json', () => {
  it('is the Oracle Sidecar dashboard, schema 39', () => {
    expect(dashboard.uid).toBe('oracle-sidecar');
    expect(dashboard.title).toBe('Oracle Sidecar');
    expect(dashboard.schemaVersion).toBe(39);
  });

  it('defines the datasource, job, instance, provider and id variables', () => {
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'job', 'instance', 'provider', 'id']);
    const ds = variable('datasource');
    expect(ds?.type).toBe('datasource');
    expect(ds?.query).toBe('prometheus');

    expect(queryOf(variable('job'))).toBe('label_values(side_car_build_info, job)');
    expect(queryOf(variable('instance'))).toBe('label_values(side_car_build_info{job=~"$job"}, instance)');
    expect(variable('instance')?.includeAll).toBe(true);
    expect(queryOf(variable('provider'))).toBe('label_values(side_car_provider_status_responses{job=~"$job"}, provider)');
    expect(queryOf(variable('id'))).toBe('label_values(side_car_aggregated_price{job=~"$job"}, id)');
    for (const name of ['provider', 'id']) {
      expect(variable(name)?.multi, name).toBe(true);
      expect(variable(name)?.includeAll, name).toBe(true);
    }
    for (const name of ['job', 'instance', 'provider', 'id']) {
      expect(variable(name)?.type, name).toBe('query');
      expect(variable(name)?.datasource, name).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  it('gives every panel a unique id and a title', () => {
    expect(contentPanels.length).toBeGreaterThanOrEqual(20);
    const ids = panels.map((p) => p.id);
    for (const id of ids) expect(Number.isInteger(id), `id ${String(id)}`).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) expect(typeof p.title === 'string' && p.title.trim() !== '', `panel ${String(p.id)}`).toBe(true);
    expect(new Set(contentPanels.map((p) => p.title)).size).toBe(contentPanels.length);
  });

  it('uses only timeseries, stat, table and bargauge panels (plus rows)', () => {
    for (const p of panels) expect(['row', 'timeseries', 'stat', 'table', 'bargauge'], String(p.title)).toContain(p.type);
  });

  it('gives every panel a description, a unit and at least one Prometheus target on ${datasource}', () => {
    for (const p of contentPanels) {
      const title = String(p.title);
      expect(typeof p.description === 'string' && p.description.length > 10, title).toBe(true);
      expect(typeof p.fieldConfig?.defaults?.unit === 'string' && p.fieldConfig.defaults.unit !== '', title).toBe(true);
      expect(p.datasource, title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets?.length ?? 0, title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect(typeof t.expr === 'string' && t.expr.trim() !== '', title).toBe(true);
        expect(t.datasource, title).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(typeof t.refId === 'string' && t.refId !== '', title).toBe(true);
      }
      const refIds = (p.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size, title).toBe(refIds.length);
    }
  });

  it('lays panels out on the 24-column grid without overlaps', () => {
    const boxes = panels.map((p) => ({ title: String(p.title), g: p.gridPos }));
    for (const { title, g } of boxes) {
      expect(g, title).toBeDefined();
      if (!g) continue;
      expect(g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.h > 0 && g.y >= 0, title).toBe(true);
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]?.g;
        const b = boxes[j]?.g;
        if (!a || !b) continue;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${boxes[i]?.title} / ${boxes[j]?.title}`).toBe(false);
      }
    }
  });

  it('references only exported metrics, histogram series, recording rules, process_*, nodejs_* and up', () => {
    expect(expressions.length).toBe(contentPanels.reduce((n, p) => n + (p.targets?.length ?? 0), 0));
    const unknown = expressions.flatMap(({ panel, expr }) =>
      metricNames(expr).filter((n) => !isAllowed(n)).map((n) => `${panel}: ${n}`));
    expect(unknown).toEqual([]);
    for (const { panel, expr } of expressions) expect(metricNames(expr).length, panel).toBeGreaterThan(0);
  });

  it('covers the spec: every recording rule and the key families appear in some panel', () => {
    const used = new Set(expressions.flatMap(({ expr }) => metricNames(expr)));
    for (const name of [
      ...RECORDING_RULES,
      'side_car_build_info',
      'process_start_time_seconds',
      'side_car_last_tick_timestamp_seconds',
      'side_car_tick_duration_seconds_bucket',
      'side_car_market_price_served',
      'side_car_health_check_market_providers',
      'side_car_market_min_provider_count',
      'side_car_provider_price_age_seconds',
      'side_car_web_socket_connections',
      'side_car_web_socket_connections_configured',
      'side_car_web_socket_connection_status',
      'side_car_provider_price_deviation_ratio',
      'side_car_aggregated_price',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
    ]) expect(used.has(name), name).toBe(true);
  });

  it('filters every selector by job and instance, and by provider / id where the series has them', () => {
    for (const { panel, expr } of expressions) {
      const selectors = vectorSelectors(expr);
      expect(selectors.length, panel).toBeGreaterThan(0);
      for (const { name, matchers } of selectors) {
        const where = `${panel}: ${name}{${matchers}}`;
        expect(matchers, where).toContain('job=~"$job"');
        expect(matchers, where).toContain('instance=~"$instance"');
        if (PROVIDER_LABELLED.has(name)) expect(matchers, where).toContain('provider=~"$provider"');
        if (ID_LABELLED.has(name)) expect(matchers, where).toContain('id=~"$id"');
      }
    }
  });

  it('uses every variable it defines and no other', () => {
    const defined = new Set(dashboard.templating.list.map((v) => v.name));
    const builtins = new Set(['__rate_interval', '__interval', '__range']);
    const referenced = new Set(expressions.flatMap(({ expr }) => referencedVariables(expr)));
    for (const name of referenced) expect(defined.has(name) || builtins.has(name), name).toBe(true);
    for (const name of ['job', 'instance', 'provider', 'id']) expect(referenced.has(name), name).toBe(true);
    const titles = new Set(panels.flatMap((p) => referencedVariables(String(p.title))));
    for (const name of titles) expect(defined.has(name), name).toBe(true);
  });

  it('leaves no variable behind once job, instance, provider, id and the built-ins are substituted', () => {
    const vars = { job: 'oracle-sidecar', instance: '.*', provider: '.*', id: '.*', __rate_interval: '1m', __range: '1h', __interval: '15s' };
    for (const { panel, expr } of expressions) {
      const out = substituteVariables(expr, vars);
      expect(out, panel).not.toMatch(/\$|\[\[/);
      expect(out, panel).toContain('job=~"oracle-sidecar"');
    }
  });

  it('gives the ratio, latency and memory panels fitting units', () => {
    const unitOf = (title: string): unknown =>
      contentPanels.find((p) => p.title === title)?.fieldConfig?.defaults?.unit;
    expect(unitOf('Provider success ratio')).toBe('percentunit');
    expect(unitOf('Price deviation from median')).toBe('percentunit');
    expect(unitOf('Market update ratio')).toBe('percentunit');
    expect(unitOf('API latency p95')).toBe('ms');
    expect(unitOf('WebSocket response time p95')).toBe('ms');
    expect(unitOf('Tick duration p99')).toBe('s');
    expect(unitOf('Feed staleness (top 10)')).toBe('s');
    expect(unitOf('Memory: RSS and heap')).toBe('bytes');
  });
});

describe('dashboardExpressions', () => {
  it('walks top-level panels, collapsed rows and legacy rows, skipping Loki, blank and missing exprs', () => {
    const json = {
      panels: [
        { title: 'A', datasource: { type: 'prometheus', uid: 'p' }, targets: [{ expr: 'up' }, { expr: '  ' }, { refId: 'X' }] },
        { type: 'row', title: 'R', collapsed: true, panels: [
          { title: 'B', targets: [{ datasource: { type: 'prometheus', uid: 'x' }, expr: 'rate(x[5m])' }] },
          { title: 'Logs', datasource: { type: 'loki', uid: 'l' }, targets: [{ expr: '{job="a"}' }] },
          { title: 'Mixed', datasource: { uid: '-- Mixed --' }, targets: [
            { datasource: { type: 'loki', uid: 'l' }, expr: '{job="b"}' },
            { datasource: { type: 'prometheus', uid: 'p' }, expr: 'y' },
          ] },
        ] },
        { title: 'Legacy loki', datasource: 'Loki', targets: [{ expr: '{a="b"}' }] },
      ],
      rows: [{ panels: [{ title: 'C', targets: [{ expr: 'z' }] }] }],
    };
    expect(dashboardExpressions(json)).toEqual([
      { panel: 'A', expr: 'up' },
      { panel: 'B', expr: 'rate(x[5m])' },
      { panel: 'Mixed', expr: 'y' },
      { panel: 'C', expr: 'z' },
    ]);
    expect(dashboardExpressions({ dashboard: json })).toHaveLength(4);
    expect(() => dashboardExpressions('nope')).toThrow();
    expect(dashboardExpressions({})).toEqual([]);
  });

  it("returns the anchor dashboard's 34 PromQL targets and skips its one Loki target", () => {
    const anchor = JSON.parse(readFileSync(ANCHOR_URL, 'utf8')) as { panels: Panel[] };
    const targets = allPanels(anchor.panels).flatMap((p) => p.targets ?? []);
    expect(targets).toHaveLength(35);
    const exprs = dashboardExpressions(anchor);
    expect(exprs).toHaveLength(34);
    expect(exprs.some((e) => e.panel === 'Sidecar logs')).toBe(false);
    expect(exprs.every((e) => !e.expr.includes('__error__'))).toBe(true);
    // Panels nested in the collapsed "Detailed ... Market Health" row are included.
    expect(exprs.filter((e) => e.panel === 'Price Feed Success Rate')).toHaveLength(1);
    expect(exprs.map((e) => e.panel)).toContain('Go Routines');
    // Its expressions name metric families this side-car exports (plus go_goroutines, a Go-only family).
    const names = new Set(exprs.flatMap((e) => metricNames(e.expr)));
    expect([...names].filter((n) => !isAllowed(n))).toEqual(['go_goroutines']);
    // Every anchor expression is variable-free after substitution.
    const vars = { job: 'oracle-sidecar', id: 'btc/usd', provider: '.*', market_map_provider: '.*', __range: '1h', __rate_interval: '1m', __interval: '15s' };
    for (const { panel, expr } of exprs) expect(substituteVariables(expr, vars), panel).not.toMatch(/\$|\[\[/);
  });
});

describe('substituteVariables', () => {
  it('replaces $var, ${var}, ${var:format} and [[var]] forms', () => {
    const vars = { job: 'sc', id: 'btc/usd' };
    expect(substituteVariables('up{job=~"$job"}', vars)).toBe('up{job=~"sc"}');
    expect(substituteVariables('up{job=~"${job}"}', vars)).toBe('up{job=~"sc"}');
    expect(substituteVariables('x{id=~"${id:regex}", job="${job:raw}"}', vars)).toBe('x{id=~"btc/usd", job="sc"}');
    expect(substituteVariables('x{job="[[job]]", id="[[id:regex]]"}', vars)).toBe('x{job="sc", id="btc/usd"}');
  });

  it('replaces $__range, $__rate_interval and $__interval, with or without a $ in the key', () => {
    const expr = 'rate(a[$__rate_interval]) + increase(b[$__range]) + avg_over_time(c[${__interval}])';
    const want = 'rate(a[1m]) + increase(b[2h]) + avg_over_time(c[15s])';
    expect(substituteVariables(expr, { __rate_interval: '1m', __range: '2h', __interval: '15s' })).toBe(want);
    expect(substituteVariables(expr, { $__rate_interval: '1m', $__range: '2h', $__interval: '15s' })).toBe(want);
  });

  it('matches whole names, leaves unknown variables alone and never re-expands values', () => {
    expect(substituteVariables('$jobname $job', { job: 'a' })).toBe('$jobname a');
    expect(substituteVariables('x[$__range_s] y[$__range]', { __range: '1h' })).toBe('x[$__range_s] y[1h]');
    expect(substituteVariables('$a $b', { a: '$b', b: 'B' })).toBe('$b B');
    expect(substituteVariables('no variables', { a: 'x' })).toBe('no variables');
  });
});

describe('vectorSelectors / metricNames', () => {
  it('finds metric names and matchers, not functions, keywords, labels, strings or durations', () => {
    const expr = 'histogram_quantile(0.99, sum by (job, le) (rate(foo_bucket{job=~"$job", a="b{c}"}[$__rate_interval])))'
      + ' / on (job) group_left (x) bar offset 5m and baz{y="sum(qux)"} > bool 1e3'
      + ' # trailing comment with fake_metric\n + label_replace(side:rule:x, "dst", "$1", "src", "(.*)")';
    expect(vectorSelectors(expr)).toEqual([
      { name: 'foo_bucket', matchers: 'job=~"$job", a="b{c}"' },
      { name: 'bar', matchers: '' },
      { name: 'baz', matchers: 'y="sum(qux)"' },
      { name: 'side:rule:x', matchers: '' },
    ]);
    expect(metricNames('time() - a{x="1"} - a - sum(rate(b[5m:30s])) without (le)')).toEqual(['a', 'b']);
  });

  it('flags a name outside the allowed list', () => {
    const names = metricNames('side_car_made_up_total{job=~"$job"} + up + process_cpu_seconds_total + side_car:tick_rate:rate1m');
    expect(names.filter((n) => !isAllowed(n))).toEqual(['side_car_made_up_total']);
    expect(isAllowed('side_car_tick_duration_seconds')).toBe(false);
    expect(isAllowed('side_car_tick_duration_seconds_bucket')).toBe(true);
  });
});
