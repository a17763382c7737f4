/** The built binary as an operator runs it: help, version, configuration errors, signals. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { ROOT, runCli, startDaemon, tempFile } from '../helpers/daemon.js';
import { waitFor } from '../helpers/metrics.js';

const market = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as object;
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('oracle-sidecar CLI', () => {
  it('lists every connect flag in --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--oracle-config', '--market-config-path', '--log-std-out-level', '--host', '--port', '--metrics-prometheus-address', '--update-interval', '--max-price-age', '--metrics-enabled']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('prints the version', async () => {
    const r = await runCli(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('exits non-zero listing every problem of both files with key paths and file names', async () => {
    const oracle = tempFile('oracle.json', { updateInterval: '0s', providers: { binance_api: { api: { intervl: '1s' } } } });
    const bad = JSON.parse(JSON.stringify(market)) as { markets: Record<string, { ticker: { decimals: number } }> };
    const btc = bad.markets['BTC/USD'];
    if (btc) btc.ticker.decimals = 40;
    const marketPath = tempFile('market.json', bad);
    const r = await runCli(['--oracle-config', oracle, '--market-config-path', marketPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('updateInterval');
    expect(r.stderr).toContain('providers.binance_api.api.intervl');
    expect(r.stderr).toContain(oracle);
    expect(r.stderr).toMatch(/markets\["BTC\/USD"\]\.ticker\.decimals/);
    expect(r.stderr).toContain(marketPath);
  });

  it('rejects an unknown flag and a bad environment variable', async () => {
    const flag = await runCli(['--market-config-path', join(ROOT, 'market.json'), '--no-such-flag']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--no-such-flag');
    const env = await runCli(['--market-config-path', join(ROOT, 'market.json')], { CONNECT_CONFIG_UPDATEINTERVAL: 'soon' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('CONNECT_CONFIG_UPDATEINTERVAL');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('exits 0 within 3 s of %s while streaming', async (signal) => {
    const sim = await startSimulator();
    try {
      const d = await startDaemon(sim.oracleOverride(), market);
      await waitFor(async () => Object.keys(((await (await fetch(`${d.apiUrl}/connect/oracle/v2/prices`)).json()) as { prices: object }).prices).length > 0, 15_000);
      const t0 = Date.now();
      const code = await d.stop(signal);
      expect(code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      await sim.close();
    }
  });

  it('writes JSON logs to stdout with nothing per message at info level', async () => {
    const sim = await startSimulator();
    try {
      const d = await startDaemon(sim.oracleOverride(), market);
      await new Promise((r) => setTimeout(r, 3000));
      await d.stop();
      const lines = d.stdout().trim().split('\n');
      for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
      // Start-up, one line per provider, price-set changes and shutdown: bounded, not per message.
      expect(lines.length).toBeLessThan(40);
      expect(lines.some((l) => (JSON.parse(l) as { msg: string }).msg === 'oracle side-car started')).toBe(true);
    } finally {
      await sim.close();
    }
  });
});
