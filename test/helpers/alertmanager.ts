/**
 * A real Alertmanager (Debian package `prometheus-alertmanager`) on a free loopback port with
 * a temporary storage directory and clustering off, running the shipped
 * config/alertmanager/alertmanager.yml with only the webhook URL and the group_wait,
 * group_interval and repeat_interval durations replaced.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, freePort } from './daemon.js';

export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? 'prometheus-alertmanager';
/** The receiver URL in the shipped file, replaced by the test's webhook. */
export const EXAMPLE_WEBHOOK_URL = 'http://127.0.0.1:5001/';

export interface AlertmanagerTimings {
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

/** One alert as GET /api/v2/alerts returns it. */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
  fingerprint: string;
}

export interface Alertmanager {
  readonly url: string;
  /** host:port, for Prometheus' alerting config. */
  readonly address: string;
  alerts(): Promise<AmAlert[]>;
  /** POST /api/v2/alerts, as Prometheus does. */
  post(alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string; endsAt?: string }>): Promise<void>;
  stop(): Promise<void>;
  logs(): string;
}

/** The shipped config with the webhook URL and the grouping durations replaced. */
export function testConfig(webhookUrl: string, t: AlertmanagerTimings): string {
  const shipped = readFileSync(join(ROOT, 'config/alertmanager/alertmanager.yml'), 'utf8');
  if (!shipped.includes(EXAMPLE_WEBHOOK_URL)) throw new Error(`alertmanager.yml no longer posts to ${EXAMPLE_WEBHOOK_URL}`);
  return shipped
    .replaceAll(EXAMPLE_WEBHOOK_URL, webhookUrl)
    .replace(/group_wait: *\S+/g, `group_wait: ${t.groupWait}`)
    .replace(/group_interval: *\S+/g, `group_interval: ${t.groupInterval}`)
    .replace(/repeat_interval: *\S+/g, `repeat_interval: ${t.repeatInterval}`);
}

export async function startAlertmanager(webhookUrl: string, t: AlertmanagerTimings): Promise<Alertmanager> {
  // A free port can be taken by a concurrent test before Alertmanager binds it: retry on a new one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(testConfig(webhookUrl, t), await freePort());
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('address already in use')) throw err;
    }
  }
}

async function startOnce(config: string, port: number): Promise<Alertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'oracle-sidecar-am-'));
  writeFileSync(join(dir, 'alertmanager.yml'), config);
  let logs = '';
  const child: ChildProcess = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // An empty cluster address turns gossip off (it would bind 0.0.0.0:9094).
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const exited = new Promise((r) => child.once('exit', r));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await Promise.race([
      fetch(`${url}/-/ready`).then((r) => r.ok, () => false),
      spawnError.then((e) => {
        throw new Error(`cannot run ${ALERTMANAGER_BIN} (install the Debian package prometheus-alertmanager): ${e.message}`);
      }),
    ]);
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`alertmanager did not start:\n${logs.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    address: `127.0.0.1:${port}`,
    logs: () => logs,
    async alerts() {
      const res = await fetch(`${url}/api/v2/alerts`);
      if (!res.ok) throw new Error(`GET /api/v2/alerts: ${res.status} ${await res.text()}`);
      return (await res.json()) as AmAlert[];
    },
    async post(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`POST /api/v2/alerts: ${res.status} ${await res.text()}`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
