import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadOracleConfig } from '../../src/config/oracle-config.js';
import type { MarketMap } from '../../src/config/types.js';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.js';
import { exchanges } from '../../src/exchanges/index.js';
import type { MarketLiveness } from '../../src/validate/liveness.js';
import { formatReport, judge, table, type ReportInput } from '../../src/validate/report.js';
import { burnIn, runValidation, type ValidationTarget } from '../../src/validate/run.js';
import { FULL_SUPPORT, supportSummary } from '../../src/validate/support.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { silentLog } from '../helpers/silent-log.js';
import { exchangeProviderConfigs } from '../../src/exchanges/config.js';

const oracle = loadOracleConfig({ priceProviders: exchangeProviderConfigs(), env: {}, flags: {} });

function liveness(id: string, ticks: number, served: number, o: Partial<MarketLiveness> = {}): MarketLiveness {
  return { id, minProviderCount: 1, feeds: 1, ticks, served, percent: ticks ? (served / ticks) * 100 : 0, longestGap: ticks - served, minProviders: 1, medianProviders: 1, inMap: true, ...o };
}

function input(markets: MarketLiveness[], o: Partial<ReportInput> = {}): ReportInput {
  return { periodMs: 10_000, burnInMs: 2_000, thresholdPercent: 99, interrupted: undefined, markets, map: { markets: {} }, support: FULL_SUPPORT, before: undefined, after: undefined, ...o };
}

describe('burnIn', () => {
  it('is 20% of the period, at most 60 s (connect: always 60 s)', () => {
    expect(burnIn(6_000)).toBe(1_200);
    expect(burnIn(600_000)).toBe(60_000);
    expect(burnIn(60_000)).toBe(12_000);
  });
});

describe('judge', () => {
  it('applies 99 as a percentage: one miss in 100 ticks passes, two fail (connect fails both)', () => {
    expect(judge(input([liveness('BTC/USD', 100, 99)]))).toEqual({ passed: true, failed: [], reasons: [] });
    const v = judge(input([liveness('BTC/USD', 100, 98), liveness('ETH/USD', 100, 100)]));
    expect(v.passed).toBe(false);
    expect(v.failed).toEqual(['BTC/USD']);
    expect(v.reasons[0]).toContain('1 of 2 enabled markets were served in less than 99% of ticks: BTC/USD');
  });

  it('fails with no enabled market (connect passes an empty map)', () => {
    const v = judge(input([]));
    expect(v.passed).toBe(false);
    expect(v.reasons).toEqual(['no enabled market was evaluated (the market map is empty or has no enabled market)']);
  });

  it('fails a market evaluated in no tick, and an interrupted run', () => {
    expect(judge(input([liveness('BTC/USD', 0, 0)])).failed).toEqual(['BTC/USD']);
    const v = judge(input([liveness('BTC/USD', 10, 10)], { interrupted: 'SIGTERM' }));
    expect(v).toMatchObject({ passed: false, failed: [] });
    expect(v.reasons[0]).toContain('interrupted by SIGTERM');
  });

  it('does not judge a market that left the map', () => {
    expect(judge(input([liveness('BTC/USD', 10, 10), liveness('OLD/USD', 5, 0, { inMap: false })])).passed).toBe(true);
  });
});

describe('formatReport', () => {
  it('lists every market and provider, and names the failures with their providers and codes', () => {
    const map = marketMap(
      market('BTC/USD', 5, 1, [feed('coinbase_api', 'BTC-USD')]),
      market('ETH/USD', 5, 1, [feed('kraken_api', 'XETHZUSD'), feed('volatile-exchange-provider', 'ETH')]),
    );
    const before = { responses: new Map([['kraken_api', new Map([['500', 2]])]]), feeds: new Map<string, [number, number]>() };
    const after = {
      responses: new Map([
        ['coinbase_api', new Map([['0', 40]])],
        ['kraken_api', new Map([['500', 14], ['7', 3]])],
      ]),
      feeds: new Map<string, [number, number]>([['kraken_api\u0000eth/usd', [0, 40]], ['coinbase_api\u0000btc/usd', [40, 0]]]),
    };
    const r = input([liveness('BTC/USD', 40, 40), liveness('ETH/USD', 40, 0, { feeds: 2 })], { map, support: supportSummary(oracle, map, exchanges), before, after });
    const text = formatReport(r, judge(r));
    expect(text).toMatch(/^RESULT: FAIL: 1 of 2 enabled markets .*: ETH\/USD$/m);
    expect(text).toMatch(/^BTC\/USD\s+40\/40\s+100\.00%\s+0\s+1\/1\s+1\s+ok$/m);
    expect(text).toMatch(/^ETH\/USD\s+0\/40\s+0\.00%\s+40\s+.*FAIL$/m);
    expect(text).toMatch(/^coinbase_api\s+1\s+live\s+40$/m);
    expect(text).toMatch(/^kraken_api\s+1\s+failing\s+0\s+7 \(got no response\) ×3, 500 ×12$/m);
    expect(text).toMatch(/^volatile-exchange-provider\s+1\s+cannot run: not implemented in this version\s+-$/m);
    expect(text).toContain('  ETH/USD  kraken_api XETHZUSD: 0 of 40 ticks; provider failing [7 (got no response) ×3, 500 ×12]');
    expect(text.trimEnd().split('\n').at(-1)).toBe('FAILED: ETH/USD');
  });

  it('marks a market that can never reach min_provider_count', () => {
    const map = marketMap(market('RAY/USD', 5, 1, [feed('volatile-exchange-provider', 'RAY')]));
    const r = input([liveness('RAY/USD', 10, 0)], { map, support: supportSummary(oracle, map, exchanges) });
    expect(formatReport(r, judge(r))).toContain('FAIL: can never reach min_provider_count (0 of 1 providers can run)');
  });

  it('aligns columns', () => {
    expect(table(['A', 'BB'], [['xxx', 'y']])).toEqual(['A    BB', 'xxx  y']);
  });
});

/** A side-car stand-in whose ticks the test writes: `served(id, tick)` decides each market. */
function fakeTarget(map: MarketMap, served: (id: string, tick: number) => boolean) {
  const metrics: Metrics = createMetrics(new Registry(), false);
  const listeners: Array<(ok: boolean) => void> = [];
  let n = 0;
  const target: ValidationTarget = {
    metrics,
    marketMap: () => map,
    support: () => supportSummary(oracle, map, exchanges),
    onTick(l) {
      listeners.push(l);
      return () => listeners.splice(listeners.indexOf(l), 1);
    },
  };
  const timer = setInterval(() => {
    n += 1;
    for (const key of Object.keys(map.markets)) {
      const ok = served(key, n);
      metrics.marketPriceServed.set({ id: key.toLowerCase() }, ok ? 1 : 0);
      metrics.marketProviders.set({ id: key.toLowerCase() }, ok ? 1 : 0);
      metrics.providerUpdates.inc({ provider: 'coinbase_api', id: key.toLowerCase(), success: String(ok) });
    }
    metrics.statusResponses.inc({ provider: 'coinbase_api', status: 'success', code: '0', type: 'api' });
    for (const l of listeners) l(true);
  }, 100);
  return { target, listeners, stop: () => clearInterval(timer) };
}

describe('runValidation', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());
  const map = marketMap(market('BTC/USD', 5, 1, [feed('coinbase_api', 'BTC-USD')]), market('ETH/USD', 5, 1, [feed('coinbase_api', 'ETH-USD')]));

  it('evaluates every tick after the burn-in only, and passes a healthy map', async () => {
    // Nothing is served during the burn-in (ticks 1-20 of 100 ms in 2 s): that must not count.
    const f = fakeTarget(map, (_id, tick) => tick > 20);
    const run = runValidation(f.target, { periodMs: 10_000, log: silentLog() });
    await vi.advanceTimersByTimeAsync(10_000);
    const r = await run;
    f.stop();
    expect(r).toMatchObject({ passed: true, failed: [], interrupted: undefined });
    expect(r.report).toMatch(/^BTC\/USD\s+80\/80\s+100\.00%/m);
    expect(r.report).toMatch(/^coinbase_api\s+2\s+live\s+80$/m);
    expect(f.listeners).toHaveLength(0);
  });

  it('fails and names the market served in less than 99% of the evaluated ticks', async () => {
    const f = fakeTarget(map, (id, tick) => id !== 'ETH/USD' || tick % 50 !== 0);
    const run = runValidation(f.target, { periodMs: 10_000, log: silentLog() });
    await vi.advanceTimersByTimeAsync(10_000);
    const r = await run;
    f.stop();
    expect(r.passed).toBe(false);
    expect(r.failed).toEqual(['ETH/USD']);
    expect(r.report).toMatch(/^ETH\/USD\s+78\/80\s+97\.50%\s+1\s/m);
  });

  it('fails an empty market map', async () => {
    const f = fakeTarget({ markets: {} }, () => true);
    const run = runValidation(f.target, { periodMs: 2_000, log: silentLog() });
    await vi.advanceTimersByTimeAsync(2_000);
    const r = await run;
    f.stop();
    expect(r.passed).toBe(false);
    expect(r.report).toContain('no enabled market was evaluated');
  });

  it('ends at once, as a failure, when aborted', async () => {
    const f = fakeTarget(map, () => true);
    const abort = new AbortController();
    const run = runValidation(f.target, { periodMs: 600_000, log: silentLog(), signal: abort.signal });
    await vi.advanceTimersByTimeAsync(70_000);
    abort.abort('SIGTERM');
    const r = await run;
    f.stop();
    expect(r).toMatchObject({ passed: false, interrupted: 'SIGTERM' });
    expect(r.report).toContain('RESULT: FAIL: interrupted by SIGTERM before the validation period ended');
    expect(r.report).toMatch(/^BTC\/USD\s+100\/100\s/m);
  });
});
