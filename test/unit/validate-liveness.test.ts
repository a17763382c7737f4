import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.js';
import { TickMetrics } from '../../src/metrics/tick.js';
import { Aggregator } from '../../src/oracle/aggregator.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { LivenessTracker, quantile } from '../../src/validate/liveness.js';
import { feed, market, marketMap } from '../helpers/market.js';

/** Write what the aggregation tick writes for market `id` (BASE/QUOTE). */
function tickWrote(m: Metrics, id: string, served: boolean, providers: number): void {
  m.marketPriceServed.set({ id: id.toLowerCase() }, served ? 1 : 0);
  m.marketProviders.set({ id: id.toLowerCase() }, providers);
}

const TWO = marketMap(
  market('BTC/USD', 5, 2, [feed('a', 'x'), feed('b', 'x'), feed('c', 'x')]),
  market('ETH/USD', 5, 1, [feed('a', 'y')]),
  market('OFF/USD', 5, 1, [feed('a', 'z')], false),
);

describe('LivenessTracker', () => {
  it('counts served ticks, the longest gap and the contributing providers per enabled market', () => {
    const metrics = createMetrics(new Registry(), false);
    const t = new LivenessTracker(metrics);
    t.track(TWO);
    // BTC: providers 3,3,1,1,1,2,3 → served unless < 2; ETH always served by 1.
    for (const n of [3, 3, 1, 1, 1, 2, 3]) {
      tickWrote(metrics, 'BTC/USD', n >= 2, n);
      tickWrote(metrics, 'ETH/USD', true, 1);
      t.tick(true);
    }
    const [btc, eth] = t.results();
    expect(btc).toEqual({
      id: 'BTC/USD', minProviderCount: 2, feeds: 3, ticks: 7, served: 4, percent: (4 / 7) * 100,
      longestGap: 3, minProviders: 1, medianProviders: 2, inMap: true,
    });
    expect(eth).toMatchObject({ id: 'ETH/USD', ticks: 7, served: 7, percent: 100, longestGap: 0, minProviders: 1, medianProviders: 1 });
    expect(t.results().map((r) => r.id)).toEqual(['BTC/USD', 'ETH/USD']);
  });

  it('counts a tick that threw as a tick without a price, whatever the gauges still hold', () => {
    const metrics = createMetrics(new Registry(), false);
    const t = new LivenessTracker(metrics);
    t.track(TWO);
    tickWrote(metrics, 'BTC/USD', true, 3);
    tickWrote(metrics, 'ETH/USD', true, 1);
    t.tick(true);
    t.tick(false);
    const [btc] = t.results();
    expect(btc).toMatchObject({ ticks: 2, served: 1, longestGap: 1, minProviders: 0 });
  });

  it('keeps a staying market across a map change, stops judging one that left, starts a new one', () => {
    const metrics = createMetrics(new Registry(), false);
    const t = new LivenessTracker(metrics);
    t.track(TWO);
    tickWrote(metrics, 'BTC/USD', true, 2);
    tickWrote(metrics, 'ETH/USD', true, 1);
    t.tick(true);
    t.track(marketMap(
      market('BTC/USD', 5, 1, [feed('a', 'x'), feed('b', 'x'), feed('c', 'x'), feed('d', 'x'), feed('e', 'x')]),
      market('SOL/USD', 5, 1, [feed('a', 's')]),
    ));
    tickWrote(metrics, 'BTC/USD', true, 5);
    tickWrote(metrics, 'SOL/USD', false, 0);
    t.tick(true);
    const byId = new Map(t.results().map((r) => [r.id, r]));
    expect(byId.get('BTC/USD')).toMatchObject({ ticks: 2, served: 2, feeds: 5, minProviders: 2, medianProviders: 2, minProviderCount: 1, inMap: true });
    expect(byId.get('ETH/USD')).toMatchObject({ ticks: 1, served: 1, inMap: false });
    expect(byId.get('SOL/USD')).toMatchObject({ ticks: 1, served: 0, percent: 0, inMap: true });
  });

  it('reads exactly what the real aggregation tick produced', () => {
    const metrics = createMetrics(new Registry(), false);
    const store = new QuoteStore();
    const map = marketMap(
      market('BTC/USD', 5, 2, [feed('coinbase_api', 'BTC-USD'), feed('kraken_api', 'XXBTZUSD')]),
      market('ETH/USD', 5, 1, [feed('coinbase_api', 'ETH-USD')]),
    );
    const agg = new Aggregator(map, store, new TickMetrics(metrics), 60_000);
    const t = new LivenessTracker(metrics);
    t.track(map);
    const T = 1_700_000_000_000;
    store.update('coinbase_api', 'BTC-USD', '70000', T);
    store.update('coinbase_api', 'ETH-USD', '3000', T);
    let missing = 0;
    for (let i = 0; i < 4; i++) {
      if (i === 2) store.update('kraken_api', 'XXBTZUSD', '70010', T);
      const s = agg.tick(T + i * 100);
      missing += s.missing.length;
      t.tick(true);
    }
    const [btc, eth] = t.results();
    expect(btc).toMatchObject({ ticks: 4, served: 2, longestGap: 2, minProviders: 1, medianProviders: 1 });
    expect(eth).toMatchObject({ ticks: 4, served: 4 });
    expect(missing).toBe(2);
  });
});

describe('quantile', () => {
  it('gives the minimum and the lower median of a histogram', () => {
    expect(quantile(Uint32Array.from([0, 2, 1, 1]), 0)).toBe(1);
    expect(quantile(Uint32Array.from([0, 2, 1, 1]), 0.5)).toBe(1);
    expect(quantile(Uint32Array.from([0, 1, 1, 2]), 0.5)).toBe(2);
    expect(quantile(Uint32Array.from([0, 0, 0]), 0.5)).toBe(0);
  });
});
