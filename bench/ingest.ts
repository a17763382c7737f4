/**
 * Ingest: price frames per second and CPU µs per frame for coinbase_ws, okx_ws and binance_ws,
 * the simulator (its own process) flooding as fast as it can, against the floor (a bare `ws`
 * client doing JSON.parse + Map.set) on the same stream in the same run. Consumers run one at
 * a time, alternating floor/side-car, each in its own process; figures are medians of rounds.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, startSim } from './common.js';

const CONSUMER = join(fileURLToPath(new URL('.', import.meta.url)), 'ingest-consumer.js');

const STREAMS: Record<string, string[]> = {
  coinbase_ws: ['BTC-USD', 'ETH-USD', 'SOL-USD', 'ATOM-USD', 'DOGE-USD', 'TIA-USD', 'OSMO-USD', 'DYDX-USD'],
  okx_ws: ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'ATOM-USDT', 'DOGE-USDT', 'TIA-USDT', 'OSMO-USDT', 'DYDX-USDT'],
  binance_ws: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'ATOMUSDT', 'DOGEUSDT', 'TIAUSDT', 'OSMOUSDT', 'DYDXUSDT'],
};

export interface IngestRow {
  provider: string;
  floorRate: number;
  sidecarRate: number;
  floorCpuUs: number;
  sidecarCpuUs: number;
  /** side-car / floor delivered frames per second. */
  rateRatio: number;
  /** side-car / floor frames per CPU-second (the consumer's capacity). */
  capacityRatio: number;
}

interface Sample { frames: number; cpuUs: number; ms: number }

function consume(kind: string, provider: string, url: string, windowMs: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONSUMER, kind, provider, url, (STREAMS[provider] ?? []).join(','), String(windowMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Sample) : reject(new Error(`${kind} ${provider} consumer exited ${String(code)}`))));
  });
}

export async function runIngest(rounds = 3, windowMs = 3000, factor = 200): Promise<IngestRow[]> {
  const sim = await startSim(['--push-interval-ms', '1']);
  const rows: IngestRow[] = [];
  try {
    for (const provider of Object.keys(STREAMS)) {
      const url = sim.endpoints[provider] ?? '';
      await sim.post('/fault', { exchange: provider, fault: { mode: 'flood', factor } });
      const floor: Sample[] = [];
      const side: Sample[] = [];
      for (let i = 0; i < rounds; i++) {
        floor.push(await consume('floor', provider, url, windowMs));
        side.push(await consume('sidecar', provider, url, windowMs));
      }
      await sim.post('/fault', { exchange: provider, fault: { mode: 'none' } });
      const rate = (s: Sample[]) => median(s.map((x) => (x.frames * 1000) / x.ms));
      const cpu = (s: Sample[]) => median(s.map((x) => x.cpuUs / Math.max(1, x.frames)));
      const row = {
        provider,
        floorRate: rate(floor),
        sidecarRate: rate(side),
        floorCpuUs: cpu(floor),
        sidecarCpuUs: cpu(side),
        rateRatio: rate(side) / rate(floor),
        capacityRatio: cpu(floor) / cpu(side),
      };
      rows.push(row);
      process.stderr.write(`ingest ${JSON.stringify(row)}\n`);
    }
  } finally {
    await sim.stop();
  }
  return rows;
}
