/**
 * Plumbing shared by the attacks of `npm run soak -- --attack` (attack-worker.ts): per-attack
 * counters, one socket budget for the whole attacking process (so it never runs out of file
 * descriptors itself), and the loops that keep N connections of one kind open.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';

export type Counts = Record<string, number>;

/** Per-attack counters: attack name → counter name → value. */
export class Tally {
  readonly counts: Record<string, Counts> = {};

  add(attack: string, key: string, n = 1): void {
    const c = (this.counts[attack] ??= {});
    c[key] = (c[key] ?? 0) + n;
  }

  /** Keep the largest value seen under `key`. */
  max(attack: string, key: string, value: number): void {
    const c = (this.counts[attack] ??= {});
    c[key] = Math.max(c[key] ?? 0, value);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Something an attack holds open and the stop must tear down. */
export interface Handle {
  destroy(): void;
}

/** How long a holding loop waits between two of its connections at least (bounds churn). */
export const MIN_CYCLE_MS = 1000;
/** Loops of one attack start spread over this time, so the SYN backlog never overflows at once. */
export const RAMP_MS = 2000;

export class AttackContext {
  readonly tally = new Tally();
  private readonly handles = new Set<Handle>();
  private open = 0;
  private stopping = false;
  peakSockets = 0;

  constructor(
    readonly host: string,
    readonly metricsPort: number,
    readonly pricePort: number,
    /** Most sockets this process holds at once, every attack together. */
    readonly budget: number,
  ) {}

  get stopped(): boolean {
    return this.stopping;
  }

  /** Take one socket from the budget; false when it is spent. */
  acquire(): boolean {
    if (this.stopping || this.open >= this.budget) return false;
    this.open += 1;
    this.peakSockets = Math.max(this.peakSockets, this.open);
    return true;
  }

  release(): void {
    this.open -= 1;
  }

  /** Register a handle to destroy at stop; returns the function that unregisters it. */
  track(handle: Handle): () => void {
    this.handles.add(handle);
    return () => this.handles.delete(handle);
  }

  /** Stop every loop and destroy every socket, session and timer still held. */
  stop(): void {
    this.stopping = true;
    for (const h of [...this.handles]) h.destroy();
    this.handles.clear();
  }
}

/** An interval that the stop clears. */
export function every(ctx: AttackContext, ms: number, fn: () => void): void {
  const timer = setInterval(fn, ms);
  ctx.track({ destroy: () => clearInterval(timer) });
}

/**
 * Run `n` loops, each holding one socket from the budget: `open(i)` opens a connection and
 * resolves when it is gone; the loop then opens the next one (at most one per MIN_CYCLE_MS).
 * Records the longest a connection stayed open (`max_held_ms`): how long the server lets it be.
 */
export function holdLoops(ctx: AttackContext, name: string, n: number, open: (i: number) => Promise<void>): void {
  const loop = async (i: number) => {
    while (!ctx.stopped) {
      if (!ctx.acquire()) {
        await sleep(200);
        continue;
      }
      const began = Date.now();
      try {
        await open(i);
      } catch {
        ctx.tally.add(name, 'errors');
      } finally {
        ctx.release();
      }
      const held = Date.now() - began;
      if (!ctx.stopped) ctx.tally.max(name, 'max_held_ms', held);
      await sleep(Math.max(0, MIN_CYCLE_MS - held));
    }
  };
  for (let i = 0; i < n; i++) {
    const timer = setTimeout(() => void loop(i), Math.floor((i * RAMP_MS) / Math.max(1, n)));
    ctx.track({ destroy: () => clearTimeout(timer) });
  }
}

export interface RawOptions {
  port: number;
  /** Keep our side writable after the server's FIN, and allow ending ours first. */
  allowHalfOpen?: boolean;
  /** Read (and drop) what the server sends; false leaves the socket paused: a stalled reader. */
  read?: boolean;
  /** The attack closes the connection itself: its close is not counted as `server_closed`. */
  selfClosing?: boolean;
}

/**
 * A raw TCP connection for attack `name`: `onConnect` runs once connected; resolves when the
 * socket closes. Counts `connections`, `server_closed` (closed while the attack runs: by
 * the server or by an error; unless `selfClosing`) and `error_<code>`.
 */
export function rawConnection(ctx: AttackContext, name: string, o: RawOptions, onConnect: (s: net.Socket) => void): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect({ host: ctx.host, port: o.port, allowHalfOpen: o.allowHalfOpen ?? false });
    const untrack = ctx.track(s);
    const connectTimer = setTimeout(() => {
      ctx.tally.add(name, 'connect_timeouts');
      s.destroy();
    }, 5000);
    s.setNoDelay(true);
    s.once('connect', () => {
      clearTimeout(connectTimer);
      ctx.tally.add(name, 'connections');
      if (o.read ?? true) s.resume();
      else s.pause(); // before the socket's first read, so nothing is ever read
      onConnect(s);
    });
    s.on('error', (err: NodeJS.ErrnoException) => ctx.tally.add(name, `error_${err.code ?? 'other'}`));
    s.once('close', () => {
      clearTimeout(connectTimer);
      untrack();
      if (!ctx.stopped && !o.selfClosing) ctx.tally.add(name, 'server_closed');
      resolve();
    });
  });
}

/** The soft RLIMIT_NOFILE of process `pid` (default this one); Infinity when unreadable or unlimited. */
export function openFileLimit(pid: number | 'self' = 'self'): number {
  try {
    const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
  } catch {
    return Infinity;
  }
}
