/**
 * The built daemon reading its market map from a (fake) chain node over gRPC:
 * --market-map-endpoint, a 300 ms marketmap_api interval, prices from the simulator.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { marketMapFileText } from '../../src/providers/marketmap/writer.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { startChainNode, type ChainNode } from '../helpers/chain-node.js';
import { parseExposition, runCli, startDaemon, tempFile, type Daemon } from '../helpers/daemon.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { waitFor } from '../helpers/metrics.js';

let sim: Simulator;
let node: ChainNode;
let daemon: Daemon;
const written = `${tempFile('placeholder', '')}.written.json`;

const btc = market('BTC/USD', 5, 1, [feed('coinbase_ws', 'BTC-USD'), feed('kraken_api', 'XXBTZUSD')]);
const eth = market('ETH/USD', 6, 1, [feed('kraken_api', 'XETHZUSD')]);
const sol = market('SOL/USD', 8, 1, [feed('kraken_api', 'SOLUSD')]);
const v1 = marketMap(btc, eth);

const prices = async () => ((await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/prices`)).json()) as { prices: Record<string, string> }).prices;
const priceKeys = async () => Object.keys(await prices()).sort().join();
const servedMap = async () =>
  ((await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/marketmap`)).json()) as { market_map: { markets: Record<string, { provider_configs: Array<{ off_chain_ticker: string }> }> } }).market_map.markets;
const rpcCount = async (status_code: string) =>
  parseExposition(await (await fetch(`${daemon.metricsUrl}/metrics`)).text()).get('side_car_api_rpc_status_code')?.samples
    .find((s) => s.labels.provider === 'marketmap_api' && s.labels.status_code === status_code && s.labels.endpoint === 'redacted_url')?.value ?? 0;
const fileIs = (map: MarketMap) => waitFor(() => { try { return readFileSync(written, 'utf8') === marketMapFileText(map); } catch { return false; } }, 5000, 50);

beforeAll(async () => {
  sim = await startSimulator({ seed: 4 });
  node = await startChainNode(v1);
  const override = sim.oracleOverride() as { providers: Record<string, object> };
  const oracle = { providers: { ...override.providers, marketmap_api: { api: { interval: '300ms', timeout: '1s' } } } };
  daemon = await startDaemon(oracle, null, ['--market-map-endpoint', node.address, '--update-market-config-path', written]);
});

afterAll(async () => {
  await daemon?.stop();
  await node?.stop();
  await sim?.close();
});

describe('market map from the chain node', () => {
  it('serves the node\'s map: prices appear and the file is written', async () => {
    await waitFor(async () => (await priceKeys()) === 'BTC/USD,ETH/USD', 15_000, 100);
    expect(Object.keys(await servedMap()).sort()).toEqual(['BTC/USD', 'ETH/USD']);
    await fileIs(v1);
    expect(await rpcCount('ok')).toBeGreaterThan(0);
  });

  it('adds a market the node adds', async () => {
    node.setMarketMap(marketMap(btc, eth, sol));
    await waitFor(async () => (await priceKeys()) === 'BTC/USD,ETH/USD,SOL/USD', 10_000, 100);
  });

  it('drops a market the node removes', async () => {
    const v3 = marketMap(btc, sol);
    node.setMarketMap(v3);
    await waitFor(async () => (await priceKeys()) === 'BTC/USD,SOL/USD', 10_000, 100);
    await fileIs(v3);
  });

  it('drops an invalid market and a feed normalised by a missing market, keeping the rest', async () => {
    const btcPlus = market('BTC/USD', 5, 1, [...(btc[1].provider_configs), feed('okx_ws', 'BTC-USDT', { normalize: 'USDT/USD' })]);
    node.setMarketMap(marketMap(btcPlus, sol, market('BAD/USD', 0, 1, [feed('kraken_api', 'XETHZUSD')])));
    await waitFor(() => daemon.stdout().includes('chain market map has invalid entries'), 5000, 50);
    expect(daemon.stdout()).toContain('markets[\\"BAD/USD\\"].ticker.decimals: must be between 1 and 36, got 0');
    expect(daemon.stdout()).toContain('normalize_by_pair market \\"USDT/USD\\" is not in the valid market map');
    const served = await servedMap();
    expect(Object.keys(served).sort()).toEqual(['BTC/USD', 'SOL/USD']);
    expect(served['BTC/USD']?.provider_configs.map((pc) => pc.off_chain_ticker)).toEqual(['BTC-USD', 'XXBTZUSD']);
    expect(await priceKeys()).toBe('BTC/USD,SOL/USD');
  });

  it('keeps serving the last good map while the node is down, counting request errors', async () => {
    await node.stop();
    const errors = await rpcCount('request_error');
    await waitFor(async () => (await rpcCount('request_error')) >= errors + 3, 10_000, 100);
    expect(await priceKeys()).toBe('BTC/USD,SOL/USD');
    expect(Object.keys(await servedMap()).sort()).toEqual(['BTC/USD', 'SOL/USD']);
    expect(daemon.child.exitCode).toBeNull();
  });

  it('applies changes again once the node is back', async () => {
    const v4 = marketMap(btc, eth);
    node.setMarketMap(v4);
    await node.restart();
    await waitFor(async () => (await priceKeys()) === 'BTC/USD,ETH/USD', 15_000, 100);
    await fileIs(v4);
    expect(daemon.stdout()).toContain('chain node answers again');
  });
});

describe('with --market-config-path as well', () => {
  it('serves the file until the node answers with a different valid map, which wins (as in connect)', async () => {
    const chain = await startChainNode(null);
    const override = sim.oracleOverride() as { providers: Record<string, object> };
    const marketmap_api = { api: { interval: '300ms', endpoints: [{ url: chain.address }] } };
    const withFile = await startDaemon({ providers: { ...override.providers, marketmap_api } }, marketMap(eth));
    try {
      const markets = async () => Object.keys(((await (await fetch(`${withFile.apiUrl}/connect/oracle/v2/marketmap`)).json()) as { market_map: { markets: object } }).market_map.markets).join();
      await waitFor(() => chain.calls() >= 2, 5000, 50);
      expect(await markets()).toBe('ETH/USD'); // no market_map in the answer: the file stays
      chain.setMarketMap(marketMap(sol));
      await waitFor(async () => (await markets()) === 'SOL/USD', 5000, 50);
    } finally {
      await withFile.stop();
      await chain.stop();
    }
  });
});

describe('market-map start-up checks', () => {
  it('exits 2 on an http:// endpoint, naming the flag', async () => {
    const r = await runCli(['--market-map-endpoint', 'http://127.0.0.1:9090', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('providers.marketmap_api.api.endpoints[0].url: expected gRPC endpoint but got HTTP endpoint "http://127.0.0.1:9090"');
    expect(r.stderr).toContain('(flag --market-map-endpoint)');
  });

  it('exits 2 when --market-config-path is combined with --update-market-config-path', async () => {
    const r = await runCli(['--market-config-path', 'market.json', '--update-market-config-path', written]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--market-config-path and --update-market-config-path are mutually exclusive');
  });
});
