/**
 * Validate mode and the start-up support summary, in the built daemon against the simulator.
 * The validate runs go concurrently (each serves for 6 s): a healthy map passes; a market whose
 * only provider is faulted, one whose only provider is not implemented, and an empty map fail,
 * named; a SIGTERM during validation is not a pass.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { parseExposition, runCli, startDaemon, tempFile, type Daemon } from '../helpers/daemon.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { waitFor } from '../helpers/metrics.js';

type Run = Awaited<ReturnType<typeof runCli>>;

let sim: Simulator;
let oracle: object;

const healthy = marketMap(
  market('BTC/USD', 5, 1, [feed('coinbase_api', 'BTC-USD'), feed('coinbase_ws', 'BTC-USD')]),
  market('ETH/USD', 6, 1, [feed('coinbase_api', 'ETH-USD')]),
);
/** ETH/USD's only provider, kraken_api, answers HTTP 500 throughout. */
const faulted = marketMap(
  market('BTC/USD', 5, 1, [feed('coinbase_api', 'BTC-USD')]),
  market('ETH/USD', 6, 1, [feed('kraken_api', 'XETHZUSD')]),
);
const withRaydium = marketMap(
  market('BTC/USD', 5, 1, [feed('coinbase_api', 'BTC-USD'), feed('volatile-exchange-provider', 'BTC')]),
  market('RAY/USD', 8, 1, [feed('volatile-exchange-provider', 'RAY')]),
  market('SOL/USD', 8, 1, [feed('volatile-exchange-provider', 'SOL')]),
);

function validate(map: object, extra: string[] = []): Promise<Run> {
  return runCli([
    '--oracle-config', tempFile('oracle.json', oracle),
    '--market-config-path', tempFile('market.json', map),
    '--host', '127.0.0.1', '--port', '0', '--metrics-prometheus-address', '127.0.0.1:0',
    '--mode', 'validate', '--validation-period', '6s',
    ...extra,
  ]);
}

/** The stdout lines that are not JSON log lines: the report. */
const report = (r: Run) => r.stdout.split('\n').filter((l) => !l.startsWith('{')).join('\n');
const logLines = (out: string) => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

let runs: { healthy: Run; faulted: Run; unimplemented: Run; empty: Run };

beforeAll(async () => {
  sim = await startSimulator({ seed: 12 });
  oracle = { ...sim.oracleOverride(), updateInterval: '100ms' };
  sim.setFault('kraken_api', { mode: 'status', status: 500 });
  const [h, f, r, e] = await Promise.all([
    validate(healthy),
    // Metrics disabled: validation reads the side-car's own state, so it still fails (connect passes).
    validate(faulted, ['--metrics-enabled=false']),
    validate(withRaydium),
    validate({ markets: {} }),
  ]);
  runs = { healthy: h as Run, faulted: f as Run, unimplemented: r as Run, empty: e as Run };
}, 60_000);

afterAll(async () => {
  await sim?.close();
});

describe('--mode validate', () => {
  it('passes (exit 0) on a healthy map and lists every market and provider', () => {
    const r = runs.healthy;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const text = report(r);
    expect(text).toContain('burn-in 1.2s');
    expect(text).toMatch(/^RESULT: PASS$/m);
    // 6 s at 100 ms, less the 1.2 s burn-in: about 48 evaluated ticks.
    const btc = /^BTC\/USD\s+(\d+)\/(\d+)\s+100\.00%/m.exec(text);
    expect(Number(btc?.[2])).toBeGreaterThanOrEqual(40);
    expect(text).toMatch(/^ETH\/USD\s+\d+\/\d+\s+100\.00%/m);
    expect(text).toMatch(/^coinbase_api\s+2\s+live\s+\d+/m);
    expect(text).toMatch(/^coinbase_ws\s+1\s+live\s+\d+/m);
    expect(logLines(r.stdout).some((l) => l.msg === 'validation passed')).toBe(true);
  });

  it('fails (exit 1) naming the market whose only provider is faulted, with its error code, metrics disabled', () => {
    const r = runs.faulted;
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const text = report(r);
    expect(text).toMatch(/^RESULT: FAIL: 1 of 2 enabled markets were served in less than 99% of ticks: ETH\/USD$/m);
    expect(text).toMatch(/^ETH\/USD\s+0\/\d+\s+0\.00%.*FAIL$/m);
    expect(text).toMatch(/^BTC\/USD\s+\d+\/\d+\s+100\.00%.*ok$/m);
    expect(text).toMatch(/^kraken_api\s+1\s+failing\s+0\s+500 ×\d+$/m);
    expect(text).toMatch(/^FAILED: ETH\/USD$/m);
  });

  it('fails naming the markets that reference only an unimplemented provider', () => {
    const r = runs.unimplemented;
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const text = report(r);
    expect(text).toMatch(/^RAY\/USD\s+0\/\d+.*FAIL: can never reach min_provider_count \(0 of 1 providers can run\)$/m);
    expect(text).toMatch(/^volatile-exchange-provider\s+3\s+cannot run: not implemented in this version/m);
    expect(text).toMatch(/^FAILED: RAY\/USD, SOL\/USD$/m);
  });

  it('fails on an empty market map (connect passes it)', () => {
    const r = runs.empty;
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(report(r)).toContain('RESULT: FAIL: no enabled market was evaluated');
  });

  it('does not pass when SIGTERM arrives during validation', async () => {
    const d = await startDaemon(oracle, healthy, ['--mode', 'validate', '--validation-period', '1m']);
    await waitFor(() => d.stdout().includes('validation started'), 10_000);
    const code = await d.stop('SIGTERM');
    expect(code).toBe(1);
    expect(d.stdout()).toContain('RESULT: FAIL: interrupted by SIGTERM before the validation period ended');
  });
});

describe('start-up support summary', () => {
  let daemon: Daemon;
  const scrape = async () => parseExposition(await (await fetch(`${daemon.metricsUrl}/metrics`)).text());

  beforeAll(async () => {
    daemon = await startDaemon(oracle, withRaydium);
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('logs one summary line with lists, exports the unsupported markets and lists them in /readyz', async () => {
    const summaries = logLines(daemon.stdout()).filter((l) => l.module === 'support');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      level: 'warn',
      providers_not_implemented: ['volatile-exchange-provider'],
      unsupported_markets: ['RAY/USD', 'SOL/USD'],
      msg: 'market map: 1 referenced provider(s) cannot run here; 2 enabled market(s) can never reach min_provider_count',
    });
    // Nothing else warns about volatile-exchange-provider, per provider config or per provider.
    expect(logLines(daemon.stdout()).filter((l) => l.level === 'warn' && JSON.stringify(l).includes('volatile-exchange-provider'))).toHaveLength(1);
    const unsupported = (await scrape()).get('side_car_market_unsupported')?.samples.map((s) => s.labels.id);
    expect(unsupported).toEqual(['ray/usd', 'sol/usd']);
    expect((await scrape()).get('side_car_provider_unavailable')?.samples).toEqual([
      { name: 'side_car_provider_unavailable', labels: { provider: 'volatile-exchange-provider', reason: 'not_implemented' }, value: 1 },
    ]);
    await waitFor(async () => (await fetch(`${daemon.metricsUrl}/readyz`)).status === 200, 10_000);
    const body = (await (await fetch(`${daemon.metricsUrl}/readyz`)).json()) as { markets_unsupported: string[] };
    expect(body.markets_unsupported).toEqual(['RAY/USD', 'SOL/USD']);
  });

  it('logs the summary again after a market-map change and removes series of markets that left the set', async () => {
    writeFileSync(daemon.marketPath, JSON.stringify(marketMap(
      market('BTC/USD', 5, 1, [feed('coinbase_api', 'BTC-USD'), feed('volatile-exchange-provider', 'BTC')]),
      market('SOL/USD', 8, 1, [feed('volatile-exchange-provider', 'SOL')]),
    )));
    await waitFor(() => logLines(daemon.stdout()).filter((l) => l.module === 'support').length === 2, 5_000, 50);
    expect(logLines(daemon.stdout()).filter((l) => l.module === 'support')[1]).toMatchObject({ unsupported_markets: ['SOL/USD'] });
    expect((await scrape()).get('side_car_market_unsupported')?.samples.map((s) => s.labels.id)).toEqual(['sol/usd']);
  });
});
