/**
 * Shared plumbing for the benchmarks: statistics, the machine description, and the simulator
 * and daemon as child processes (so the consumer's CPU is attributable to it alone).
 * Benchmarks are measurements, never tests: nothing here asserts a timing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemonNodeFlags as startFlags } from '../src/tools/node-flags.js';

/** The repository root (dist-bench/bench/ → ../../). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DAEMON = join(ROOT, 'dist/src/main.js');

/**
 * Node flags the daemon runs with: those of `npm start` (package.json; the Dockerfile's
 * ENTRYPOINT carries the same), plus BENCH_NODE_ARGS (e.g. --cpu-prof) when profiling.
 */
export function daemonNodeFlags(): string[] {
  return [...startFlags(ROOT), ...(process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [])];
}
export const SIM = join(ROOT, 'dist/src/sim/main.js');

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length === 0) return NaN;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Nearest-rank percentile, p in [0, 100]. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function machine(): { cpu: string; cores: number; memGiB: number; node: string } {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) cpu = m[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  return { cpu, cores: os.cpus().length, memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10, node: process.version };
}

export interface SimProcess {
  readonly controlUrl: string;
  readonly endpoints: Record<string, string>;
  readonly oracleOverride: Record<string, unknown>;
  readonly child: ChildProcess;
  post(path: string, body: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

/** Start dist/src/sim/main.js in a child process and read its one JSON line. */
export async function startSim(args: string[] = []): Promise<SimProcess> {
  const child = spawn(process.execPath, [SIM, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const first = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`simulator exited ${String(code)}`)));
  });
  const info = JSON.parse(first) as { controlUrl: string; endpoints: Record<string, string>; oracleOverride: Record<string, unknown> };
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    ...info,
    child,
    async post(path, body) {
      const res = await fetch(`${info.controlUrl}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      const json: unknown = await res.json();
      if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface DaemonProcess {
  readonly apiUrl: string;
  readonly metricsUrl: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export function tempJson(name: string, content: unknown): string {
  const path = join(mkdtempSync(join(os.tmpdir(), 'oracle-sidecar-bench-')), name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

/** Extra Node flags after npm start's (e.g. --heapsnapshot-signal=SIGUSR2) and the daemon's cwd. */
export interface DaemonSpawnOptions {
  nodeFlags?: string[];
  cwd?: string;
}

/** Start the built daemon on free ports at `warn` log level and wait until it answers. */
export async function startDaemon(oracle: object, market: object, extra: string[] = [], opts: DaemonSpawnOptions = {}): Promise<DaemonProcess> {
  const args = [
    DAEMON, '--oracle-config', tempJson('oracle.json', oracle), '--market-config-path', tempJson('market.json', market),
    '--host', '127.0.0.1', '--port', '0', '--metrics-prometheus-address', '127.0.0.1:0', ...extra,
  ];
  const child = spawn(process.execPath, [...daemonNodeFlags(), ...(opts.nodeFlags ?? []), ...args], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    if (out.length < 1 << 20) out += d.toString();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const address = (msg: string): string | undefined => {
    for (const line of out.split('\n')) {
      if (!line.includes(msg)) continue;
      try {
        return (JSON.parse(line) as { address?: string }).address;
      } catch {
        // partial line
      }
    }
    return undefined;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const api = address('price API listening');
    const metrics = address('metrics server listening');
    if (api && metrics) {
      return {
        apiUrl: `http://${api}`,
        metricsUrl: `http://${metrics}`,
        child,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`daemon did not start:\n${out.slice(-2000)}`);
    }
    await sleep(50);
  }
}

/** CPU time (user + system, ms) and RSS (bytes) of a process, from /proc (Linux). */
export function procStat(pid: number): { cpuMs: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 100; // USER_HZ on Linux
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / tick;
  const rssPages = Number(fields[21]);
  return { cpuMs, rss: rssPages * 4096 };
}
