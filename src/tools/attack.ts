/**
 * `npm run soak -- --attack [--minutes N] ...` (flags: attack-options.ts). Runs the built
 * side-car against the simulator, switches a random exchange fault on every few seconds
 * (simulator control API, POST /fault), and for N minutes (default 10) attacks both of its
 * ports at once from a separate, lower-priority process (attack-worker.ts):
 *   metrics port  a flood of concurrent GET /metrics, stalled readers, slowloris;
 *   price port    a flood of REST /prices, idle and half-open HTTP/1.1 and HTTP/2
 *                 connections, HTTP/2 rapid reset, many gRPC Health/Watch streams;
 * while a probe (attack-probe.ts) GETs /prices every 50 ms on a connection of its own.
 * Reports ticks expected/counted/missed, /prices latency, the side-car's RSS and fd count
 * (/proc/<pid>) at start and end (after the attack stops and a grace period), the attack
 * volumes and a verdict (attack-report.ts): one JSON line, a human summary, the full report
 * in a file. Exit 0 on PASS, 1 on FAIL, 2 on a bad flag. Linux only (/proc). Not part of CI.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Fault, type Simulator } from '../sim/index.js';
import { openFileLimit, sleep } from './attack-common.js';
import { fdCount, launchDaemon, metric, rssBytes, scrapeRetrying, type DaemonProcess } from './attack-daemon.js';
import { parseAttackOptions, PASS, PROBE, RAPID_RESET_STREAMS, type AttackOptions } from './attack-options.js';
import { startAttacker, startProbe } from './attack-procs.js';
import { buildReport, summary, type Measured } from './attack-report.js';

const HTTP_FAULTS: Fault[] = [
  { mode: 'status', status: 500 }, { mode: 'status', status: 429 }, { mode: 'slow', delayMs: 4000 },
  { mode: 'malformed' }, { mode: 'bad-price' }, { mode: 'trailing-garbage' },
];
const WS_FAULTS: Fault[] = [{ mode: 'drop' }, { mode: 'silent' }, { mode: 'reject' }, { mode: 'malformed' }, { mode: 'error-ack' }, { mode: 'bad-price' }];

/** Faults go to the providers market.json uses, each through the control API. */
function faultInjector(sim: Simulator, marketPath: string, seed: number) {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const markets = (JSON.parse(readFileSync(marketPath, 'utf8')) as { markets: Record<string, { provider_configs: Array<{ name: string }> }> }).markets;
  const used = new Set(Object.values(markets).flatMap((m) => m.provider_configs.map((pc) => pc.name)));
  const exchanges = sim.exchanges().filter((e) => used.has(e));
  const providers = (sim.oracleOverride() as { providers: Record<string, { api?: unknown; webSocket?: unknown }> }).providers;
  const post = (exchange: string, fault: Fault) =>
    fetch(`${sim.controlUrl}/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ exchange, fault }) })
      .then((r) => r.ok, () => false);
  let active: string | undefined;
  let injected = 0;
  return {
    injected: () => injected,
    async next(): Promise<void> {
      if (active) await post(active, { mode: 'none' });
      const exchange = exchanges[Math.floor(random() * exchanges.length)];
      if (exchange === undefined) return;
      const list = providers[exchange]?.webSocket ? WS_FAULTS : HTTP_FAULTS;
      const fault = list[Math.floor(random() * list.length)] ?? { mode: 'none' };
      if (await post(exchange, fault)) injected += 1;
      active = exchange;
    },
    async clear(): Promise<void> {
      if (active) await post(active, { mode: 'none' });
      active = undefined;
    },
  };
}

async function attack(o: AttackOptions, sim: Simulator, daemon: DaemonProcess, marketPath: string): Promise<Measured> {
  const metricsUrl = `http://127.0.0.1:${daemon.metricsPort}/metrics`;
  if (!(await scrapeRetrying(metricsUrl, 20_000))) throw new Error('the side-car did not answer on its metrics port within 20 s');
  await sleep(o.warmupSeconds * 1000); // subscriptions, first ticks, first GC cycles
  const probe = startProbe({ url: `http://127.0.0.1:${daemon.port}/connect/oracle/v2/prices`, ...PROBE });
  await sleep(500); // the probe's connection is open before the attack starts
  const base = await scrapeRetrying(metricsUrl, 10_000);
  const t0 = Date.now();
  const rss: Measured['rss'] = { start: rssBytes(daemon.pid()) };
  const fds: Measured['fds'] = { start: fdCount(daemon.pid()), limit: openFileLimit(daemon.pid() ?? 'self'), backAfterMs: null };
  rss.peak = rss.start;
  fds.peak = fds.start;
  const faults = faultInjector(sim, marketPath, o.seed);
  const attacker = await startAttacker({
    host: '127.0.0.1', metricsPort: daemon.metricsPort, pricePort: daemon.port, sockets: o.sockets,
    watchStreams: o.watchStreams, rapidResetRate: o.rapidResetRate, rapidResetStreams: RAPID_RESET_STREAMS,
  });
  probe.begin();
  const attackStart = Date.now();
  const end = attackStart + o.minutes * 60_000;
  let nextFault = attackStart;
  while (Date.now() < end) {
    if (Date.now() >= nextFault) {
      await faults.next();
      nextFault = Date.now() + o.faultEverySeconds * 1000;
    }
    rss.peak = Math.max(rss.peak ?? 0, rssBytes(daemon.pid()) ?? 0);
    fds.peak = Math.max(fds.peak ?? 0, fdCount(daemon.pid()) ?? 0);
    await sleep(Math.min(1000, Math.max(0, end - Date.now())));
  }
  const stats = await attacker.stop();
  const attackSeconds = (Date.now() - attackStart) / 1000;
  const probed = await probe.stop();
  await faults.clear();
  const last = await scrapeRetrying(metricsUrl, 15_000);
  const t1 = Date.now();
  const stoppedAt = Date.now();
  const graceEnd = stoppedAt + o.graceSeconds * 1000;
  for (;;) {
    const n = fdCount(daemon.pid());
    if (fds.backAfterMs === null && n !== undefined && fds.start !== undefined && n <= fds.start + PASS.fdSlack) fds.backAfterMs = Date.now() - stoppedAt;
    if (Date.now() >= graceEnd) break;
    await sleep(Math.min(250, graceEnd - Date.now()));
  }
  rss.end = rssBytes(daemon.pid());
  fds.end = fdCount(daemon.pid());
  return {
    attackSeconds,
    updateIntervalMs: (metric(base ?? '', 'side_car_update_interval_seconds') ?? 0.25) * 1000,
    ticksAtStart: base === undefined ? undefined : metric(base, 'side_car_health_check_system_updates_total'),
    ticksAtEnd: last === undefined ? undefined : metric(last, 'side_car_health_check_system_updates_total'),
    tickWindowMs: t1 - t0,
    probe: probed,
    crashes: daemon.crashes(),
    shutdownMs: await daemon.stop(),
    faultsInjected: faults.injected(),
    rss,
    fds,
    graceSeconds: o.graceSeconds,
    attack: stats && { budget: attacker.budget, peakSockets: stats.peakSockets, plan: attacker.plan, counts: stats.counts },
  };
}

/** Run the attack soak; resolves with the exit code. */
export async function runAttack(argv: readonly string[]): Promise<number> {
  const o = parseAttackOptions(argv);
  if (o instanceof Error) {
    process.stderr.write(`soak --attack: ${o.message}\n`);
    return 2;
  }
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const reportPath = o.report || join(root, 'soak-report.json'); // the plain soak's file: gitignored, `mode` tells them apart
  const marketPath = join(root, 'market.json');
  const sim = await startSimulator({ seed: o.seed });
  const dir = mkdtempSync(join(tmpdir(), 'oracle-sidecar-attack-'));
  writeFileSync(join(dir, 'oracle.json'), JSON.stringify(sim.oracleOverride()));
  const daemon = await launchDaemon(root, dir, join(dir, 'oracle.json'), marketPath);
  try {
    const report = buildReport(await attack(o, sim, daemon, marketPath));
    writeFileSync(reportPath, JSON.stringify(report, null, 2));
    process.stdout.write(`${JSON.stringify(report)}\n${summary(report)}\nfull report: ${reportPath}\n`);
    return report.verdict.pass ? 0 : 1;
  } catch (err) {
    process.stderr.write(`soak --attack: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await daemon.stop();
    await sim.close();
  }
}
