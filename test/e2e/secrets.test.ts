/** API keys never reach logs, metric labels or error messages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { runCli, startDaemon, tempFile, type Daemon } from '../helpers/daemon.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { waitFor } from '../helpers/metrics.js';

const KEY = 'sk-live-4f7e1d2c9b8a7f6e5d4c3b2a1';
const map = marketMap(market('BTC/USD', 8, 1, [feed('coinbase_api', 'BTC-USD'), feed('kraken_api', 'XXBTZUSD')]));
let sim: Simulator;
let daemon: Daemon;

beforeAll(async () => {
  sim = await startSimulator({ seed: 4 });
  const override = sim.oracleOverride() as { providers: Record<string, { api?: { endpoints: Array<{ url: string }> } }> };
  const url = override.providers.coinbase_api?.api?.endpoints[0]?.url ?? '';
  const oracle = {
    providers: {
      coinbase_api: { api: { endpoints: [{ url, authentication: { apiKey: KEY, apiKeyHeader: 'X-Api-Key' } }] } },
      kraken_api: override.providers.kraken_api,
    },
  };
  // A second key arrives through the environment, on a provider that will fail.
  const env = { CONNECT_CONFIG_PROVIDERS_KRAKEN_API_API_ENDPOINTS_0_AUTHENTICATION_APIKEY: `${KEY}-env`, CONNECT_CONFIG_PROVIDERS_KRAKEN_API_API_ENDPOINTS_0_AUTHENTICATION_APIKEYHEADER: 'X-Api-Key' };
  daemon = await startDaemon(oracle, map, ['--log-std-out-level', 'debug'], env);
});

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('secrets', () => {
  it('stay out of logs and metrics while requests with keys fail and succeed', async () => {
    await waitFor(() => sim.received('coinbase_api').length > 3, 10_000);
    sim.setFault('coinbase_api', { mode: 'status', status: 401 });
    sim.setFault('kraken_api', { mode: 'slow', delayMs: 5000 });
    await new Promise((r) => setTimeout(r, 4000));
    const metrics = await (await fetch(`${daemon.metricsUrl}/metrics`)).text();
    expect(metrics).toContain('status_code_exact="401"');
    expect(metrics).not.toContain(KEY);
    const marketmap = await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/marketmap`)).text();
    expect(marketmap).not.toContain(KEY);
    await daemon.stop();
    expect(daemon.stdout().length).toBeGreaterThan(1000);
    expect(daemon.stdout()).not.toContain(KEY);
    expect(daemon.stderr()).not.toContain(KEY);
  }, 30_000);

  it('stay out of configuration error messages', async () => {
    const oracle = tempFile('oracle.json', { providers: { coinbase_api: { api: { timeout: '0s', endpoints: [{ url: 'http://127.0.0.1:1', authentication: { apiKey: KEY, apiKeyHeader: '' } }] } } } });
    const r = await runCli(['--oracle-config', oracle, '--market-config-path', tempFile('market.json', map)], {
      CONNECT_CONFIG_PROVIDERS_KRAKEN_API_API_ENDPOINTS_0_AUTHENTICATION_APIKEY: `${KEY}-env`,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('authentication');
    expect(r.stderr).not.toContain(KEY);
    expect(r.stdout).not.toContain(KEY);
  });
});
