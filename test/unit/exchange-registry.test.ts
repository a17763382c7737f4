/**
 * The one exchange registry (src/exchanges/index.ts) and its two views: the side-car's
 * name → adapter record and the simulator's port-ordered emulations.
 */
import { describe, expect, it } from 'vitest';
import { EXCHANGES, exchanges } from '../../src/exchanges/index.js';
import { SIM_EXCHANGES } from '../../src/sim/registry.js';

describe('exchange registry', () => {
  it('pairs each adapter with the emulation of the same provider and transport', () => {
    expect(new Set(EXCHANGES.map((e) => e.name)).size).toBe(EXCHANGES.length);
    // A DeFi node is an HTTP server in the simulator.
    expect(SIM_EXCHANGES.map((s) => [s.name, s.kind])).toEqual(EXCHANGES.map((e) => [e.name, e.adapter.kind === 'defi' ? 'http' : e.adapter.kind]));
  });

  it('gives the side-car every adapter, in name order', () => {
    const names = EXCHANGES.map((e) => e.name).sort();
    expect(Object.keys(exchanges)).toEqual(names);
    for (const e of EXCHANGES) expect(exchanges[e.name]).toBe(e.adapter);
  });
});
