/**
 * Memory at dYdX scale: steady-state RSS of the built daemon (npm start's Node flags) on the
 * dYdX-sized map of the warm-up benchmark's scenario (c), and how it grows with markets and feeds.
 * One simulator (its own process, default rates) with the 620 long-tail assets in its book;
 * four maps, a daemon each, one at a time:
 *   dydx-630:  scenario (c), 630 markets, ~3,100 feeds (bench/warmup-maps.ts dydxMap);
 *   dydx-320:  the same built over the first 310 assets;
 *   thin-630 / thin-320: those maps with each long-tail market cut to one of its feeds
 *              (rotating which one, so every provider keeps a share); majors unchanged.
 * Per map: wait until every market is served, settle, then sample RSS from /proc every 500 ms
 * while a consumer asks /prices every second (a dYdX block) and scrapes /metrics every 15 s (a
 * Prometheus); then V8's heap gauges from /metrics, RssAnon / RssFile from /proc, and a heap
 * snapshot (bench/heap-snapshot.ts). RSS and the snapshot's live heap are each fitted as
 * base + a·markets + b·feeds (bench/memory-fit.ts) and extrapolated to 5,000 markets at
 * dydx-630's feeds per market.
 * Run alone: `node dist-bench/bench/memory.js` after `tsc -p tsconfig.bench.json`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MarketMap } from '../src/config/types.js';
import { median, procStat, sleep, startDaemon, startSim, type SimProcess } from './common.js';
import { takeHeapSnapshot, type HeapBreakdown } from './heap-snapshot.js';
import { fitLinear, predict, type LinearFit } from './memory-fit.js';
import { dydxMap, providersOf } from './warmup-maps.js';

export const RSS_TARGET_MB = 150;
export const ESTIMATE_MARKETS = 5000;

export interface MemoryPoint {
  name: string;
  markets: number;
  feeds: number;
  providers: number;
  served: number;
  warmupS: number;
  /** RSS over the sampling window, MB (10^6 bytes). */
  rssMedianMB: number;
  rssMaxMB: number;
  /** /proc/<pid>/status at the end of the window: anonymous (heap, buffers) and file-backed (the node binary). */
  rssAnonMB: number;
  rssFileMB: number;
  /** prom-client's nodejs_* gauges at the end of the window, MB. */
  heapUsedMB: number;
  heapTotalMB: number;
  externalMB: number;
  /** Live JS heap in the snapshot (after its full GC), MB. */
  liveHeapMB: number;
  heap: HeapBreakdown;
}

export interface MemoryResult {
  points: MemoryPoint[];
  rssFit: LinearFit;
  liveFit: LinearFit;
  feedsPerMarket: number;
  /** RSS and live heap predicted for ESTIMATE_MARKETS markets at dydx-630's feeds per market, MB. */
  estimateRssMB: number;
  estimateLiveMB: number;
  /** The fitted bytes per market and per feed of the heap's largest classes. */
  classFits: Array<{ name: string; perMarket: number; perFeed: number }>;
  settleS: number;
  sampleS: number;
  growthSettleS: number;
  growthSampleS: number;
}

const MB = 1e6;
const feedsOf = (m: MarketMap): number => Object.values(m.markets).reduce((s, x) => s + x.provider_configs.length, 0);

/** `map` with each market in `longTail` cut to one feed, chosen by rotation. */
function thinMap(map: MarketMap, longTail: ReadonlySet<string>): MarketMap {
  const markets: MarketMap['markets'] = {};
  Object.entries(map.markets).forEach(([key, m], i) => {
    if (!longTail.has(key)) {
      markets[key] = m;
      return;
    }
    const feed = m.provider_configs[i % m.provider_configs.length] as (typeof m.provider_configs)[number];
    markets[key] = { ticker: { ...m.ticker, min_provider_count: 1 }, provider_configs: [feed] };
  });
  return { markets };
}

/** What a validator does to the daemon: /prices every second, /metrics every 15 s. */
function consume(d: { apiUrl: string; metricsUrl: string }): () => Promise<void> {
  let stop = false;
  const loop = (async () => {
    for (let i = 0; !stop; i++) {
      await fetch(`${d.apiUrl}/connect/oracle/v2/prices`).then((r) => r.arrayBuffer()).catch(() => undefined);
      if (i % 15 === 0) await fetch(`${d.metricsUrl}/metrics`).then((r) => r.arrayBuffer()).catch(() => undefined);
      await sleep(1000);
    }
  })();
  return async () => {
    stop = true;
    await loop;
  };
}

async function served(apiUrl: string, want: ReadonlySet<string>): Promise<number> {
  const body = (await (await fetch(`${apiUrl}/connect/oracle/v2/prices`)).json()) as { prices: Record<string, string> };
  return Object.keys(body.prices).filter((k) => want.has(k)).length;
}

const gauge = (text: string, name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
const statusKB = (pid: number, key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

async function measure(sim: SimProcess, name: string, map: MarketMap, settleMs: number, sampleMs: number): Promise<MemoryPoint> {
  const ov = sim.oracleOverride as { providers?: Record<string, unknown> };
  const oracle = { ...ov, providers: { ...ov.providers, marketmap_api: { api: { endpoints: [{ url: '127.0.0.1:1' }] } } } };
  const want = new Set(Object.keys(map.markets));
  const cwd = mkdtempSync(join(os.tmpdir(), 'oracle-sidecar-heap-'));
  const daemon = await startDaemon(oracle, map, [], { nodeFlags: ['--heapsnapshot-signal=SIGUSR2'], cwd });
  const pid = daemon.child.pid ?? 0;
  const log = (msg: string): boolean => process.stderr.write(`memory ${name}: ${msg}\n`);
  try {
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < 120_000 && (n = await served(daemon.apiUrl, want).catch(() => 0)) < want.size) await sleep(1000);
    const warmupS = (performance.now() - start) / 1000;
    log(`${n} of ${want.size} markets served after ${warmupS.toFixed(1)} s, RSS ${(procStat(pid).rss / MB).toFixed(0)} MB`);
    const stopConsumer = consume(daemon);
    const t0 = performance.now();
    while (performance.now() - t0 < settleMs) await sleep(500);
    const rss: number[] = [];
    const t1 = performance.now();
    while (performance.now() - t1 < sampleMs) {
      await sleep(500);
      rss.push(procStat(pid).rss / MB);
    }
    await stopConsumer();
    const text = await (await fetch(`${daemon.metricsUrl}/metrics`)).text();
    const [rssAnonMB, rssFileMB] = [(statusKB(pid, 'RssAnon') * 1024) / MB, (statusKB(pid, 'RssFile') * 1024) / MB];
    const heap = await takeHeapSnapshot(pid, cwd);
    const point: MemoryPoint = {
      name, markets: want.size, feeds: feedsOf(map), providers: providersOf(map).length, served: await served(daemon.apiUrl, want).catch(() => 0),
      warmupS: Math.round(warmupS), rssMedianMB: median(rss), rssMaxMB: Math.max(...rss), rssAnonMB, rssFileMB,
      heapUsedMB: gauge(text, 'nodejs_heap_size_used_bytes') / MB, heapTotalMB: gauge(text, 'nodejs_heap_size_total_bytes') / MB,
      externalMB: gauge(text, 'nodejs_external_memory_bytes') / MB, liveHeapMB: heap.totalBytes / MB, heap,
    };
    log(`RSS median ${point.rssMedianMB.toFixed(1)} MB, max ${point.rssMaxMB.toFixed(1)} MB; live heap ${point.liveHeapMB.toFixed(1)} MB`);
    return point;
  } finally {
    await daemon.stop();
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** Fitted per-market and per-feed bytes of the classes that grow most towards ESTIMATE_MARKETS. */
function classFits(points: readonly MemoryPoint[], ratio: number): MemoryResult['classFits'] {
  const names = new Set(points.flatMap((p) => p.heap.classes.slice(0, 40).map((c) => c.name)));
  const bytes = (p: MemoryPoint, n: string): number => p.heap.classes.find((c) => c.name === n)?.bytes ?? 0;
  const fits = [...names].map((name) => ({ name, ...fitLinear(points.map((p) => ({ markets: p.markets, feeds: p.feeds, y: bytes(p, name) }))) }));
  fits.sort((a, b) => b.perMarket + b.perFeed * ratio - (a.perMarket + a.perFeed * ratio));
  return fits.slice(0, 10).map((f) => ({ name: f.name, perMarket: f.perMarket, perFeed: f.perFeed }));
}

export async function runMemory(settleMs = 60_000, sampleMs = 30_000, growthSettleMs = 20_000, growthSampleMs = 20_000): Promise<MemoryResult> {
  const assets = Array.from({ length: 620 }, (_, i) => `DY${i}`);
  const sim = await startSim();
  try {
    for (const [i, a] of assets.entries()) await sim.post('/price', { asset: a, usd: 0.01 + i / 7 });
    await sleep(1000);
    const big = dydxMap(assets);
    const small = dydxMap(assets.slice(0, 310));
    const longTail = new Set(assets.map((a) => `${a}/USD`));
    const points: MemoryPoint[] = [];
    points.push(await measure(sim, 'dydx-630', big, settleMs, sampleMs));
    for (const [name, map] of [['dydx-320', small], ['thin-630', thinMap(big, longTail)], ['thin-320', thinMap(small, longTail)]] as const) {
      await sleep(500); // let the simulator drop the stopped daemon's connections
      points.push(await measure(sim, name, map, growthSettleMs, growthSampleMs));
    }
    const fit = (y: (p: MemoryPoint) => number): LinearFit => fitLinear(points.map((p) => ({ markets: p.markets, feeds: p.feeds, y: y(p) * MB })));
    const rssFit = fit((p) => p.rssMedianMB);
    const liveFit = fit((p) => p.liveHeapMB);
    const ratio = (points[0] as MemoryPoint).feeds / (points[0] as MemoryPoint).markets;
    return {
      points, rssFit, liveFit, feedsPerMarket: ratio,
      estimateRssMB: predict(rssFit, ESTIMATE_MARKETS, ESTIMATE_MARKETS * ratio) / MB,
      estimateLiveMB: predict(liveFit, ESTIMATE_MARKETS, ESTIMATE_MARKETS * ratio) / MB,
      classFits: classFits(points, ratio), settleS: settleMs / 1000, sampleS: sampleMs / 1000,
      growthSettleS: growthSettleMs / 1000, growthSampleS: growthSampleMs / 1000,
    };
  } finally {
    await sim.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const res = await runMemory();
  const brief = { ...res, points: res.points.map((p) => ({ ...p, heap: { ...p.heap, classes: p.heap.classes.slice(0, 15), types: p.heap.types.slice(0, 8) } })) };
  console.log(JSON.stringify(brief, null, 2));
  process.stderr.write(`memory: ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}
