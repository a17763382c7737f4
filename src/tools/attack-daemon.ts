/**
 * The side-car under attack: the built daemon (dist/src/main.js) as a child process on two
 * loopback ports, restarted if it dies (each death counted), and what the soak reads of it
 * from outside: /proc/<pid>/status VmRSS, the entries of /proc/<pid>/fd, its fd limit, and
 * its metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { daemonNodeFlags } from './node-flags.js';

export interface DaemonProcess {
  readonly port: number;
  readonly metricsPort: number;
  /** The pid of the side-car running now. */
  pid(): number | undefined;
  /** Unexpected exits so far. */
  crashes(): number;
  /** SIGTERM, SIGKILL after `killAfterMs`; resolves with how long it took to exit. */
  stop(killAfterMs?: number): Promise<number>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Start the side-car in working directory `cwd` (where it may write its log file). */
export async function launchDaemon(root: string, cwd: string, oraclePath: string, marketPath: string): Promise<DaemonProcess> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  let child: ChildProcess | undefined;
  let crashes = 0;
  let stopping = false;
  const launch = () => {
    const c = spawn(process.execPath, [...daemonNodeFlags(root), join(root, 'dist/src/main.js'), '--oracle-config', oraclePath, '--market-config-path', marketPath,
      '--host', '127.0.0.1', '--port', String(port), '--metrics-prometheus-address', `127.0.0.1:${metricsPort}`, '--log-std-out-level', 'error'],
    { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    child = c;
    c.on('exit', (code, signal) => {
      if (stopping || child !== c) return;
      crashes += 1;
      process.stderr.write(`side-car exited unexpectedly (code ${code}, signal ${signal}); restarting\n`);
      launch();
    });
  };
  launch();
  return {
    port,
    metricsPort,
    pid: () => child?.pid,
    crashes: () => crashes,
    stop: (killAfterMs = 10_000) => {
      stopping = true;
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve(0);
      const t0 = Date.now();
      return new Promise((resolve) => {
        const kill = setTimeout(() => c.kill('SIGKILL'), killAfterMs);
        c.once('exit', () => {
          clearTimeout(kill);
          resolve(Date.now() - t0);
        });
        c.kill('SIGTERM');
      });
    },
  };
}

/** Resident set size in bytes (VmRSS), or undefined if the process is gone. */
export function rssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Open file descriptors (entries of /proc/<pid>/fd), or undefined if the process is gone. */
export function fdCount(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** GET a metrics exposition; undefined when it fails or takes longer than `timeoutMs`. */
export async function scrape(url: string, timeoutMs = 5000): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    return res.ok ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Scrape until it succeeds, for up to `forMs`. */
export async function scrapeRetrying(url: string, forMs: number): Promise<string | undefined> {
  const deadline = Date.now() + forMs;
  for (;;) {
    const text = await scrape(url);
    if (text !== undefined || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Sum of the samples of metric `name` (no label filtering), or undefined if absent. */
export function metric(text: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
