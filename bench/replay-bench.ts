/**
 * Replay benchmark (coinbase_ws): the floor, the built daemon and the peer, each in its own
 * process, fed by bench/replay.ts (its own process) so that the consumer is the bottleneck.
 *
 * Per round, for each consumer in turn (the order rotates by round): start it against
 * ws://…/<name>, wait until the replay connection has every product subscribed and the
 * consumer has counted a message (the replay runs at the fixed rate meanwhile), then
 * - fixed rate: `rate` msg/s (due frames written every millisecond, so about rate/1000 per
 *   write); 5 s to settle (the JIT warms up), then a 10 s window: the consumer's own count
 *   before and after, CPU of all its threads (/proc/<pid>/task/<tid>/schedstat, ns) inside,
 *   and peak RSS sampled every 500 ms. It comes first so that RSS is not inflated by the flood;
 * - flood: the replay writes K frames per write as fast as the socket drains; 1 s warm-up,
 *   then a window of windowMs measured the same way; the replay's own CPU share is noted;
 * then stop it. Figures are medians over rounds; every run is kept in `runs`. The flood ratios
 * are paired: each round's daemon figure over the same round's floor (or peer) figure, minutes
 * apart at most, then the median over rounds, so that a machine that slows down or speeds up
 * between rounds moves both sides of a ratio alike.
 *
 * CPU per message at the fixed rate moves more than that from one 10 s window to the next (a
 * consumer that wakes up per message is measured as much as the machine's state as its own
 * work), so after the rounds the floor and the daemon are measured once more side by side in
 * interleaved windows seconds apart (`fixedPairs`), and the fixed-rate verdict is the median of
 * those pairs' ratios; the rounds' own fixed-rate figures are kept beside it.
 *
 * Placement: on a machine with two cores or more the replay runs on core 0 and each consumer
 * (all its threads) on core 1 (`taskset`, util-linux). Unpinned, where the scheduler puts the
 * consumer relative to the replay moved one consumer's CPU per message by up to ±25 % from
 * run to run, more than the differences the rows judge; pinned, every consumer is measured in
 * the same place. Without taskset or a second core the rows are measured unpinned (noted).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, procStat, sleep } from './common.js';
import { ensurePeerInstalled } from './peer.js';
import { cpuNs, startConsumer, type Consumer, type ConsumerName } from './replay-consumers.js';

const REPLAY = join(fileURLToPath(new URL('.', import.meta.url)), 'replay.js');
const NAMES: ConsumerName[] = ['floor', 'daemon', 'peer'];
/** At the fixed rate before its window: 10,000 messages at 2,000 msg/s, so the JIT has warmed up. */
const SETTLE_MS = 5000;
/** The fixed-rate window: 20,000 messages at 2,000 msg/s (CPU per message there is noisy). */
const FIXED_WINDOW_MS = 10_000;
/** Interleaved fixed-rate pairs (floor and daemon side by side, fed one at a time). */
const PAIRS = 12;
/** Each side of a pair: fed for PAIR_SETTLE_MS, then a PAIR_WINDOW_MS window. */
export const PAIR_SETTLE_MS = 1000;
const PAIR_WINDOW_MS = 4000;
/**
 * What the side not measured gets meanwhile: a trickle, as an exchange's heartbeats would be,
 * so that its read timeout does not close the connection (the replay sends no heartbeats).
 */
export const IDLE_RATE = 20;

/** 50 Coinbase Exchange USD products. */
export const PRODUCTS = (
  'BTC ETH SOL ATOM DOGE TIA OSMO DYDX XRP ADA AVAX DOT LINK LTC BCH UNI AAVE MATIC NEAR APT ' +
  'ARB OP FIL ICP ETC XLM HBAR ALGO INJ SEI SUI RNDR GRT MKR SNX CRV COMP LDO STX IMX ' +
  'SHIB PEPE BONK JTO PYTH WIF ONDO FET SAND MANA'
).split(' ').map((b) => `${b}-USD`);

export interface Sample { rate: number; cpuUs: number }
/** A flood sample, with the replay process's CPU share of one core (%) over the window. */
export interface FloodSample extends Sample { feedPct: number }
export interface RateSample { rate: number; cpuUs: number; rssMB: number }

export interface ConsumerResult {
  flood: FloodSample;
  fixed: RateSample;
  runs: { flood: FloodSample[]; fixed: RateSample[] };
}

/** The interleaved fixed-rate phase: pair i is floor.samples[i] and daemon.samples[i]. */
export interface FixedPairs {
  floor: Sample[];
  daemon: Sample[];
  windowMs: number;
}

export interface ReplayResult {
  products: number;
  framesPerWrite: number;
  rate: number;
  windowMs: number;
  rounds: number;
  frameworkVersion: string;
  /** Whether the replay ran on core 0 and each consumer on core 1. */
  pinned: boolean;
  floor: ConsumerResult;
  daemon: ConsumerResult;
  peer: ConsumerResult;
  pairs: FixedPairs;
  notes: string[];
}

interface Replay { url: string; controlUrl: string; child: ChildProcess }

/** Pin every thread of `pid` to `core`; false (and why, in `notes`) when that cannot be done. */
function pin(pid: number | undefined, core: number, notes: string[]): boolean {
  if (pid === undefined || availableParallelism() < 2) {
    notes.push(`not pinned: ${pid === undefined ? 'no pid' : 'one core'}`);
    return false;
  }
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch (e) {
    notes.push(`not pinned: taskset failed (${(e as Error).message.split('\n')[0] ?? ''})`);
    return false;
  }
}

async function startReplay(products: readonly string[], framesPerWrite: number): Promise<Replay> {
  const child = spawn(process.execPath, [REPLAY, products.join(','), String(framesPerWrite)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`replay exited ${String(code)}`)));
  });
  return { ...(JSON.parse(line) as { url: string; controlUrl: string }), child };
}

async function setMode(r: Replay, mode: { mode: string; rate?: number; path?: string }): Promise<void> {
  const res = await fetch(`${r.controlUrl}/mode`, { method: 'POST', body: JSON.stringify(mode) });
  if (!res.ok) throw new Error(`replay /mode ${res.status}: ${await res.text()}`);
}

async function subscribed(r: Replay, path: string): Promise<number> {
  const s = (await (await fetch(`${r.controlUrl}/stats`)).json()) as { connections: Array<{ path: string; subscribed: number }> };
  return Math.max(0, ...s.connections.filter((c) => c.path === path).map((c) => c.subscribed));
}

/** Rate and CPU µs per message over `windowMs`; count read outside the CPU window. */
async function measure(c: Consumer, windowMs: number, rss?: number[]): Promise<Sample> {
  const pid = c.child.pid ?? 0;
  const m0 = await c.count();
  const tm0 = performance.now();
  const c0 = cpuNs(pid);
  const tc0 = performance.now();
  while (performance.now() - tc0 < windowMs) {
    await sleep(Math.min(500, windowMs));
    rss?.push(procStat(pid).rss / 1e6);
  }
  const c1 = cpuNs(pid);
  const tc1 = performance.now();
  const m1 = await c.count();
  const rate = ((m1 - m0) * 1000) / (performance.now() - tm0);
  return { rate, cpuUs: (c1 - c0) / 1000 / ((rate * (tc1 - tc0)) / 1000) };
}

/**
 * Start `name` on `path` of the replay (on core 1 when `pinned`) and wait until the replay has
 * every product subscribed on that path and the consumer has counted a message.
 */
async function startSubscribed(r: Replay, name: ConsumerName, path: string, products: readonly string[], pinned: boolean, notes: string[]): Promise<Consumer> {
  const c = await startConsumer(name, `${r.url}${path}`, products);
  try {
    if (pinned) pin(c.child.pid, 1, notes);
    const deadline = Date.now() + 60_000;
    while ((await subscribed(r, path)) < products.length || (await c.count()) === 0) {
      if (Date.now() > deadline) throw new Error(`replay: ${name} did not subscribe to ${products.length} products in 60 s`);
      await sleep(100);
    }
    return c;
  } catch (e) {
    await c.stop();
    throw e;
  }
}

async function oneConsumer(r: Replay, name: ConsumerName, o: { rate: number; windowMs: number; products: readonly string[]; round: number; pinned: boolean }, notes: string[]): Promise<{ flood: FloodSample; fixed: RateSample }> {
  await setMode(r, { mode: 'rate', rate: o.rate });
  const c = await startSubscribed(r, name, `/${name}`, o.products, o.pinned, notes);
  try {
    await sleep(SETTLE_MS);
    const rss: number[] = [];
    const fixed = { ...(await measure(c, FIXED_WINDOW_MS, rss)), rssMB: Math.max(...rss) };
    await setMode(r, { mode: 'flood' });
    await sleep(1000);
    const r0 = cpuNs(r.child.pid ?? 0);
    const t0 = performance.now();
    const flood = { ...(await measure(c, o.windowMs)), feedPct: 0 };
    flood.feedPct = (cpuNs(r.child.pid ?? 0) - r0) / 1e4 / (performance.now() - t0);
    notes.push(`round ${o.round} ${name}: flood ${Math.round(flood.rate)} msg/s at ${flood.cpuUs.toFixed(2)} µs/msg (itself ${((flood.rate * flood.cpuUs) / 1e4).toFixed(0)} %, replay ${flood.feedPct.toFixed(0)} % of a core); ` +
      `${o.rate} msg/s: ${Math.round(fixed.rate)} msg/s received at ${fixed.cpuUs.toFixed(2)} µs/msg, peak RSS ${fixed.rssMB.toFixed(0)} MB`);
    return { flood, fixed };
  } finally {
    await setMode(r, { mode: 'pause' });
    await c.stop();
  }
}

/**
 * CPU per message at `rate`, floor and daemon in interleaved windows: both started side by side
 * (each on core 1 when pinned, each on its own replay connection), then PAIRS times each fed alone
 * at `rate` for PAIR_SETTLE_MS and measured over PAIR_WINDOW_MS, the order alternating by pair,
 * the other connected meanwhile at IDLE_RATE. A pair's two windows are seconds apart, so drift of
 * the machine (frequency, neighbours, background work) moves both sides of its ratio alike;
 * windows minutes apart, as in the rounds, differed by up to ±30 % for the same consumer.
 */
async function fixedPairs(r: Replay, rate: number, products: readonly string[], pinned: boolean, notes: string[]): Promise<FixedPairs> {
  const names = ['floor', 'daemon'] as const;
  const pairs: FixedPairs = { floor: [], daemon: [], windowMs: PAIR_WINDOW_MS };
  const started: Consumer[] = [];
  await setMode(r, { mode: 'pause' });
  try {
    for (const name of names) {
      const path = `/pair-${name}`;
      await setMode(r, { mode: 'rate', rate, path });
      started.push(await startSubscribed(r, name, path, products, pinned, notes));
      // Warm up at the rate (the JIT), then idle while the other starts.
      await sleep(SETTLE_MS);
      await setMode(r, { mode: 'rate', rate: IDLE_RATE, path });
    }
    for (let i = 0; i < PAIRS; i++) {
      for (let j = 0; j < names.length; j++) {
        const k = (i + j) % names.length;
        const name = names[k] as (typeof names)[number];
        const path = `/pair-${name}`;
        await setMode(r, { mode: 'rate', rate, path });
        await sleep(PAIR_SETTLE_MS);
        pairs[name].push(await measure(started[k] as Consumer, PAIR_WINDOW_MS));
        await setMode(r, { mode: 'rate', rate: IDLE_RATE, path });
      }
    }
  } finally {
    await setMode(r, { mode: 'pause' });
    for (const c of started) await c.stop();
  }
  notes.push(`interleaved ${rate} msg/s pairs (daemon/floor CPU per message): ${cpuRatios(pairs.daemon, pairs.floor)}`);
  return pairs;
}

export async function runReplay(rounds = 3, windowMs = 3000, rate = 2000, framesPerWrite = 32, products: readonly string[] = PRODUCTS): Promise<ReplayResult> {
  const notes: string[] = [];
  const frameworkVersion = ensurePeerInstalled(notes);
  const runs: Record<ConsumerName, { flood: FloodSample[]; fixed: RateSample[] }> = { floor: { flood: [], fixed: [] }, daemon: { flood: [], fixed: [] }, peer: { flood: [], fixed: [] } };
  const replay = await startReplay(products, framesPerWrite);
  let pairs: FixedPairs;
  const pinned = pin(replay.child.pid, 0, notes);
  notes.push(pinned ? 'pinned: the replay on core 0, each consumer on core 1' : 'unpinned: consumers and replay placed by the scheduler');
  try {
    for (let i = 0; i < rounds; i++) {
      for (let j = 0; j < NAMES.length; j++) {
        const name = NAMES[(i + j) % NAMES.length] as ConsumerName;
        const s = await oneConsumer(replay, name, { rate, windowMs, products, round: i + 1, pinned }, notes);
        runs[name].flood.push(s.flood);
        runs[name].fixed.push(s.fixed);
      }
    }
    pairs = await fixedPairs(replay, rate, products, pinned, notes);
  } finally {
    replay.child.kill('SIGTERM');
  }
  const med = (name: ConsumerName): ConsumerResult => {
    const { flood, fixed } = runs[name];
    return {
      flood: { rate: median(flood.map((s) => s.rate)), cpuUs: median(flood.map((s) => s.cpuUs)), feedPct: median(flood.map((s) => s.feedPct)) },
      fixed: { rate: median(fixed.map((s) => s.rate)), cpuUs: median(fixed.map((s) => s.cpuUs)), rssMB: median(fixed.map((s) => s.rssMB)) },
      runs: runs[name],
    };
  };
  const result = { products: products.length, framesPerWrite, rate, windowMs, rounds, frameworkVersion, pinned, floor: med('floor'), daemon: med('daemon'), peer: med('peer'), pairs, notes };
  process.stderr.write(`replay ${JSON.stringify(result)}\n`);
  return result;
}

/** The median over rounds of `ratio(a[i], b[i])`, round i of each side. */
function paired<T>(a: readonly T[], b: readonly T[], ratio: (x: T, y: T) => number): number {
  return median(a.map((x, i) => ratio(x, b[i] as T)));
}

const f = (x: number, d = 1): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const ok = (met: boolean): string => (met ? 'met' : '**missed**');
/** Each pair's (or round's) daemon-over-floor CPU per message, two decimals, comma-separated. */
const cpuRatios = (daemon: readonly Sample[], floor: readonly Sample[]): string =>
  daemon.map((d, i) => f(d.cpuUs / (floor[i]?.cpuUs ?? NaN), 2)).join(', ');
const side = (label: string, s: Sample): string => `${label} ${f(s.rate, 0)} msg/s at ${f(s.cpuUs, 2)} CPU µs/msg`;

/** The table rows (benchmark, result, detail, target, verdict) for BENCHMARKS.md. */
export function replayRows(r: ReplayResult): string[][] {
  const { floor, daemon, peer } = r;
  const floodRatio = paired(daemon.runs.flood, floor.runs.flood, (a, b) => a.rate / b.rate);
  const roundsRatio = paired(daemon.runs.fixed, floor.runs.fixed, (a, b) => a.cpuUs / b.cpuUs);
  const fixedRatio = paired(r.pairs.daemon, r.pairs.floor, (a, b) => a.cpuUs / b.cpuUs);
  const pairCpu = (s: Sample[]): number => median(s.map((x) => x.cpuUs));
  const peerRate = paired(daemon.runs.flood, peer.runs.flood, (a, b) => a.rate / b.rate);
  const peerCpu = paired(daemon.runs.flood, peer.runs.flood, (a, b) => b.cpuUs / a.cpuUs);
  const feed = `replay feed, ${r.products} products, ${r.framesPerWrite} frames per write${r.pinned ? ', replay on core 0 and consumer on core 1' : ', unpinned'}`;
  return [
    [
      'Ingest coinbase_ws, replay flood (built daemon)',
      `${side('daemon', daemon.flood)}; ${side('floor', floor.flood)}`,
      `throughput ${f(floodRatio, 2)}× floor (median of ${r.rounds} paired rounds); ${feed}; the replay used ${f(floor.flood.feedPct, 0)} % of a core feeding the floor, ${f(daemon.flood.feedPct, 0)} % feeding the daemon`,
      '≥ 0.85× floor msg/s',
      ok(floodRatio >= 0.85),
    ],
    [
      `Ingest coinbase_ws, replay ${r.rate.toLocaleString('en-US')} msg/s (built daemon)`,
      `daemon ${f(pairCpu(r.pairs.daemon), 2)} CPU µs/msg, RSS ${f(daemon.fixed.rssMB, 0)} MB; floor ${f(pairCpu(r.pairs.floor), 2)} µs/msg, ${f(floor.fixed.rssMB, 0)} MB`,
      `CPU per message ${f(fixedRatio, 2)}× floor (median of ${r.pairs.daemon.length} interleaved pairs of ${f(r.pairs.windowMs / 1000, 0)} s windows: ${cpuRatios(r.pairs.daemon, r.pairs.floor)}); ` +
        `in the rounds' 10 s windows, minutes apart: ${f(roundsRatio, 2)}× (${cpuRatios(daemon.runs.fixed, floor.runs.fixed)}); peer ${f(peer.fixed.cpuUs, 2)} µs/msg, ${f(peer.fixed.rssMB, 0)} MB`,
      '≤ 1.2× floor CPU/msg',
      ok(fixedRatio <= 1.2),
    ],
    [
      `Peer (replay flood): coinbase_ws, @chainlink/external-adapter-framework ${r.frameworkVersion}`,
      `${side('daemon', daemon.flood)}; ${side('peer', peer.flood)}`,
      `throughput ${f(peerRate, 2)}× peer; CPU per message 1/${f(peerCpu, 2)} of the peer's`,
      '≥ 4× msg/s, ≤ 1/4 CPU/msg',
      ok(peerRate >= 4 && peerCpu >= 4),
    ],
  ];
}
