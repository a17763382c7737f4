/** Tick: Aggregator.tick over 1000 markets × 8 providers (inversion and normalisation in the mix). */
import { buildFixture } from './fixture.js';
import { median, percentile } from './common.js';

export interface TickResult { p50: number; p99: number; max: number; runs: number; ticks: number }

export function runTick(runs = 3, ticks = 300): TickResult {
  const p50s: number[] = [];
  const p99s: number[] = [];
  const maxes: number[] = [];
  for (let r = 0; r < runs; r++) {
    const f = buildFixture(1000, 8);
    for (let i = 0; i < 30; i++) f.aggregator.tick();
    const ms: number[] = [];
    for (let i = 0; i < ticks; i++) {
      const t = performance.now();
      f.aggregator.tick();
      ms.push(performance.now() - t);
    }
    p50s.push(percentile(ms, 50));
    p99s.push(percentile(ms, 99));
    maxes.push(Math.max(...ms));
  }
  const res = { p50: median(p50s), p99: median(p99s), max: median(maxes), runs, ticks };
  process.stderr.write(`tick ${JSON.stringify(res)}\n`);
  return res;
}
