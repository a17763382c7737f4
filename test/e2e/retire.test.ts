/**
 * Retiring removed series in the built daemon (market.json hot reload, simulator): after each
 * map change no series of a removed market, feed, provider config or provider is left in
 * /metrics, and every other series is still there, its counters not reset.
 *
 * Families the added markets produce here (each is checked to have a series to retire first):
 * the tick families (ticker updates, provider and aggregated price, provider updates true and
 * false, market providers, price served, min provider count, price deviation), market
 * unsupported, per provider config (status responses per id, success and failure; last updated
 * id; API internal status, success and an error; price age), per provider (status responses,
 * HTTP status code, API latency, the five WebSocket families, provider unavailable).
 * side_car_api_rpc_status_code needs a DeFi provider and is covered by
 * test/unit/metrics-retire.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { parseExposition, startDaemon, type Daemon } from '../helpers/daemon.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { waitFor } from '../helpers/metrics.js';

const btc = (decimals = 8) => market('BTC/USD', decimals, 1, [feed('coinbase_ws', 'BTC-USD'), feed('kraken_api', 'XXBTZUSD')]);
const eth = (feeds = [feed('okx_ws', 'ETH-USD'), feed('kraken_api', 'XETHZUSD'), feed('coinbase_ws', 'ETH-USD')], enabled = true) =>
  market('ETH/USD', 8, 1, feeds, enabled);
const BASE = marketMap(btc(), eth());
const ADDED = marketMap(
  btc(),
  eth(),
  // binance_ws and bitstamp_api only here; kraken_api also prices BTC and ETH.
  market('SOL/USD', 8, 1, [feed('binance_ws', 'SOLUSD'), feed('bitstamp_api', 'solusd'), feed('kraken_api', 'SOLUSD')]),
  // Never priced: bitstamp has no such pair (NoResponse) and ghost_api is not configured.
  market('ATOM/USD', 8, 2, [feed('bitstamp_api', 'nopeusd'), feed('ghost_api', 'ATOM')]),
);

type Exposition = ReturnType<typeof parseExposition>;
interface Series { family: string; key: string; labels: Record<string, string>; value: number; monotonic: boolean }

/** What a map change removes, spelled out per step. */
interface Removed {
  markets?: string[];
  /** `id decimals` of the price gauges. */
  prices?: string[];
  /** `provider id` (market id) of the tick's per-provider families. */
  feeds?: string[];
  /** `provider id` (off-chain ticker) of the per-provider-config families. */
  tickers?: string[];
  providers?: string[];
}

function isRemoved(r: Removed, x: Record<string, string>): boolean {
  const has = (list: string[] | undefined, ...names: string[]) => names.every((n) => n in x) && (list ?? []).includes(names.map((n) => x[n]).join(' '));
  return has(r.markets, 'id') || has(r.prices, 'id', 'decimals') || has(r.feeds, 'provider', 'id') || has(r.tickers, 'provider', 'id') || has(r.providers, 'provider');
}

let sim: Simulator;
let daemon: Daemon;

async function scrape(): Promise<Series[]> {
  const f: Exposition = parseExposition(await (await fetch(`${daemon.metricsUrl}/metrics`)).text());
  const out: Series[] = [];
  for (const [family, { type, samples }] of f) {
    if (!family.startsWith('side_car_')) continue;
    for (const s of samples) {
      const labels = Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}="${v}"`).join(',');
      const monotonic = type === 'counter' || s.name.endsWith('_count') || s.name.endsWith('_bucket');
      out.push({ family, key: `${s.name}{${labels}}`, labels: s.labels, value: s.value, monotonic });
    }
  }
  return out;
}

const value = (all: Series[], family: string, labels: Record<string, string> = {}) =>
  all.find((s) => s.family === family && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

/** Write `map` to market.json, wait until it is applied and one tick ran over it. */
async function reload(map: MarketMap): Promise<void> {
  const count = () => daemon.stdout().split('market map reloaded').length;
  const before = count();
  writeFileSync(daemon.marketPath, JSON.stringify(map));
  await waitFor(() => count() > before, 10_000, 20);
  const ticks = value(await scrape(), 'side_car_health_check_system_updates_total') ?? 0;
  await waitFor(async () => (value(await scrape(), 'side_car_health_check_system_updates_total') ?? 0) > ticks + 1, 10_000, 50);
}

/** Apply `map`; assert that nothing `removed` names is left and everything else in `before` is. */
async function expectRetired(map: MarketMap, removed: Removed): Promise<{ before: Series[]; after: Series[] }> {
  const before = await scrape();
  await reload(map);
  const after = await scrape();
  expect(after.filter((s) => isRemoved(removed, s.labels)).map((s) => s.key)).toEqual([]);
  const now = new Map(after.map((s) => [s.key, s.value]));
  for (const s of before) {
    if (isRemoved(removed, s.labels)) continue;
    expect(now.has(s.key), `${s.key} kept`).toBe(true);
    if (s.monotonic) expect(now.get(s.key), `${s.key} not reset`).toBeGreaterThanOrEqual(s.value);
  }
  return { before, after };
}

/** The families with a series that `removed` names. */
const familiesOf = (all: Series[], removed: Removed) => [...new Set(all.filter((s) => isRemoved(removed, s.labels)).map((s) => s.family))].sort();

beforeAll(async () => {
  sim = await startSimulator({ seed: 7 });
  daemon = await startDaemon({ ...sim.oracleOverride(), updateInterval: '200ms' }, BASE);
  await waitFor(async () => value(await scrape(), 'side_car_aggregated_price', { id: 'eth/usd' }) !== undefined, 15_000, 100);
}, 30_000);

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('series of what a market map change removed', () => {
  const added: Removed = {
    markets: ['sol/usd', 'atom/usd'],
    tickers: ['kraken_api solusd', 'binance_ws solusd', 'bitstamp_api solusd', 'bitstamp_api nopeusd', 'ghost_api atom'],
    providers: ['binance_ws', 'bitstamp_api', 'ghost_api'],
  };

  it('a removed market and its only providers leave every family', async () => {
    await reload(ADDED);
    const want = [
      'side_car_aggregated_price', 'side_car_api_http_status_code', 'side_car_api_response_internal_status', 'side_car_api_response_latency',
      'side_car_health_check_market_providers', 'side_car_health_check_provider_updates_total', 'side_car_health_check_ticker_updates_total',
      'side_car_market_min_provider_count', 'side_car_market_price_served', 'side_car_market_unsupported', 'side_car_provider_last_updated_id',
      'side_car_provider_price', 'side_car_provider_price_age_seconds', 'side_car_provider_price_deviation_ratio', 'side_car_provider_status_responses',
      'side_car_provider_status_responses_per_id', 'side_car_provider_unavailable', 'side_car_web_socket_connection_status',
      'side_car_web_socket_connections', 'side_car_web_socket_connections_configured', 'side_car_web_socket_data_handler_status',
      'side_car_web_socket_response_time',
    ];
    let all: Series[] = [];
    const failures = (s: Series[]) => s.filter((x) => x.labels.provider === 'bitstamp_api' && x.labels.id === 'nopeusd' && (x.labels.status === 'failure' || x.labels.internal_status === 'got no response'));
    await waitFor(async () => {
      all = await scrape();
      return familiesOf(all, added).join() === want.join() && failures(all).length === 2 && value(all, 'side_car_health_check_provider_updates_total', { id: 'atom/usd', success: 'false' }) !== undefined;
    }, 15_000, 200).catch(() => undefined);
    expect(familiesOf(all, added)).toEqual(want);
    expect(failures(all)).toHaveLength(2);
    expect(value(all, 'side_car_health_check_ticker_updates_total', { id: 'sol/usd' })).toBeGreaterThan(0);

    const { after } = await expectRetired(BASE, added);
    // kraken_api still runs (BTC, ETH): only its SOLUSD series went.
    expect(value(after, 'side_car_provider_last_updated_id', { provider: 'kraken_api', id: 'xxbtzusd' })).toBeGreaterThan(0);
    expect(value(after, 'side_car_api_http_status_code', { provider: 'kraken_api' })).toBeGreaterThan(0);
  });

  it('a provider config removed from a market that stays', async () => {
    const removed: Removed = { feeds: ['kraken_api eth/usd'], tickers: ['kraken_api xethzusd'] };
    const before = await scrape();
    expect(familiesOf(before, removed)).toEqual([
      'side_car_api_response_internal_status', 'side_car_health_check_provider_updates_total', 'side_car_provider_last_updated_id',
      'side_car_provider_price', 'side_car_provider_price_age_seconds', 'side_car_provider_price_deviation_ratio',
      'side_car_provider_status_responses_per_id',
    ]);
    const { after } = await expectRetired(marketMap(btc(), eth([feed('okx_ws', 'ETH-USD'), feed('coinbase_ws', 'ETH-USD')])), removed);
    expect(value(after, 'side_car_health_check_ticker_updates_total', { id: 'eth/usd' })).toBeGreaterThan(0);
  });

  it('a whole provider removed', async () => {
    const removed: Removed = { feeds: ['okx_ws eth/usd'], tickers: ['okx_ws eth-usd'], providers: ['okx_ws'] };
    const before = await scrape();
    expect(familiesOf(before, removed)).toEqual([
      'side_car_health_check_provider_updates_total', 'side_car_provider_last_updated_id', 'side_car_provider_price',
      'side_car_provider_price_age_seconds', 'side_car_provider_price_deviation_ratio', 'side_car_provider_status_responses',
      'side_car_provider_status_responses_per_id', 'side_car_web_socket_connection_status', 'side_car_web_socket_connections',
      'side_car_web_socket_connections_configured', 'side_car_web_socket_data_handler_status', 'side_car_web_socket_response_time',
    ]);
    await expectRetired(marketMap(btc(), eth([feed('coinbase_ws', 'ETH-USD')])), removed);
  });

  it('a disabled market and a decimals change', async () => {
    const removed: Removed = {
      markets: ['eth/usd'],
      prices: ['btc/usd 8'],
      feeds: ['coinbase_ws eth/usd'],
      tickers: ['coinbase_ws eth-usd'],
    };
    const before = await scrape();
    expect(value(before, 'side_car_aggregated_price', { id: 'btc/usd', decimals: '8' })).toBeGreaterThan(0);
    const { after } = await expectRetired(marketMap(btc(6), eth([feed('coinbase_ws', 'ETH-USD')], false)), removed);
    expect(value(after, 'side_car_aggregated_price', { id: 'btc/usd', decimals: '6' })).toBeGreaterThan(0);
    expect(value(after, 'side_car_provider_price', { provider: 'coinbase_ws', id: 'btc/usd', decimals: '6' })).toBeGreaterThan(0);
    expect(value(after, 'side_car_health_check_ticker_updates_total', { id: 'btc/usd' })).toBeGreaterThan(value(before, 'side_car_health_check_ticker_updates_total', { id: 'btc/usd' }) ?? Infinity);
  });
});
