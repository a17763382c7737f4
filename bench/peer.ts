/**
 * The peer of the replay benchmark (bench/replay-bench.ts): a minimal External Adapter on
 * @chainlink/external-adapter-framework's WebSocketTransport (bench/peer/adapter.mjs, installed
 * only in bench/peer by `npm ci` there, never a dependency of the side-car), started in its own
 * process against a coinbase_ws feed, subscribed by one POST / {"data":{"base","quote"}} per
 * pair (repeated until each answers with a numeric result, i.e. the pair is subscribed and its
 * ticker parsed), and counted by its own ws_message_total{direction="received"} (summed over its
 * label sets, read from its metrics port).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT, sleep } from './common.js';

const PEER_DIR = join(ROOT, 'bench/peer');
const PEER_ADAPTER = join(PEER_DIR, 'adapter.mjs');
const FRAMEWORK_PKG = join(PEER_DIR, 'node_modules/@chainlink/external-adapter-framework/package.json');
/** The pairs `register` subscribes unless told others. */
const TICKERS = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'ATOM-USD', 'DOGE-USD', 'TIA-USD', 'OSMO-USD', 'DYDX-USD'];

/** Install bench/peer's own dependencies (npm ci from its lock file) when they are missing. */
export function ensurePeerInstalled(notes: string[]): string {
  if (existsSync(FRAMEWORK_PKG)) return installedFrameworkVersion();
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: PEER_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0 || !existsSync(FRAMEWORK_PKG)) {
    const why = r.error ? String(r.error) : `exit ${String(r.status)}`;
    throw new Error(`peer bench: \`npm ci\` in ${PEER_DIR} failed (${why}); the npm registry must be reachable to install @chainlink/external-adapter-framework there.\n${(r.stderr ?? '').slice(-2000)}`);
  }
  notes.push(`installed bench/peer dependencies with npm ci`);
  return installedFrameworkVersion();
}

function installedFrameworkVersion(): string {
  return (JSON.parse(readFileSync(FRAMEWORK_PKG, 'utf8')) as { version: string }).version;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(killer);
}

export interface Peer {
  child: ChildProcess;
  eaUrl: string;
  metricsUrl: string;
  output(): string;
}

export async function startPeer(wsUrl: string): Promise<Peer> {
  const [eaPort, metricsPort] = [await freePort(), await freePort()];
  // Every setting the framework reads is listed (with its default) in bench/peer/adapter.mjs.
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    WS_API_ENDPOINT: wsUrl,
    EA_HOST: '127.0.0.1',
    EA_PORT: String(eaPort),
    METRICS_ENABLED: 'true',
    METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'error',
    WS_SUBSCRIPTION_TTL: '600000',
    CACHE_TYPE: 'local',
    CACHE_MAX_AGE: '90000',
    BACKGROUND_EXECUTE_MS_WS: '1000',
  };
  const child = spawn(process.execPath, [PEER_ADAPTER], { cwd: PEER_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const peer = { child, eaUrl: `http://127.0.0.1:${eaPort}`, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, output: () => out };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`peer adapter exited ${String(child.exitCode)}:\n${out}`);
    try {
      const [h, m] = await Promise.all([fetch(`${peer.eaUrl}/health`), fetch(peer.metricsUrl)]);
      await Promise.all([h.arrayBuffer(), m.arrayBuffer()]);
      if (h.ok && m.ok) return peer;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`peer adapter did not start in 30 s:\n${out}`);
    }
    await sleep(100);
  }
}

/** Sum of ws_message_total{direction="received"} over its label sets. */
export async function receivedTotal(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('ws_message_total{') && line.includes('direction="received"')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

interface PairAnswer { status: number; result?: unknown; data?: { result?: unknown; sequence?: unknown } }

async function queryPair(eaUrl: string, ticker: string): Promise<PairAnswer> {
  const [base, quote] = ticker.split('-');
  const res = await fetch(`${eaUrl}/`, { method: 'POST', body: JSON.stringify({ data: { base, quote } }), headers: { 'content-type': 'application/json' } });
  return { status: res.status, ...((await res.json()) as Omit<PairAnswer, 'status'>) };
}

const numeric = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** One request per ticker, repeated until each pair answers 200 with a numeric result. */
export async function register(peer: Peer, tickers: readonly string[] = TICKERS): Promise<void> {
  const deadline = Date.now() + 30_000;
  await Promise.all(tickers.map(async (t) => {
    for (;;) {
      const a = await queryPair(peer.eaUrl, t).catch((e: unknown) => ({ status: 0, result: String(e) }) as PairAnswer);
      if (a.status === 200 && numeric(a.result)) return;
      if (Date.now() > deadline) throw new Error(`peer: no price for ${t} within 30 s (last answer ${JSON.stringify(a)}):\n${peer.output()}`);
      await sleep(200);
    }
  }));
}
