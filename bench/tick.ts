/**
 * Tick: Aggregator.tick over 1000 markets × 8 providers (inversion and normalisation in the
 * mix), in two states: every one of the 8,000 quotes replaced by a new price before each tick
 * (the worst case: nothing parsed at the previous tick can be reused; the delivery is not
 * timed), and every quote unchanged since the previous tick.
 */
import { buildFixture } from './fixture.js';
import { median, percentile } from './common.js';

export interface TickStats { p50: number; p99: number; max: number }
export interface TickResult { moving: TickStats; unchanged: TickStats; runs: number; ticks: number }

function measure(runs: number, ticks: number, moving: boolean): TickStats {
  const p50s: number[] = [];
  const p99s: number[] = [];
  const maxes: number[] = [];
  for (let r = 0; r < runs; r++) {
    const f = buildFixture(1000, 8);
    for (let i = 0; i < 30; i++) {
      if (moving) f.move();
      f.aggregator.tick();
    }
    const ms: number[] = [];
    for (let i = 0; i < ticks; i++) {
      if (moving) f.move();
      const t = performance.now();
      f.aggregator.tick();
      ms.push(performance.now() - t);
    }
    p50s.push(percentile(ms, 50));
    p99s.push(percentile(ms, 99));
    maxes.push(Math.max(...ms));
  }
  return { p50: median(p50s), p99: median(p99s), max: median(maxes) };
}

export function runTick(runs = 3, ticks = 300): TickResult {
  const res = { moving: measure(runs, ticks, true), unchanged: measure(runs, ticks, false), runs, ticks };
  process.stderr.write(`tick ${JSON.stringify(res)}\n`);
  return res;
}
