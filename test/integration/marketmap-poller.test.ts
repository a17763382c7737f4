/** The marketmap_api poller with its real gRPC client against a fake chain node on loopback. */
import { existsSync, readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { marketMapProviderDefaults } from '../../src/config/defaults.js';
import type { MarketMap } from '../../src/config/types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { endpoint } from '../../src/config/provider-defaults.js';
import { marketMapFileText } from '../../src/providers/marketmap/writer.js';
import { MarketMapPoller } from '../../src/providers/marketmap/poller.js';
import { startChainNode, type ChainNode } from '../helpers/chain-node.js';
import { tempFile } from '../helpers/daemon.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { histogramCount, sample, waitFor } from '../helpers/metrics.js';
import { silentLog } from '../helpers/silent-log.js';

const v1 = marketMap(market('BTC/USD', 5, 1, [feed('coinbase_ws', 'BTC-USD')]));
const v2 = marketMap(...Object.entries(v1.markets), market('ETH/USD', 6, 1, [feed('okx_ws', 'ETH-USD')]));

let node: ChainNode | undefined;
let poller: MarketMapPoller | undefined;

afterEach(async () => {
  await poller?.stop();
  await node?.stop();
});

async function setup(initial: MarketMap | null, o: { timeout?: number; interval?: number; writePath?: string } = {}) {
  node = await startChainNode(initial);
  const registry = new Registry();
  const metrics = createMetrics(registry);
  const api = { ...marketMapProviderDefaults().api, endpoints: [endpoint(node.address)], timeout: o.timeout ?? 2000, interval: o.interval ?? 100_000 };
  const applied: MarketMap[] = [];
  let current: MarketMap = { markets: {} };
  poller = new MarketMapPoller({
    config: api, metrics, log: silentLog(), writePath: o.writePath,
    current: () => current,
    apply: (map) => {
      applied.push(map);
      current = map;
      return Promise.resolve(true);
    },
  });
  const rpc = (status_code: string) => sample(registry, 'side_car_api_rpc_status_code', { provider: 'marketmap_api', status_code, endpoint: 'redacted_url' });
  return { registry, applied, rpc, poller, node, current: () => current };
}

describe('MarketMapPoller', () => {
  it('applies the node\'s map, then skips an unchanged one, and counts the calls', async () => {
    const t = await setup(v1);
    expect(await t.poller.poll()).toBe('applied');
    expect(t.applied).toEqual([v1]);
    expect(await t.poller.poll()).toBe('unchanged');
    t.node.setMarketMap(v2);
    expect(await t.poller.poll()).toBe('applied');
    expect(t.current()).toEqual(v2);
    expect(t.node.calls()).toBe(3);
    expect(await t.rpc('ok')).toBe(3);
    expect(await histogramCount(t.registry, 'side_car_api_response_latency', { provider: 'marketmap_api', endpoint: 'redacted_url' })).toBe(3);
    expect(await sample(t.registry, 'side_car_provider_status_responses_per_id', { provider: 'marketmap_api', id: 'local-node', status: 'success', code: '0', type: 'api' })).toBe(3);
    expect(await sample(t.registry, 'side_car_provider_last_updated_id', { provider: 'marketmap_api', id: 'local-node', type: 'api' })).toBeGreaterThan(Date.now() / 1000 - 10);
  });

  it('applies only the valid subset of a map with an invalid market', async () => {
    const bad = marketMap(...Object.entries(v2.markets), market('BAD/USD', 0, 1, [feed('kraken_api', 'BADUSD')]));
    const t = await setup(bad);
    expect(await t.poller.poll()).toBe('applied');
    expect(t.current()).toEqual(v2);
  });

  it('keeps the last good map while the node is down, counts request_error, and applies again after a restart', async () => {
    const t = await setup(v1);
    expect(await t.poller.poll()).toBe('applied');
    await t.node.stop();
    expect(await t.poller.poll()).toBe('request_error');
    expect(t.current()).toEqual(v1);
    expect(await t.rpc('request_error')).toBe(1);
    expect(await sample(t.registry, 'side_car_provider_status_responses', { provider: 'marketmap_api', status: 'failure', code: '15', type: 'api' })).toBe(1);
    t.node.setMarketMap(v2);
    await t.node.restart();
    await waitFor(async () => (await t.poller.poll()) === 'applied', 10_000, 200);
    expect(t.current()).toEqual(v2);
  });

  it('gives up a call at the configured timeout (a real deadline)', async () => {
    const t = await setup(v1, { timeout: 300 });
    t.node.setDelay(3000);
    const t0 = Date.now();
    expect(await t.poller.poll()).toBe('request_error');
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(t.applied).toEqual([]);
  });

  it('stop() cancels a call in flight at once and applies nothing', async () => {
    const t = await setup(v1, { timeout: 10_000 });
    t.node.setDelay(5000);
    const polled = t.poller.poll();
    await waitFor(() => t.node.calls() === 1, 2000);
    const t0 = Date.now();
    await t.poller.stop();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(await polled).toBe('request_error');
    expect(t.applied).toEqual([]);
    expect(await t.rpc('request_error')).toBe(0);
  });

  it('treats an answer without market_map as invalid, keeping the current map', async () => {
    const t = await setup(null);
    expect(await t.poller.poll()).toBe('invalid_response');
    expect(await t.rpc('ok')).toBe(1);
    expect(await sample(t.registry, 'side_car_provider_status_responses_per_id', { provider: 'marketmap_api', id: 'local-node', status: 'failure', code: '8', type: 'api' })).toBe(1);
    expect(t.applied).toEqual([]);
  });

  it('polls on its own every interval once started and writes each applied map', async () => {
    const path = `${tempFile('x', '')}.market.json`;
    const t = await setup(v1, { interval: 100, writePath: path });
    t.poller.start();
    await waitFor(() => t.applied.length === 1, 5000);
    expect(readFileSync(path, 'utf8')).toBe(marketMapFileText(v1));
    t.node.setMarketMap(v2);
    await waitFor(() => t.applied.length === 2, 5000);
    expect(readFileSync(path, 'utf8')).toBe(marketMapFileText(v2));
    const calls = t.node.calls();
    await waitFor(() => t.node.calls() >= calls + 3, 5000);
    await t.poller.stop();
    const stopped = t.node.calls();
    await new Promise((r) => setTimeout(r, 300));
    expect(t.node.calls()).toBe(stopped);
    expect(existsSync(`${path}.${process.pid}.tmp`)).toBe(false);
  });
});
