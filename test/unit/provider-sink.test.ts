/**
 * ProviderSink (src/providers/sink.ts) holds each ticker's quote slot and delivery series after
 * its first price. What it writes must stay what the store and the exposition say: the quote the
 * aggregation reads, "unchanged" heartbeats, stale results, failures, and a ticker the store
 * dropped (retain) and a later price brought back.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';
import { ProviderMetrics } from '../../src/metrics/provider.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { ProviderSink } from '../../src/providers/sink.js';
import { parseExposition } from '../helpers/daemon.js';

const T = 1_700_000_000_000;

function setup() {
  const registry = new Registry();
  const metrics = createMetrics(registry, false);
  const store = new QuoteStore();
  const sink = new ProviderSink(store, new ProviderMetrics(metrics, 'okx_ws', 'websockets'));
  const sample = async (name: string, labels: Record<string, string>): Promise<number | undefined> => {
    const family = parseExposition(await registry.metrics()).get(name);
    return family?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  };
  return { store, sink, sample };
}

describe('ProviderSink', () => {
  it('writes every price of a ticker to the one slot the store holds for it', () => {
    const { store, sink } = setup();
    const slot = store.slot('okx_ws', 'BTC-USDT');
    sink.deliver({ resolved: [{ ticker: 'BTC-USDT', price: '70000.5' }], unresolved: [] }, T);
    sink.deliver({ resolved: [{ ticker: 'BTC-USDT', price: '70001' }], unresolved: [] }, T + 10);
    expect(store.get('okx_ws', 'BTC-USDT')).toBe(slot);
    expect([slot.price, slot.value, slot.at, slot.plain]).toEqual(['70001', 70001, T + 10, true]);
    // An older result than the one held is ignored; a heartbeat (null) only refreshes the time.
    sink.deliver({ resolved: [{ ticker: 'BTC-USDT', price: '1' }], unresolved: [] }, T + 5);
    sink.deliver({ resolved: [{ ticker: 'BTC-USDT', price: null }], unresolved: [] }, T + 20);
    expect([slot.price, slot.at]).toEqual(['70001', T + 20]);
  });

  it('a heartbeat for a ticker without a price holds nothing, and a later price is held', () => {
    const { store, sink } = setup();
    sink.deliver({ resolved: [{ ticker: 'ETH-USDT', price: null }], unresolved: [] }, T);
    expect(store.get('okx_ws', 'ETH-USDT')).toBeUndefined();
    sink.deliver({ resolved: [{ ticker: 'ETH-USDT', price: '3000' }], unresolved: [] }, T + 1);
    expect(store.get('okx_ws', 'ETH-USDT')?.price).toBe('3000');
  });

  it('a ticker the store dropped comes back with its next price', () => {
    const { store, sink } = setup();
    sink.deliver({ resolved: [{ ticker: 'SOL-USDT', price: '150' }], unresolved: [] }, T);
    store.retain('okx_ws', new Set());
    expect(store.get('okx_ws', 'SOL-USDT')).toBeUndefined();
    sink.deliver({ resolved: [{ ticker: 'SOL-USDT', price: '151' }], unresolved: [] }, T + 1);
    expect(store.get('okx_ws', 'SOL-USDT')?.price).toBe('151');
  });

  it('counts each delivered price and records its second, per ticker and per provider', async () => {
    const { sink, sample } = setup();
    for (let i = 0; i < 3; i++) sink.deliver({ resolved: [{ ticker: 'BTC-USDT', price: String(70000 + i) }], unresolved: [] }, T + i * 1000);
    sink.deliver({ resolved: [{ ticker: 'ETH-USDT', price: '3000' }], unresolved: [{ ticker: 'SOL-USDT', code: 10, reason: 'bad price' }] }, T + 5000);
    const perId = { provider: 'okx_ws', status: 'success', code: '0', type: 'websockets' };
    expect(await sample('side_car_provider_status_responses_per_id', { ...perId, id: 'btc-usdt' })).toBe(3);
    expect(await sample('side_car_provider_status_responses_per_id', { ...perId, id: 'eth-usdt' })).toBe(1);
    expect(await sample('side_car_provider_status_responses', perId)).toBe(4);
    expect(await sample('side_car_provider_status_responses', { provider: 'okx_ws', status: 'failure', code: '10' })).toBe(1);
    expect(await sample('side_car_provider_last_updated_id', { provider: 'okx_ws', id: 'btc-usdt' })).toBe((T + 2000) / 1000);
  });
});
