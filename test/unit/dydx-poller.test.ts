/**
 * MarketMapPoller's handling of a source's answers, with a scripted source and no sockets:
 * markets left out are logged once per change (not per poll), a failing source keeps the
 * last good map, a throwing source never breaks the loop, and dydx providers count
 * internal_status under dydx-node while marketmap_api keeps its metrics.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { marketMapProviderDefaults } from '../../src/config/defaults.js';
import type { MarketMap } from '../../src/config/types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { MarketMapPoller } from '../../src/providers/marketmap/poller.js';
import type { SourceResult } from '../../src/providers/marketmap/source.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { sample } from '../helpers/metrics.js';

const btc = marketMap(market('BTC/USD', 5, 1, [feed('kraken_api', 'XXBTZUSD')]));
const ok = (map: MarketMap, dropped: string[] = []): SourceResult => ({ ok: true, map, dropped });

function setup(provider: string, script: Array<SourceResult | Error>) {
  const lines: Array<{ msg: string; level: string }> = [];
  const log = pino({ level: 'debug', formatters: { level: (label) => ({ level: label }) } }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const registry = new Registry();
  let i = 0;
  const source = {
    fetch: () => {
      const next = script[Math.min(i++, script.length - 1)];
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next as SourceResult);
    },
    close: () => undefined,
  };
  let current: MarketMap = { markets: {} };
  const poller = new MarketMapPoller({
    provider, config: marketMapProviderDefaults().api, metrics: createMetrics(registry), log, source,
    current: () => current,
    apply: (map) => {
      current = map;
      return Promise.resolve(true);
    },
  });
  const warnings = (text: string) => lines.filter((l) => l.level === 'warn' && l.msg.includes(text)).length;
  return { poller, registry, warnings, current: () => current };
}

describe('MarketMapPoller with a scripted source', () => {
  it('logs the markets left out once per change of that list', async () => {
    const a = ['market_params[3].exponent: must be an integer between -36 and -1, got 0'];
    const b = [...a, 'market_params[4].pair: bad'];
    const t = setup('dydx_api', [ok(btc, a), ok(btc, a), ok(btc, a), ok(btc, b), ok(btc, b), ok(btc)]);
    for (let k = 0; k < 6; k++) await t.poller.poll();
    expect(t.warnings('cannot be converted and are left out')).toBe(2);
    expect(t.current()).toEqual(btc);
  });

  it('keeps the last good map on failures and survives a throwing source', async () => {
    const t = setup('dydx_api', [ok(btc), { ok: false, code: 1, error: 'HTTP 429', kind: 'request_error' }, new Error('boom'),
      { ok: false, code: 12, error: 'invalid JSON', kind: 'invalid_response' }]);
    expect(await t.poller.poll()).toBe('applied');
    expect(await t.poller.poll()).toBe('request_error');
    expect(await t.poller.poll()).toBe('invalid_response');
    expect(await t.poller.poll()).toBe('invalid_response');
    expect(t.current()).toEqual(btc);
    expect(await sample(t.registry, 'side_car_provider_status_responses', { provider: 'dydx_api', status: 'failure', code: '1', type: 'api' })).toBe(1);
    expect(await sample(t.registry, 'side_car_api_response_internal_status', { provider: 'dydx_api', id: 'dydx-node', internal_status: 'rate limit exceeded' })).toBe(1);
    expect(await sample(t.registry, 'side_car_api_response_internal_status', { provider: 'dydx_api', id: 'dydx-node', internal_status: 'success' })).toBe(1);
  });

  it('marketmap_api keeps its metrics: local-node, no internal_status', async () => {
    const t = setup('marketmap_api', [ok(btc)]);
    await t.poller.poll();
    expect(await sample(t.registry, 'side_car_provider_status_responses_per_id', { provider: 'marketmap_api', id: 'local-node', status: 'success' })).toBe(1);
    expect(await sample(t.registry, 'side_car_api_response_internal_status')).toBe(0);
  });
});
