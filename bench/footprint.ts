/**
 * Footprint: RSS and CPU share of one core of the built daemon against the simulator (its own
 * process, default 250 ms pushes = 4 messages/s per ticker, 500 ms random walk) with a
 * generated market map: N assets added to the book, each X/USD from coinbase_ws, okx_ws
 * (X-USDT normalised by USDT/USD) and binance_ws (XUSDT normalised), plus USDT/USD.
 * CPU and RSS come from /proc/<pid>/stat over windows after a warm-up that lasts until every
 * market is served. Then the floor (footprint-floor.ts: bare ws clients on the same streams)
 * is measured against the same simulator the same way, with the daemon's Node flags.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemonNodeFlags, median, procStat, sleep, startDaemon, startSim } from './common.js';

const FLOOR = join(fileURLToPath(new URL('.', import.meta.url)), 'footprint-floor.js');

export interface FootprintResult {
  markets: number;
  served: number;
  cpuPct: number;
  /** Peak RSS in MB (10^6 bytes). */
  rssMB: number;
  /** WebSocket messages the daemon handled per second (measured). */
  msgsPerSec: number;
  windows: number;
  warmupS: number;
  floorCpuPct: number;
  floorRssMB: number;
}

function marketMap(assets: string[]): object {
  const pc = (name: string, t: string, norm: boolean) => ({ name, off_chain_ticker: t, normalize_by_pair: norm ? { Base: 'USDT', Quote: 'USD' } : null, invert: false, metadata_JSON: '' });
  const ticker = (b: string) => ({ currency_pair: { Base: b, Quote: 'USD' }, decimals: 8, min_provider_count: 1, enabled: true, metadata_JSON: '' });
  const markets: Record<string, object> = { 'USDT/USD': { ticker: ticker('USDT'), provider_configs: [pc('coinbase_ws', 'USDT-USD', false)] } };
  for (const a of assets) {
    markets[`${a}/USD`] = { ticker: ticker(a), provider_configs: [pc('coinbase_ws', `${a}-USD`, false), pc('okx_ws', `${a}-USDT`, true), pc('binance_ws', `${a}USDT`, true)] };
  }
  return { markets };
}

async function servedCount(apiUrl: string): Promise<number> {
  const body = (await (await fetch(`${apiUrl}/connect/oracle/v2/prices`)).json()) as { prices: Record<string, string> };
  return Object.keys(body.prices).length;
}

/** WebSocket messages the daemon has handled so far (connect's handler counter). */
async function handled(metricsUrl: string): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^side_car_web_socket_data_handler_status\{[^}]*status="handle_message_success"[^}]*\} (\S+)$/gm)) n += Number(m[1]);
  return n;
}

interface Usage { cpuPct: number; rssMB: number }

/** CPU share of one core and peak RSS (MB = 10^6 bytes) of `pid`, median over windows. */
async function usage(pid: number, windows: number, windowMs: number): Promise<Usage> {
  const cpu: number[] = [];
  const rss: number[] = [];
  for (let w = 0; w < windows; w++) {
    const a = procStat(pid);
    const t = performance.now();
    const samples: number[] = [];
    while (performance.now() - t < windowMs) {
      await sleep(500);
      samples.push(procStat(pid).rss);
    }
    const b = procStat(pid);
    cpu.push((100 * (b.cpuMs - a.cpuMs)) / (performance.now() - t));
    rss.push(Math.max(...samples) / 1e6);
  }
  return { cpuPct: median(cpu), rssMB: median(rss) };
}

export async function runFootprint(markets: number, windows = 3, windowMs = 10_000, maxWarmupMs = 120_000): Promise<FootprintResult> {
  const sim = await startSim();
  try {
    const assets = Array.from({ length: markets - 1 }, (_, i) => `BN${i}`);
    for (const [i, a] of assets.entries()) await sim.post('/price', { asset: a, usd: 1 + i / 10 });
    const ov = sim.oracleOverride as { providers?: Record<string, unknown> };
    const oracle = { ...ov, providers: { ...ov.providers, marketmap_api: { api: { endpoints: [{ url: '127.0.0.1:1' }] } } } };
    const daemon = await startDaemon(oracle, marketMap(assets));
    const pid = daemon.child.pid ?? 0;
    const measure = async () => {
      // Warm up until every market is served (providers pace their subscriptions), then 5 s more.
      const start = performance.now();
      while (performance.now() - start < maxWarmupMs && (await servedCount(daemon.apiUrl).catch(() => 0)) < markets) await sleep(1000);
      const warmupMs = performance.now() - start;
      await sleep(5000);
      const h0 = await handled(daemon.metricsUrl);
      const t0 = performance.now();
      const side = await usage(pid, windows, windowMs);
      const msgsPerSec = Math.round(((await handled(daemon.metricsUrl)) - h0) / ((performance.now() - t0) / 1000));
      return { side, msgsPerSec, warmupMs, served: await servedCount(daemon.apiUrl).catch(() => 0) };
    };
    let m: Awaited<ReturnType<typeof measure>>;
    try {
      m = await measure();
    } finally {
      await daemon.stop();
    }
    const { side, msgsPerSec, warmupMs, served } = m;
    // The floor: bare ws clients on the same three streams, same simulator, same rates.
    let floor: Usage;
    const streams = [
      ['coinbase_ws', sim.endpoints.coinbase_ws, ['USDT-USD', ...assets.map((a) => `${a}-USD`)]],
      ['okx_ws', sim.endpoints.okx_ws, assets.map((a) => `${a}-USDT`)],
      ['binance_ws', sim.endpoints.binance_ws, assets.map((a) => `${a}USDT`)],
    ];
    const child = spawn(process.execPath, [...daemonNodeFlags(), FLOOR, JSON.stringify(streams)], { stdio: ['ignore', 'inherit', 'inherit'] });
    try {
      await sleep(Math.min(warmupMs, 30_000) + 5000);
      floor = await usage(child.pid ?? 0, windows, windowMs);
    } finally {
      child.kill();
    }
    const res = { markets, served, cpuPct: side.cpuPct, rssMB: side.rssMB, msgsPerSec, windows, warmupS: Math.round(warmupMs / 1000), floorCpuPct: floor.cpuPct, floorRssMB: floor.rssMB };
    process.stderr.write(`footprint ${JSON.stringify(res)}\n`);
    return res;
  } finally {
    await sim.stop();
  }
}
