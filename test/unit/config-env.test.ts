import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import type { CliOverrides } from '../../src/config/cli.js';
import { ConfigError } from '../../src/config/errors.js';
import { loadOracleConfig } from '../../src/config/oracle-config.js';
import type { OracleConfig } from '../../src/config/types.js';
import { exchangeProviderConfigs } from '../../src/exchanges/config.js';

const dir = mkdtempSync(join(tmpdir(), 'oracle-env-'));
let n = 0;

function file(content: unknown): string {
  const path = join(dir, `oracle-${n++}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

interface Layers {
  file?: unknown;
  env?: Record<string, string | undefined>;
  flags?: CliOverrides;
  warn?: (m: string) => void;
}

function load(l: Layers): OracleConfig {
  const path = l.file === undefined ? undefined : file(l.file);
  return loadOracleConfig({ priceProviders: exchangeProviderConfigs(), path, env: l.env ?? {}, flags: l.flags ?? {}, warn: l.warn });
}

function failure(l: Layers): ConfigError {
  try {
    load(l);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const P = 'CONNECT_CONFIG_';

describe('CONNECT_CONFIG_* overrides', () => {
  it('override top-level and nested keys with coercion to the field type', () => {
    const c = load({ env: {
      [`${P}UPDATEINTERVAL`]: '500ms',
      [`${P}MAXPRICEAGE`]: '60000000000',
      [`${P}HOST`]: '127.0.0.1',
      [`${P}METRICS_ENABLED`]: 'false',
      [`${P}METRICS_PROMETHEUSSERVERADDRESS`]: '127.0.0.1:9999',
      [`${P}PROVIDERS_BINANCE_API_API_INTERVAL`]: '1s',
      [`${P}PROVIDERS_OKX_WS_WEBSOCKET_MAXSUBSCRIPTIONSPERBATCH`]: '10',
      [`${P}PROVIDERS_BINANCE_API_API_ATOMIC`]: 'FALSE',
    } });
    expect(c.updateInterval).toBe(500);
    expect(c.maxPriceAge).toBe(60_000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.metrics.enabled).toBe(false);
    expect(c.metrics.prometheusServerAddress).toBe('127.0.0.1:9999');
    expect(c.providers.binance_api?.api.interval).toBe(1000);
    expect(c.providers.binance_api?.api.atomic).toBe(false);
    expect(c.providers.okx_ws?.webSocket.maxSubscriptionsPerBatch).toBe(10);
  });

  it('ignores unrelated variables and empty values (viper treats empty as unset)', () => {
    const c = load({ env: { PATH: '/bin', [`${P}PORT`]: '', CONNECT_CONFIGX: '1' } });
    expect(c.port).toBe('8080');
  });

  it('overrides an existing endpoint by index', () => {
    const c = load({ env: {
      [`${P}PROVIDERS_COINBASE_WS_WEBSOCKET_ENDPOINTS_0_URL`]: 'ws://127.0.0.1:1234',
      [`${P}PROVIDERS_COINBASE_WS_WEBSOCKET_ENDPOINTS_0_AUTHENTICATION_APIKEY`]: 'k',
      [`${P}PROVIDERS_COINBASE_WS_WEBSOCKET_ENDPOINTS_0_AUTHENTICATION_APIKEYHEADER`]: 'X-Key',
    } });
    expect(c.providers.coinbase_ws?.webSocket.endpoints).toEqual([
      { url: 'ws://127.0.0.1:1234', authentication: { apiKey: 'k', apiKeyHeader: 'X-Key' } },
    ]);
  });

  it('appends consecutive indexes past the end and keeps existing ones', () => {
    const c = load({ env: {
      [`${P}PROVIDERS_BINANCE_API_API_ENDPOINTS_1_URL`]: 'http://one/?s=%s%s%s',
      [`${P}PROVIDERS_BINANCE_API_API_ENDPOINTS_2_URL`]: 'http://two/?s=%s%s%s',
      [`${P}PROVIDERS_BINANCE_API_API_ENDPOINTS_2_AUTHENTICATION_APIKEY`]: 'k2',
      [`${P}PROVIDERS_BINANCE_API_API_ENDPOINTS_2_AUTHENTICATION_APIKEYHEADER`]: 'h2',
    } });
    const urls = c.providers.binance_api?.api.endpoints.map((e) => e.url);
    expect(urls).toEqual(['https://api.binance.com/api/v3/ticker/price?symbols=%s%s%s', 'http://one/?s=%s%s%s', 'http://two/?s=%s%s%s']);
    expect(c.providers.binance_api?.api.endpoints[2]?.authentication).toEqual({ apiKey: 'k2', apiKeyHeader: 'h2' });
  });

  it('applies endpoint variables after a file replaced the list', () => {
    const c = load({
      file: { providers: { kraken_api: { api: { endpoints: [{ url: 'http://f0/%s' }, { url: 'http://f1/%s' }] } } } },
      env: { [`${P}PROVIDERS_KRAKEN_API_API_ENDPOINTS_1_URL`]: 'http://e1/%s' },
    });
    expect(c.providers.kraken_api?.api.endpoints.map((e) => e.url)).toEqual(['http://f0/%s', 'http://e1/%s']);
  });

  it('reports a non-consecutive endpoint index naming the variable', () => {
    const name = `${P}PROVIDERS_BINANCE_API_API_ENDPOINTS_3_URL`;
    const err = failure({ env: { [name]: 'http://three' } });
    expect(err.message).toContain(`providers.binance_api.api.endpoints[3]: index 3 is past the end of the list (1 endpoints) and not consecutive (env ${name})`);
  });

  it('reports an unknown variable naming it', () => {
    const err = failure({ env: { [`${P}UPDATEINTERVALL`]: '1s', [`${P}PROVIDERS_NOPE_API_INTERVAL`]: '1s' } });
    expect(err.problems).toEqual([
      `unknown configuration variable: no such key (env ${P}PROVIDERS_NOPE_API_INTERVAL)`,
      `unknown configuration variable: no such key (env ${P}UPDATEINTERVALL)`,
    ]);
  });

  it('reports values that do not coerce, naming the key and the variable', () => {
    const err = failure({ env: {
      [`${P}METRICS_ENABLED`]: 'yes',
      [`${P}PROVIDERS_KRAKEN_API_API_MAXQUERIES`]: '1.5',
      [`${P}UPDATEINTERVAL`]: 'soon',
    } });
    expect(err.message).toContain(`metrics.enabled: must be a boolean (true or false), got "yes" (env ${P}METRICS_ENABLED)`);
    expect(err.message).toContain(`providers.kraken_api.api.maxQueries: must be an integer, got "1.5" (env ${P}PROVIDERS_KRAKEN_API_API_MAXQUERIES)`);
    expect(err.message).toContain(`updateInterval: invalid duration "soon" (env ${P}UPDATEINTERVAL)`);
  });

  it('names the variable as the source of a rule violation', () => {
    const err = failure({ env: { [`${P}PROVIDERS_OKX_WS_WEBSOCKET_READTIMEOUT`]: '0' } });
    expect(err.problems).toEqual([`providers.okx_ws.webSocket.readTimeout: must be > 0, got 0 (env ${P}PROVIDERS_OKX_WS_WEBSOCKET_READTIMEOUT)`]);
  });

  it('warns about, and ignores, variables for connect providers this side-car lacks', () => {
    const warnings: string[] = [];
    const c = load({
      env: {
        [`${P}PROVIDERS_VOLATILE-EXCHANGE-PROVIDER_API_ENDPOINTS_0_URL`]: 'https://volatile.example',
        [`${P}PROVIDERS_RAYDIUM_API_API_ENDPOINTS_0_URL`]: 'https://solana.example',
      },
      warn: (m) => warnings.push(m),
    });
    expect(warnings).toEqual([`${P}PROVIDERS_VOLATILE-EXCHANGE-PROVIDER_API_ENDPOINTS_0_URL: connect provider not implemented by this side-car; ignored`]);
    expect(c.providers.raydium_api?.api.endpoints[0]?.url).toBe('https://solana.example');
  });

  it('applies variables for the marketmap_api provider', () => {
    const warnings: string[] = [];
    const c = load({ env: { [`${P}PROVIDERS_MARKETMAP_API_API_ENDPOINTS_0_URL`]: 'node:9090', [`${P}PROVIDERS_MARKETMAP_API_API_INTERVAL`]: '2s' }, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
    expect(c.providers.marketmap_api?.api.endpoints.map((e) => e.url)).toEqual(['node:9090']);
    expect(c.providers.marketmap_api?.api.interval).toBe(2000);
  });

  it('never prints an apiKey set through the environment', () => {
    const secret = 'ENV-SECRET-987654';
    const err = failure({ env: { [`${P}PROVIDERS_COINBASE_API_API_ENDPOINTS_0_AUTHENTICATION_APIKEY`]: secret } });
    expect(err.message).toContain('providers.coinbase_api.api.endpoints[0].authentication: apiKey and apiKeyHeader must be both set or both empty');
    expect(err.message).toContain(`env ${P}PROVIDERS_COINBASE_API_API_ENDPOINTS_0_AUTHENTICATION_APIKEY`);
    expect(err.message).not.toContain(secret);
  });
});

describe('CLI overrides and precedence', () => {
  const fileLayer = { port: '1111', host: 'file-host', updateInterval: '1s' };

  it('flag > env > file > defaults', () => {
    const env = { [`${P}PORT`]: '2222', [`${P}UPDATEINTERVAL`]: '2s' };
    expect(load({ file: fileLayer }).port).toBe('1111');
    expect(load({ file: fileLayer, env }).port).toBe('2222');
    const c = load({ file: fileLayer, env, flags: { port: '3333' } });
    expect(c.port).toBe('3333');
    expect(c.host).toBe('file-host');
    expect(c.updateInterval).toBe(2000);
    expect(c.maxPriceAge).toBe(120_000);
  });

  it('maps every flag to its key', () => {
    const c = load({ flags: {
      host: '10.0.0.1', port: '9090', metricsPrometheusAddress: '10.0.0.1:9100',
      updateInterval: '500000000', maxPriceAge: '30s', metricsEnabled: 'false',
    } });
    expect(c).toMatchObject({ host: '10.0.0.1', port: '9090', updateInterval: 500, maxPriceAge: 30_000 });
    expect(c.metrics).toMatchObject({ enabled: false, prometheusServerAddress: '10.0.0.1:9100' });
  });

  it('accepts --update-interval as a duration string too', () => {
    expect(load({ flags: { updateInterval: '100ms' } }).updateInterval).toBe(100);
  });

  it('reports bad flag values naming the flag', () => {
    const err = failure({ flags: { updateInterval: 'quick', metricsEnabled: 'maybe', maxPriceAge: '0' } });
    expect(err.message).toContain('updateInterval: invalid duration "quick" (flag --update-interval)');
    expect(err.message).toContain('metrics.enabled: must be a boolean (true or false), got "maybe" (flag --metrics-enabled)');
    expect(err.message).toContain('maxPriceAge: must be > 0, got 0ms (flag --max-price-age)');
  });

  it('collects problems from every layer at once', () => {
    const err = failure({
      file: { updateInterval: 0, providers: { binance_api: { api: { intervl: '1s' } } } },
      env: { [`${P}BOGUS`]: 'x' },
      flags: { port: '' },
    });
    expect(err.problems).toHaveLength(4);
    expect(err.message).toMatch(/updateInterval: must be > 0.*\(file .*\.json\)/);
    expect(err.message).toMatch(/providers\.binance_api\.api\.intervl: unknown key \(file .*\.json\)/);
    expect(err.message).toContain(`(env ${P}BOGUS)`);
    expect(err.message).toContain('port: must not be empty (flag --port)');
  });
});
