/**
 * Soak test: `npm run soak -- --minutes N [--fault-every S] [--seed N] [--report FILE]`.
 * Runs the built side-car (a child process, as in production) against the simulator with the
 * top-level market.json, switches a random fault on a random provider every few seconds,
 * scrapes the side-car every second and reports: ticks missed, crashes, RSS and heap at start
 * and end, markets served, and per fault how long the feed took to be used again after the
 * fault cleared. Not part of CI.
 * `npm run soak -- --attack [--minutes N] ...` does the same while flooding and stalling
 * both ports of the side-car, and ends with a PASS/FAIL verdict: see attack.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Fault } from '../sim/index.js';
import { freePort } from './attack-daemon.js';
import { daemonNodeFlags } from './node-flags.js';

const HTTP_FAULTS: Fault[] = [
  { mode: 'status', status: 500 }, { mode: 'status', status: 429 }, { mode: 'slow', delayMs: 4000 },
  { mode: 'malformed' }, { mode: 'bad-price' }, { mode: 'trailing-garbage' },
];
const WS_FAULTS: Fault[] = [{ mode: 'drop' }, { mode: 'silent' }, { mode: 'reject' }, { mode: 'malformed' }, { mode: 'error-ack' }, { mode: 'bad-price' }];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

/** Sum of the samples of `name` whose label text contains every `filter` fragment. */
function sum(text: string, name: string, ...filter: string[]): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    if (filter.every((f) => line.includes(f))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

if (process.argv.includes('--attack')) {
  const { runAttack } = await import('./attack.js');
  process.exit(await runAttack(process.argv.slice(2)));
}

const minutes = arg('minutes', 10);
const faultEvery = arg('fault-every', 5) * 1000;
let seed = arg('seed', 1);
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const reportIndex = process.argv.indexOf('--report');
const reportPath = reportIndex >= 0 ? (process.argv[reportIndex + 1] ?? 'soak-report.json') : join(root, 'soak-report.json');

const sim = await startSimulator({ seed });
const dir = mkdtempSync(join(tmpdir(), 'oracle-sidecar-soak-'));
writeFileSync(join(dir, 'oracle.json'), JSON.stringify(sim.oracleOverride()));
const [port, metricsPort] = [await freePort(), await freePort()];
const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
let crashes = 0;
let stopping = false;
let child: ChildProcess | undefined;
const launch = () => {
  child = spawn(process.execPath, [...daemonNodeFlags(root), join(root, 'dist/src/main.js'), '--oracle-config', join(dir, 'oracle.json'), '--market-config-path', join(root, 'market.json'),
    '--host', '127.0.0.1', '--port', String(port), '--metrics-prometheus-address', `127.0.0.1:${metricsPort}`, '--log-std-out-level', 'error'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    crashes += 1;
    process.stderr.write(`side-car exited unexpectedly (code ${code}, signal ${signal}); restarting\n`);
    launch();
  });
};
launch();

const scrape = async () => (await fetch(metricsUrl)).text();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < 100; i++) if (await scrape().then(() => true, () => false)) break; else await sleep(100);
await sleep(10_000); // warm-up: subscriptions, normalisation, first GC cycles

const first = await scrape();
const start = { at: Date.now(), ticks: sum(first, 'side_car_health_check_system_updates_total'), rss: sum(first, 'process_resident_memory_bytes'), heap: sum(first, 'nodejs_heap_size_used_bytes') };
const interval = sum(first, 'side_car_update_interval_seconds') * 1000;
const markets = sum(first, 'side_car_market_price_served');
const recoveries: Array<{ provider: string; fault: string; ms: number | null }> = [];
const served: number[] = [];
let active: { provider: string; fault: Fault } | undefined;
const end = start.at + minutes * 60_000;
// Faults go to the providers market.json uses, so each one has a feed to recover.
const used = new Set(Object.values((JSON.parse(readFileSync(join(root, 'market.json'), 'utf8')) as { markets: Record<string, { provider_configs: Array<{ name: string }> }> }).markets).flatMap((m) => m.provider_configs.map((pc) => pc.name)));
const exchanges = sim.exchanges().filter((e) => used.has(e));
const kindOf = (name: string) => ((sim.oracleOverride() as { providers: Record<string, { api?: unknown }> }).providers[name]?.api ? 'http' : 'ws');

/** Clear the active fault and time how long until its provider succeeds again. */
async function clear(): Promise<void> {
  if (!active) return;
  const { provider, fault } = active;
  active = undefined;
  const label = `provider="${provider}"`;
  const before = sum(await scrape(), 'side_car_provider_status_responses', label, 'status="success"');
  sim.setFault(provider, { mode: 'none' });
  const t0 = Date.now();
  let ms: number | null = null;
  while (Date.now() - t0 < 30_000) {
    if (sum(await scrape(), 'side_car_provider_status_responses', label, 'status="success"') > before) {
      ms = Date.now() - t0;
      break;
    }
    await sleep(100);
  }
  recoveries.push({ provider, fault: fault.mode === 'status' ? `status ${fault.status}` : fault.mode, ms });
}

let nextFault = Date.now();
while (Date.now() < end) {
  if (Date.now() >= nextFault) {
    await clear();
    const provider = exchanges[Math.floor(random() * exchanges.length)] ?? 'kraken_api';
    const list = kindOf(provider) === 'http' ? HTTP_FAULTS : WS_FAULTS;
    const fault = list[Math.floor(random() * list.length)] ?? { mode: 'none' };
    sim.setFault(provider, fault);
    active = { provider, fault };
    nextFault = Date.now() + faultEvery;
  }
  served.push(sum(await scrape().catch(() => ''), 'side_car_market_price_served'));
  await sleep(1000);
}
await clear();

const last = await scrape();
const elapsed = Date.now() - start.at;
const ticks = sum(last, 'side_car_health_check_system_updates_total') - start.ticks;
const expected = Math.floor(elapsed / interval);
const finish = { rss: sum(last, 'process_resident_memory_bytes'), heap: sum(last, 'nodejs_heap_size_used_bytes') };
const times = recoveries.map((r) => r.ms).filter((m): m is number => m !== null).sort((a, b) => a - b);
const report = {
  minutes: elapsed / 60_000,
  faults: recoveries.length,
  crashes,
  ticks: { expected, counted: ticks, missed: Math.max(0, expected - ticks - 1) },
  markets: { configured: markets, minServed: Math.min(...served), meanServed: served.reduce((a, b) => a + b, 0) / Math.max(1, served.length) },
  memory: { rssStartMiB: start.rss / 2 ** 20, rssEndMiB: finish.rss / 2 ** 20, rssGrowthPct: (100 * (finish.rss - start.rss)) / start.rss, heapStartMiB: start.heap / 2 ** 20, heapEndMiB: finish.heap / 2 ** 20 },
  recoveryMs: { median: times[Math.floor(times.length / 2)] ?? null, p95: times[Math.floor(times.length * 0.95)] ?? null, max: times.at(-1) ?? null, neverRecovered: recoveries.filter((r) => r.ms === null) },
  recoveries,
};
writeFileSync(reportPath, JSON.stringify(report, null, 2));
stopping = true;
child?.kill('SIGTERM');
await sim.close();
const { recoveries: _detail, ...summary } = report;
process.stdout.write(`${JSON.stringify(summary, null, 2)}\nfull report: ${reportPath}\n`);
