/**
 * The built daemon with connect's dYdX market-map providers against the simulated dYdX node
 * (src/sim/dydx-node.ts), prices from the exchange simulator: `--marketmap-provider dydx_api`
 * follows x/prices; `--marketmap-provider dydx_migration_api` serves x/prices until the node's
 * x/marketmap (v1 only, as dYdX v7 nodes on connect v1.0.13) holds markets, then x/marketmap.
 * Endpoints and a 300 ms interval come from oracle.json overrides, as dYdX's docs configure them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { startDydxNode, type DydxMarket, type DydxNode } from '../../src/sim/dydx-node.js';
import { parseExposition, runCli, startDaemon, type Daemon } from '../helpers/daemon.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { waitFor } from '../helpers/metrics.js';

const BTC: DydxMarket = { pair: 'BTC-USD', exponent: -5, minExchanges: 1, exchanges: [{ exchangeName: 'CoinbasePro', ticker: 'BTC-USD' }, { exchangeName: 'Kraken', ticker: 'XXBTZUSD' }] };
const ETH: DydxMarket = { pair: 'ETH-USD', exponent: -6, minExchanges: 1, exchanges: [{ exchangeName: 'Kraken', ticker: 'XETHZUSD' }] };
const SOL: DydxMarket = { pair: 'SOL-USD', exponent: -8, minExchanges: 1, exchanges: [{ exchangeName: 'Kraken', ticker: 'SOLUSD' }] };

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 12 });
});

afterAll(async () => {
  await sim?.close();
});

async function start(provider: string, node: DydxNode): Promise<Daemon> {
  const prices = (sim.oracleOverride() as { providers: Record<string, object> }).providers;
  const dydx = node.oracleOverride({ interval: '300ms', timeout: '1s' }).providers;
  return startDaemon({ providers: { ...prices, ...dydx } }, null, ['--marketmap-provider', provider]);
}

const priceKeys = async (d: Daemon) =>
  Object.keys(((await (await fetch(`${d.apiUrl}/connect/oracle/v2/prices`)).json()) as { prices: Record<string, string> }).prices).sort().join();
const servedKeys = async (d: Daemon) =>
  Object.keys(((await (await fetch(`${d.apiUrl}/connect/oracle/v2/marketmap`)).json()) as { market_map: { markets: object } }).market_map.markets).sort().join();
const metric = async (d: Daemon, name: string, labels: Record<string, string>) =>
  parseExposition(await (await fetch(`${d.metricsUrl}/metrics`)).text()).get(name)?.samples
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0) ?? 0;

describe('--marketmap-provider dydx_api', () => {
  let node: DydxNode;
  let daemon: Daemon;

  beforeAll(async () => {
    node = await startDydxNode({ markets: [BTC, ETH] });
    daemon = await start('dydx_api', node);
  });

  afterAll(async () => {
    await daemon?.stop();
    await node?.close();
  });

  it('serves the x/prices markets, converted, with prices', async () => {
    await waitFor(async () => (await priceKeys(daemon)) === 'BTC/USD,ETH/USD', 15_000, 100);
    const served = ((await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/marketmap`)).json()) as { market_map: { markets: Record<string, { ticker: { decimals: string }; provider_configs: Array<{ name: string }> }> } }).market_map.markets;
    expect(served['BTC/USD']?.provider_configs.map((pc) => pc.name)).toEqual(['coinbase_ws', 'kraken_api']);
    expect(await metric(daemon, 'side_car_provider_status_responses_per_id', { provider: 'dydx_api', id: 'dydx-node', status: 'success' })).toBeGreaterThan(0);
    expect(await metric(daemon, 'side_car_api_http_status_code', { provider: 'dydx_api', status_code: '2XX' })).toBeGreaterThan(0);
  });

  it('follows markets added to and removed from x/prices', async () => {
    node.addMarket(SOL);
    node.removeMarket('ETH-USD');
    await waitFor(async () => (await priceKeys(daemon)) === 'BTC/USD,SOL/USD', 10_000, 100);
    expect(await servedKeys(daemon)).toBe('BTC/USD,SOL/USD');
  });

  it('keeps serving through rate limiting and the node going down', async () => {
    node.setFault('prices', { mode: 'status', status: 429 });
    await waitFor(async () => (await metric(daemon, 'side_car_provider_status_responses', { provider: 'dydx_api', code: '1' })) >= 2, 10_000, 100);
    await node.stop();
    await waitFor(async () => (await metric(daemon, 'side_car_provider_status_responses', { provider: 'dydx_api', code: '2' })) >= 2, 10_000, 100);
    expect(await priceKeys(daemon)).toBe('BTC/USD,SOL/USD');
    expect(daemon.child.exitCode).toBeNull();
    node.setFault('prices', { mode: 'none' });
    node.setMarkets([BTC, ETH, SOL]);
    await node.restart();
    await waitFor(async () => (await servedKeys(daemon)) === 'BTC/USD,ETH/USD,SOL/USD', 10_000, 100);
  });
});

describe('--marketmap-provider dydx_migration_api on a v1-only node', () => {
  let node: DydxNode;
  let daemon: Daemon;

  beforeAll(async () => {
    node = await startDydxNode({ markets: [BTC, ETH], versions: ['v1'] });
    daemon = await start('dydx_migration_api', node);
  });

  afterAll(async () => {
    await daemon?.stop();
    await node?.close();
  });

  it('serves x/prices while x/marketmap is absent', async () => {
    await waitFor(async () => (await priceKeys(daemon)) === 'BTC/USD,ETH/USD', 15_000, 100);
    expect(await metric(daemon, 'side_car_api_response_internal_status', { provider: 'dydx_api', id: 'dydx-node', internal_status: 'success' })).toBeGreaterThan(0);
    expect(await metric(daemon, 'side_car_api_rpc_status_code', { provider: 'dydx_migration_api', status_code: 'request_error' })).toBeGreaterThan(0);
  });

  it('switches to x/marketmap once it holds markets, and ignores x/prices from then on', async () => {
    node.setMarketMap({ markets: {} });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await servedKeys(daemon)).toBe('BTC/USD,ETH/USD'); // an empty x/marketmap does not switch
    node.setMarketMap(marketMap(market('ETH/USD', 6, 1, [feed('kraken_api', 'XETHZUSD')]), market('SOL/USD', 8, 1, [feed('kraken_api', 'SOLUSD')])));
    await waitFor(async () => (await priceKeys(daemon)) === 'ETH/USD,SOL/USD', 10_000, 100);
    expect(daemon.stdout()).toContain('switching over from x/prices to x/marketmap for good');
    expect(await metric(daemon, 'side_car_api_rpc_status_code', { provider: 'dydx_migration_api', status_code: 'ok' })).toBeGreaterThan(0);
    expect(await metric(daemon, 'side_car_api_response_internal_status', { provider: 'marketmap_api', id: 'dydx-node', internal_status: 'success' })).toBeGreaterThan(0);
    const pricesCalls = node.calls().prices;
    node.setMarkets([BTC]);
    await waitFor(() => node.calls().v1 >= 10, 10_000, 100);
    expect(node.calls().prices).toBe(pricesCalls);
    expect(await servedKeys(daemon)).toBe('ETH/USD,SOL/USD');
  });

  it('follows x/marketmap changes', async () => {
    node.setMarketMap(marketMap(market('BTC/USD', 5, 1, [feed('kraken_api', 'XXBTZUSD')])));
    await waitFor(async () => (await priceKeys(daemon)) === 'BTC/USD', 10_000, 100);
  });
});

describe('market-map provider start-up errors', () => {
  it('exits 2 on an unknown provider, naming the five', async () => {
    const r = await runCli(['--marketmap-provider', 'dydx', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--marketmap-provider: market map provider "dydx" not found; one of marketmap_api, dydx_api, dydx_migration_api, dydx_research_json_api, dydx_research_coinmarketcap_api');
  });

  it('exits 2 on --market-map-endpoint with dydx_migration_api (it needs [REST, gRPC])', async () => {
    const r = await runCli(['--marketmap-provider', 'dydx_migration_api', '--market-map-endpoint', 'node:9090', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('providers.dydx_migration_api.api.endpoints: dydx_migration_api needs 2 endpoints [REST x/prices, gRPC x/marketmap] from oracle.json');
  });
});
