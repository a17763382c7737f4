/**
 * The attacking process of `npm run soak -- --attack` (a child of attack.ts, over IPC, run
 * at a lower CPU priority than the side-car, as an attacker on another machine would be).
 *   parent → {type:"start", config: AttackConfig}   starts every attack at once
 *   child  → {type:"started", budget, plan}
 *   parent → {type:"stop"}                          closes everything it holds
 *   child  → {type:"stats", counts, peakSockets}     then exits
 * Every socket comes out of one budget, clamped below this process's own fd limit.
 */
import { AttackContext, openFileLimit } from './attack-common.js';
import { h2HalfOpen, h2Idle, rapidReset, watchStreams } from './attack-h2.js';
import { flood, halfOpen, idle, slowloris, stalled } from './attack-http1.js';

export interface AttackConfig {
  host: string;
  metricsPort: number;
  pricePort: number;
  /** Sockets this process may hold at once, every attack together. */
  sockets: number;
  /** gRPC Health/Watch streams to hold open. */
  watchStreams: number;
  /** Rapid-reset sessions a second. */
  rapidResetRate: number;
  /** Streams opened and reset in each rapid-reset session. */
  rapidResetStreams: number;
}

export const PRICES_PATH = '/connect/oracle/v2/prices';
/** Descriptors this process keeps free of the budget (stdio, IPC, the event loop's own). */
const FD_RESERVE = 64;
/** Requests each stalled reader pipelines before it stops reading. */
const STALLED_PIPELINE = { metrics: 3, prices: 200 };

/** How many sockets each attack holds, as shares of the budget. */
export function plan(c: AttackConfig): Record<string, number> {
  const share = (f: number) => Math.max(1, Math.floor(c.sockets * f));
  return {
    'metrics-flood': share(0.45),
    'metrics-stalled': share(0.05),
    'metrics-slowloris': share(0.05),
    'prices-flood': share(0.12),
    'prices-stalled': share(0.02),
    'h1-idle': share(0.06),
    'h1-half-open': share(0.04),
    'h2-idle': share(0.06),
    'h2-half-open': share(0.04),
    // the rest: rapid-reset sessions in flight and the Watch sessions
  };
}

function start(c: AttackConfig): AttackContext {
  const budget = Math.max(16, Math.min(c.sockets, openFileLimit() - FD_RESERVE));
  const ctx = new AttackContext(c.host, c.metricsPort, c.pricePort, budget);
  const n = plan({ ...c, sockets: budget });
  const at = (k: string) => n[k] ?? 0;
  flood(ctx, 'metrics-flood', c.metricsPort, '/metrics', at('metrics-flood'));
  stalled(ctx, 'metrics-stalled', c.metricsPort, '/metrics', at('metrics-stalled'), STALLED_PIPELINE.metrics);
  slowloris(ctx, 'metrics-slowloris', c.metricsPort, '/metrics', at('metrics-slowloris'));
  flood(ctx, 'prices-flood', c.pricePort, PRICES_PATH, at('prices-flood'));
  stalled(ctx, 'prices-stalled', c.pricePort, PRICES_PATH, at('prices-stalled'), STALLED_PIPELINE.prices);
  idle(ctx, 'h1-idle', c.pricePort, at('h1-idle'));
  halfOpen(ctx, 'h1-half-open', c.pricePort, PRICES_PATH, at('h1-half-open'));
  h2Idle(ctx, at('h2-idle'));
  h2HalfOpen(ctx, at('h2-half-open'));
  rapidReset(ctx, c.rapidResetRate, c.rapidResetStreams);
  watchStreams(ctx, c.watchStreams);
  process.send?.({ type: 'started', budget, plan: n });
  return ctx;
}

let ctx: AttackContext | undefined;
process.on('message', (message: unknown) => {
  const msg = message as { type?: string; config?: AttackConfig };
  if (msg.type === 'start' && msg.config && !ctx) ctx = start(msg.config);
  if (msg.type === 'stop') {
    ctx?.stop();
    // Let the closes reach the counters, then report and leave.
    setTimeout(() => {
      const stats = { type: 'stats', counts: ctx?.tally.counts ?? {}, peakSockets: ctx?.peakSockets ?? 0 };
      process.send?.(stats, () => process.exit(0));
    }, 300);
  }
});
process.on('disconnect', () => process.exit(0));
