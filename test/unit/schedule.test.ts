import { afterEach, describe, expect, it, vi } from 'vitest';
import { every } from '../../src/oracle/schedule.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('drift-free schedule', () => {
  it('runs at start + n × interval', () => {
    vi.useFakeTimers();
    const runs: number[] = [];
    const stop = every(250, () => runs.push(Date.now()), () => Date.now());
    const t0 = Date.now();
    for (let i = 0; i < 40; i++) vi.advanceTimersByTime(250);
    stop();
    expect(runs).toHaveLength(40);
    expect(runs.map((t) => t - t0)).toEqual(Array.from({ length: 40 }, (_, i) => (i + 1) * 250));
  });

  it('skips slots it fell more than one interval behind on, then keeps the grid', () => {
    vi.useFakeTimers();
    const t0 = Date.now();
    const runs: number[] = [];
    const stop = every(100, () => {
      runs.push(Date.now() - t0);
      if (runs.length === 2) vi.setSystemTime(Date.now() + 350); // the process stalls 350 ms
    }, () => Date.now());
    vi.advanceTimersByTime(600);
    stop();
    // 100, 200, stall to 550: slots 300-500 are skipped, the grid resumes at 600, 700...
    expect(runs.slice(0, 3)).toEqual([100, 200, 600]);
    for (const t of runs) expect(t % 100).toBe(0);
  });

  it('stops', () => {
    vi.useFakeTimers();
    let n = 0;
    const stop = every(10, () => (n += 1), () => Date.now());
    vi.advanceTimersByTime(35);
    stop();
    vi.advanceTimersByTime(100);
    expect(n).toBe(3);
  });
});
