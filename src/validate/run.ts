/**
 * Validate mode (`--mode validate --validation-period D`, connect service/validation/
 * validation.go): the side-car runs normally for D; the first burnIn(D) of it is a burn-in,
 * then every aggregation tick is evaluated until D has passed. The result carries the report
 * (report.ts) and whether it passed; the caller prints it, stops the side-car and exits 0 or 1.
 *
 * Departures from connect: the burn-in is min(60 s, 20 % of D) instead of a fixed 60 s (a short
 * D would otherwise evaluate nothing) and falls inside D rather than before it; every tick is
 * evaluated instead of 1000 samples; the 99 % threshold is applied as a percentage; an empty
 * map, a market never evaluated and an interrupted run all fail; metrics.enabled plays no part.
 */
import type { MarketMap } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import { LivenessTracker } from './liveness.js';
import { readCounters, type CounterReading } from './providers.js';
import { formatReport, judge, providerLines, type ReportInput } from './report.js';
import type { SupportSummary } from './support.js';

/** What validation needs of a running side-car (sidecar.ts implements it). */
export interface ValidationTarget {
  readonly metrics: Metrics;
  /** The market map served now. */
  marketMap(): MarketMap;
  /** Its support summary. */
  support(): SupportSummary;
  /** Call `listener` after every aggregation tick (`ok` false: the tick threw); returns the
   *  unsubscribe function. */
  onTick(listener: (ok: boolean) => void): () => void;
}

export interface ValidationOptions {
  periodMs: number;
  log: Logger;
  /** Aborting ends the run at once, as a failure; `signal.reason` (a string) names the cause. */
  signal?: AbortSignal;
  /** Default burnIn(periodMs). */
  burnInMs?: number;
  /** Default 99 (connect's RequiredPriceLivenessPercent). */
  thresholdPercent?: number;
}

export interface ValidationResult {
  readonly passed: boolean;
  /** The signal's reason when aborted. */
  readonly interrupted: string | undefined;
  /** Markets that failed, sorted. */
  readonly failed: readonly string[];
  /** The human report (ends with a newline). */
  readonly report: string;
}

export const MAX_BURN_IN_MS = 60_000;
export const BURN_IN_SHARE = 0.2;
export const DEFAULT_THRESHOLD_PERCENT = 99;

/** min(60 s, 20 % of the period). */
export function burnIn(periodMs: number): number {
  return Math.min(MAX_BURN_IN_MS, Math.floor(periodMs * BURN_IN_SHARE));
}

export async function runValidation(target: ValidationTarget, o: ValidationOptions): Promise<ValidationResult> {
  const burnInMs = o.burnInMs ?? burnIn(o.periodMs);
  const thresholdPercent = o.thresholdPercent ?? DEFAULT_THRESHOLD_PERCENT;
  const log = o.log.child({ module: 'validate' });
  const tracker = new LivenessTracker(target.metrics);
  let evaluating = false;
  let tracked: MarketMap | undefined;
  const unsubscribe = target.onTick((ok) => {
    if (!evaluating) return;
    const map = target.marketMap();
    if (map !== tracked) {
      tracked = map;
      tracker.track(map);
    }
    tracker.tick(ok);
  });
  log.info({ period_ms: o.periodMs, burn_in_ms: burnInMs, threshold_percent: thresholdPercent }, 'validation started');

  let before: Promise<CounterReading> | undefined;
  const interrupted = await new Promise<string | undefined>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const finish = (reason: string | undefined) => {
      for (const t of timers) clearTimeout(t);
      o.signal?.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    const onAbort = () => finish(typeof o.signal?.reason === 'string' ? o.signal.reason : 'an abort');
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    timers.push(
      setTimeout(() => {
        evaluating = true;
        before = readCounters(target.metrics);
        log.info('validation burn-in over; evaluating every tick');
      }, burnInMs),
      setTimeout(() => finish(undefined), o.periodMs),
    );
  });
  unsubscribe();

  const input: ReportInput = {
    periodMs: o.periodMs,
    burnInMs,
    thresholdPercent,
    interrupted,
    markets: tracker.results(),
    map: target.marketMap(),
    support: target.support(),
    before: before && (await before),
    after: before && (await readCounters(target.metrics)),
  };
  const verdict = judge(input);
  const fields = {
    passed: verdict.passed,
    reasons: verdict.reasons,
    failed_markets: verdict.failed,
    markets: input.markets,
    providers: providerLines(input).map((p) => ({ ...p, failures: Object.fromEntries(p.failures) })),
  };
  if (verdict.passed) log.info(fields, 'validation passed');
  else log.error(fields, 'validation failed');
  return { passed: verdict.passed, interrupted, failed: verdict.failed, report: formatReport(input, verdict) };
}

/**
 * runValidation as the CLI runs it: SIGTERM or SIGINT during the period ends it at once as a
 * failure (connect exits 0 then, "shutting down gracefully after validation"). The caller then
 * stops the side-car, prints `report` and exits 0 when `passed`, else 1.
 */
export async function validateMode(target: ValidationTarget, o: Omit<ValidationOptions, 'signal'>): Promise<ValidationResult> {
  const abort = new AbortController();
  const on = (signal: NodeJS.Signals) => () => {
    o.log.warn({ signal }, 'signal during validation: the run ends now and does not pass');
    abort.abort(signal);
  };
  const onTerm = on('SIGTERM');
  const onInt = on('SIGINT');
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onInt);
  try {
    return await runValidation(target, { ...o, signal: abort.signal });
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
  }
}
