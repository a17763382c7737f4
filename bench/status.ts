/**
 * /status: the whole map's explanation at 1000 markets × 8 providers, served in-process by the
 * metrics server while the aggregation loop ticks every 250 ms and every quote moves once a
 * second, as in the scrape benchmark; a child process asks for it every 500 ms (after one
 * warm-up request; every request falls in a new tick, so each builds the answer anew), timed
 * from request to last byte. Tick lateness is measured meanwhile.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { EMPTY_SNAPSHOT } from '../src/oracle/aggregator.js';
import { createMetricsServer } from '../src/server/metrics-server.js';
import { StatusEndpoint } from '../src/status/endpoint.js';
import { median, percentile } from './common.js';
import { buildFixture } from './fixture.js';
import { SCRAPER, tickLoop } from './scrape.js';

export interface StatusResult { p50: number; p99: number; max: number; bytes: number; client: string; requests: number; lateMax: number; lateP99: number; runs: number }

export async function runStatus(runs = 3, requests = 100): Promise<StatusResult> {
  const f = buildFixture(1000, 8);
  const status = new StatusEndpoint(() => ({
    version: 'bench',
    marketMap: f.map,
    lastTick: f.aggregator.lastTick(),
    updateIntervalMs: 250,
    maxPriceAgeMs: 120_000,
    providers: new Map(),
    unavailable: new Map(),
    unsupported: new Set(),
  }));
  const loop = () => ({ startedAt: Date.now(), updateIntervalMs: 250, snapshot: EMPTY_SNAPSHOT });
  const server = createMetricsServer(f.registry, f.metrics, loop, { status: (market) => status.answer(market) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`;
  const p50s: number[] = [];
  const p99s: number[] = [];
  const maxes: number[] = [];
  const lateMax: number[] = [];
  const lateP99: number[] = [];
  let bytes = 0;
  let client = '';
  try {
    for (let r = 0; r < runs; r++) {
      const asked = new Promise<{ ms: number[]; bytes: number; client: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [SCRAPER, url, '500', String(requests)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { ms: number[]; bytes: number; client: string }) : reject(new Error('status client failed'))));
      });
      const late = await tickLoop(f, 0, asked);
      const s = await asked;
      p50s.push(percentile(s.ms, 50));
      p99s.push(percentile(s.ms, 99));
      maxes.push(Math.max(...s.ms));
      lateMax.push(Math.max(...late));
      lateP99.push(percentile(late, 99));
      bytes = s.bytes;
      client = s.client;
    }
  } finally {
    await new Promise((r) => server.close(r));
  }
  const res = { p50: median(p50s), p99: median(p99s), max: median(maxes), bytes, client, requests, lateMax: median(lateMax), lateP99: median(lateP99), runs };
  process.stderr.write(`status ${JSON.stringify(res)}\n`);
  return res;
}
