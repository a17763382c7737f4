/**
 * `npm run bench`: runs every benchmark once (each figure is a median of ≥ 3 runs inside it),
 * prints the table and writes BENCHMARKS.md at the repository root. Not a test: no timing
 * assertion anywhere; a missed target is reported as such.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, daemonNodeFlags, machine } from './common.js';
import { runFootprint } from './footprint.js';
import { runFreshness, UPDATE_INTERVAL_MS } from './freshness.js';
import { runIngest } from './ingest.js';
import { ESTIMATE_MARKETS, RSS_TARGET_MB, runMemory, type MemoryPoint } from './memory.js';
import { IDLE_RATE, PAIR_SETTLE_MS, replayRows, runReplay } from './replay-bench.js';
import { runScrape } from './scrape.js';
import { runStatus } from './status.js';
import { runTick } from './tick.js';
import { runWarmup, type WarmupScenario } from './warmup.js';

const f = (x: number, d = 1): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const ok = (met: boolean): string => (met ? 'met' : '**missed**');

// The in-process benchmarks (tick, scrape) run under the daemon's own Node flags (npm start's).
const flags = daemonNodeFlags();
if (flags.some((x) => !process.execArgv.includes(x))) {
  const r = spawnSync(process.execPath, [...process.execArgv, ...flags, fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const started = new Date();
const m = machine();
const ingest = await runIngest(3, 3000, 200);
const replay = await runReplay(5, 3000, 2000, 32);
const tick = runTick(3, 300);
const scrape = await runScrape(3, 100);
const status = await runStatus(3, 100);
const fresh = await runFreshness(3, 20);
const warm = await runWarmup(3);
const small = await runFootprint(125, 3, 10_000);
const large = await runFootprint(1000, 3, 10_000);
const mem = await runMemory();

const rows: string[][] = [];
for (const r of ingest) {
  rows.push([
    `Ingest ${r.provider}`,
    `side-car ${f(r.sidecarRate, 0)} msg/s at ${f(r.sidecarCpuUs, 2)} CPU µs/msg; floor ${f(r.floorRate, 0)} msg/s at ${f(r.floorCpuUs, 2)} µs/msg`,
    `throughput ${f(r.rateRatio, 2)}× floor; capacity (msgs per CPU-s) ${f(r.capacityRatio, 2)}× floor`,
    '≥ 0.7× floor',
    ok(Math.min(r.rateRatio, r.capacityRatio) >= 0.7),
  ]);
}
rows.push(...replayRows(replay));
rows.push(['Tick (1000 markets × 8 providers), every quote new', `p50 ${f(tick.moving.p50, 2)} ms, p99 ${f(tick.moving.p99, 2)} ms, max ${f(tick.moving.max, 2)} ms`, `${tick.ticks} ticks × ${tick.runs} runs; 8,000 new prices before each tick`, 'p99 ≤ 5 ms', ok(tick.moving.p99 <= 5)]);
rows.push(['Tick (1000 × 8), quotes unchanged', `p50 ${f(tick.unchanged.p50, 2)} ms, p99 ${f(tick.unchanged.p99, 2)} ms, max ${f(tick.unchanged.max, 2)} ms`, `${tick.ticks} ticks × ${tick.runs} runs`, 'p99 ≤ 5 ms', ok(tick.unchanged.p99 <= 5)]);
rows.push(['Scrape /metrics (1000 × 8)', `p50 ${f(scrape.p50)} ms, p99 ${f(scrape.p99)} ms, slowest ${f(scrape.max)} ms`, `${scrape.series.toLocaleString('en-US')} series, ${f(scrape.bytes / 2 ** 20)} MiB; ${scrape.scrapes} scrapes × ${scrape.runs} runs by ${scrape.client}`, 'p99 ≤ 30 ms', ok(scrape.p99 <= 30)]);
rows.push(['Tick lateness while scraping 1/s', `max ${f(scrape.lateScrapeMax, 2)} ms, p99 ${f(scrape.lateScrapeP99, 2)} ms`, `without scrapes: max ${f(scrape.lateQuietMax, 2)} ms`, '≤ 10 ms', ok(scrape.lateScrapeMax <= 10)]);
rows.push(['/status, whole map (1000 × 8)', `p50 ${f(status.p50)} ms, p99 ${f(status.p99)} ms, slowest ${f(status.max)} ms`, `${f(status.bytes / 2 ** 20)} MiB of JSON; ${status.requests} requests × ${status.runs} runs by ${status.client}, two a second while ticking; tick lateness max ${f(status.lateMax, 2)} ms, p99 ${f(status.lateP99, 2)} ms`, '≤ 50 ms; lateness ≤ 10 ms', `${ok(status.p99 <= 50)}, lateness ${ok(status.lateMax <= 10)}`]);
rows.push(['Freshness (sim price → /prices)', `p50 ${f(fresh.p50)} ms, p99 ${f(fresh.p99)} ms, max ${f(fresh.max)} ms`, `${fresh.samples} changes, updateInterval ${UPDATE_INTERVAL_MS} ms`, `p99 ≤ ${UPDATE_INTERVAL_MS + 10} ms`, ok(fresh.p99 <= UPDATE_INTERVAL_MS + 10)]);
const secs = (x: number): string => (Number.isNaN(x) ? 'not reached' : `${f(x, 2)} s`);
const violatedBy = (w: WarmupScenario): string => {
  const by: Record<string, number> = {};
  for (const r of w.runs) for (const [k, n] of Object.entries(r.violationsBy)) by[k] = (by[k] ?? 0) + n;
  const parts = Object.entries(by).map(([k, n]) => `${k} ${n}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
};
const warmRow = (label: string, w: WarmupScenario, target: string, status: string): string[] => [
  `Warm-up, ${label} (${w.markets} markets, ${w.providers} providers)`,
  `all served ${secs(w.allS)} (runs ${w.runs.map((r) => secs(r.allS)).join(', ')})`,
  `${w.served} of ${w.markets} markets served; 50 % at ${secs(w.halfS)}, 90 % at ${secs(w.ninetyS)}; limit violations ${w.violations}${violatedBy(w)}`,
  target,
  status,
];
rows.push(warmRow('(a) market.json', warm.repo, '0 violations', ok(warm.repo.violations === 0)));
rows.push(warmRow('(b) WS + HTTP', warm.spread, '0 violations', ok(warm.spread.violations === 0)));
rows.push(warmRow('(c) dYdX-sized', warm.dydx, '≤ 10 s, 0 violations', `${ok(warm.dydx.allS <= 10)}, violations ${ok(warm.dydx.violations === 0)}`));
rows.push(warmRow(`(c) with connect's subscription pacing, ${warm.dydxConnect.runs.length} run`, warm.dydxConnect, 'none (connect, for comparison)', ''));
rows.push(['Footprint 125 markets', `CPU ${f(small.cpuPct)} % of one core, RSS ${f(small.rssMB, 0)} MB`, `${small.served} markets served, ${f(small.msgsPerSec, 0)} msg/s handled; floor (bare ws clients, same streams): CPU ${f(small.floorCpuPct)} %, RSS ${f(small.floorRssMB, 0)} MB`, '≤ 3 % CPU, ≤ 100 MB', `CPU ${ok(small.cpuPct <= 3)}, RSS ${ok(small.rssMB <= 100)}`]);
rows.push(['Footprint 1000 markets', `CPU ${f(large.cpuPct)} % of one core, RSS ${f(large.rssMB, 0)} MB`, `${large.served} markets served (after ${large.warmupS} s warm-up), ${f(large.msgsPerSec, 0)} msg/s handled; floor: CPU ${f(large.floorCpuPct)} %, RSS ${f(large.floorRssMB, 0)} MB`, '≤ 200 MB', ok(large.rssMB <= 200)]);
const [memC, ...memGrowth] = mem.points as [MemoryPoint, ...MemoryPoint[]];
const kb = (bytes: number): string => `${f(bytes / 1000)} KB`;
rows.push([
  `Memory, dYdX-sized map (${memC.markets} markets): steady RSS`,
  `RSS median ${f(memC.rssMedianMB, 0)} MB, max ${f(memC.rssMaxMB, 0)} MB`,
  `${memC.served} of ${memC.markets} markets served, ${memC.feeds.toLocaleString('en-US')} feeds, ${memC.providers} providers; ${mem.sampleS} s of samples after ${mem.settleS} s settling; V8 heap used ${f(memC.heapUsedMB, 0)} of ${f(memC.heapTotalMB, 0)} MB (live after GC ${f(memC.liveHeapMB, 0)} MB), external ${f(memC.externalMB, 0)} MB; RssAnon ${f(memC.rssAnonMB, 0)} MB, RssFile ${f(memC.rssFileMB, 0)} MB`,
  `≤ ${RSS_TARGET_MB} MB`,
  ok(memC.rssMedianMB <= RSS_TARGET_MB),
]);
rows.push([
  `Memory: bytes per market / per feed, ${ESTIMATE_MARKETS.toLocaleString('en-US')}-market estimate`,
  `RSS ${kb(mem.rssFit.perMarket)} per market + ${kb(mem.rssFit.perFeed)} per feed + ${f(mem.rssFit.base / 1e6, 0)} MB; ${ESTIMATE_MARKETS.toLocaleString('en-US')} markets × ${f(mem.feedsPerMarket, 2)} feeds ≈ ${f(mem.estimateRssMB, 0)} MB RSS`,
  `live heap ${kb(mem.liveFit.perMarket)} per market + ${kb(mem.liveFit.perFeed)} per feed + ${f(mem.liveFit.base / 1e6, 0)} MB (≈ ${f(mem.estimateLiveMB, 0)} MB at ${ESTIMATE_MARKETS.toLocaleString('en-US')}); least squares over ${mem.points.map((p) => `${p.name} (${p.markets} × ${p.feeds.toLocaleString('en-US')}: RSS ${f(p.rssMedianMB, 0)} MB)`).join(', ')}; RSS residuals ${mem.rssFit.residuals.map((r) => `${r >= 0 ? '+' : ''}${f(r / 1e6)}`).join(', ')} MB; ${memGrowth.length} growth maps settled ${mem.growthSettleS} s, sampled ${mem.growthSampleS} s`,
  'none (information)',
  '',
]);
const table = [
  '| benchmark | result | detail | target | |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');

const doc = `# Benchmarks

Generated by \`npm run bench\` (bench/run.ts) on ${started.toISOString()}.

- Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB memory
- Node ${m.node}
- Command: \`npm run bench\`; Node flags of the daemon and of the in-process benchmarks (those
  of \`npm start\`): \`${flags.join(' ') || 'none'}\`

Every figure is the median over ≥ 3 runs; ratios compare figures measured in the same run.
These are measurements, not tests: CI asserts no timing.

${table}

## How each figure is measured

- **Ingest**: the simulator runs in its own process (\`dist/src/sim/main.js --push-interval-ms 1\`,
  fault \`flood\` factor 200 set over \`POST /fault\`), 8 tickers per stream. Each consumer runs
  alone in its own process for a 3 s window after a 1 s warm-up, alternating floor and side-car,
  3 rounds each: the floor is a bare \`ws\` client sending the adapter's subscribe frames and doing
  \`JSON.parse\` + \`Map.set\` per frame; the side-car is a \`WsStream\` with the real adapter,
  \`ProviderSink\`, \`QuoteStore\` and metrics. CPU is \`process.cpuUsage()\` of the consumer.
  On 2 cores the simulator is the bottleneck, so delivered throughput is close for both and the
  consumer's **capacity** (frames per CPU-second, 1 / CPU µs per frame) is the ratio that shows
  the side-car's overhead.
- **Replay rows** (coinbase_ws, ${replay.products} products): the feed is bench/replay.ts, its own
  process, a WebSocket server speaking Coinbase's subscribe handshake whose ticker frames are
  rendered once as complete WebSocket frames; per frame only \`sequence\`, \`trade_id\` and the
  price's last four digits are patched in place, and ${replay.framesPerWrite} frames go out per socket write
  (still separate WebSocket frames). The replay's own CPU share during each flood is in the
  flood row: far below one core, so the consumer is the bottleneck. Three consumers, one
  at a time, each its own process, order rotating by round, ${replay.rounds} rounds: the floor (bare
  \`ws\` client, one subscribe, \`JSON.parse\` + \`Map.set\`, under the daemon's Node flags), the
  **built daemon** started as \`npm start\` starts it (its Node flags, an oracle.json pointing
  coinbase_ws at the replay server, a market map of the products, the default pacing) counted
  by its own
  \`side_car_web_socket_data_handler_status{status="handle_message_success"}\`, and the peer
  (bench/peer/adapter.mjs) counted by its \`ws_message_total{direction="received"}\`. Once every
  product is subscribed: ${replay.rate.toLocaleString('en-US')} msg/s (due frames written every millisecond) for 5 s, then a
  10 s window (CPU per message and peak RSS), then flood for 1 s, then a ${replay.windowMs / 1000} s window
  (msg/s and CPU per message). The ${replay.rate.toLocaleString('en-US')} msg/s verdict comes from a last phase: the floor and the daemon
  started side by side, each on its own replay connection, then ${replay.pairs.floor.length} pairs of windows, each side fed alone
  at ${replay.rate.toLocaleString('en-US')} msg/s for ${PAIR_SETTLE_MS / 1000} s and measured for ${replay.pairs.windowMs / 1000} s while the other gets ${IDLE_RATE} msg/s (as heartbeats would, so its
  read timeout stays quiet), the order alternating by pair; the ratio is the median of the pairs'.
  Windows seconds apart move together with the machine; the rounds' windows, minutes apart, are
  shown beside it. CPU is every thread's run time from
  \`/proc/<pid>/task/*/schedstat\`; counts are read just outside the CPU window. No heartbeats
  are sent.${replay.pinned ? ' The replay runs on core 0 and each consumer (all its threads) on core 1 (`taskset -a`), the same placement for every consumer and round.' : ' Unpinned: `taskset` or a second core was not available.'} Run only these rows with \`npm run bench:replay\`.
- **Tick**: \`Aggregator.tick\` in-process over 1000 markets × 8 provider configs (1 in 8 markets
  has an inverted feed, 1 in 4 a feed normalised by USDT/USD), every quote fresh; either all
  8,000 quotes replaced by new prices (±0.05 %) before each tick, through the \`ProviderSink\`
  and untimed, or all unchanged. Every tick also writes its metric series (the timed region is
  the whole \`tick()\`).
- **Scrape**: the same state served by \`createMetricsServer\` in-process while the tick loop runs on
  \`every(250 ms)\` and every quote moves once a second (80 new prices every 10 ms); curl (or a
  Node client without curl) scrapes once a second, timed from request to last byte, after one
  warm-up scrape; p50, p99 (nearest rank: the second slowest of 100) and the slowest are per run,
  medians over runs. Lateness = tick start − its slot.
- **/status**: the scrape benchmark's state and tick loop, with \`GET /status\` (the whole map,
  bench/status.ts) asked every 500 ms by the same client, timed from request to last byte;
  the answer is built at most once per tick, in slices of 4 ms (status/endpoint.ts), and every
  request here falls in a new tick, so each builds it anew. p99 is the second slowest of 100.
  Lateness = tick start − its slot.
- **Freshness**: built daemon (updateInterval ${UPDATE_INTERVAL_MS} ms) + simulator (book frozen,
  pushing every 5 ms); \`POST /price\` for TIA at a random phase, then poll \`/prices\` every 1 ms.
- **Warm-up**: built daemon, spawned with the Node flags of \`npm start\`, against the simulator
  (its own process, default rates, every exchange's documented connection and subscription
  limits enforced); a fresh simulator, started and loaded before the spawn, and a fresh daemon
  per run (a simulator shared by consecutive runs would count one run's connections against the
  next one's rate limits), 3 runs per map, \`marketmap_api\` pointed at a closed port so the map
  is the file. Time = the first tick whose \`/prices\` (its own \`timestamp\`,
  \`GET /connect/oracle/v2/prices\` polled every 20 ms) holds every market of the map, minus the
  wall clock just before the spawn; 50 % and 90 % likewise. Violations = the simulator's
  \`GET /limits\` total after the run, summed over runs. The simulator can price every market of
  the three maps ((b) and (c) name only tickers it lists, (a) is the demo's map), so "every
  market the simulator can price" is every market of the map; a run that has not got there
  after 30 s (a), 60 s (b) or 90 s (c) counts as not reached, and the row shows how many
  markets it served.
  (a) the repository's market.json with the simulator's endpoints (as \`npm run demo\`).
  (b) 999 assets added with \`POST /price\`, each X/USD from 3 consecutive feeds of a rotation
  over coinbase_ws, okx_ws, binance_ws, binance_api, bybit_ws, gate_ws, bitstamp_api, kucoin_ws
  (USDT books normalised by USDT/USD), min_provider_count 1, plus USDT/USD.
  (c) 620 assets added the same way, as dYdX x/prices market params (dYdX exchange names and
  tickers, adjustByMarket USDT-USD, some USDC-USD and BTC-USD, min_exchanges 3, 3 to 12
  exchanges each, USDT books most common) converted by the side-car's dYdX conversion, plus the
  10 markets of market.json kept to the providers a dYdX map can name (their ETH/USD, BTC/USD,
  USDT/USD and USDC/USD carry the normalisation): 630 markets, 16 providers (bench/warmup-maps.ts).
  Every provider keeps the side-car's default pacing (\`writeInterval\`,
  \`maxSubscriptionsPerBatch\`, \`maxSubscriptionsPerConnection\` and the adapter's dial spacing,
  from each exchange's documented limits). The last row runs (c) once more with connect's
  pacing written into oracle.json (bench/connect-pacing.ts: connect's package defaults, one
  topic per message 100 ms apart, and its per-provider overrides), as an operator who wants it
  would.
- **Footprint**: built daemon, started with the Node flags of \`npm start\` (the Dockerfile's
  ENTRYPOINT has the same), + simulator at its default rates (a push every 250 ms per ticker);
  N−1 assets added with \`POST /price\`, each X/USD from coinbase_ws, okx_ws and binance_ws (the
  last two normalised by USDT/USD), plus USDT/USD. Warm-up until every market is served, then
  CPU and peak RSS (MB = 10^6 bytes) over three 10 s windows from \`/proc/<pid>/stat\`;
  messages handled from the daemon's own counter. The floor is one Node process with bare \`ws\`
  clients on the same three streams doing \`JSON.parse\` + \`Map.set\`, same flags, measured the
  same way right after.
- **Memory** (bench/memory.ts): the built daemon, npm start's Node flags plus
  \`--heapsnapshot-signal=SIGUSR2\`, against the simulator (620 assets in its book) with four
  maps, one daemon at a time: (c) of the warm-up rows (dydx-630: ${memC.markets} markets,
  ${memC.feeds.toLocaleString('en-US')} feeds), the same built over its first 310 assets (dydx-320), and both with each
  long-tail market cut to one of its feeds (thin-630, thin-320; the 10 majors unchanged). Each
  map: until every market is served, then ${mem.settleS} s (dydx-630) or ${mem.growthSettleS} s settling and ${mem.sampleS} s or
  ${mem.growthSampleS} s of RSS samples from \`/proc/<pid>/stat\` every 500 ms (median and max, MB = 10^6 bytes),
  while a client asks \`/prices\` every second and scrapes \`/metrics\` every 15 s; then V8's
  heap gauges from \`/metrics\`, RssAnon and RssFile from \`/proc/<pid>/status\`, and a heap
  snapshot (live objects after a full GC; bench/heap-snapshot.ts sums self sizes by class).
  Median RSS and the snapshot's live heap are each fitted by least squares as base + a·markets +
  b·feeds (four maps, three unknowns: the residuals show what is not linear) and evaluated at
  ${ESTIMATE_MARKETS.toLocaleString('en-US')} markets with dydx-630's ${f(mem.feedsPerMarket, 2)} feeds per market. Run alone with
  \`node dist-bench/bench/memory.js\`.
`;

// Hand-written findings (profiles, what remains) are kept in bench/findings.md and appended.
const findings = join(ROOT, 'bench/findings.md');
writeFileSync(join(ROOT, 'BENCHMARKS.md'), existsSync(findings) ? `${doc}\n${readFileSync(findings, 'utf8')}` : doc);
console.log(table);
