/**
 * `oracle-sidecar status` output, rendered from a report explain() made: the table names every
 * market with its state, price and failing feeds; the tree shows price ← median ← feeds ← quotes
 * and conversions.
 */
import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/oracle/aggregator.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { ProviderState } from '../../src/providers/state.js';
import { explain, type StatusSource } from '../../src/status/explain.js';
import { renderMarket, renderTable } from '../../src/status/render.js';
import type { StatusReport } from '../../src/status/types.js';
import { feed, market, marketMap } from '../helpers/market.js';

const NOW = 1_700_000_000_000;
const MAP = marketMap(
  market('USDT/USD', 9, 1, [feed('okx_ws', 'USDT-USD')]),
  market('BTC/USD', 5, 2, [
    feed('coinbase_ws', 'BTC-USD'),
    feed('binance_ws', 'BTCUSDT', { normalize: 'USDT/USD' }),
    feed('kraken_api', 'USD-BTC', { invert: true }),
    feed('bybit_ws', 'BTCUSD'),
    feed('mexc_ws', 'BTCUSD'),
    feed('c_api', 'BTC-USD'),
    feed('d_api', 'BTC-USD'),
    feed('okx_ws', 'BTC-USDT', { normalize: 'USDT/USD' }),
  ]),
  market('ETH/USD', 6, 3, [feed('coinbase_ws', 'ETH-USD'), feed('bybit_ws', 'ETHUSD'), feed('huobi_ws', 'ethusd'), feed('gate_ws', 'ETH_USD'), feed('mexc_ws', 'ETHUSD')]),
  market('EUR/USD', 6, 1, [feed('coinbase_ws', 'EUR-USD')], false),
);

function report(only?: string): StatusReport {
  const store = new QuoteStore();
  const agg = new Aggregator(MAP, store, { setPlan: () => undefined, record: () => undefined }, 60_000);
  store.update('okx_ws', 'USDT-USD', '1.0002', NOW);
  store.update('coinbase_ws', 'BTC-USD', '64000.5', NOW);
  store.update('binance_ws', 'BTCUSDT', '63990', NOW);
  store.update('kraken_api', 'USD-BTC', '0.0000156', NOW);
  store.update('bybit_ws', 'BTCUSD', '64100', NOW - 90_000);
  store.update('okx_ws', 'BTC-USDT', '64000', NOW - 90_000);
  store.fail('mexc_ws', 'BTCUSD', 1, NOW - 1000);
  store.update('coinbase_ws', 'ETH-USD', '3400', NOW);
  agg.tick(NOW - 250);
  agg.tick(NOW);
  const ws = Object.assign(new ProviderState('websockets'), { healthy: 1, configured: 2, lastDeliveryAt: NOW - 100 });
  const src: StatusSource = {
    version: '1.2.3',
    marketMap: MAP,
    lastTick: agg.lastTick(),
    updateIntervalMs: 250,
    maxPriceAgeMs: 60_000,
    providers: new Map([['coinbase_ws', ws]]),
    unavailable: new Map([['d_api', 'not_implemented']]),
    unsupported: new Set(),
  };
  const r = explain(src, NOW + 50, only);
  if (!r) throw new Error('no report');
  return r;
}

describe('status table', () => {
  const out = renderTable(report(), 'http://127.0.0.1:8002');
  const line = (start: string) => out.split('\n').find((l) => l.startsWith(start)) ?? '';

  it('has a header with the version, the address and the tick', () => {
    expect(out).toMatch(/^oracle-sidecar 1\.2\.3 at http:\/\/127\.0\.0\.1:8002\n/);
    expect(out).toContain(`last tick ${new Date(NOW).toISOString()} (0.050 s before this answer)`);
    expect(out).toContain('2 of 3 enabled markets served (1 disabled)');
    expect(out).toContain('not served: ETH/USD');
  });

  it('has one line per market with state, price, providers and the failing feeds', () => {
    expect(line('BTC/USD')).toMatch(/^BTC\/USD\s+served\s+6400279800\s+5\s+3\/8 \(min 2\)\s+5 excluded: bybit_ws: stale, mexc_ws: error 1, c_api: not_received, \+2 more$/);
    expect(line('ETH/USD')).toMatch(/^ETH\/USD\s+below_min_providers\s+-\s+6\s+1\/5 \(min 3\)\s+4 excluded:/);
    expect(line('EUR/USD')).toMatch(/^EUR\/USD\s+disabled\s+-\s+6\s+-$/);
  });

  it('has one line per provider with its state, connections and last error', () => {
    expect(line('coinbase_ws')).toMatch(/^coinbase_ws\s+websockets\s+degraded\s+1\/2\s+0\.15 s ago\s+-$/);
    expect(line('d_api')).toMatch(/^d_api\s+-\s+unavailable \(not_implemented\)/);
  });
});

describe('status tree for one market', () => {
  const out = renderMarket(report('BTC/USD'), 'http://h:8002');
  const lines = out.split('\n');

  it('starts from the served price and the median', () => {
    expect(out).toContain('BTC/USD  served: price 6400279800 (decimals 5), tick');
    expect(out).toContain('└─ median 64002.798 ← 3 of 8 feeds priced');
  });

  it('shows each feed with its raw quote and conversions, and why excluded ones are', () => {
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(lines[at('binance_ws')]).toMatch(/├─ used\s+binance_ws\s+BTCUSDT\s+64002\.798/);
    expect(lines[at('binance_ws') + 1]).toContain('└─ quote 63990, 0 s old at the tick → × USDT/USD 1.0002 → = 64002.798');
    expect(lines[at('kraken_api') + 1]).toMatch(/└─ quote 0\.0000156, 0 s old at the tick → inverted 64102\.56\d* → = 64102\.56/);
    expect(lines[at('bybit_ws')]).toContain('excluded  bybit_ws');
    expect(lines[at('bybit_ws')]).toContain('stale (older than max_price_age 60 s)');
    expect(lines[at('bybit_ws') + 1]).toContain('quote 64100, 90 s old at the tick');
    expect(lines[at('mexc_ws')]).toContain('error (1: rate limit exceeded)');
    expect(lines[at('mexc_ws') + 2]).toContain('last error 1 rate limit exceeded, 1.05 s ago');
    expect(lines[at('d_api')]).toMatch(/├─ excluded\s+d_api\s+BTC-USD\s+provider_unavailable \(not_implemented\)/);
    // A stale feed was not normalised: its normaliser is named, with no claim about its median.
    expect(lines[at('okx_ws') + 1]).toMatch(/└─ quote 64000, 90 s old at the tick → × USDT\/USD$/);
  });
});

describe('status tree: long exact decimals', () => {
  it('a median or normaliser with more than 15 significant digits is cut, with an ellipsis', () => {
    const r = report('BTC/USD');
    const m = r.markets[0] as (typeof r.markets)[number];
    const long = { ...r, markets: [{ ...m, median: '3396.14471764456266740332100000000358271380162388' }] };
    expect(renderMarket(long, 'x')).toContain('└─ median 3396.14471764456… ←');
    expect(renderMarket(r, 'x')).toContain('└─ median 64002.798 ←');
  });
});

describe('README', () => {
  it('shows status output in the format the command prints today', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const words = (line: string | undefined) => (line ?? '').trim().split(/\s+/).join(' ');
    const rendered = renderTable(report(), 'http://127.0.0.1:8002').split('\n');
    const shown = readme.slice(readme.indexOf('$ oracle-sidecar status\n')).split('\n');
    for (const header of ['MARKET', 'PROVIDER']) {
      expect(words(shown.find((l) => l.startsWith(`${header} `)))).toBe(words(rendered.find((l) => l.startsWith(`${header} `))));
    }
    expect(shown[1]).toMatch(/^oracle-sidecar \S+ at http:\/\/127\.0\.0\.1:8002$/);
    expect(readme).toMatch(/\$ oracle-sidecar status ETH\/USD\n[^`]*└─ median [\d.]+…? ← \d+ of \d+ feeds priced\n/);
  });
});
