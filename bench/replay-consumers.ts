/**
 * The three consumers of the replay benchmark, each its own process, each counting messages
 * its own way: the floor (replay-floor.js, its count over stdin/stdout), the built daemon as
 * `npm start` runs it (its handler counter on /metrics) and the peer (the framework's
 * ws_message_total{direction="received"}). CPU (all threads) is read from /proc. The floor
 * runs with the daemon's Node flags (npm start's), as in bench/footprint.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemonNodeFlags, startDaemon } from './common.js';
import { receivedTotal, register, startPeer, stopChild } from './peer.js';

const FLOOR = join(fileURLToPath(new URL('.', import.meta.url)), 'replay-floor.js');

export type ConsumerName = 'floor' | 'daemon' | 'peer';

export interface Consumer {
  readonly name: ConsumerName;
  readonly child: ChildProcess;
  /** Messages received so far, by the consumer's own count. */
  count(): Promise<number>;
  stop(): Promise<void>;
}

/** CPU time of every thread of `pid`, in ns (/proc/<pid>/task/<tid>/schedstat, first field). */
export function cpuNs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ns;
}

async function startFloor(url: string, products: readonly string[]): Promise<Consumer> {
  const child = spawn(process.execPath, [...daemonNodeFlags(), FLOOR, url, products.join(',')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: Array<(n: number) => void> = [];
  let buf = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      waiting.shift()?.(Number(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
  });
  return {
    name: 'floor',
    child,
    count: () => new Promise((resolve) => {
      waiting.push(resolve);
      child.stdin?.write('\n');
    }),
    stop: () => stopChild(child),
  };
}

/** The daemon's handle_message_success, summed over its label sets. */
async function handled(metricsUrl: string): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^side_car_web_socket_data_handler_status\{[^}]*status="handle_message_success"[^}]*\} (\S+)$/gm)) n += Number(m[1]);
  return n;
}

/** A market map of X/USD from coinbase_ws only, one market per product. */
function marketMap(products: readonly string[]): object {
  const markets: Record<string, object> = {};
  for (const p of products) {
    const [base = '', quote = ''] = p.split('-');
    markets[`${base}/${quote}`] = {
      ticker: { currency_pair: { Base: base, Quote: quote }, decimals: 8, min_provider_count: 1, enabled: true, metadata_JSON: '' },
      provider_configs: [{ name: 'coinbase_ws', off_chain_ticker: p, normalize_by_pair: null, invert: false, metadata_JSON: '' }],
    };
  }
  return { markets };
}

async function startBuiltDaemon(url: string, products: readonly string[]): Promise<Consumer> {
  const oracle = {
    providers: {
      coinbase_ws: { webSocket: { endpoints: [{ url }] } },
      marketmap_api: { api: { endpoints: [{ url: '127.0.0.1:1' }] } },
    },
  };
  const d = await startDaemon(oracle, marketMap(products));
  return { name: 'daemon', child: d.child, count: () => handled(d.metricsUrl), stop: () => d.stop() };
}

async function startPeerAdapter(url: string, products: readonly string[]): Promise<Consumer> {
  const peer = await startPeer(url);
  try {
    await register(peer, products);
  } catch (e) {
    await stopChild(peer.child);
    throw e;
  }
  return { name: 'peer', child: peer.child, count: () => receivedTotal(peer.metricsUrl), stop: () => stopChild(peer.child) };
}

/** Start `name` against the replay server at `url` (the path names the connection). */
export function startConsumer(name: ConsumerName, url: string, products: readonly string[]): Promise<Consumer> {
  if (name === 'floor') return startFloor(url, products);
  if (name === 'daemon') return startBuiltDaemon(url, products);
  return startPeerAdapter(url, products);
}
