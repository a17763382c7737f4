/**
 * market.json hot reload through every kind of bad file, in the built daemon: broken,
 * truncated, empty, deleted, invalid, a symlink to /dev/zero, a FIFO, a sparse file over the
 * 64 MiB limit. Each reload is rejected and logged with its reason, the last good map keeps
 * being served, and the price API keeps answering (nothing blocks the event loop). A symlink
 * swap to a good map (a Kubernetes ConfigMap update) is applied.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketMap } from '../../src/config/types.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { parseExposition, startDaemon, type Daemon } from '../helpers/daemon.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { waitFor } from '../helpers/metrics.js';

let sim: Simulator;
let daemon: Daemon;
let n = 0;

const v1 = marketMap(market('BTC/USD', 5, 1, [feed('kraken_api', 'XXBTZUSD')]));
const v2 = marketMap(
  market('BTC/USD', 5, 1, [feed('kraken_api', 'XXBTZUSD')]),
  market('ETH/USD', 6, 1, [feed('kraken_api', 'XETHZUSD')]),
);
/** The map the daemon must be serving. */
let good: MarketMap = v1;

const REJECTED = 'market map reload rejected';
const timeout = () => AbortSignal.timeout(2000);
const get = async (path: string) => fetch(`${daemon.apiUrl}${path}`, { signal: timeout() });
const servedKeys = async () => {
  const body = (await (await get('/connect/oracle/v2/marketmap')).json()) as { market_map: { markets: object } };
  return Object.keys(body.market_map.markets).sort();
};
const reloadOk = async () => {
  const text = await (await fetch(`${daemon.metricsUrl}/metrics`, { signal: timeout() })).text();
  return parseExposition(text).get('side_car_config_last_reload_successful')?.samples[0]?.value;
};
const rejections = () => daemon.stdout().split('\n').filter((l) => l.includes(REJECTED));

/** Puts what `make` builds in place of market.json in one rename, as an editor or a
 *  ConfigMap update does (writing through the path would follow a symlink to /dev/zero or
 *  block on a FIFO). */
function swapIn(make: (path: string) => void): void {
  const tmp = join(dirname(daemon.marketPath), `next-${n++}`);
  make(tmp);
  renameSync(tmp, daemon.marketPath);
}

async function restore(map: MarketMap): Promise<void> {
  swapIn((p) => writeFileSync(p, JSON.stringify(map)));
  await waitFor(async () => (await reloadOk()) === 1, 5000, 50);
  await waitFor(async () => (await servedKeys()).join() === Object.keys(map.markets).sort().join(), 5000, 50);
  good = map;
}

/** After a bad file: one more rejection naming `reason`, the last good map served, and the
 *  price API answering at once. */
async function expectRejected(before: number, reason: string): Promise<void> {
  const logged = () => rejections().slice(before).join('\n');
  await waitFor(() => logged().includes(reason), 5000, 50).catch(() => undefined);
  expect(logged()).toContain(reason);
  expect(await reloadOk()).toBe(0);
  expect(await servedKeys()).toEqual(Object.keys(good.markets).sort());
  const started = Date.now();
  const prices = await get('/connect/oracle/v2/prices');
  expect(prices.status).toBe(200);
  expect(Date.now() - started).toBeLessThan(1000);
  expect(daemon.child.exitCode).toBeNull();
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 7 });
  daemon = await startDaemon(sim.oracleOverride(), v1, ['--log-disable-file-rotation']);
  await waitFor(async () => (await servedKeys()).join() === 'BTC/USD', 15_000);
});

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

const BAD: Array<[string, (path: string) => void, string]> = [
  ['broken JSON', (p) => writeFileSync(p, '{"markets": {'), 'invalid JSON'],
  ['truncated', (p) => writeFileSync(p, JSON.stringify(v2).slice(0, 60)), 'invalid JSON'],
  ['empty', (p) => writeFileSync(p, ''), 'invalid JSON'],
  ['a valid JSON file with an invalid market', (p) => writeFileSync(p, JSON.stringify({ markets: { 'ETH/USD': { ticker: { currency_pair: { Base: 'ETH', Quote: 'USD' }, decimals: 0, min_provider_count: 1 }, provider_configs: [feed('kraken_api', 'XETHZUSD')] } } })), 'ticker.decimals'],
  ['a "__proto__" market key', (p) => writeFileSync(p, `{"markets": {"__proto__": ${JSON.stringify(v2.markets['ETH/USD'])}}}`), 'key must equal the ticker'],
  ['a symlink to /dev/zero', (p) => symlinkSync('/dev/zero', p), 'not a regular file but a character device'],
  ['a FIFO', (p) => execFileSync('mkfifo', [p]), 'not a regular file but a FIFO'],
  ['a sparse file of 64 MiB + 1', (p) => {
    writeFileSync(p, '');
    truncateSync(p, 64 * 1024 * 1024 + 1);
  }, 'file too large: 67108865 bytes, the limit is 64 MiB'],
];

describe('market.json reload through bad files keeps the last good map', () => {
  for (const [name, make, reason] of BAD) {
    it(name, async () => {
      const before = rejections().length;
      swapIn(make);
      await expectRejected(before, reason);
      await restore(good === v1 ? v2 : v1);
    });
  }

  it('deleted', async () => {
    const before = rejections().length;
    unlinkSync(daemon.marketPath);
    await expectRejected(before, 'cannot read market map: ENOENT');
    await restore(good);
  });

  it('swapped through a symlink, as a ConfigMap update: applied; swapped to a bad target: rejected', async () => {
    const target = (map: MarketMap | string) => {
      const d = mkdtempSync(join(tmpdir(), 'configmap-'));
      const path = join(d, 'market.json');
      writeFileSync(path, typeof map === 'string' ? map : JSON.stringify(map));
      return path;
    };
    const next = good === v1 ? v2 : v1;
    swapIn((p) => symlinkSync(target(next), p));
    await waitFor(async () => (await servedKeys()).join() === Object.keys(next.markets).sort().join(), 5000, 50);
    expect(await reloadOk()).toBe(1);
    good = next;
    const before = rejections().length;
    swapIn((p) => symlinkSync(target('{"markets": '), p));
    await expectRejected(before, 'invalid JSON');
    await restore(good);
  });
});
