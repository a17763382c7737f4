/**
 * docker-compose.yml (no Docker engine here, so it is checked as data): every mounted file
 * exists, every image is pinned, services, ports and the configs that name them agree,
 * promtool accepts the compose Prometheus config laid out as in its container, Grafana's
 * provisioning serves both dashboards their datasource, and connect's dashboard is fetched at a
 * pinned commit with the sha256 of the copy our tests read.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadOracleConfig } from '../../src/config/oracle-config.js';
import { exchangeProviderConfigs } from '../../src/exchanges/config.js';
import { SIM_EXCHANGES } from '../../src/sim/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONNECT_DASHBOARD = new URL('../../../shared/compat/connect/side-car-dashboard.json', import.meta.url);
const PROMTOOL = process.env.PROMTOOL_BIN ?? 'promtool';
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  volumes?: string[];
  ports?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = compose.services;
const service = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};

/** Bind mounts of a service: host path (relative to the repository) → container path. */
function binds(s: Service): Array<{ host: string; container: string }> {
  return (s.volumes ?? []).filter((v) => v.startsWith('./')).map((v) => {
    const [host = '', container = ''] = v.split(':');
    return { host: host.slice(2), container };
  });
}
/** Named volumes of a service: volume name → container path. */
const named = (s: Service) => new Map((s.volumes ?? []).filter((v) => !v.startsWith('./') && !v.startsWith('/')).map((v) => [v.split(':')[0] ?? '', v.split(':')[1] ?? '']));
/** Container ports a service publishes. */
const published = (s: Service) => (s.ports ?? []).map((p) => Number(p.split(':').at(-1)));
const hostFor = (s: Service, container: string) => binds(s).find((b) => b.container === container)?.host;

describe('docker-compose.yml', () => {
  it('runs the demo stack', () => {
    expect(Object.keys(services).sort()).toEqual(['alertmanager', 'grafana', 'grafana-dashboards', 'prometheus', 'sidecar', 'sim']);
  });

  it('mounts only files and directories that exist, and declares its named volumes', () => {
    const all = Object.values(services).flatMap(binds);
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const b of all) expect(existsSync(join(ROOT, b.host)), b.host).toBe(true);
    for (const s of Object.values(services)) for (const v of named(s).keys()) expect(compose.volumes, v).toHaveProperty(v);
  });

  it('pins every image to an exact version; the built ones carry the package version', () => {
    const version = (JSON.parse(read('package.json')) as { version: string }).version;
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, name).toMatch(/^[\w./-]+:v?\d+\.\d+\.\d+$/);
      if (s.build !== undefined) expect(s.image, name).toBe(`oracle-sidecar:${version}`);
    }
  });

  it('publishes the documented ports', () => {
    expect(published(service('sidecar')).sort()).toEqual([8002, 8080]);
    expect(published(service('prometheus'))).toEqual([9090]);
    expect(published(service('alertmanager'))).toEqual([9093]);
    expect(published(service('grafana'))).toEqual([3000]);
  });
});

describe('side-car and simulator', () => {
  const sim = service('sim');
  const sidecar = service('sidecar');
  const flag = (args: string[] | undefined, name: string) => args?.[args.indexOf(name) + 1];
  const oraclePath = hostFor(sidecar, flag(sidecar.command, '--oracle-config') ?? '');
  const oracle = JSON.parse(read(oraclePath ?? 'missing')) as { host: string; port: string; metrics: { prometheusServerAddress: string }; providers: Record<string, Record<string, { endpoints: Array<{ url: string }> }>> };

  it('the simulator runs from the image on all interfaces with fixed ports', () => {
    expect(sim.image).toBe(sidecar.image);
    expect(sim.entrypoint).toEqual(['node', 'dist/src/sim/main.js']);
    expect(flag(sim.command, '--host')).toBe('0.0.0.0');
    expect(Number(flag(sim.command, '--base-port'))).toBeGreaterThan(0);
  });

  it("the side-car's oracle.json points every simulated exchange at the sim service's port", () => {
    const base = Number(flag(sim.command, '--base-port'));
    expect(Object.keys(oracle.providers).sort()).toEqual(SIM_EXCHANGES.map((d) => d.name).sort());
    for (const [i, def] of SIM_EXCHANGES.entries()) {
      const p = oracle.providers[def.name] ?? {};
      const main = def.kind === 'http' ? p.api : p.webSocket;
      expect(main?.endpoints.map((e) => e.url), def.name).toEqual([`${def.kind === 'http' ? 'http' : 'ws'}://sim:${base + i}${def.endpointPath}`]);
      if (def.kind === 'ws' && def.apiEndpointPath !== undefined) expect(p.api?.endpoints.map((e) => e.url), def.name).toEqual([`http://sim:${base + i}${def.apiEndpointPath}`]);
    }
    // The control API follows the exchanges and is published for fault injection.
    expect(published(sim)).toEqual([base + SIM_EXCHANGES.length]);
  });

  it('the side-car loads that oracle.json and listens on the published ports', () => {
    const config = loadOracleConfig({ priceProviders: exchangeProviderConfigs(), path: join(ROOT, oraclePath ?? ''), env: {}, flags: {} });
    expect(config.metrics.enabled).toBe(true);
    expect(oracle.metrics.prometheusServerAddress).toBe('0.0.0.0:8002');
    expect(`${oracle.host}:${oracle.port}`).toBe('0.0.0.0:8080');
    expect(existsSync(join(ROOT, flag(sidecar.command, '--market-config-path') ?? ''))).toBe(true);
  });
});

describe('Prometheus and Alertmanager', () => {
  const prom = service('prometheus');
  const configHost = hostFor(prom, '/etc/prometheus/prometheus.yml') ?? '';
  const config = parse(read(configHost)) as {
    rule_files: string[];
    alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
  };
  /** service:port names a compose service that publishes that container port. */
  const reachable = (target: string) => {
    const [name = '', port = ''] = target.split(':');
    return services[name] !== undefined && published(service(name)).includes(Number(port));
  };

  it('scrapes the side-car service under the job name OracleSidecarDown reads', () => {
    const job = config.scrape_configs.find((j) => j.job_name === 'oracle-sidecar');
    const targets = job?.static_configs.flatMap((c) => c.targets) ?? [];
    expect(targets).toEqual(['sidecar:8002']);
    for (const t of targets) expect(reachable(t), t).toBe(true);
    expect(read('config/prometheus/alerts.yml')).toContain(`up{job="${job?.job_name}"}`);
  });

  it('sends alerts to the alertmanager service', () => {
    const targets = config.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets));
    expect(targets).toEqual(['alertmanager:9093']);
    for (const t of targets) expect(reachable(t), t).toBe(true);
  });

  it('loads the shipped rule files, mounted beside the config', () => {
    expect(config.rule_files.sort()).toEqual(['alerts.yml', 'recording.yml']);
    for (const f of config.rule_files) expect(hostFor(prom, `/etc/prometheus/${f}`)).toBe(`config/prometheus/${f}`);
  });

  it('promtool accepts the config with its rules, laid out as in the container', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oracle-sidecar-compose-'));
    for (const b of binds(prom)) {
      mkdirSync(dirname(join(dir, b.container)), { recursive: true });
      copyFileSync(join(ROOT, b.host), join(dir, b.container));
    }
    const r = spawnSync(PROMTOOL, ['check', 'config', join(dir, 'etc/prometheus/prometheus.yml')], { encoding: 'utf8' });
    if (r.error) throw new Error(`cannot run ${PROMTOOL} (install the Debian package prometheus): ${r.error.message}`);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('Alertmanager runs the shipped config at its image default path', () => {
    expect(hostFor(service('alertmanager'), '/etc/alertmanager/alertmanager.yml')).toBe('config/alertmanager/alertmanager.yml');
  });
});

describe('Grafana', () => {
  const grafana = service('grafana');
  const init = service('grafana-dashboards');
  const datasources = parse(read(hostFor(grafana, '/etc/grafana/provisioning/datasources/prometheus.yml') ?? '')) as {
    datasources: Array<{ type: string; url: string; isDefault?: boolean; uid: string }>;
  };
  const providers = parse(read(hostFor(grafana, '/etc/grafana/provisioning/dashboards/dashboards.yml') ?? '')) as { providers: Array<{ type: string; options: { path: string } }> };
  const dashboardDir = providers.providers[0]?.options.path ?? '';
  const connectJson = readFileSync(CONNECT_DASHBOARD);
  const command = init.command?.join(' ') ?? '';

  it('provisions the Prometheus service as the default datasource', () => {
    expect(datasources.datasources).toHaveLength(1);
    const ds = datasources.datasources[0];
    expect(ds).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true });
    expect(published(service('prometheus'))).toContain(9090);
  });

  it('both dashboards take their datasource from a prometheus datasource variable', () => {
    const ours = JSON.parse(read('config/grafana/oracle-sidecar.json')) as Dashboard;
    const connect = JSON.parse(connectJson.toString('utf8')) as Dashboard;
    expect(panelDatasourceVariables(ours)).toEqual(['datasource']);
    expect(panelDatasourceVariables(connect)).toEqual(['DS_PROMETHEUS']);
  });

  it('the dashboard provider reads both dashboards', () => {
    expect(providers.providers).toHaveLength(1);
    expect(hostFor(grafana, `${dashboardDir}/oracle-sidecar.json`)).toBe('config/grafana/oracle-sidecar.json');
    // connect's arrives in a volume the download service fills and Grafana mounts below the path.
    const [volume] = [...named(init).keys()];
    expect(named(grafana).get(volume ?? '')?.startsWith(`${dashboardDir}/`)).toBe(true);
    expect(command).toContain(`${named(init).get(volume ?? '')}/side-car-dashboard.json`);
  });

  it("downloads connect's dashboard at a full commit hash and checks the sha256 of our copy", () => {
    const url = /https:\/\/raw\.githubusercontent\.com\/skip-mev\/connect\/([0-9a-f]{40})\/grafana\/provisioning\/dashboards\/side-car-dashboard\.json/.exec(command);
    expect(url?.[1]).toMatch(/^9f856057/);
    const sha = createHash('sha256').update(connectJson).digest('hex');
    expect(/\b([0-9a-f]{64})\b/.exec(command)?.[1]).toBe(sha);
    expect(command).toMatch(/sha256sum -c -\s+&& cp /);
    expect(existsSync(join(ROOT, 'config/grafana/side-car-dashboard.json'))).toBe(false);
  });

  it('starts only after the download succeeded', () => {
    expect(grafana.depends_on).toMatchObject({ 'grafana-dashboards': { condition: 'service_completed_successfully' } });
  });
});

interface Dashboard {
  panels: Array<{ type: string; datasource?: { type?: string; uid?: string }; panels?: Dashboard['panels'] }>;
  templating: { list: Array<{ name: string; type: string; query?: unknown }> };
}

/** The variables that prometheus panels name as their datasource, each checked to be a
 *  datasource variable of type prometheus (which falls back to the default datasource). */
function panelDatasourceVariables(d: Dashboard): string[] {
  const all = (ps: Dashboard['panels']): Dashboard['panels'] => ps.flatMap((p) => [p, ...all(p.panels ?? [])]);
  const uids = new Set(all(d.panels).filter((p) => p.datasource?.type === 'prometheus').map((p) => p.datasource?.uid ?? ''));
  const names = [...uids].map((u) => /^\$\{(\w+)\}$/.exec(u)?.[1] ?? `not a variable: ${u}`);
  for (const n of names) expect(d.templating.list.find((v) => v.name === n), n).toMatchObject({ type: 'datasource', query: 'prometheus' });
  return names;
}
