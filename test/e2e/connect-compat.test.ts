/**
 * Drop-in: connect's whole command line and the exact command lines of connect's own
 * docker-compose file and of its validator docs (quickstart, Stargaze, dYdX v5 and v7), run
 * through the `connect` binary name (bin/connect, as the image links it) against the exchange
 * simulator, a fake chain node (v1 or v2) and the simulated dYdX node. Only addresses and
 * paths differ from the documents; ports move through CONNECT_CONFIG_* variables (the
 * operator's environment), never through the command line.
 */
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { startDydxNode, type DydxMarket, type DydxNode } from '../../src/sim/dydx-node.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { startChainNode, type ChainNode } from '../helpers/chain-node.js';
import { freePort, ROOT, runCli, spawnDaemon, startDaemon, tempFile, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/metrics.js';

const MARKET = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as MarketMap;
const MARKETS = Object.keys(MARKET.markets).sort();

let sim: Simulator;
let bin: string;

/** The simulator's endpoints as CONNECT_CONFIG_* variables (as an operator would point them). */
function simEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const providers = (sim.oracleOverride() as { providers: Record<string, Record<string, { endpoints: { url: string }[] }>> }).providers;
  for (const [name, blocks] of Object.entries(providers)) {
    for (const [block, cfg] of Object.entries(blocks)) {
      cfg.endpoints.forEach((e, i) => (env[`CONNECT_CONFIG_PROVIDERS_${name.toUpperCase()}_${block.toUpperCase()}_ENDPOINTS_${i}_URL`] = e.url));
    }
  }
  return env;
}

/** Loopback ports chosen by the side-car, so parallel tests never collide. */
const PORTS = { CONNECT_CONFIG_HOST: '127.0.0.1', CONNECT_CONFIG_PORT: '0', CONNECT_CONFIG_METRICS_PROMETHEUSSERVERADDRESS: '127.0.0.1:0' };

/** `connect ARGS` as a shell would run it, from PATH. */
const connect = (args: string[], env: Record<string, string> = {}): Promise<Daemon> =>
  spawnDaemon('connect', args, { PATH: `${bin}:${process.env.PATH ?? ''}`, ...PORTS, ...simEnv(), ...env });

async function prices(d: Daemon, path = '/connect/oracle/v2/prices'): Promise<Record<string, string>> {
  return ((await (await fetch(`${d.apiUrl}${path}`)).json()) as { prices: Record<string, string> }).prices;
}

const served = async (d: Daemon, keys: string[]) => waitFor(async () => Object.keys(await prices(d)).sort().join() === keys.join(), 20_000, 100);

beforeAll(async () => {
  sim = await startSimulator({ seed: 21 });
  bin = mkdtempSync(join(tmpdir(), 'oracle-sidecar-bin-'));
  symlinkSync(join(ROOT, 'bin/connect'), join(bin, 'connect'));
});

afterAll(async () => {
  await sim?.close();
});

describe("every flag of connect's cmd/connect/main.go is accepted", () => {
  let node: ChainNode;
  beforeAll(async () => {
    node = await startChainNode(MARKET);
  });
  afterAll(async () => node?.stop());

  const dir = mkdtempSync(join(tmpdir(), 'oracle-sidecar-flags-'));
  // [flags, whether the market map comes from the chain node instead of market.json]
  const table: Array<[string[], boolean]> = [
    [['--oracle-config', 'PLACEHOLDER'], false], // startDaemon always passes it; listed for the table
    [['--market-config-path', 'PLACEHOLDER'], false],
    [['--marketmap-provider', 'marketmap_api'], false],
    [['--marketmap-provider', 'dydx_api'], false],
    [['--marketmap-provider', 'dydx_migration_api'], false],
    [['--marketmap-provider', 'dydx_research_json_api'], false],
    [['--marketmap-provider', 'dydx_research_coinmarketcap_api'], false],
    [['--market-map-endpoint', 'NODE'], true],
    [['--update-market-config-path', join(dir, 'written.json'), '--market-map-endpoint', 'NODE'], true],
    [['--run-pprof', '--pprof-port', '0'], false],
    [['--log-std-out-level', 'debug'], false],
    [['--log-file-level', 'warn', '--log-file', join(dir, 'a.log')], false],
    [['--log-max-size', '1', '--log-max-backups', '2', '--log-max-age', '1', '--log-file', join(dir, 'b.log')], false],
    [['--log-file-disable-compression', '--log-file', join(dir, 'c.log')], false],
    [['--log-disable-file-rotation'], false],
    [['--mode', 'exec'], false],
    [['-m', 'exec', '--validation-period', '1m'], false],
    [['--disable-telemetry'], false],
    [['--metrics-enabled=true'], false],
    [['--metrics-prometheus-address', '127.0.0.1:0'], false],
    [['--host', '127.0.0.1'], false],
    [['--port', '0'], false],
    [['--update-interval', '250000000'], false],
    [['--max-price-age', '2m0s'], false],
  ];

  it.concurrent.each(table)('%j: starts, serves prices and exits 0', async (flags, fromChain) => {
    const args = flags.filter((f) => f !== 'PLACEHOLDER' && f !== '--oracle-config' && f !== '--market-config-path').map((f) => (f === 'NODE' ? node.address : f));
    const d = await startDaemon(sim.oracleOverride(), fromChain ? null : MARKET, args);
    try {
      await waitFor(async () => Object.keys(await prices(d)).length > 0, 20_000, 100);
    } finally {
      expect(await d.stop()).toBe(0);
    }
  });

  it('--help lists every flag with its default', async () => {
    const r = await runCli(['--help']);
    const names = table.flatMap(([flags]) => flags.filter((f) => f.startsWith('-')).map((f) => f.split('=')[0] ?? f));
    for (const name of new Set(names)) expect(r.stdout).toContain(name.startsWith('--') ? `--${name.slice(2)} ` : `${name}, `);
  });
});

describe("connect's docker-compose command lines (contrib/compose/docker-compose-dev.yml)", () => {
  it('service oracle: connect --market-config-path /data/markets.json --pprof-port 6060 --run-pprof', async () => {
    const markets = tempFile('markets.json', MARKET);
    const pprof = await freePort();
    const d = await connect(['--market-config-path', markets, '--pprof-port', String(pprof), '--run-pprof'], { CONNECT_CONFIG_UPDATEINTERVAL: '250ms' });
    try {
      await served(d, MARKETS);
      expect((await fetch(`http://127.0.0.1:${pprof}/debug/pprof/`)).status).toBe(200);
    } finally {
      expect(await d.stop()).toBe(0);
    }
  });

  it('service oracle_with_blockchain: connect --update-market-config-path /oracle/market.json --market-map-endpoint blockchain:9090 --pprof-port 6060 --run-pprof', async () => {
    const node = await startChainNode(MARKET);
    const out = join(mkdtempSync(join(tmpdir(), 'oracle-sidecar-oracle-')), 'market.json');
    const pprof = await freePort();
    const d = await connect(['--update-market-config-path', out, '--market-map-endpoint', node.address, '--pprof-port', String(pprof), '--run-pprof']);
    try {
      await served(d, MARKETS);
      await waitFor(() => existsSync(out), 5000);
      expect(Object.keys((JSON.parse(readFileSync(out, 'utf8')) as MarketMap).markets).sort()).toEqual(MARKETS);
    } finally {
      expect(await d.stop()).toBe(0);
      await node.stop();
    }
  });
});

describe("connect's validator docs", () => {
  it('quickstart and Stargaze, on a chain node that speaks only connect v1: connect --market-map-endpoint="HOST:PORT" --oracle-config oracle.json', async () => {
    const node = await startChainNode(MARKET, { versions: ['v1'] });
    const d = await connect([`--market-map-endpoint=${node.address}`, '--oracle-config', tempFile('oracle.json', {})]);
    try {
      await served(d, MARKETS);
      expect(Object.keys(await prices(d, '/slinky/oracle/v1/prices')).sort()).toEqual(MARKETS);
      expect(node.callsBy()['slinky.marketmap.v1.Query']).toBeGreaterThan(0);
      const versionLines = d.stdout().split('\n').filter((l) => l.includes('chain node answers slinky.marketmap.v1.Query/MarketMap'));
      expect(versionLines).toHaveLength(1);
    } finally {
      expect(await d.stop()).toBe(0);
      await node.stop();
    }
  });

  describe('dYdX', () => {
    const BTC: DydxMarket = { pair: 'BTC-USD', exponent: -5, minExchanges: 2, exchanges: [{ exchangeName: 'CoinbasePro', ticker: 'BTC-USD' }, { exchangeName: 'Kraken', ticker: 'XXBTZUSD' }] };
    const ETH: DydxMarket = { pair: 'ETH-USD', exponent: -6, minExchanges: 1, exchanges: [{ exchangeName: 'Kraken', ticker: 'XETHZUSD' }] };
    const KEY = 'doc-api-key-7f3e';
    let node: DydxNode;

    beforeAll(async () => {
      node = await startDydxNode({ markets: [BTC, ETH] });
    });
    afterAll(async () => node?.close());

    /** dYdX's documented oracle.json: the migration provider's REST then gRPC endpoint, and
     *  API-keyed DeFi endpoints (here unreachable ones: those markets are not in this map). */
    const dydxOracle = () => ({
      providers: {
        dydx_migration_api: { api: { endpoints: [{ url: node.restUrl }, { url: node.grpcAddress }], interval: '300ms' } },
        dydx_api: { api: { interval: '300ms' } },
        raydium_api: { api: { endpoints: [{ url: 'http://127.0.0.1:1', authentication: { apiKeyHeader: 'x-api-key', apiKey: KEY } }] } },
        'uniswapv3_api-ethereum': { api: { endpoints: [{ url: 'http://127.0.0.1:1', authentication: { apiKeyHeader: 'x-api-key', apiKey: KEY } }] } },
        'uniswapv3_api-base': { api: { endpoints: [{ url: 'http://127.0.0.1:1', authentication: { apiKeyHeader: 'x-api-key', apiKey: KEY } }] } },
      },
    });

    it('v6/v7 (connect v1.0.13): connect --marketmap-provider dydx_migration_api --oracle-config path/to/oracle.json', async () => {
      const d = await connect(['--marketmap-provider', 'dydx_migration_api', '--oracle-config', tempFile('oracle.json', dydxOracle())]);
      try {
        await served(d, ['BTC/USD', 'ETH/USD']);
        expect(d.stdout() + d.stderr()).not.toContain(KEY);
      } finally {
        expect(await d.stop()).toBe(0);
      }
    });

    it('v5 (connect v1.0.5): connect --marketmap-provider dydx_api --market-map-endpoint https://<REST> --oracle-config path/to/oracle.json', async () => {
      const d = await connect(['--marketmap-provider', 'dydx_api', '--market-map-endpoint', node.restUrl, '--oracle-config', tempFile('oracle.json', dydxOracle())]);
      try {
        await served(d, ['BTC/USD', 'ETH/USD']);
        expect(d.stdout() + d.stderr()).not.toContain(KEY);
      } finally {
        expect(await d.stop()).toBe(0);
      }
    });
  });
});
