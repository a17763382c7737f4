/**
 * What each provider did during validation: the difference between two readings of the
 * counters the drivers and the tick already keep (taken at the end of the burn-in and at the
 * end of the period), not a second bookkeeping. connect's validation reports no provider at
 * all (defi-and-dydx.md §C.2 item 3); this says which provider failed, and with which codes.
 *
 *   side_car_provider_status_responses{provider,status,code,type}: responses and error codes;
 *   side_car_health_check_provider_updates_total{provider,id,success}: per market feed, ticks
 *     in which the feed contributed a price (success="true") or not.
 */
import type { Metrics } from '../metrics/metrics.js';
import { errorCodeMessage } from '../providers/types.js';

type Counters = Pick<Metrics, 'statusResponses' | 'providerUpdates'>;

export interface CounterReading {
  /** provider → code → responses ("0" = success). */
  readonly responses: Map<string, Map<string, number>>;
  /** `provider\0id` (id lower-cased BASE/QUOTE) → [ticks contributed, ticks not]. */
  readonly feeds: Map<string, [number, number]>;
}

export interface ProviderActivity {
  readonly successes: number;
  /** Error code → responses, codes in ascending order. */
  readonly failures: ReadonlyArray<readonly [code: string, count: number]>;
}

export async function readCounters(m: Counters): Promise<CounterReading> {
  const responses = new Map<string, Map<string, number>>();
  for (const v of (await m.statusResponses.get()).values) {
    const p = v.labels.provider ?? '';
    const byCode = responses.get(p) ?? new Map<string, number>();
    const code = v.labels.status === 'success' ? '0' : (v.labels.code ?? '');
    byCode.set(code, (byCode.get(code) ?? 0) + v.value);
    responses.set(p, byCode);
  }
  const feeds = new Map<string, [number, number]>();
  for (const v of (await m.providerUpdates.get()).values) {
    const key = `${v.labels.provider ?? ''}\u0000${v.labels.id ?? ''}`;
    const pair = feeds.get(key) ?? [0, 0];
    pair[v.labels.success === 'true' ? 0 : 1] += v.value;
    feeds.set(key, pair);
  }
  return { responses, feeds };
}

/** What `provider` answered between two readings. */
export function activity(before: CounterReading, after: CounterReading, provider: string): ProviderActivity {
  const was = before.responses.get(provider);
  let successes = 0;
  const failures: Array<[string, number]> = [];
  for (const [code, n] of after.responses.get(provider) ?? []) {
    const d = n - (was?.get(code) ?? 0);
    if (d <= 0) continue;
    if (code === '0') successes = d;
    else failures.push([code, d]);
  }
  failures.sort((a, b) => Number(a[0]) - Number(b[0]) || (a[0] < b[0] ? -1 : 1));
  return { successes, failures };
}

/** Ticks in which `provider`'s feed of market `id` (BASE/QUOTE) contributed, and did not. */
export function feedTicks(before: CounterReading, after: CounterReading, provider: string, id: string): [number, number] {
  const key = `${provider.toLowerCase()}\u0000${id.toLowerCase()}`;
  const [a0, a1] = after.feeds.get(key) ?? [0, 0];
  const [b0, b1] = before.feeds.get(key) ?? [0, 0];
  return [a0 - b0, a1 - b1];
}

/** `500 ×12, 7 (got no response) ×3`: connect's message for its own codes, the number alone
 *  for an HTTP status. */
export function formatCodes(failures: ProviderActivity['failures']): string {
  return failures
    .map(([code, n]) => {
      const c = Number(code);
      const known = c < 100 ? ` (${errorCodeMessage(c)})` : '';
      return `${code}${known} ×${n}`;
    })
    .join(', ');
}
