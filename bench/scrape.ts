/**
 * Scrape: /metrics at 1000 markets × 8 providers, served in-process by the side-car's metrics
 * server while the aggregation loop ticks on its schedule (oracle/schedule.ts, 250 ms) and all
 * 8,000 quotes move once a second (80 every 10 ms); a child process scrapes once a second (the first scrape of
 * each run is a warm-up and not counted). Tick lateness (start of run versus its slot) is
 * measured with and without scraping in the same run.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMPTY_SNAPSHOT } from '../src/oracle/aggregator.js';
import { every } from '../src/oracle/schedule.js';
import { createMetricsServer } from '../src/server/metrics-server.js';
import { median, percentile, sleep } from './common.js';
import { buildFixture } from './fixture.js';

export const SCRAPER = join(fileURLToPath(new URL('.', import.meta.url)), 'scraper.js');
const INTERVAL = 250;

export interface ScrapeResult { p50: number; p99: number; max: number; series: number; bytes: number; client: string; scrapes: number; lateScrapeMax: number; lateScrapeP99: number; lateQuietMax: number; runs: number }

/** Run the tick loop for `ms`, returning the lateness of every tick (ms after its slot). */
export async function tickLoop(f: ReturnType<typeof buildFixture>, ms: number, during?: Promise<unknown>): Promise<number[]> {
  const late: number[] = [];
  let start = -1;
  let n = 0;
  const stop = every(INTERVAL, () => {
    n += 1;
    late.push(performance.now() - (start + n * INTERVAL));
    f.aggregator.tick();
  }, () => {
    const t = performance.now();
    if (start < 0) start = t;
    return t;
  });
  // Every price moves once a second (8,000 quotes/s), spread in 10-ms steps as a feed arrives.
  let next = 0;
  const mover = setInterval(() => {
    f.move(Date.now(), next, f.feeds / 100);
    next += f.feeds / 100;
  }, 10);
  await (during ?? sleep(ms));
  clearInterval(mover);
  stop();
  return late;
}

export async function runScrape(runs = 3, scrapes = 15): Promise<ScrapeResult> {
  const f = buildFixture(1000, 8);
  const server = createMetricsServer(f.registry, f.metrics, () => ({ startedAt: Date.now(), updateIntervalMs: INTERVAL, snapshot: EMPTY_SNAPSHOT }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  const p50s: number[] = [];
  const p99s: number[] = [];
  const maxes: number[] = [];
  const lateMax: number[] = [];
  const lateP99: number[] = [];
  const quietMax: number[] = [];
  let series = 0;
  let bytes = 0;
  let client = '';
  try {
    for (let r = 0; r < runs; r++) {
      quietMax.push(Math.max(...(await tickLoop(f, Math.min(10_000, (scrapes * 1000) / 3)))));
      const scraped = new Promise<{ ms: number[]; bytes: number; series: number; client: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [SCRAPER, url, '1000', String(scrapes)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { ms: number[]; bytes: number; series: number; client: string }) : reject(new Error('scraper failed'))));
      });
      const late = await tickLoop(f, 0, scraped);
      const s = await scraped;
      if (process.env.BENCH_DEBUG) process.stderr.write(`scrapes ${s.ms.map((x) => x.toFixed(0)).join(" ")}\n`);
      p50s.push(percentile(s.ms, 50));
      p99s.push(percentile(s.ms, 99));
      maxes.push(Math.max(...s.ms));
      lateMax.push(Math.max(...late));
      lateP99.push(percentile(late, 99));
      series = s.series;
      bytes = s.bytes;
      client = s.client;
    }
  } finally {
    await new Promise((r) => server.close(r));
  }
  const res = { p50: median(p50s), p99: median(p99s), max: median(maxes), series, bytes, client, scrapes, lateScrapeMax: median(lateMax), lateScrapeP99: median(lateP99), lateQuietMax: median(quietMax), runs };
  process.stderr.write(`scrape ${JSON.stringify(res)}\n`);
  return res;
}
