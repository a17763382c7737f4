/**
 * Footprint: RSS and CPU share of one core of the built daemon against the simulator (its own
 * process, default 250 ms pushes = 4 messages/s per ticker, 500 ms random walk) with a
 * generated market map: N assets added to the book, each X/USD from coinbase_ws, okx_ws
 * (X-USDT normalised by USDT/USD) and binance_ws (XUSDT normalised), plus USDT/USD.
 * CPU and RSS come from /proc/<pid>/stat over windows after a warm-up.
 */
import { median, procStat, sleep, startDaemon, startSim } from './common.js';

export interface FootprintResult { markets: number; served: number; cpuPct: number; rssMB: number; msgsPerSec: number; windows: number }

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

export async function runFootprint(markets: number, windows = 3, windowMs = 10_000, warmupMs = 10_000): Promise<FootprintResult> {
  const sim = await startSim();
  const assets = Array.from({ length: markets - 1 }, (_, i) => `BN${i}`);
  for (const [i, a] of assets.entries()) await sim.post('/price', { asset: a, usd: 1 + i / 10 });
  const ov = sim.oracleOverride as { providers?: Record<string, unknown> };
  const oracle = { ...ov, providers: { ...ov.providers, marketmap_api: { api: { endpoints: [{ url: '127.0.0.1:1' }] } } } };
  const daemon = await startDaemon(oracle, marketMap(assets));
  const pid = daemon.child.pid ?? 0;
  const cpu: number[] = [];
  const rss: number[] = [];
  const served: number[] = [];
  try {
    await sleep(warmupMs);
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
      rss.push(Math.max(...samples) / 2 ** 20);
    }
  } finally {
    served.push(await servedCount(daemon.apiUrl).catch(() => 0));
    await daemon.stop();
    await sim.stop();
  }
  const res = { markets, served: served[0] ?? 0, cpuPct: median(cpu), rssMB: median(rss), msgsPerSec: (markets - 1) * 3 * 4 + 4, windows };
  process.stderr.write(`footprint ${JSON.stringify(res)}\n`);
  return res;
}
