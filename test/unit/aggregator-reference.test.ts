/**
 * The tick orders feeds by float64 and computes exact decimals only for the median's feeds and
 * near-ties. This checks it against a plain all-exact implementation of connect's aggregation
 * on random market maps built to contain ties and near-ties (prices equal as float64 but not
 * as decimals), with inversion and normalisation, over consecutive ticks with moving quotes.
 */
import { Decimal } from 'decimal.js';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { TickMetrics } from '../../src/metrics/tick.js';
import { Aggregator } from '../../src/oracle/aggregator.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { rng } from '../helpers/rng.js';

const Exact = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_HALF_UP });
const NOW = 1_700_000_000_000;
const PROVIDERS = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];

/** connect's aggregation, every step exact. `index` holds the previous tick's medians. */
function reference(map: MarketMap, store: QuoteStore, index: Map<string, Decimal>): { prices: Record<string, string>; index: Map<string, Decimal> } {
  const next = new Map<string, Decimal>();
  const prices: Record<string, string> = {};
  for (const m of Object.values(map.markets)) {
    if (!m.ticker.enabled) continue;
    const id = `${m.ticker.currency_pair.Base}/${m.ticker.currency_pair.Quote}`;
    const values: Decimal[] = [];
    for (const pc of m.provider_configs) {
      const q = store.get(pc.name, pc.off_chain_ticker);
      if (!q) continue;
      let p = new Exact(q.price);
      if (pc.invert) p = new Exact(1).div(p);
      if (pc.normalize_by_pair) {
        const norm = index.get(`${pc.normalize_by_pair.Base}/${pc.normalize_by_pair.Quote}`);
        if (!norm) continue;
        p = p.times(norm);
      }
      values.push(p);
    }
    if (values.length === 0 || values.length < m.ticker.min_provider_count) continue;
    values.sort((a, b) => a.comparedTo(b));
    const mid = values.length >> 1;
    const med = values.length % 2 ? (values[mid] as Decimal) : (values[mid - 1] as Decimal).plus(values[mid] as Decimal).div(2);
    next.set(id, med);
    prices[id] = med.times(new Exact(10).pow(m.ticker.decimals)).trunc().toFixed(0);
  }
  return { prices, index: next };
}

/** A price near `base`: often exactly equal to another one, often equal only as a float64. */
function price(r: () => number, base: string): string {
  const roll = r();
  if (roll < 0.25) return base;
  // Same float64, different decimal: perturb beyond the 17th significant digit.
  if (roll < 0.6) return `${base}${String(Math.floor(r() * 9) + 1).repeat(1 + Math.floor(r() * 3))}`;
  return new Exact(base).times(1 + (r() - 0.5) / 100).toSignificantDigits(12).toFixed();
}

function randomCase(seed: number) {
  const r = rng(seed);
  const markets: Array<ReturnType<typeof market>> = [market('USDT/USD', 18, 1, [feed('p0', 'USDT-USD'), feed('p1', 'USDT-USD2')])];
  const quotes: Array<[string, string, string]> = [['p0', 'USDT-USD', '1.000100000000000000001'], ['p1', 'USDT-USD2', '0.9998']];
  for (let i = 0; i < 40; i++) {
    const n = 1 + Math.floor(r() * 8);
    const base = ['70000.00000000001', '0.1234567890123457', '3.3333333333333335', '1'][i % 4] ?? '1';
    const feeds = PROVIDERS.slice(0, n).map((p, j) => {
      const invert = r() < 0.2;
      const normalize = !invert && r() < 0.2 ? 'USDT/USD' : undefined;
      const ticker = `T${i}-${j}`;
      const value = invert ? new Exact(1).div(base).toSignificantDigits(17).toFixed() : base;
      quotes.push([p, ticker, price(r, value)]);
      return feed(p, ticker, { invert, normalize });
    });
    markets.push(market(`A${i}/USD`, 18 + Math.floor(r() * 19), 1 + Math.floor(r() * Math.min(n, 3)), feeds));
  }
  return { map: marketMap(...markets), quotes, r };
}

describe('the tick agrees with an all-exact reference aggregation', () => {
  it.each(Array.from({ length: 25 }, (_, i) => i + 1))('random market map, seed %i, 6 ticks with moving quotes', (seed) => {
    const { map, quotes, r } = randomCase(seed);
    const store = new QuoteStore();
    for (const [p, t, v] of quotes) store.update(p, t, v, NOW);
    const agg = new Aggregator(map, store, new TickMetrics(createMetrics(new Registry(), false)), 120_000);
    let index = new Map<string, Decimal>();
    let compared = 0;
    for (let tick = 0; tick < 6; tick++) {
      const now = NOW + tick * 250;
      const want = reference(map, store, index);
      index = want.index;
      const got = agg.tick(now);
      expect(got.prices, `tick ${tick}`).toEqual(want.prices);
      compared += Object.keys(want.prices).length;
      // Move a third of the quotes (new strings, some only beyond float64 precision).
      for (const [p, t, v] of quotes) if (r() < 0.33) store.update(p, t, price(r, v), now + 1);
    }
    expect(compared).toBeGreaterThan(100);
  });
});

describe('ordering where float64 rounding misorders', () => {
  it('a normalised feed exactly above a plain one whose float64 product falls below it is the median', () => {
    // 1.09989001099890011008900109989 × 1.0001 = 1.10000000000000000010000999… > 1.1 exactly, but
    // as float64 the product rounds below 1.1: only an exact comparison orders them right.
    const map = marketMap(
      market('USDT/USD', 18, 1, [feed('p0', 'USDT-USD')]),
      market('BTC/USD', 36, 1, [feed('p0', 'A'), feed('p1', 'B', { normalize: 'USDT/USD' }), feed('p2', 'C')]),
    );
    const store = new QuoteStore();
    for (const [p, t, v] of [['p0', 'USDT-USD', '1.0001'], ['p0', 'A', '1.1'], ['p1', 'B', '1.09989001099890011008900109989'], ['p2', 'C', '2']] as const) {
      store.update(p, t, v, NOW);
    }
    expect(Number('1.09989001099890011008900109989') * 1.0001).toBeLessThan(1.1);
    const agg = new Aggregator(map, store, new TickMetrics(createMetrics(new Registry(), false)), 120_000);
    agg.tick(NOW);
    const want = reference(map, store, new Map([['USDT/USD', new Exact('1.0001')]])).prices['BTC/USD'];
    expect(want).toBe('1100000000000000000100009999999989000');
    expect(agg.tick(NOW + 250).prices['BTC/USD']).toBe(want);
  });
});
