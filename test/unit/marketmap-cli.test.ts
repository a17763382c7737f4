/** The market-map flags (--market-map-endpoint, --update-market-config-path), their
 *  exclusivity with --market-config-path, and the start-up gRPC endpoint checks. */
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/config/cli.js';
import { ConfigError } from '../../src/config/errors.js';
import { loadOracleConfig } from '../../src/config/oracle-config.js';
import { applyMarketMapEndpoint, grpcEndpointProblem } from '../../src/providers/marketmap/endpoint.js';
import { exchangeProviderConfigs } from '../../src/exchanges/config.js';

function problems(argv: string[]): string[] {
  try {
    parseCli(argv);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const EXCLUSIVE = (flag: string) => `--market-config-path and ${flag} are mutually exclusive: the market map comes from the file or from the chain node`;

describe('market-map flags', () => {
  it('no longer requires --market-config-path: without it the map comes from the node', () => {
    const r = parseCli([]);
    expect(r.command).toBe('run');
    expect(r.marketConfigPath).toBeUndefined();
    expect(r.marketMapEndpoint).toBeUndefined();
    expect(parseCli(['--market-config-path=']).marketConfigPath).toBeUndefined();
  });

  it('reads --market-map-endpoint and --update-market-config-path in both forms', () => {
    const r = parseCli(['--market-map-endpoint', 'mynode:9090', '--update-market-config-path=/tmp/m.json']);
    expect(r).toMatchObject({ marketMapEndpoint: 'mynode:9090', updateMarketConfigPath: '/tmp/m.json' });
    expect(r.overrides).toEqual({});
  });

  it.each([
    [['--market-config-path', 'm.json', '--market-map-endpoint', 'n:9090'], [EXCLUSIVE('--market-map-endpoint')]],
    [['--market-config-path', 'm.json', '--update-market-config-path', 'out.json'], [EXCLUSIVE('--update-market-config-path')]],
    [['--update-market-config-path', 'out.json', '--market-config-path=m.json', '--market-map-endpoint=n:1'],
      [EXCLUSIVE('--market-map-endpoint'), EXCLUSIVE('--update-market-config-path')]],
    [['--market-map-endpoint'], ['flag --market-map-endpoint needs a value']],
  ])('%j fails with %j', (argv, expected) => {
    expect(problems(argv)).toEqual(expected);
  });

  it('accepts the two chain flags together, and --market-config-path alone', () => {
    expect(problems(['--market-map-endpoint', 'n:9090', '--update-market-config-path', 'out.json'])).toEqual([]);
    expect(problems(['--market-config-path', 'm.json'])).toEqual([]);
  });
});

describe('gRPC endpoint start-up checks', () => {
  it.each([
    ['localhost:9090', undefined],
    ['10.0.0.5:9090', undefined],
    ['dns:///mynode:9090', undefined],
    ['http://mynode:9090', 'expected gRPC endpoint but got HTTP endpoint "http://mynode:9090"; give HOST:PORT, e.g. mynode:9090'],
    ['https://mynode:9090', 'expected gRPC endpoint but got HTTP endpoint "https://mynode:9090"; give HOST:PORT, e.g. mynode:9090'],
    ['mynode', 'Must specify port for the gRPC endpoint "mynode", e.g. mynode:9090'],
    ['mynode:', 'Must specify port for the gRPC endpoint "mynode:", e.g. mynode:9090'],
    ['mynode:90a', 'Must specify port for the gRPC endpoint "mynode:90a", e.g. mynode:9090'],
  ])('%s → %s', (url, expected) => {
    expect(grpcEndpointProblem(url)).toBe(expected);
  });

  const config = (env: Record<string, string> = {}) => loadOracleConfig({ priceProviders: exchangeProviderConfigs(), env, flags: {} });

  it('replaces the endpoints with the flag value and accepts a good one', () => {
    const c = config();
    expect(applyMarketMapEndpoint(c, 'mynode:9090')).toEqual([]);
    expect(c.providers.marketmap_api?.api.endpoints).toEqual([{ url: 'mynode:9090', authentication: { apiKey: '', apiKeyHeader: '' } }]);
  });

  it('names the key path and the flag when the flag is wrong', () => {
    expect(applyMarketMapEndpoint(config(), 'http://mynode:9090')).toEqual([
      'providers.marketmap_api.api.endpoints[0].url: expected gRPC endpoint but got HTTP endpoint "http://mynode:9090"; give HOST:PORT, e.g. mynode:9090 (flag --market-map-endpoint)',
    ]);
  });

  it('checks an endpoint set in the configuration, naming the key path', () => {
    const c = config({ CONNECT_CONFIG_PROVIDERS_MARKETMAP_API_API_ENDPOINTS_0_URL: 'mynode' });
    expect(applyMarketMapEndpoint(c, undefined)).toEqual([
      'providers.marketmap_api.api.endpoints[0].url: Must specify port for the gRPC endpoint "mynode", e.g. mynode:9090 (oracle config)',
    ]);
  });

  it('accepts the built-in default localhost:9090', () => {
    expect(applyMarketMapEndpoint(config(), undefined)).toEqual([]);
  });
});
