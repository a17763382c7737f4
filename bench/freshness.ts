/**
 * Freshness: the built daemon (updateInterval 250 ms) against the simulator (its own process,
 * book frozen, pushing every 5 ms); set TIA's price through the control API, then poll
 * /prices every millisecond until TIA/USD changes. Latency = from just before the POST to the
 * first poll that sees the new value.
 */
import { median, percentile, sleep, startDaemon, startSim } from './common.js';

export const UPDATE_INTERVAL_MS = 250;

export interface FreshnessResult { p50: number; p99: number; max: number; samples: number; runs: number }

export async function runFreshness(runs = 3, perRun = 20): Promise<FreshnessResult> {
  const sim = await startSim(['--push-interval-ms', '5']);
  const market = {
    markets: {
      'TIA/USD': {
        ticker: { currency_pair: { Base: 'TIA', Quote: 'USD' }, decimals: 8, min_provider_count: 1, enabled: true, metadata_JSON: '' },
        provider_configs: [{ name: 'coinbase_ws', off_chain_ticker: 'TIA-USD', normalize_by_pair: null, invert: false, metadata_JSON: '' }],
      },
    },
  };
  const ov = sim.oracleOverride as { providers?: Record<string, unknown> };
  const oracle = { ...ov, updateInterval: `${UPDATE_INTERVAL_MS}ms`, providers: { ...ov.providers, marketmap_api: { api: { endpoints: [{ url: '127.0.0.1:1' }] } } } };
  await sim.post('/freeze', { frozen: true });
  const daemon = await startDaemon(oracle, market);
  const current = async (): Promise<string | undefined> => {
    const body = (await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/prices`)).json()) as { prices: Record<string, string> };
    return body.prices['TIA/USD'];
  };
  const p99s: number[] = [];
  const p50s: number[] = [];
  const maxes: number[] = [];
  let all = 0;
  try {
    while ((await current()) === undefined) await sleep(50);
    let usd = 6;
    for (let r = 0; r < runs; r++) {
      const ms: number[] = [];
      for (let i = 0; i < perRun; i++) {
        const before = await current();
        usd = usd === 6 ? 6.5 : 6;
        // Start at a random phase of the tick so the samples cover the whole interval.
        await sleep(Math.random() * UPDATE_INTERVAL_MS);
        const t = performance.now();
        await sim.post('/price', { asset: 'TIA', usd });
        while ((await current()) === before) await sleep(1);
        ms.push(performance.now() - t);
      }
      p50s.push(percentile(ms, 50));
      p99s.push(percentile(ms, 99));
      maxes.push(Math.max(...ms));
      all += ms.length;
    }
  } finally {
    await daemon.stop();
    await sim.stop();
  }
  const res = { p50: median(p50s), p99: median(p99s), max: median(maxes), samples: all, runs };
  process.stderr.write(`freshness ${JSON.stringify(res)}\n`);
  return res;
}
