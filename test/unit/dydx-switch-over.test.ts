/**
 * dydx_migration_api's switch-over decisions (switch-over.ts) with fake legs, after connect's
 * providers/apis/dydx/switch_over_fetcher_test.go, plus our rule: switch only to an
 * x/marketmap holding at least one valid market.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import type { MarketMapSource, SourceResult } from '../../src/providers/marketmap/source.js';
import { MigrationSource, shouldSwitch } from '../../src/providers/marketmap/switch-over.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { sample } from '../helpers/metrics.js';
import { silentLog } from '../helpers/silent-log.js';

const fromPrices = marketMap(market('BTC/USD', 5, 1, [feed('kraken_api', 'XXBTZUSD')]));
const fromMarketmap = marketMap(market('ETH/USD', 6, 1, [feed('okx_ws', 'ETH-USD')]));
const ok = (map: MarketMap): SourceResult => ({ ok: true, map, dropped: [] });
const unimplemented: SourceResult = { ok: false, code: 15, error: 'UNIMPLEMENTED', kind: 'request_error', status: 12 };

/** A leg answering from a script; `calls` counts fetches. */
function leg(script: SourceResult[]): MarketMapSource & { calls: number; closed: boolean } {
  const l = {
    calls: 0,
    closed: false,
    fetch: () => Promise.resolve(script[Math.min(l.calls++, script.length - 1)] ?? unimplemented),
    close: () => void (l.closed = true),
  };
  return l;
}

function setup(marketmap: SourceResult[], prices: SourceResult[] = [ok(fromPrices)]) {
  const registry = new Registry();
  const mm = leg(marketmap);
  const px = leg(prices);
  const source = new MigrationSource({ marketmap: mm, prices: px, metrics: createMetrics(registry), log: silentLog() });
  const internal = (provider: string, internal_status = 'success') =>
    sample(registry, 'side_car_api_response_internal_status', { provider, id: 'dydx-node', internal_status });
  return { source, mm, px, internal };
}

describe('shouldSwitch', () => {
  it.each([
    ['a map with a valid market', ok(fromMarketmap), true],
    ['an empty map (connect switched here and served nothing)', ok({ markets: {} }), false],
    ['a map whose only market is invalid', ok(marketMap(market('BAD/USD', 0, 1, [feed('okx_ws', 'X')]))), false],
    ['a failed call', unimplemented, false],
  ])('%s → %s', (_name, result, want) => {
    expect(shouldSwitch(result)).toBe(want);
  });
});

describe('MigrationSource', () => {
  it('serves x/prices while x/marketmap is absent, counting dydx_api internal status', async () => {
    const t = setup([unimplemented]);
    expect(await t.source.fetch()).toEqual(ok(fromPrices));
    expect(await t.source.fetch()).toEqual(ok(fromPrices));
    expect([t.mm.calls, t.px.calls, t.source.hasSwitched]).toEqual([2, 2, false]);
    expect(await t.internal('dydx_api')).toBe(2);
    expect(await t.internal('marketmap_api')).toBe(0);
  });

  it('stays on x/prices while x/marketmap answers an empty map', async () => {
    const t = setup([ok({ markets: {} })]);
    expect(await t.source.fetch()).toEqual(ok(fromPrices));
    expect(t.source.hasSwitched).toBe(false);
  });

  it('switches on the first x/marketmap map with markets, for good, without asking x/prices again', async () => {
    const t = setup([unimplemented, ok(fromMarketmap), unimplemented, ok(fromMarketmap)]);
    expect(await t.source.fetch()).toEqual(ok(fromPrices));
    expect(await t.source.fetch()).toEqual(ok(fromMarketmap));
    expect(t.source.hasSwitched).toBe(true);
    expect(await t.source.fetch()).toEqual(unimplemented); // an x/marketmap failure after the switch is a failure
    expect(await t.source.fetch()).toEqual(ok(fromMarketmap));
    expect(t.px.calls).toBe(1);
    expect(await t.internal('marketmap_api')).toBe(2);
    expect(await t.internal('marketmap_api', 'general grpc error')).toBe(1);
    expect(await t.internal('dydx_api')).toBe(1);
  });

  it('passes an x/prices failure through, counted under dydx_api', async () => {
    const t = setup([unimplemented], [{ ok: false, code: 1, error: 'HTTP 429', kind: 'request_error' }]);
    expect(await t.source.fetch()).toMatchObject({ ok: false, code: 1 });
    expect(await t.internal('dydx_api', 'rate limit exceeded')).toBe(1);
  });

  it('closes both legs and records nothing more', async () => {
    const t = setup([unimplemented]);
    t.source.close();
    await t.source.fetch();
    expect([t.mm.closed, t.px.closed]).toEqual([true, true]);
    expect(await t.internal('dydx_api')).toBe(0);
  });
});
