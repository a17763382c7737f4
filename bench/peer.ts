/**
 * Peer: the simulated coinbase_ws ticker feed consumed by @chainlink/external-adapter-framework's
 * WebSocketTransport (bench/peer/adapter.mjs, installed only in bench/peer, never a dependency
 * of the side-car) against the side-car's own ingest path (ingest-consumer.js `sidecar`), each
 * in its own process, on the same simulator and the same flood.
 *
 * How each side is driven, per round (medians over rounds are reported):
 * - simulator: `dist/src/sim/main.js --push-interval-ms 1`, fault `flood` with `factor` on
 *   coinbase_ws (every 1 ms push is repeated `factor` times), exactly as bench/ingest.ts.
 * - peer: `node bench/peer/adapter.mjs` (the framework's `expose()`, settings in the environment,
 *   listed in adapter.mjs). One POST / {"data":{"base","quote"}} per ticker registers the
 *   subscriptions (repeated until each answers with a numeric result, i.e. the pair is subscribed
 *   and its ticker parsed); after a 1 s warm-up the window is measured from the framework's own
 *   counter ws_message_total{direction="received"} (summed over its label sets; read from the
 *   adapter's metrics port before and after the window; the direction="sent" series only move
 *   when subscribing) and the process's utime+stime from /proc/<pid>/stat.
 * - side-car: `ingest-consumer.js sidecar coinbase_ws <url> <tickers> <windowMs>` as
 *   bench/ingest.ts runs it (WsStream + coinbase_ws adapter + ProviderSink + metrics; it also
 *   subscribes to `heartbeat`, one frame per product per second); frames and process.cpuUsage()
 *   over the same 1 s warm-up + window.
 * Each round runs both, one at a time; which goes first alternates between rounds.
 *
 * Fairness: on a 2-core machine the simulator (one process, one core) is itself the bottleneck
 * under flood, so delivered messages per second (rateRatio) is capped by the simulator rather
 * than by the consumer; the consumer's capacity, messages per CPU-second (1 / CPU µs per
 * message, capacityRatio), is the fair comparison.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, median, sleep, startSim, type SimProcess } from './common.js';

const CONSUMER = join(fileURLToPath(new URL('.', import.meta.url)), 'ingest-consumer.js');
const PEER_DIR = join(ROOT, 'bench/peer');
const PEER_ADAPTER = join(PEER_DIR, 'adapter.mjs');
const FRAMEWORK_PKG = join(PEER_DIR, 'node_modules/@chainlink/external-adapter-framework/package.json');
const PROVIDER = 'coinbase_ws';
/** The same 8 tickers as STREAMS.coinbase_ws in bench/ingest.ts. */
const TICKERS = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'ATOM-USD', 'DOGE-USD', 'TIA-USD', 'OSMO-USD', 'DYDX-USD'];

export interface PeerResult {
  /** Peer (framework) messages per second received, from its ws_message_total. */
  peerRate: number;
  /** Peer CPU µs (user + system, /proc) per message received. */
  peerCpuUs: number;
  sidecarRate: number;
  sidecarCpuUs: number;
  /** side-car / peer messages per second (capped by the simulator under flood). */
  rateRatio: number;
  /** peer / side-car CPU µs per message. */
  cpuRatio: number;
  /** side-car / peer messages per CPU-second: (1 / sidecarCpuUs) / (1 / peerCpuUs). */
  capacityRatio: number;
  frameworkVersion: string;
  rounds: number;
  windowMs: number;
  notes: string[];
}

interface Sample { rate: number; cpuUs: number }

/** Install bench/peer's own dependencies (npm ci from its lock file) when they are missing. */
export function ensurePeerInstalled(notes: string[]): string {
  if (existsSync(FRAMEWORK_PKG)) return installedFrameworkVersion();
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: PEER_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0 || !existsSync(FRAMEWORK_PKG)) {
    const why = r.error ? String(r.error) : `exit ${String(r.status)}`;
    throw new Error(`peer bench: \`npm ci\` in ${PEER_DIR} failed (${why}); the npm registry must be reachable to install @chainlink/external-adapter-framework there.\n${(r.stderr ?? '').slice(-2000)}`);
  }
  notes.push(`installed bench/peer dependencies with npm ci`);
  return installedFrameworkVersion();
}

function installedFrameworkVersion(): string {
  return (JSON.parse(readFileSync(FRAMEWORK_PKG, 'utf8')) as { version: string }).version;
}

function clockTicks(notes: string[]): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (Number.isInteger(n) && n > 0) {
      notes.push(`peer CPU from /proc/<pid>/stat utime+stime at CLK_TCK ${n} (getconf)`);
      return n;
    }
  } catch {
    // fall through
  }
  notes.push('peer CPU from /proc/<pid>/stat utime+stime; getconf CLK_TCK failed, assumed 100');
  return 100;
}

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(killer);
}

export interface Peer {
  child: ChildProcess;
  eaUrl: string;
  metricsUrl: string;
  output(): string;
}

export async function startPeer(wsUrl: string): Promise<Peer> {
  const [eaPort, metricsPort] = [await freePort(), await freePort()];
  // Every setting the framework reads is listed (with its default) in bench/peer/adapter.mjs.
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    WS_API_ENDPOINT: wsUrl,
    EA_HOST: '127.0.0.1',
    EA_PORT: String(eaPort),
    METRICS_ENABLED: 'true',
    METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'error',
    WS_SUBSCRIPTION_TTL: '600000',
    CACHE_TYPE: 'local',
    CACHE_MAX_AGE: '90000',
    BACKGROUND_EXECUTE_MS_WS: '1000',
  };
  const child = spawn(process.execPath, [PEER_ADAPTER], { cwd: PEER_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const peer = { child, eaUrl: `http://127.0.0.1:${eaPort}`, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, output: () => out };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`peer adapter exited ${String(child.exitCode)}:\n${out}`);
    try {
      const [h, m] = await Promise.all([fetch(`${peer.eaUrl}/health`), fetch(peer.metricsUrl)]);
      await Promise.all([h.arrayBuffer(), m.arrayBuffer()]);
      if (h.ok && m.ok) return peer;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`peer adapter did not start in 30 s:\n${out}`);
    }
    await sleep(100);
  }
}

/** Sum of ws_message_total{direction="received"} over its label sets. */
export async function receivedTotal(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('ws_message_total{') && line.includes('direction="received"')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

interface PairAnswer { status: number; result?: unknown; data?: { result?: unknown; sequence?: unknown } }

async function queryPair(eaUrl: string, ticker: string): Promise<PairAnswer> {
  const [base, quote] = ticker.split('-');
  const res = await fetch(`${eaUrl}/`, { method: 'POST', body: JSON.stringify({ data: { base, quote } }), headers: { 'content-type': 'application/json' } });
  return { status: res.status, ...((await res.json()) as Omit<PairAnswer, 'status'>) };
}

const numeric = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** One request per ticker, repeated until each pair answers 200 with a numeric result. */
export async function register(peer: Peer, tickers: readonly string[] = TICKERS): Promise<void> {
  const deadline = Date.now() + 30_000;
  await Promise.all(tickers.map(async (t) => {
    for (;;) {
      const a = await queryPair(peer.eaUrl, t).catch((e: unknown) => ({ status: 0, result: String(e) }) as PairAnswer);
      if (a.status === 200 && numeric(a.result)) return;
      if (Date.now() > deadline) throw new Error(`peer: no price for ${t} within 30 s (last answer ${JSON.stringify(a)}):\n${peer.output()}`);
      await sleep(200);
    }
  }));
}

/** Sum over the tickers of the latest ticker `sequence` the peer has cached. */
async function sequenceSum(peer: Peer): Promise<number> {
  const answers = await Promise.all(TICKERS.map((t) => queryPair(peer.eaUrl, t)));
  let sum = 0;
  for (const [i, a] of answers.entries()) {
    const seq = a.data?.sequence;
    if (a.status !== 200 || typeof seq !== 'number') throw new Error(`peer: no sequence for ${TICKERS[i] ?? ''}: ${JSON.stringify(a)}`);
    sum += seq;
  }
  return sum;
}

/** Wait until the peer's received counter stops moving (the simulator is silent). */
async function drained(peer: Peer): Promise<number> {
  const deadline = Date.now() + 60_000;
  let last = await receivedTotal(peer.metricsUrl);
  for (;;) {
    await sleep(300);
    const now = await receivedTotal(peer.metricsUrl);
    if (now === last) return now;
    if (Date.now() > deadline) throw new Error('peer: backlog did not drain in 60 s');
    last = now;
  }
}

/**
 * Exact check that ws_message_total counts every received frame: with the simulator silent and
 * the peer drained, read the counter and the sum of the cached per-product `sequence` (the
 * simulator numbers each ticker message per product and connection, +1 each); flood for
 * `floodMs`, silence again, drain, read both again. The two deltas must be equal.
 */
async function countCheck(sim: SimProcess, peer: Peer, factor: number, floodMs: number): Promise<{ counted: number; sent: number }> {
  await sim.post('/fault', { exchange: PROVIDER, fault: { mode: 'silent' } });
  const m0 = await drained(peer);
  const s0 = await sequenceSum(peer);
  await sim.post('/fault', { exchange: PROVIDER, fault: { mode: 'flood', factor } });
  await sleep(floodMs);
  await sim.post('/fault', { exchange: PROVIDER, fault: { mode: 'silent' } });
  const m1 = await drained(peer);
  const s1 = await sequenceSum(peer);
  await sim.post('/fault', { exchange: PROVIDER, fault: { mode: 'flood', factor } });
  return { counted: m1 - m0, sent: s1 - s0 };
}

async function runPeerRound(sim: SimProcess, windowMs: number, factor: number, tck: number, round: number, notes: string[], track: (c: ChildProcess | undefined) => void): Promise<Sample> {
  const url = sim.endpoints[PROVIDER] ?? '';
  const peer = await startPeer(url);
  track(peer.child);
  try {
    await register(peer);
    while ((await receivedTotal(peer.metricsUrl)) === 0) await sleep(20);
    await sleep(1000);
    const pid = peer.child.pid ?? 0;
    const simPid = sim.child.pid ?? 0;
    const m0 = await receivedTotal(peer.metricsUrl);
    const tm0 = performance.now();
    const c0 = cpuTicks(pid);
    const sc0 = cpuTicks(simPid);
    const tc0 = performance.now();
    await sleep(windowMs);
    const c1 = cpuTicks(pid);
    const sc1 = cpuTicks(simPid);
    const tc1 = performance.now();
    const m1 = await receivedTotal(peer.metricsUrl);
    const tm1 = performance.now();
    const rate = ((m1 - m0) * 1000) / (tm1 - tm0);
    // Messages in the CPU window, at the rate measured between the two counter reads.
    const cpuUs = (((c1 - c0) * 1e6) / tck) / ((rate * (tc1 - tc0)) / 1000);
    const simPct = (((sc1 - sc0) / tck) * 100_000) / (tc1 - tc0);
    const peerPct = (((c1 - c0) / tck) * 100_000) / (tc1 - tc0);

    // Checks, outside the measured window: prices were parsed, and the counter counts messages.
    const btc = await queryPair(peer.eaUrl, 'BTC-USD');
    if (btc.status !== 200 || !numeric(btc.result)) throw new Error(`peer: BTC/USD after the window answered ${JSON.stringify(btc)}`);
    const check = await countCheck(sim, peer, factor, 500);
    notes.push(
      `round ${round} peer: ${Math.round(rate)} msg/s, ${cpuUs.toFixed(2)} CPU µs/msg (peer ${peerPct.toFixed(0)} %, simulator ${simPct.toFixed(0)} % of a core in the window); ` +
        `POST {"base":"BTC","quote":"USD"} after the window → ${btc.result}; count check: ws_message_total +${check.counted} vs ticker sequences +${check.sent} ` +
        `(${check.counted === check.sent ? 'equal' : 'DIFFERENT'}) over 500 ms of flood between two drained, silent points`,
    );
    return { rate, cpuUs };
  } finally {
    await stopChild(peer.child);
    track(undefined);
  }
}

function runSidecarRound(sim: SimProcess, windowMs: number, tck: number, round: number, notes: string[], track: (c: ChildProcess | undefined) => void): Promise<Sample> {
  const url = sim.endpoints[PROVIDER] ?? '';
  const simPid = sim.child.pid ?? 0;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONSUMER, 'sidecar', PROVIDER, url, TICKERS.join(','), String(windowMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    track(child);
    const sc0 = cpuTicks(simPid);
    const t0 = performance.now();
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      track(undefined);
      if (code !== 0) {
        reject(new Error(`sidecar ${PROVIDER} consumer exited ${String(code)}`));
        return;
      }
      const simPct = (((cpuTicks(simPid) - sc0) / tck) * 100_000) / (performance.now() - t0);
      const s = JSON.parse(out) as { frames: number; cpuUs: number; ms: number };
      const sample = { rate: (s.frames * 1000) / s.ms, cpuUs: s.cpuUs / Math.max(1, s.frames) };
      notes.push(
        `round ${round} side-car: ${Math.round(sample.rate)} msg/s, ${sample.cpuUs.toFixed(2)} CPU µs/msg ` +
          `(${((s.cpuUs / 10) / s.ms).toFixed(0)} % of a core; simulator ${simPct.toFixed(0)} % over the whole run incl. start-up and warm-up)`,
      );
      resolve(sample);
    });
  });
}

export async function runPeer(rounds = 3, windowMs = 3000, factor = 200): Promise<PeerResult> {
  const notes: string[] = [];
  const frameworkVersion = ensurePeerInstalled(notes);
  const tck = clockTicks(notes);
  notes.push(
    `simulator: --push-interval-ms 1, flood factor ${factor} on ${PROVIDER}, tickers ${TICKERS.join(',')}; ` +
      `peer: @chainlink/external-adapter-framework ${frameworkVersion} WebSocketTransport via expose(), LOG_LEVEL=error, local cache, ` +
      `subscribed by one POST / per pair (Coinbase subscribe, channels ["ticker"]), counted by ws_message_total{direction="received"}; ` +
      `side-car: ingest-consumer.js sidecar (channels ticker + heartbeat), frames counted in its WsExchange.handle; ` +
      `both: own process, 1 s warm-up after the first message, ${windowMs} ms window; order alternates by round`,
    'capacity (messages per CPU-second) is the fair ratio: on 2 cores the simulator saturates its core under flood and caps delivered msg/s for whichever consumer is faster',
  );
  let child: ChildProcess | undefined;
  const track = (c: ChildProcess | undefined): void => {
    child = c;
  };
  const sim = await startSim(['--push-interval-ms', '1']);
  const peer: Sample[] = [];
  const side: Sample[] = [];
  try {
    await sim.post('/fault', { exchange: PROVIDER, fault: { mode: 'flood', factor } });
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) {
        peer.push(await runPeerRound(sim, windowMs, factor, tck, i + 1, notes, track));
        side.push(await runSidecarRound(sim, windowMs, tck, i + 1, notes, track));
      } else {
        side.push(await runSidecarRound(sim, windowMs, tck, i + 1, notes, track));
        peer.push(await runPeerRound(sim, windowMs, factor, tck, i + 1, notes, track));
      }
    }
  } finally {
    await stopChild(child);
    await sim.stop();
  }
  const peerRate = median(peer.map((s) => s.rate));
  const peerCpuUs = median(peer.map((s) => s.cpuUs));
  const sidecarRate = median(side.map((s) => s.rate));
  const sidecarCpuUs = median(side.map((s) => s.cpuUs));
  const result: PeerResult = {
    peerRate,
    peerCpuUs,
    sidecarRate,
    sidecarCpuUs,
    rateRatio: sidecarRate / peerRate,
    cpuRatio: peerCpuUs / sidecarCpuUs,
    capacityRatio: 1 / sidecarCpuUs / (1 / peerCpuUs),
    frameworkVersion,
    rounds,
    windowMs,
    notes,
  };
  process.stderr.write(`peer ${JSON.stringify(result)}\n`);
  return result;
}
