import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exchanges } from '../../src/exchanges/index.js';
import { describe, it, expect } from 'vitest';
import { MARKET_MAP_PROVIDERS } from '../../src/config/defaults.js';
import { parseDurationMs } from '../../src/config/duration.js';
import { ConfigError } from '../../src/config/errors.js';
import { loadOracleConfig } from '../../src/config/oracle-config.js';
import type { OracleConfig } from '../../src/config/types.js';
import { exchangeProviderConfigs } from '../../src/exchanges/config.js';

const dir = mkdtempSync(join(tmpdir(), 'oracle-config-'));
let n = 0;

/** Writes `content` (an object, or raw text) to a fresh oracle.json and returns its path. */
function file(content: unknown): string {
  const path = join(dir, `oracle-${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function load(content?: unknown): OracleConfig {
  return loadOracleConfig({ priceProviders: exchangeProviderConfigs(), path: content === undefined ? undefined : file(content), env: {}, flags: {} });
}

/** The ConfigError thrown by loading `content`. */
function failure(content: unknown): ConfigError {
  try {
    load(content);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseDurationMs', () => {
  it.each([
    ['250ms', 250], ['1m30s', 90_000], ['2m', 120_000], ['10s', 10_000], ['1h', 3_600_000],
    ['1.5s', 1500], ['500us', 0.5], ['100ns', 0.0001], ['0', 0], ['-2s', -2000], ['2h45m0.5s', 9_900_500],
    [250_000_000, 250], ['120000000000', 120_000],
  ])('%j → %d ms', (input, ms) => {
    expect(parseDurationMs(input)).toBeCloseTo(ms, 9);
  });

  it.each([
    ['fast', 'invalid duration "fast"'], ['', 'invalid duration ""'], ['1x', 'invalid duration "1x"'],
    ['s', 'invalid duration "s"'], ['1.s5', 'invalid duration "1.s5"'], ['10 s', 'invalid duration "10 s"'],
    [1.5, 'invalid duration 1.5'], [true, 'invalid duration true'], [null, 'invalid duration null'],
  ])('rejects %j naming the value', (bad, message) => {
    expect(() => parseDurationMs(bad)).toThrow(message);
  });
});

describe('built-in defaults', () => {
  const c = load();

  it('has the anchor top-level defaults', () => {
    expect(c.updateInterval).toBe(250);
    expect(c.maxPriceAge).toBe(120_000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.port).toBe('8080');
    expect(c.metrics).toEqual({ enabled: true, prometheusServerAddress: '0.0.0.0:8002', telemetry: { disabled: true, pushAddress: '' } });
  });

  it("has one price_provider entry per registry exchange, plus connect's five market-map providers", () => {
    expect(Object.keys(c.providers).sort()).toEqual([...Object.keys(exchanges), ...MARKET_MAP_PROVIDERS].sort());
    expect(MARKET_MAP_PROVIDERS).toEqual(['marketmap_api', 'dydx_api', 'dydx_migration_api', 'dydx_research_json_api', 'dydx_research_coinmarketcap_api']);
    expect(Object.keys(c.providers)).toHaveLength(29);
    for (const [name, p] of Object.entries(c.providers)) {
      expect(p.name).toBe(name);
      expect(p.type).toBe((MARKET_MAP_PROVIDERS as readonly string[]).includes(name) ? 'market_map_provider' : 'price_provider');
      expect(p.api.enabled !== p.webSocket.enabled).toBe(true);
      expect(p.api.name).toBe(name);
      expect(p.webSocket.name).toBe(name);
    }
  });

  it('carries the spec values for HTTP providers', () => {
    const b = c.providers.binance_api;
    expect(b?.api).toMatchObject({ enabled: true, interval: 750, timeout: 3000, reconnectTimeout: 2000, maxQueries: 1, atomic: true, batchSize: 0 });
    expect(b?.api.endpoints).toEqual([{ url: 'https://api.binance.com/api/v3/ticker/price?symbols=%s%s%s', authentication: { apiKey: '', apiKeyHeader: '' } }]);
    expect(b?.webSocket.enabled).toBe(false);
    expect(c.providers.coinbase_api?.api).toMatchObject({ interval: 100, atomic: false });
    expect(c.providers.kraken_api?.api).toMatchObject({ interval: 600, atomic: true });
  });

  it('carries the spec values for WebSocket providers', () => {
    expect(c.providers.okx_ws?.webSocket).toMatchObject({
      enabled: true, maxSubscriptionsPerBatch: 25, maxSubscriptionsPerConnection: 200, readTimeout: 15_000, writeInterval: 100,
    });
    expect(c.providers.okx_ws?.webSocket.endpoints[0]?.url).toBe('wss://wsaws.okx.com:8443/ws/v5/public');
    expect(c.providers.binance_ws?.webSocket).toMatchObject({ handshakeTimeout: 20_000, writeInterval: 300, maxSubscriptionsPerBatch: 50, maxSubscriptionsPerConnection: 200 });
    expect(c.providers.kucoin_ws?.webSocket).toMatchObject({ pingInterval: 10_000, writeInterval: 200, maxSubscriptionsPerBatch: 100, maxSubscriptionsPerConnection: 200 });
    expect(c.providers.coinbase_ws?.webSocket).toMatchObject({
      maxBufferSize: 1024, reconnectionTimeout: 10_000, postConnectionTimeout: 1000, handshakeTimeout: 10_000,
      readTimeout: 10_000, writeTimeout: 5000, pingInterval: 0, writeInterval: 200, maxReadErrorCount: 100, maxSubscriptionsPerBatch: 50,
    });
    expect(c.providers.okx_ws?.api.enabled).toBe(false);
  });

  it('carries the spec values for marketmap_api (gRPC, every 10 s, 20 s timeout)', () => {
    expect(c.providers.marketmap_api?.api).toMatchObject({ enabled: true, interval: 10_000, timeout: 20_000, atomic: true, maxQueries: 1, batchSize: 0 });
    expect(c.providers.marketmap_api?.api.endpoints).toEqual([{ url: 'localhost:9090', authentication: { apiKey: '', apiKeyHeader: '' } }]);
    expect(c.providers.marketmap_api?.webSocket.enabled).toBe(false);
  });

  it('returns fresh copies (no shared state between loads)', () => {
    const a = load();
    a.providers.binance_api?.api.endpoints.push({ url: 'x', authentication: { apiKey: '', apiKeyHeader: '' } });
    expect(load().providers.binance_api?.api.endpoints).toHaveLength(1);
  });
});

describe('oracle.json merge', () => {
  it('merges objects recursively', () => {
    const c = load({ providers: { binance_api: { api: { interval: '1s' } } } });
    expect(c.providers.binance_api?.api.interval).toBe(1000);
    expect(c.providers.binance_api?.api.timeout).toBe(3000);
    expect(c.providers.binance_api?.api.endpoints).toHaveLength(1);
    expect(c.updateInterval).toBe(250);
  });

  it('replaces arrays and fills missing endpoint fields with empty strings', () => {
    const c = load({ providers: { coinbase_api: { api: { endpoints: [{ url: 'http://a/%s' }, { url: 'http://b/%s' }] } } } });
    expect(c.providers.coinbase_api?.api.endpoints).toEqual([
      { url: 'http://a/%s', authentication: { apiKey: '', apiKeyHeader: '' } },
      { url: 'http://b/%s', authentication: { apiKey: '', apiKeyHeader: '' } },
    ]);
  });

  it('accepts durations as strings or integer nanoseconds everywhere', () => {
    const c = load({
      updateInterval: 500_000_000, maxPriceAge: '1m30s',
      providers: { okx_ws: { webSocket: { pingInterval: '15s', writeInterval: 2_000_000_000, readTimeout: '1.5s' } } },
    });
    expect([c.updateInterval, c.maxPriceAge]).toEqual([500, 90_000]);
    expect(c.providers.okx_ws?.webSocket).toMatchObject({ pingInterval: 15_000, writeInterval: 2000, readTimeout: 1500 });
  });

  it('matches keys case-insensitively and lower-cases provider keys', () => {
    const c = load({ UPDATEINTERVAL: '1s', Metrics: { PrometheusServerAddress: '127.0.0.1:9000' }, Providers: { BINANCE_API: { API: { Interval: '2s' } } } });
    expect(c.updateInterval).toBe(1000);
    expect(c.metrics.prometheusServerAddress).toBe('127.0.0.1:9000');
    expect(c.providers.binance_api?.api.interval).toBe(2000);
    expect(c.providers.BINANCE_API).toBeUndefined();
  });

  it('loads the spec example: applies marketmap_api and raydium_api, ignores overrides of connect providers it lacks with a warning', () => {
    const warnings: string[] = [];
    const c = loadOracleConfig({ priceProviders: exchangeProviderConfigs(), path: 'test/fixtures/config/oracle-example.json', env: {}, flags: {}, warn: (m) => warnings.push(m) });
    expect(c.providers.coinbase_api?.api.interval).toBe(200);
    expect(c.maxPriceAge).toBe(120_000);
    expect(c.providers.marketmap_api?.api.endpoints.map((e) => e.url)).toEqual(['mynode:9090']);
    expect(c.providers.marketmap_api?.api.interval).toBe(10_000);
    expect(c.providers.raydium_api?.api.endpoints).toEqual([{ url: 'https://solana.example', authentication: { apiKeyHeader: 'x-api-key', apiKey: 'KEY' } }]);
    expect(c.providers.raydium_api?.api.batchSize).toBe(25);
    expect(c.providers['volatile-exchange-provider']).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('providers.volatile-exchange-provider: connect provider not implemented');
    expect(warnings.join('\n')).not.toContain('KEY"');
  });

  it('keeps a new provider that carries its name and a full valid config', () => {
    const c = load({ providers: { My_Ex: { name: 'my_ex', type: 'price_provider', api: {
      enabled: true, name: 'my_ex', timeout: '1s', interval: '1s', reconnectTimeout: '1s', maxQueries: 1, endpoints: [{ url: 'http://x' }],
    } } } });
    expect(c.providers.my_ex?.api).toMatchObject({ enabled: true, timeout: 1000, maxQueries: 1 });
    expect(c.providers.my_ex?.webSocket.enabled).toBe(false);
  });

  it('accepts disabling metrics with an empty address and ignores telemetry', () => {
    const c = load({ metrics: { enabled: false, prometheusServerAddress: '', telemetry: { disabled: false, pushAddress: '' } } });
    expect(c.metrics.enabled).toBe(false);
  });
});

const provider = (name: string, block: object) => ({ providers: { [name]: block } });

/** [description, file content, expected substring]. */
const INVALID: [string, unknown, string][] = [
  ['unknown nested key', provider('binance_api', { api: { intervl: '1s' } }), 'providers.binance_api.api.intervl: unknown key'],
  ['unknown top-level key', { updateIntervall: '1s' }, 'updateIntervall: unknown key'],
  ['unknown endpoint key', provider('coinbase_api', { api: { endpoints: [{ uri: 'x' }] } }), 'providers.coinbase_api.api.endpoints[0].uri: unknown key'],
  ['bad duration string', { updateInterval: 'fast' }, 'updateInterval: invalid duration "fast"'],
  ['fractional nanoseconds', { maxPriceAge: 1.5 }, 'maxPriceAge: invalid duration 1.5'],
  ['zero update interval', { updateInterval: 0 }, 'updateInterval: must be > 0'],
  ['negative max price age', { maxPriceAge: '-1s' }, 'maxPriceAge: must be > 0'],
  ['unknown provider without name', provider('foo', { api: { enabled: true } }), 'providers.foo: overridden key does not correspond to a known provider'],
  ['both transports enabled', provider('binance_api', { webSocket: { enabled: true } }), 'providers.binance_api: exactly one of api.enabled and webSocket.enabled must be true (both are)'],
  ['no transport enabled', provider('binance_api', { api: { enabled: false } }), 'providers.binance_api: exactly one of api.enabled and webSocket.enabled must be true (neither is)'],
  ['api name mismatch', provider('binance_api', { api: { name: 'binance' } }), 'providers.binance_api.api.name: must equal the provider name "binance_api"'],
  ['websocket name empty', provider('okx_ws', { webSocket: { name: '' } }), 'providers.okx_ws.webSocket.name: must not be empty'],
  ['batchSize with atomic', provider('binance_api', { api: { batchSize: 5 } }), 'providers.binance_api.api.batchSize: must be 0 when atomic, got 5'],
  ['maxQueries zero', provider('kraken_api', { api: { maxQueries: 0 } }), 'providers.kraken_api.api.maxQueries: must be >= 1, got 0'],
  ['api timeout zero', provider('kraken_api', { api: { timeout: '0s' } }), 'providers.kraken_api.api.timeout: must be > 0'],
  ['negative maxBlockHeightAge', provider('kraken_api', { api: { maxBlockHeightAge: '-1s' } }), 'providers.kraken_api.api.maxBlockHeightAge: must be >= 0'],
  ['no endpoints', provider('coinbase_api', { api: { endpoints: [] } }), 'providers.coinbase_api.api.endpoints: must have at least one endpoint'],
  ['empty endpoint url', provider('coinbase_api', { api: { endpoints: [{ url: '' }] } }), 'providers.coinbase_api.api.endpoints[0].url: must not be empty'],
  ['half authentication', provider('coinbase_api', { api: { endpoints: [{ url: 'http://x', authentication: { apiKeyHeader: 'X-Key' } }] } }),
    'providers.coinbase_api.api.endpoints[0].authentication: apiKey and apiKeyHeader must be both set or both empty'],
  ['unknown provider type', provider('okx_ws', { type: 'oracle' }), 'providers.okx_ws.type: must be one of price_provider, market_map_provider, got "oracle"'],
  ['subscriptions per batch zero', provider('okx_ws', { webSocket: { maxSubscriptionsPerBatch: 0 } }), 'providers.okx_ws.webSocket.maxSubscriptionsPerBatch: must be >= 1, got 0'],
  ['buffer size zero', provider('okx_ws', { webSocket: { maxBufferSize: 0 } }), 'providers.okx_ws.webSocket.maxBufferSize: must be >= 1, got 0'],
  ['read timeout zero', provider('okx_ws', { webSocket: { readTimeout: 0 } }), 'providers.okx_ws.webSocket.readTimeout: must be > 0'],
  ['negative ping interval', provider('okx_ws', { webSocket: { pingInterval: '-1s' } }), 'providers.okx_ws.webSocket.pingInterval: must be >= 0'],
  ['negative subscriptions per connection', provider('okx_ws', { webSocket: { maxSubscriptionsPerConnection: -1 } }), 'providers.okx_ws.webSocket.maxSubscriptionsPerConnection: must be >= 0'],
  ['metrics address without port', { metrics: { prometheusServerAddress: '0.0.0.0' } }, 'metrics.prometheusServerAddress: must be host:port'],
  ['metrics address without host', { metrics: { prometheusServerAddress: ':8002' } }, 'metrics.prometheusServerAddress: must be host:port'],
  ['metrics address empty', { metrics: { prometheusServerAddress: '' } }, 'metrics.prometheusServerAddress: must not be empty when metrics are enabled'],
  ['empty host', { host: '' }, 'host: must not be empty'],
  ['empty port', { port: '' }, 'port: must not be empty'],
  ['boolean of wrong type', { metrics: { enabled: 'yes' } }, 'metrics.enabled: must be a boolean (true or false), got "yes"'],
  ['integer of wrong type', provider('kraken_api', { api: { maxQueries: 'many' } }), 'providers.kraken_api.api.maxQueries: must be an integer, got "many"'],
  ['string of wrong type', { port: 8080 }, 'port: must be a string, got 8080'],
  ['endpoints not a list', provider('kraken_api', { api: { endpoints: { url: 'x' } } }), 'providers.kraken_api.api.endpoints: must be a list of endpoints'],
  ['providers not an object', { providers: [] }, 'providers: must be an object'],
  ['document not an object', [1], 'must be an object'],
  ['JSON syntax error', '{"host": "x",}', 'invalid JSON'],
  ['incomplete new provider', provider('my_ex', { name: 'my_ex', type: 'price_provider', api: { enabled: true, name: 'my_ex' } }),
    'providers.my_ex.api.timeout: must be > 0, got 0'],
];

describe('invalid oracle.json', () => {
  it.each(INVALID)('%s', (_name, content, expected) => {
    const err = failure(content);
    expect(err.message).toContain(expected);
    expect(err.problems.some((p) => p.includes(expected) && /\(file .*oracle-\d+\.json\)$/.test(p))).toBe(true);
  });

  it('reports a missing file', () => {
    expect(() => loadOracleConfig({ priceProviders: exchangeProviderConfigs(), path: join(dir, 'nope.json'), env: {}, flags: {} })).toThrow(/cannot read oracle config.*nope\.json/s);
  });

  it('lists every problem, one per line', () => {
    const err = failure({ updateInterval: 0, providers: { binance_api: { api: { maxQueries: 0, bogus: 1 } } } });
    expect(err.problems).toHaveLength(3);
    expect(err.message.split('\n').slice(1)).toEqual(err.problems.map((p) => `  - ${p}`));
    expect(err.message).toContain('updateInterval: must be > 0');
    expect(err.message).toContain('providers.binance_api.api.maxQueries: must be >= 1');
    expect(err.message).toContain('providers.binance_api.api.bogus: unknown key');
  });

  it('never prints an apiKey value', () => {
    const secret = 'SUPERSECRET-123456';
    const err = failure(provider('coinbase_api', { api: { endpoints: [
      { url: '', authentication: { apiKey: secret } },
      { url: 'http://x', authentication: { apiKey: 424242, apiKeyHeader: 'X-Key' } },
    ] } }));
    expect(err.message).toContain('endpoints[0].authentication: apiKey and apiKeyHeader must be both set');
    expect(err.message).toContain('endpoints[1].authentication.apiKey: must be a string, got <redacted>');
    expect(err.message).not.toContain(secret);
    expect(err.message).not.toContain('424242');
  });
});
