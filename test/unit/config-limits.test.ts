/**
 * The configuration's limits (src/config/limits.ts): duration bounds, listen addresses, file
 * kinds and sizes, endpoint placeholders, market keys. Every bad value is a ConfigError that
 * names the key and where the value came from; every documented good value still loads.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliOverrides } from '../../src/config/cli.js';
import { parseCli } from '../../src/config/cli.js';
import { ConfigError } from '../../src/config/errors.js';
import { MAX_CONFIG_FILE_BYTES } from '../../src/config/limits.js';
import { loadMarketMap, parseMarketMap } from '../../src/config/market-map.js';
import { loadOracleConfig } from '../../src/config/oracle-config.js';
import { readConfigFile } from '../../src/config/read-file.js';
import type { OracleConfig } from '../../src/config/types.js';
import { exchangeProviderConfigs } from '../../src/exchanges/config.js';

const dir = mkdtempSync(join(tmpdir(), 'config-limits-'));
let n = 0;
const fresh = (name: string) => join(dir, `${n++}-${name}`);

function jsonFile(content: unknown): string {
  const path = fresh('oracle.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

interface Layers { file?: unknown; env?: Record<string, string>; flags?: CliOverrides }

function load(l: Layers = {}): OracleConfig {
  const path = l.file === undefined ? undefined : jsonFile(l.file);
  return loadOracleConfig({ priceProviders: exchangeProviderConfigs(), path, env: l.env ?? {}, flags: l.flags ?? {} });
}

function problems(l: Layers): string[] {
  try {
    load(l);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const P = 'CONNECT_CONFIG_';
const FILE = /\(file .*oracle\.json\)$/;

describe('durations: upper bound 24h for every key, from every source', () => {
  it.each([
    ['updateInterval', { updateInterval: '1000h' }],
    ['maxPriceAge', { maxPriceAge: '25h' }],
    ['providers.kraken_api.api.interval', { providers: { kraken_api: { api: { interval: '1000h' } } } }],
    ['providers.kraken_api.api.timeout', { providers: { kraken_api: { api: { timeout: '1000h' } } } }],
    ['providers.kraken_api.api.reconnectTimeout', { providers: { kraken_api: { api: { reconnectTimeout: '24h0m0.001s' } } } }],
    ['providers.raydium_api.api.maxBlockHeightAge', { providers: { raydium_api: { api: { maxBlockHeightAge: 90_000_000_000_000 } } } }],
    ['providers.okx_ws.webSocket.readTimeout', { providers: { okx_ws: { webSocket: { readTimeout: '9999999999h' } } } }],
    ['providers.okx_ws.webSocket.pingInterval', { providers: { okx_ws: { webSocket: { pingInterval: '48h' } } } }],
    ['providers.okx_ws.webSocket.writeInterval', { providers: { okx_ws: { webSocket: { writeInterval: '48h' } } } }],
    ['providers.okx_ws.webSocket.postConnectionTimeout', { providers: { okx_ws: { webSocket: { postConnectionTimeout: '48h' } } } }],
    ['providers.okx_ws.webSocket.reconnectionTimeout', { providers: { okx_ws: { webSocket: { reconnectionTimeout: '48h' } } } }],
    ['providers.okx_ws.webSocket.handshakeTimeout', { providers: { okx_ws: { webSocket: { handshakeTimeout: '48h' } } } }],
    ['providers.okx_ws.webSocket.writeTimeout', { providers: { okx_ws: { webSocket: { writeTimeout: '48h' } } } }],
  ])('%s from the file', (key, file) => {
    const list = problems({ file });
    expect(list).toHaveLength(1);
    expect(list[0]).toContain(`${key}: must be at most 24h (86400000 ms)`);
    expect(list[0]).toMatch(FILE);
  });

  it('names the variable and the flag', () => {
    const list = problems({ env: { [`${P}PROVIDERS_KRAKEN_API_API_INTERVAL`]: '1000h' }, flags: { updateInterval: '1000h' } });
    expect(list).toContain(`providers.kraken_api.api.interval: must be at most 24h (86400000 ms), got "1000h" (env ${P}PROVIDERS_KRAKEN_API_API_INTERVAL)`);
    expect(list).toContain('updateInterval: must be at most 24h (86400000 ms), got "1000h" (flag --update-interval)');
  });

  it('rejects a duration too long to be a number', () => {
    expect(problems({ file: { maxPriceAge: `${'9'.repeat(400)}h` } })[0]).toContain('maxPriceAge: must be at most 24h');
  });

  it('accepts exactly 24h', () => {
    expect(load({ file: { maxPriceAge: '24h' } }).maxPriceAge).toBe(86_400_000);
  });

  it('bounds --validation-period', () => {
    expect(() => parseCli(['--validation-period', '25h'])).toThrow('--validation-period: must be at most 24h, got "25h"');
    expect(parseCli(['--validation-period', '24h']).validationPeriodMs).toBe(86_400_000);
  });
});

describe('durations: lower bounds of periods (10ms) and timeouts (1ms)', () => {
  it.each([
    ['updateInterval', { updateInterval: '1ns' }, 'must be at least 10ms, got 0.000001ms'],
    ['providers.kraken_api.api.interval', { providers: { kraken_api: { api: { interval: '9ms' } } } }, 'must be at least 10ms, got 9ms'],
    ['providers.kraken_api.api.reconnectTimeout', { providers: { kraken_api: { api: { reconnectTimeout: '1us' } } } }, 'must be at least 10ms'],
    ['providers.kraken_api.api.timeout', { providers: { kraken_api: { api: { timeout: '500us' } } } }, 'must be at least 1ms, got 0.5ms'],
    ['providers.okx_ws.webSocket.pingInterval', { providers: { okx_ws: { webSocket: { pingInterval: '1ms' } } } }, 'must be at least 10ms'],
    ['providers.okx_ws.webSocket.reconnectionTimeout', { providers: { okx_ws: { webSocket: { reconnectionTimeout: '1ns' } } } }, 'must be at least 10ms'],
    ['providers.okx_ws.webSocket.readTimeout', { providers: { okx_ws: { webSocket: { readTimeout: '10us' } } } }, 'must be at least 1ms'],
  ])('%s', (key, file, message) => {
    const list = problems({ file });
    expect(list).toHaveLength(1);
    expect(list[0]).toContain(`${key}: ${message}`);
    expect(list[0]).toMatch(FILE);
  });

  it('names the variable', () => {
    expect(problems({ env: { [`${P}UPDATEINTERVAL`]: '1ns' } })).toEqual([`updateInterval: must be at least 10ms, got 0.000001ms (env ${P}UPDATEINTERVAL)`]);
  });

  it('keeps 0 where it means off, and the sign rules as they were', () => {
    expect(load({ file: { providers: { okx_ws: { webSocket: { pingInterval: '0s', writeInterval: '0', postConnectionTimeout: '0s' } } } } }).providers.okx_ws?.webSocket.pingInterval).toBe(0);
    expect(problems({ file: { updateInterval: '0s' } })).toEqual([expect.stringMatching(/^updateInterval: must be > 0, got 0ms/)]);
  });

  it("accepts every built-in default, connect's defaults and dYdX's documented values", () => {
    const c = load({ file: {
      updateInterval: '250ms', maxPriceAge: '2m',
      providers: {
        coinbase_api: { api: { interval: '100ms', timeout: '500ms' } },
        kraken_api: { api: { interval: '500ms', timeout: '3s', reconnectTimeout: '2s' } },
        okx_ws: { webSocket: { pingInterval: '15s', writeInterval: '100ms', readTimeout: '10s', reconnectionTimeout: '10s', handshakeTimeout: '45s' } },
        marketmap_api: { api: { interval: '10s', timeout: '20s' } },
      },
    } });
    expect(c.updateInterval).toBe(250);
    expect(c.providers.coinbase_api?.api.interval).toBe(100);
    expect(load({ flags: { updateInterval: '10ms' } }).updateInterval).toBe(10);
  });
});

describe('listen addresses', () => {
  it.each(['99999', 'http', '-1', '0x6f61', '1e3', ' 80', '080000', '65536'])('--port %j', (port) => {
    expect(problems({ flags: { port } })).toEqual([`port: must be a decimal port number from 0 to 65535, got ${JSON.stringify(port)} (flag --port)`]);
  });

  it.each(['0', '1', '8080', '65535', '00080'])('accepts --port %j', (port) => {
    expect(load({ flags: { port } }).port).toBe(port);
  });

  it('checks port, host and metrics address from the file and the environment', () => {
    expect(problems({ file: { port: '0x6f61' } })).toEqual([expect.stringMatching(/^port: must be a decimal port .*"0x6f61" \(file .*oracle\.json\)$/)]);
    expect(problems({ env: { [`${P}PORT`]: '99999' } })).toEqual([`port: must be a decimal port number from 0 to 65535, got "99999" (env ${P}PORT)`]);
    expect(problems({ file: { host: 'bad host' } })[0]).toMatch(/^host: must be a host name or an IP address, got "bad host" \(file /);
    expect(problems({ file: { host: '256.1.1.1' } })[0]).toMatch(/^host: must be a host name or an IP address, got "256.1.1.1" \(file /);
    expect(problems({ env: { [`${P}HOST`]: '[::1]' } })[0]).toContain('(an IPv6 address goes without brackets here)');
    const metrics = problems({ env: { [`${P}METRICS_PROMETHEUSSERVERADDRESS`]: '127.0.0.1:99999' } });
    expect(metrics).toEqual([`metrics.prometheusServerAddress: port must be a decimal port number from 0 to 65535, got "99999" (env ${P}METRICS_PROMETHEUSSERVERADDRESS)`]);
  });

  it.each([
    ['127.0.0.1:0x1f42', 'port must be a decimal port'],
    ['127.0.0.1:http', 'port must be a decimal port'],
    ['::1:8002', 'must be host:port (an IPv6 host in brackets'],
    ['[nope]:8002', 'must have an IPv6 address inside the brackets'],
    ['bad_host!:8002', 'host must be a host name or an IP address'],
    ['a:b:c', 'must be host:port'],
  ])('--metrics-prometheus-address %j', (address, message) => {
    const list = problems({ flags: { metricsPrometheusAddress: address } });
    expect(list).toHaveLength(1);
    expect(list[0]).toContain(`metrics.prometheusServerAddress: ${message}`);
    expect(list[0]).toMatch(/\(flag --metrics-prometheus-address\)$/);
  });

  it.each(['0.0.0.0:8002', '127.0.0.1:0', '[::1]:8002', '[::]:0', 'localhost:8002', 'metrics.internal.example:9100', 'my_service:80'])('accepts %j', (address) => {
    expect(load({ flags: { metricsPrometheusAddress: address } }).metrics.prometheusServerAddress).toBe(address);
  });

  it.each(['0.0.0.0', '::', '::1', 'localhost', 'sidecar-0.sidecar.oracle.svc.cluster.local', 'host.'])('accepts host %j', (host) => {
    expect(load({ flags: { host } }).host).toBe(host);
  });

  it('does not check the metrics address when metrics are off', () => {
    expect(load({ flags: { metricsEnabled: 'false', metricsPrometheusAddress: 'x:y:z' } }).metrics.enabled).toBe(false);
  });

  it('rejects a 10 MB host with a short message', () => {
    const list = problems({ file: { host: 'a'.repeat(10 * 1024 * 1024) } });
    expect(list).toEqual([expect.stringMatching(/^host: must be at most 253 characters, got 10485760 \(file /)]);
    const other = problems({ file: { port: 'x'.repeat(1_000_000) } });
    expect(other[0]?.length).toBeLessThan(300);
    expect(other[0]).toContain('(1000002 characters)');
  });
});

describe('endpoint templates keep the placeholders of the built-in ones', () => {
  it.each([
    ['kraken_api', 'https://proxy.example/kraken?key=SECRET-K', 1],
    ['binance_api', 'https://proxy.example/binance?symbols=%s&key=SECRET-B', 3],
    ['coinbase_api', 'https://user:SECRET-C@proxy.example/coinbase/spot', 1],
  ])('%s without them is rejected at load, the URL redacted', (name, url, want) => {
    const list = problems({ file: { providers: { [name]: { api: { endpoints: [{ url }] } } } } });
    expect(list).toHaveLength(1);
    expect(list[0]).toContain(`providers.${name}.api.endpoints[0].url: must contain ${want} "%s" placeholder(s)`);
    expect(list[0]).toMatch(FILE);
    expect(list[0]).not.toContain('SECRET');
  });

  it('names the variable of an endpoint URL', () => {
    const name = `${P}PROVIDERS_KRAKEN_API_API_ENDPOINTS_0_URL`;
    expect(problems({ env: { [name]: 'http://127.0.0.1:1/x' } })).toEqual([expect.stringMatching(new RegExp(`must contain 1 "%s".*\\(env ${name}\\)$`))]);
  });

  it('accepts the same count, and leaves templates without placeholders alone', () => {
    const c = load({ file: { providers: {
      kraken_api: { api: { endpoints: [{ url: 'http://127.0.0.1:1/0/public/Ticker?pair=%s' }, { url: 'http://backup/%s' }] } },
      bitstamp_api: { api: { endpoints: [{ url: 'http://127.0.0.1:2/api/v2/ticker/' }] } },
      okx_ws: { webSocket: { endpoints: [{ url: 'ws://127.0.0.1:3/ws' }] } },
    } } });
    expect(c.providers.kraken_api?.api.endpoints).toHaveLength(2);
  });

  it('does not check a disabled transport', () => {
    const c = load({ file: { providers: { kraken_api: { api: { enabled: false, endpoints: [{ url: 'http://x' }] }, webSocket: { enabled: true, name: 'kraken_api', endpoints: [{ url: 'ws://x' }] } } } } });
    expect(c.providers.kraken_api?.api.enabled).toBe(false);
  });
});

describe('configuration files: regular files of at most 64 MiB', () => {
  const fifo = () => {
    const path = fresh('fifo.json');
    execFileSync('mkfifo', [path]);
    return path;
  };
  const devZero = () => {
    const path = fresh('zero.json');
    symlinkSync('/dev/zero', path);
    return path;
  };
  const sparse = () => {
    const path = fresh('huge.json');
    writeFileSync(path, '');
    truncateSync(path, MAX_CONFIG_FILE_BYTES + 1);
    return path;
  };

  it('refuses a symlink to /dev/zero, a FIFO and a directory before reading', () => {
    expect(() => readConfigFile(devZero())).toThrow('not a regular file but a character device');
    expect(() => readConfigFile(fifo())).toThrow('not a regular file but a FIFO');
    const d = fresh('dir.json');
    mkdirSync(d);
    expect(() => readConfigFile(d)).toThrow('not a regular file but a directory');
  });

  it('refuses a file over the limit, and reads one at it', () => {
    expect(() => readConfigFile(sparse())).toThrow(`file too large: ${MAX_CONFIG_FILE_BYTES + 1} bytes, the limit is 64 MiB`);
    const small = fresh('small.json');
    writeFileSync(small, '{"a": "é"}');
    expect(readConfigFile(small, 11)).toBe('{"a": "é"}');
    expect(() => readConfigFile(small, 10)).toThrow('file too large: 11 bytes, the limit is 10 bytes');
  });

  it('follows a symlink to a regular file (Kubernetes ConfigMaps)', () => {
    const target = jsonFile({ updateInterval: '1s' });
    const link = fresh('link.json');
    symlinkSync(target, link);
    expect(loadOracleConfig({ priceProviders: exchangeProviderConfigs(), path: link, env: {}, flags: {} }).updateInterval).toBe(1000);
  });

  it.each([['/dev/zero', devZero, 'a character device'], ['a FIFO', fifo, 'a FIFO'], ['a sparse file', sparse, 'file too large']])(
    'oracle.json and market.json as %s: a ConfigError naming the file', (_name, make, message) => {
      const oracle = make();
      expect(() => loadOracleConfig({ priceProviders: exchangeProviderConfigs(), path: oracle, env: {}, flags: {} }))
        .toThrow(new RegExp(`cannot read oracle config: .*${message}.*\\(file ${oracle}\\)`));
      const market = make();
      expect(() => loadMarketMap(market)).toThrow(new RegExp(`cannot read market map: .*${message}.*\\(file ${market}\\)`));
    });
});

describe('market keys', () => {
  const btc = {
    ticker: { currency_pair: { Base: 'BTC', Quote: 'USD' }, decimals: 8, min_provider_count: 1, enabled: true },
    provider_configs: [{ name: 'kraken_api', off_chain_ticker: 'XXBTZUSD' }],
  };

  it.each(['__proto__', 'constructor', 'prototype', 'BTC-USD', 'btc/usd', ''])('rejects the key %j naming it', (key) => {
    const text = `{"markets": {${JSON.stringify(key)}: ${JSON.stringify(btc)}}}`;
    expect(() => parseMarketMap(JSON.parse(text), 'market.json'))
      .toThrow(`markets[${JSON.stringify(key)}]: key must equal the ticker's currency pair "BTC/USD" (market.json)`);
  });

  it('rejects "__proto__" beside a valid market, and never touches a prototype', () => {
    const text = `{"markets": {"BTC/USD": ${JSON.stringify(btc)}, "__proto__": ${JSON.stringify(btc)}}}`;
    expect(() => loadMarketMap(jsonFile(text))).toThrow('markets["__proto__"]');
    expect(({} as Record<string, unknown>).ticker).toBeUndefined();
  });

  it('rejects "__proto__" as a provider key of oracle.json', () => {
    const list = problems({ file: '{"providers": {"__proto__": {}}}' });
    expect(list).toEqual([expect.stringMatching(/^providers\.__proto__: not a usable provider key \(file /)]);
    expect(problems({ file: '{"providers": {"__proto__": {"name": "x", "type": "price_provider"}}}' })).toHaveLength(1);
  });
});
