/**
 * A real Prometheus (Debian package `prometheus`) on a free loopback port with a temporary
 * data directory, scraping the given targets every 500 ms, optionally sending its alerts to
 * Alertmanagers (host:port).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, freePort } from './daemon.js';

/**
 * The shipped rule files (config/prometheus/recording.yml and alerts.yml) written to a temporary
 * directory with windows, `for:` and the 5-minute staleness threshold shortened, so the alerts
 * fire within seconds; returns their paths.
 */
export function shortenedRuleFiles(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'oracle-sidecar-rules-'));
  return ['recording.yml', 'alerts.yml'].map((f) => {
    const path = join(dir, f);
    const rules = readFileSync(join(ROOT, 'config/prometheus', f), 'utf8')
      .replace(/\[\d+[smh]\]/g, '[10s]')
      .replace(/for: *\d+[smh]/g, 'for: 2s')
      .replace(/side_car_provider_price_age_seconds(\{[^}]*\})? *> *300/g, 'side_car_provider_price_age_seconds$1 > 3');
    writeFileSync(path, rules);
    return path;
  });
}

export interface Prometheus {
  readonly url: string;
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  stop(): Promise<void>;
  logs(): string;
}

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? 'prometheus';

export interface PrometheusOptions {
  ruleFiles?: string[];
  job?: string;
  alertmanagers?: string[];
}

export async function startPrometheus(targets: string[], o: PrometheusOptions = {}): Promise<Prometheus> {
  // A free port can be taken by a concurrent test before Prometheus binds it: retry on a new one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(targets, o, await freePort());
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('address already in use')) throw err;
    }
  }
}

async function startOnce(targets: string[], o: PrometheusOptions, port: number): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'oracle-sidecar-prom-'));
  const config = [
    'global:',
    '  scrape_interval: 500ms',
    '  scrape_timeout: 400ms',
    '  evaluation_interval: 500ms',
    ...(o.ruleFiles?.length ? ['rule_files:', ...o.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
    ...(o.alertmanagers?.length
      ? ['alerting:', '  alertmanagers:', '    - static_configs:', `        - targets: [${o.alertmanagers.map((t) => JSON.stringify(t)).join(', ')}]`]
      : []),
    'scrape_configs:',
    `  - job_name: ${JSON.stringify(o.job ?? 'oracle-sidecar')}`,
    '    static_configs:',
    `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  let logs = '';
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await Promise.race([
      fetch(`${url}/-/ready`).then((r) => r.ok, () => false),
      spawnError.then((e) => { throw new Error(`cannot run ${PROMETHEUS_BIN} (install the Debian package prometheus): ${e.message}`); }),
    ]);
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`prometheus did not start:\n${logs.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    logs: () => logs,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; error?: string; data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
      return body.data?.result ?? [];
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
