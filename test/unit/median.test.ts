/**
 * median.ts on its own: a compiled plan over a quote store, priced with no metrics and no
 * registry.
 */
import { describe, expect, it } from 'vitest';
import { beginTick, priceMarket } from '../../src/oracle/median.js';
import { compilePlan, type MarketPlan, type Plan } from '../../src/oracle/plan.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { feed, market, marketMap } from '../helpers/market.js';

const NOW = 1_700_000_000_000;
const MAX_AGE = 60_000;

function byId(plan: Plan, id: string): MarketPlan {
  const m = plan.find((x) => x.id === id);
  if (!m) throw new Error(`no market ${id}`);
  return m;
}

function tick(plan: Plan, now = NOW): Record<string, string | undefined> {
  beginTick(plan);
  return Object.fromEntries(plan.map((m) => [m.id, priceMarket(m, now, MAX_AGE)]));
}

describe('priceMarket', () => {
  it('takes the median of fresh quotes, the mean of the middle two for an even count, and scales it', () => {
    const store = new QuoteStore();
    const map = marketMap(market('BTC/USD', 3, 1, [feed('a', 'X'), feed('b', 'X'), feed('c', 'X'), feed('d', 'X')]));
    const plan = compilePlan(map, store);
    store.update('a', 'X', '100.0005', NOW);
    store.update('b', 'X', '99', NOW);
    store.update('c', 'X', '101', NOW);
    store.update('d', 'X', '1', NOW - MAX_AGE - 1); // stale
    expect(tick(plan)).toEqual({ 'BTC/USD': '100000' });
    const btc = byId(plan, 'BTC/USD');
    expect(btc.count).toBe(3);
    expect(btc.current).toBe('100.0005');
    expect(btc.feeds.map((f) => f.priced)).toEqual([true, true, true, false]);
    store.update('d', 'X', '100', NOW);
    expect(tick(plan)).toEqual({ 'BTC/USD': '100000' }); // (100 + 100.0005) / 2 truncated at 3 decimals
    expect(byId(plan, 'BTC/USD').current).toBe('100.00025');
  });

  it('inverts, normalises by the previous tick median, and drops a market below min_provider_count', () => {
    const store = new QuoteStore();
    const map = marketMap(
      market('USDT/USD', 6, 1, [feed('a', 'USDTUSD')]),
      market('BTC/USD', 2, 2, [feed('a', 'BTCUSDT', { normalize: 'USDT/USD' }), feed('b', 'USDBTC', { invert: true })]),
    );
    const plan = compilePlan(map, store);
    store.update('a', 'USDTUSD', '1.1', NOW);
    store.update('a', 'BTCUSDT', '100', NOW);
    store.update('b', 'USDBTC', '0.01', NOW);
    // No previous USDT/USD median yet: one feed, below min_provider_count 2.
    expect(tick(plan)).toEqual({ 'USDT/USD': '1100000', 'BTC/USD': undefined });
    // 100 × 1.1 = 110 and 1 / 0.01 = 100: median 105.
    expect(tick(plan)).toEqual({ 'USDT/USD': '1100000', 'BTC/USD': '10500' });
  });

  it('keeps the medians across a recompiled plan', () => {
    const store = new QuoteStore();
    const map = marketMap(market('USDT/USD', 6, 1, [feed('a', 'USDTUSD')]), market('BTC/USD', 2, 1, [feed('a', 'BTCUSDT', { normalize: 'USDT/USD' })]));
    const first = compilePlan(map, store);
    store.update('a', 'USDTUSD', '2', NOW);
    store.update('a', 'BTCUSDT', '10', NOW);
    tick(first);
    const second = compilePlan(map, store, first);
    expect(tick(second)).toEqual({ 'USDT/USD': '2000000', 'BTC/USD': '2000' });
  });
});
