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

describe('TurnQueue', () => {
  it('hands out one turn per loop iteration, first come first served', async () => {
    const turns = new TurnQueue();
    const order: string[] = [];
    let iteration = 0;
    // A timer chain counts loop iterations: each one runs its timers phase once.
    let counting = true;
    const count = () => {
      iteration += 1;
      if (counting) setTimeout(count, 0);
    };
    setTimeout(count, 0);
    const seen: number[] = [];
    await Promise.all(['a', 'b', 'c'].map(async (name) => {
      for (let i = 0; i < 3; i++) {
        await turns.next();
        order.push(name);
        seen.push(iteration);
        busy(2); // past the 1 ms timer, so the next iteration runs it first
      }
    }));
    counting = false;
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
    // Never two turns between the same two timer phases.
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('SidecarRegistry.stream in slices', () => {
  it('renders one slice of one scrape between two timer phases, however many scrapes are in flight', async () => {
    const registry = new SidecarRegistry();
    let iteration = 0;
    const rendered: number[] = [];
    for (let i = 0; i < 6; i++) {
      new Gauge({
        name: `slow_family_${i}`,
        help: 'takes 3 ms to collect',
        registers: [registry],
        collect() {
          rendered.push(iteration);
          busy(3);
          this.set(i);
        },
      });
    }
    let counting = true;
    const count = () => {
      iteration += 1;
      if (counting) setTimeout(count, 0);
    };
    setTimeout(count, 0);
    const scrapes = Array.from({ length: 4 }, async () => {
      const chunks: Buffer[] = [];
      await registry.stream((c) => chunks.push(c), undefined, 1);
      return Buffer.concat(chunks).toString('utf8');
    });
    const bodies = await Promise.all(scrapes);
    counting = false;
    expect(rendered).toHaveLength(4 * 6);
    // Each slice (here one 3 ms family) had a timer phase of its own before it.
    expect(new Set(rendered).size, `timer phases seen by each render: ${rendered.join(',')}`).toBe(rendered.length);
    const whole = await registry.metrics();
    for (const body of bodies) expect(body).toBe(whole);
  });
});
