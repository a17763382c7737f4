/**
 * `npm run demo` as a user runs it (the built dist/src/demo.js: the simulator plus the side-car),
 * on the top-level market.json and on config/examples/market-defi.json (a connect-format map in
 * dYdX's style: Uniswap and Raydium pools normalised by ETH/USD and SOL/USD beside exchanges):
 * every market is served and every feed of the map, DeFi pools included, delivers a price.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExposition, ROOT, spawnDaemon, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/metrics.js';

interface MarketFile {
  markets: Record<string, { ticker: { enabled: boolean }; provider_configs: Array<{ name: string; normalize_by_pair?: { Base: string; Quote: string } | null }> }>;
}

const DEFI = ['uniswapv3_api-ethereum', 'uniswapv3_api-base', 'raydium_api', 'osmosis_api'];
const demos: Daemon[] = [];
afterAll(async () => {
  await Promise.all(demos.map((d) => d.stop()));
});

const MAPS = [
  { name: 'market.json', path: 'market.json', args: [] },
  { name: 'config/examples/market-defi.json', path: 'config/examples/market-defi.json', args: ['--market-config-path', 'config/examples/market-defi.json'] },
];

describe.concurrent.each(MAPS)('npm run demo on $name', ({ path, args }) => {
  const market = JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as MarketFile;

  it('uses every DeFi provider', () => {
    const used = new Set(Object.values(market.markets).flatMap((m) => m.provider_configs.map((p) => p.name)));
    for (const p of DEFI) expect(used.has(p), p).toBe(true);
  });

  it('serves every market, and every feed of the map (DeFi pools included) delivers a price', async () => {
    const demo = await spawnDaemon(process.execPath, [
      join(ROOT, 'dist/src/demo.js'), '--host', '127.0.0.1', '--port', '0', '--metrics-prometheus-address', '127.0.0.1:0', ...args.map((a) => (a.endsWith('.json') ? join(ROOT, a) : a)),
    ]);
    demos.push(demo);
    const want = Object.entries(market.markets).filter(([, m]) => m.ticker.enabled);
    const feeds = want.flatMap(([id, m]) => m.provider_configs.map((p) => ({ provider: p.name, id: id.toLowerCase() })));
    const missing = async (): Promise<string[]> => {
      const fams = parseExposition(await (await fetch(`${demo.metricsUrl}/metrics`)).text());
      const priced = new Set(fams.get('side_car_provider_price')?.samples.map((s) => `${s.labels.provider} ${s.labels.id}`));
      return feeds.map((f) => `${f.provider} ${f.id}`).filter((f) => !priced.has(f));
    };
    await waitFor(async () => (await missing()).length === 0, 30_000, 250).catch(() => undefined);
    expect(await missing()).toEqual([]);
    const served = await (await fetch(`${demo.apiUrl}/connect/oracle/v2/marketmap`)).json() as { market_map: { markets: Record<string, unknown> } };
    expect(Object.keys(served.market_map.markets).sort(), 'the demo runs this map').toEqual(Object.keys(market.markets).sort());
    const prices = ((await (await fetch(`${demo.apiUrl}/connect/oracle/v2/prices`)).json()) as { prices: Record<string, string> }).prices;
    expect(Object.keys(prices).sort()).toEqual(want.map(([k]) => k).sort());
  }, 40_000);
});

describe('config/examples/market-defi.json', () => {
  it('normalises Raydium pools by SOL/USD and Uniswap pools by ETH/USD, as dYdX does', () => {
    const market = JSON.parse(readFileSync(join(ROOT, 'config/examples/market-defi.json'), 'utf8')) as MarketFile;
    const feeds = Object.values(market.markets).flatMap((m) => m.provider_configs);
    const by = (name: string, pair: string) => feeds.filter((f) => f.name.startsWith(name) && `${f.normalize_by_pair?.Base}/${f.normalize_by_pair?.Quote}` === pair).length;
    expect(by('raydium_api', 'SOL/USD')).toBeGreaterThanOrEqual(3);
    expect(by('uniswapv3_api', 'ETH/USD')).toBeGreaterThanOrEqual(2);
  });
});
