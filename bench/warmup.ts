/**
 * Warm-up: time from spawning the built daemon (npm start's Node flags) to the first tick
 * that serves every market of its map, against the simulator (its own process, with the
 * exchanges' documented limits enforced, started and loaded afresh for every run so that one
 * run's connections do not count against the next one's limits). A fresh daemon per run;
 * the time of a tick is its own `timestamp` in GET /connect/oracle/v2/prices, polled every
 * 20 ms, minus the wall clock just before the spawn. Scenarios:
 *   (a) the repository's market.json with the simulator's endpoints (as src/demo.ts);
 *   (b) 1000 markets spread over WebSocket and HTTP providers (warmup-maps.ts spreadMap);
 *   (c) a dYdX-sized map, 600+ markets over 15+ providers (warmup-maps.ts dydxMap), with the
 *       side-car's pacing and again with connect's (connect-pacing.ts).
 * Every run also reports the limit violations the simulator counted (GET /limits).
 * Run alone: `node dist-bench/bench/warmup.js` after `tsc -p tsconfig.bench.json`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MarketMap } from '../src/config/types.js';
import { ROOT, median, sleep, startDaemon, startSim, type SimProcess } from './common.js';
import { withConnectPacing } from './connect-pacing.js';
import { dydxMap, providersOf, spreadMap } from './warmup-maps.js';

const POLL_MS = 20;

export interface WarmupRun {
  /** Seconds from spawn to the first tick serving every market; NaN if the cap was hit. */
  allS: number;
  halfS: number;
  ninetyS: number;
  /** Markets served at the end of the run (at the all-markets tick, or at the cap). */
  served: number;
  /** Limit violations the simulator counted during the run, total and by exchange. */
  violations: number;
  violationsBy: Record<string, number>;
}

export interface WarmupScenario {
  name: string;
  markets: number;
  providers: number;
  runs: WarmupRun[];
  /** Medians over runs (NaN if any run hit the cap). */
  allS: number;
  halfS: number;
  ninetyS: number;
  served: number;
  /** Violations summed over runs. */
  violations: number;
}

export interface WarmupResult {
  repo: WarmupScenario;
  spread: WarmupScenario;
  dydx: WarmupScenario;
  /** (c) with connect's subscription pacing. */
  dydxConnect: WarmupScenario;
}

type Pacing = 'sidecar' | 'connect';

interface Limits { violations: number; exchanges: Record<string, { violations: Record<string, number> }> }

async function violations(sim: SimProcess): Promise<{ total: number; by: Record<string, number> }> {
  const body = (await (await fetch(`${sim.controlUrl}/limits`)).json()) as Limits;
  const by: Record<string, number> = {};
  for (const [name, e] of Object.entries(body.exchanges)) {
    const n = Object.values(e.violations).reduce((a, b) => a + b, 0);
    if (n > 0) by[name] = n;
  }
  return { total: body.violations, by };
}

/** A simulator loaded with `assets` and settled. */
async function loadedSim(assets: readonly string[]): Promise<SimProcess> {
  const sim = await startSim();
  for (const [i, a] of assets.entries()) await sim.post('/price', { asset: a, usd: 0.01 + i / 7 });
  await sleep(1000);
  return sim;
}

interface Prices { prices: Record<string, string>; timestamp: string }

/** One daemon from spawn until every market is served or `capMs` passes. */
async function runOnce(sim: SimProcess, map: MarketMap, capMs: number, pacing: Pacing): Promise<WarmupRun> {
  const ov = sim.oracleOverride as { providers?: Record<string, unknown> };
  // marketmap_api pointed at a closed port, as the other daemon benchmarks do: the map is the file.
  const own = { ...ov, providers: { ...ov.providers, marketmap_api: { api: { endpoints: [{ url: '127.0.0.1:1' }] } } } };
  const oracle = pacing === 'connect' ? withConnectPacing(own) : own;
  const want = new Set(Object.keys(map.markets));
  const at: Record<'half' | 'ninety' | 'all', number> = { half: NaN, ninety: NaN, all: NaN };
  const spawnedAt = Date.now();
  const daemon = await startDaemon(oracle, map);
  let served = 0;
  let lastTick = '';
  try {
    while (Date.now() - spawnedAt < capMs && Number.isNaN(at.all)) {
      const body = (await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/prices`)).json()) as Prices;
      if (body.timestamp !== lastTick) {
        lastTick = body.timestamp;
        served = Object.keys(body.prices).filter((k) => want.has(k)).length;
        const s = (Date.parse(body.timestamp) - spawnedAt) / 1000;
        if (Number.isNaN(at.half) && served >= want.size / 2) at.half = s;
        if (Number.isNaN(at.ninety) && served >= want.size * 0.9) at.ninety = s;
        if (served === want.size) at.all = s;
      }
      await sleep(POLL_MS);
    }
  } finally {
    await daemon.stop();
  }
  const v = await violations(sim);
  return { allS: at.all, halfS: at.half, ninetyS: at.ninety, served, violations: v.total, violationsBy: v.by };
}

async function scenario(name: string, map: MarketMap, assets: readonly string[], runs: number, capMs: number, pacing: Pacing = 'sidecar'): Promise<WarmupScenario> {
  const out: WarmupRun[] = [];
  for (let r = 0; r < runs; r++) {
    const sim = await loadedSim(assets);
    try {
      out.push(await runOnce(sim, map, capMs, pacing));
    } finally {
      await sim.stop();
    }
    process.stderr.write(`warmup ${name} run ${r + 1}: ${JSON.stringify(out[out.length - 1])}\n`);
  }
  const med = (k: 'allS' | 'halfS' | 'ninetyS'): number => (out.some((x) => Number.isNaN(x[k])) ? NaN : median(out.map((x) => x[k])));
  return {
    name, markets: Object.keys(map.markets).length, providers: providersOf(map).length, runs: out, allS: med('allS'), halfS: med('halfS'), ninetyS: med('ninetyS'),
    served: median(out.map((x) => x.served)), violations: out.reduce((a, x) => a + x.violations, 0),
  };
}

/** `connectRuns` daemons run (c) with connect's pacing (one by default: it takes about 50 s). */
export async function runWarmup(runs = 3, connectRuns = 1): Promise<WarmupResult> {
  const repo = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as MarketMap;
  const spreadAssets = Array.from({ length: 999 }, (_, i) => `WB${i}`);
  const dydxAssets = Array.from({ length: 620 }, (_, i) => `DY${i}`);
  return {
    repo: await scenario('market.json', repo, [], runs, 30_000),
    spread: await scenario('1000 markets', spreadMap(spreadAssets), spreadAssets, runs, 60_000),
    dydx: await scenario('dYdX-sized', dydxMap(dydxAssets), dydxAssets, runs, 90_000),
    dydxConnect: await scenario("dYdX-sized, connect's pacing", dydxMap(dydxAssets), dydxAssets, connectRuns, 90_000, 'connect'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const res = await runWarmup(Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 1));
  console.log(JSON.stringify(res, null, 2));
}
