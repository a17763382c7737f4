/**
 * Liveness and readiness of the aggregation loop, served on the metrics port:
 *   /healthz  200 while the loop is alive: a tick within the last 3 × updateInterval
 *             (counted from start-up before the first tick), else 503.
 *   /readyz   200 when the loop is alive and the last tick served at least one price,
 *             else 503; the body lists the markets missing from the last tick and, apart,
 *             the enabled markets that can never reach min_provider_count with the
 *             providers that can run here (validate/support.ts). Those do not change the
 *             status: a side-car serving the other markets is ready.
 */
import type { Snapshot } from '../oracle/aggregator.js';

export interface LoopState {
  startedAt: number;
  updateIntervalMs: number;
  snapshot: Snapshot;
  /** Enabled markets that can never reach min_provider_count, sorted (default none). */
  unsupported?: readonly string[];
}

export interface HealthReport {
  status: 'ok' | 'unavailable';
  reason: string;
  last_tick: string | null;
  update_interval_seconds: number;
  markets_served?: number;
  markets_missing?: readonly string[];
  markets_unsupported?: readonly string[];
}

/** How many update intervals without a tick make the loop count as dead. */
export const LIVENESS_INTERVALS = 3;

function lastTick(s: LoopState): number {
  return s.snapshot.timestamp?.getTime() ?? s.startedAt;
}

export function liveness(s: LoopState, now: number): HealthReport {
  const age = now - lastTick(s);
  const limit = LIVENESS_INTERVALS * s.updateIntervalMs;
  const alive = age <= limit;
  const since = s.snapshot.timestamp ? 'last tick' : 'start-up without a tick';
  return {
    status: alive ? 'ok' : 'unavailable',
    reason: alive ? `${since} ${Math.round(age)} ms ago` : `${since} ${Math.round(age)} ms ago, more than ${limit} ms`,
    last_tick: s.snapshot.timestamp?.toISOString() ?? null,
    update_interval_seconds: s.updateIntervalMs / 1000,
  };
}

export function readiness(s: LoopState, now: number): HealthReport {
  const live = liveness(s, now);
  const served = Object.keys(s.snapshot.prices).length;
  const base = { ...live, markets_served: served, markets_missing: s.snapshot.missing, markets_unsupported: s.unsupported ?? [] };
  if (live.status !== 'ok') return base;
  if (!s.snapshot.timestamp) return { ...base, status: 'unavailable', reason: 'no tick yet' };
  if (served === 0) return { ...base, status: 'unavailable', reason: 'the last tick served no price' };
  return { ...base, reason: `last tick served ${served} of ${served + s.snapshot.missing.length} markets` };
}
