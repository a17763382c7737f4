/**
 * Scrapes rendered at once take turns of the event loop (registry.ts TurnQueue): a due timer
 * (the aggregation tick) waits behind one slice of one scrape, not one slice of each.
 */
import { Gauge } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SidecarRegistry, TurnQueue } from '../../src/metrics/registry.js';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

/** Counts loop iterations from here on: a 0 ms timer chain runs once per timers phase. */
function timerPhases(): { now: () => number; stop: () => void } {
  let n = 0;
  let counting = true;
  const count = () => {
    n += 1;
    if (counting) setTimeout(count, 0);
  };
  setTimeout(count, 0);
  return { now: () => n, stop: () => (counting = false) };
}

describe('TurnQueue', () => {
  it('hands out one turn per loop iteration, first come first served', async () => {
    const turns = new TurnQueue();
    const order: string[] = [];
    const phases = timerPhases();
    const seen: number[] = [];
    await Promise.all(['a', 'b', 'c'].map(async (name) => {
      for (let i = 0; i < 3; i++) {
        await turns.next();
        order.push(name);
        seen.push(phases.now());
        busy(2); // past the 1 ms timer, so the next iteration runs it first
      }
    }));
    phases.stop();
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
    // Never two turns between the same two timer phases.
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('SidecarRegistry.stream in slices', () => {
  it('renders one slice of one scrape between two timer phases, however many scrapes are in flight', async () => {
    const registry = new SidecarRegistry();
    const rendered: number[] = [];
    const phases = timerPhases();
    for (let i = 0; i < 6; i++) {
      new Gauge({
        name: `slow_family_${i}`,
        help: 'takes 3 ms to collect',
        registers: [registry],
        collect() {
          rendered.push(phases.now());
          busy(3);
          this.set(i);
        },
      });
    }
    const scrapes = Array.from({ length: 4 }, async () => {
      const chunks: Buffer[] = [];
      await registry.stream((c) => chunks.push(c), undefined, 1);
      return Buffer.concat(chunks).toString('utf8');
    });
    const bodies = await Promise.all(scrapes);
    phases.stop();
    expect(rendered).toHaveLength(4 * 6);
    // Each slice (here one 3 ms family) had a timer phase of its own before it.
    expect(new Set(rendered).size, `timer phases seen by each render: ${rendered.join(',')}`).toBe(rendered.length);
    const whole = await registry.metrics();
    for (const body of bodies) expect(body).toBe(whole);
  });
});
