/**
 * The two helpers the attack soak runs beside the side-car: the attacking process
 * (attack-worker.ts, a child at a lower CPU priority, with its fd soft limit raised to fit
 * its socket budget where the hard limit allows) and the measuring probe (attack-probe.ts, a
 * worker thread).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Counts } from './attack-common.js';
import type { ProbeOptions, ProbeResult } from './attack-probe.js';
import type { AttackConfig } from './attack-worker.js';

/** The attacking process runs at this nice level (the side-car at the default 0). */
export const ATTACKER_NICE = 10;
/** Descriptors the attacking process needs beyond its socket budget. */
const FD_HEADROOM = 256;

export interface AttackerStats {
  counts: Record<string, Counts>;
  peakSockets: number;
}

export interface Attacker {
  readonly budget: number;
  readonly plan: Record<string, number>;
  /** Close every attack; resolves with the counters (undefined if the process did not answer). */
  stop(): Promise<AttackerStats | undefined>;
}

function within<T>(ms: number, p: Promise<T>): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
}

export async function startAttacker(config: AttackConfig): Promise<Attacker> {
  const entry = fileURLToPath(new URL('./attack-worker.js', import.meta.url));
  const want = config.sockets + FD_HEADROOM;
  const raise = `cur=$(ulimit -Sn); if [ "$cur" != unlimited ] && [ "$cur" -lt ${want} ]; then ` +
    `ulimit -Sn ${want} 2>/dev/null || ulimit -Sn "$(ulimit -Hn)" 2>/dev/null; fi; exec "$0" "$@"`;
  const child = spawn('/bin/sh', ['-c', raise, process.execPath, entry], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  if (child.pid !== undefined) {
    try {
      os.setPriority(child.pid, ATTACKER_NICE);
    } catch {
      // not permitted here: the attack then competes with the side-car at equal priority
    }
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const started = new Promise<{ budget: number; plan: Record<string, number> }>((resolve, reject) => {
    child.on('message', (message) => {
      const m = message as { type?: string; budget?: number; plan?: Record<string, number> };
      if (m.type === 'started') resolve({ budget: m.budget ?? 0, plan: m.plan ?? {} });
    });
    void exited.then(() => reject(new Error('the attacking process exited before it started')));
  });
  child.send({ type: 'start', config });
  const info = await within(15_000, started);
  if (!info) {
    child.kill('SIGKILL');
    throw new Error('the attacking process did not start within 15 s');
  }
  return {
    ...info,
    async stop() {
      const stats = new Promise<AttackerStats>((resolve) => {
        child.on('message', (message) => {
          const m = message as { type?: string } & AttackerStats;
          if (m.type === 'stats') resolve({ counts: m.counts, peakSockets: m.peakSockets });
        });
      });
      if (child.connected) child.send({ type: 'stop' });
      const result = await within(15_000, stats);
      if ((await within(5000, exited.then(() => true))) !== true) {
        child.kill('SIGKILL');
        await within(5000, exited);
      }
      return result;
    },
  };
}

export interface Probe {
  /** Start recording (the connection is open by then). */
  begin(): void;
  stop(): Promise<ProbeResult | undefined>;
}

export function startProbe(o: ProbeOptions): Probe {
  const worker = new Worker(new URL('./attack-probe.js', import.meta.url), { workerData: o });
  const result = new Promise<ProbeResult | undefined>((resolve) => {
    worker.once('message', (m: ProbeResult) => resolve(m));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return {
    begin: () => worker.postMessage('begin'),
    async stop() {
      worker.postMessage('stop');
      const r = await within(o.timeoutMs + 5000, result);
      await worker.terminate();
      return r;
    },
  };
}
