/**
 * The operator's view, end to end: the built daemon on the simulator answers GET /status on its
 * metrics port with the prices the chain gets and why the rest are missing, and the
 * `oracle-sidecar status` command prints it, with its exit codes, as an operator runs it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import type { MarketStatus, StatusReport } from '../../src/status/types.js';
import { ROOT, freePort, runCli, startDaemon, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/metrics.js';

const base = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as { markets: Record<string, unknown> };
/** market.json plus a market only a provider this version lacks can price. */
const market = {
  markets: {
    ...base.markets,
    'FOO/USD': {
      ticker: { currency_pair: { Base: 'FOO', Quote: 'USD' }, decimals: 6, min_provider_count: 1, enabled: true, metadata_JSON: '' },
      provider_configs: [{ name: 'nowhere_api', off_chain_ticker: 'FOO-USD', normalize_by_pair: null, invert: false, metadata_JSON: '' }],
    },
  },
};
const MARKETS = Object.keys(market.markets).length;
let sim: Simulator;
let daemon: Daemon;

const status = async (query = ''): Promise<StatusReport> => (await (await fetch(`${daemon.metricsUrl}/status${query}`)).json()) as StatusReport;
const one = async (id: string): Promise<MarketStatus> => (await status(`?market=${encodeURIComponent(id)}`)).markets[0] as MarketStatus;
const cli = (...args: string[]) => runCli(['status', '--url', daemon.metricsUrl, ...args]);

async function fault(exchange: string, f: object): Promise<void> {
  const res = await fetch(`${sim.controlUrl}/fault`, { method: 'POST', body: JSON.stringify({ exchange, fault: f }), headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 16 });
  daemon = await startDaemon({ ...sim.oracleOverride(), updateInterval: '100ms', maxPriceAge: '3s' }, market);
  await waitFor(async () => (await status()).summary.served === MARKETS - 1, 20_000, 100);
});

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('GET /status', () => {
  it('lists every market of the map; the served ones with the price /prices serves at the same tick', async () => {
    const r = await status();
    expect(r.markets.map((m) => m.market).sort()).toEqual(Object.keys(market.markets).sort());
    expect(r.summary).toMatchObject({ markets: MARKETS, enabled: MARKETS, served: MARKETS - 1, not_served: ['FOO/USD'] });
    // /status and /prices are two requests: retry until both show the same tick.
    await waitFor(async () => {
      const [s, p] = await Promise.all([status(), fetch(`${daemon.apiUrl}/connect/oracle/v2/prices`).then((x) => x.json() as Promise<{ prices: Record<string, string>; timestamp: string }>)]);
      if (s.tick !== p.timestamp) return false;
      for (const m of s.markets) expect(m.price ?? undefined).toBe(p.prices[m.market]);
      return true;
    }, 10_000, 10);
  });

  it('a market no provider here can price is unsupported, its feed unavailable with the reason', async () => {
    const foo = await one('FOO/USD');
    expect(foo).toMatchObject({ state: 'unsupported', price: null, providers_used: 0 });
    expect(foo.feeds[0]).toMatchObject({ provider: 'nowhere_api', state: 'excluded', reason: 'provider_unavailable', detail: 'not_implemented' });
  });

  it('a provider answering HTTP 500: its feed turns stale, then excluded with error 500; the provider is failing', async () => {
    await fault('kraken_api', { mode: 'status', status: 500 });
    try {
      const kraken = await waitFor(async () => {
        const f = (await one('BTC/USD')).feeds.find((x) => x.provider === 'kraken_api');
        return f?.reason === 'error' ? f : undefined;
      }, 15_000, 100);
      expect(kraken).toMatchObject({ state: 'excluded', detail: '500: unknown error' });
      expect(kraken?.error?.code).toBe(500);
      expect(kraken?.quote_age_seconds).toBeGreaterThan(3);
      const btc = await one('BTC/USD');
      expect(btc.state).toBe('served');
      expect((await status('?market=BTC/USD')).providers.find((p) => p.name === 'kraken_api')).toMatchObject({ state: 'failing', last_error: { code: 500 } });
    } finally {
      await fault('kraken_api', { mode: 'none' });
    }
    await waitFor(async () => (await one('BTC/USD')).feeds.find((x) => x.provider === 'kraken_api')?.state === 'used', 10_000, 100);
  });

  it('a WebSocket provider that cannot connect is down, with its connections', async () => {
    expect((await status()).providers.find((p) => p.name === 'okx_ws')).toMatchObject({ state: 'up', connections: { healthy: 1, configured: 1 } });
    await fault('okx_ws', { mode: 'refuse' });
    try {
      const okx = await waitFor(async () => (await status()).providers.find((p) => p.name === 'okx_ws' && p.state === 'down'), 15_000, 100);
      expect(okx).toMatchObject({ transport: 'websockets', connections: { healthy: 0, configured: 1 } });
    } finally {
      await fault('okx_ws', { mode: 'none' });
    }
  });

  it('HEAD answers the headers alone; /status is not counted as a scrape', async () => {
    const scrapes = async () => Number(/promhttp_metric_handler_requests_total\{code="200"\} (\d+)/.exec(await (await fetch(`${daemon.metricsUrl}/metrics`)).text())?.[1]);
    const before = await scrapes();
    const head = await fetch(`${daemon.metricsUrl}/status`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/json');
    expect(await head.text()).toBe('');
    await status();
    expect(await scrapes()).toBe(before + 1);
  });

  it('an unknown market is a 404 naming it', async () => {
    const res = await fetch(`${daemon.metricsUrl}/status?market=NOPE/USD`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'market NOPE/USD is not in the market map', market: 'NOPE/USD' });
  });
});

describe('oracle-sidecar status', () => {
  it('prints a table of every market and provider; exit 3 while a market is not served', async () => {
    const r = await cli();
    expect(r.code).toBe(3);
    const lines = r.stdout.split('\n');
    for (const id of Object.keys(market.markets)) expect(lines.some((l) => l.startsWith(`${id} `))).toBe(true);
    expect(lines.find((l) => l.startsWith('FOO/USD'))).toMatch(/unsupported\s+-\s+6\s+0\/1 \(min 1\)\s+1 excluded: nowhere_api: provider_unavailable/);
    expect(r.stdout).toContain(`${MARKETS - 1} of ${MARKETS} enabled markets served`);
    expect(lines.some((l) => /^coinbase_ws\s+websockets\s+up\s+1\/1/.test(l))).toBe(true);
  });

  it('prints one market as a tree; exit 0 when it is served', async () => {
    const r = await cli('BTC/USD');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/BTC\/USD {2}served: price \d+ \(decimals 5\), tick/);
    expect(r.stdout).toMatch(/└─ median [\d.]+…? ← \d+ of \d+ feeds priced/);
    expect(r.stdout).toMatch(/├─ used\s+binance_ws\s+BTCUSDT/);
    expect(r.stdout).toMatch(/└─ quote [\d.]+…?, [\d.]+ s old at the tick → × USDT\/USD [\d.]+…? → = [\d.]+/);
  });

  it('--json prints the answer as it came', async () => {
    const r = await cli('--json', 'eth/usd');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as StatusReport).markets.map((m) => m.market)).toEqual(['ETH/USD']);
  });

  it('exit 3 naming a market the map lacks; 1 when nothing answers; 2 on a bad flag', async () => {
    const unknown = await cli('XYZ/USD');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('market XYZ/USD is not in the market map');
    const closed = await runCli(['status', '--url', `http://127.0.0.1:${await freePort()}`]);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/cannot reach the side-car at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    const wrongPort = await runCli(['status', '--url', daemon.apiUrl]);
    expect(wrongPort.code).toBe(1);
    expect(wrongPort.stderr).toContain('without a status report');
    const bad = await runCli(['status', '--nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown flag --nope');
  });

  it('runs under connect\'s binary name too, and never prints the credentials of --url', async () => {
    const r = await runCli(['connect', 'status', '--url', `http://user:s3cret@127.0.0.1:${await freePort()}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('s3cret');
  });
});
