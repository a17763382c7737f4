/**
 * The report of `npm run soak -- --attack`: what was measured, the attack volumes, and the
 * verdict against PASS (attack-options.ts), as one JSON object and a human summary.
 */
import type { Counts } from './attack-common.js';
import { PASS } from './attack-options.js';
import type { ProbeResult } from './attack-probe.js';

export interface Measured {
  attackSeconds: number;
  updateIntervalMs: number;
  /** Tick counter at the attack's start and end (undefined: the metrics could not be read). */
  ticksAtStart: number | undefined;
  ticksAtEnd: number | undefined;
  /** Time between the two tick-counter scrapes, ms. */
  tickWindowMs: number;
  probe: ProbeResult | undefined;
  crashes: number;
  shutdownMs: number;
  faultsInjected: number;
  rss: { start?: number; peak?: number; end?: number };
  fds: { start?: number; peak?: number; end?: number; limit: number; backAfterMs: number | null };
  graceSeconds: number;
  attack: { budget: number; peakSockets: number; plan: Record<string, number>; counts: Record<string, Counts> } | undefined;
}

/** Nearest-rank percentile of ascending `sorted` (undefined when empty). */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (n: number | undefined, digits = 1) => (n === undefined ? null : Number(n.toFixed(digits)));
const mib = (b: number | undefined) => round(b === undefined ? undefined : b / 2 ** 20);

/** Totals over every attack: requests sent, refused (503/429), reset by the server (ECONNRESET,
 *  connections and streams), connections opened, ... */
function totals(counts: Record<string, Counts>): Record<string, number> {
  const t = { requests: 0, answered: 0, refused: 0, resets: 0, timeouts: 0, errors: 0, connections: 0, serverClosed: 0, streams: 0, streamsReset: 0 };
  for (const c of Object.values(counts)) {
    for (const [k, v] of Object.entries(c)) {
      if (k === 'requests') t.requests += v;
      else if (k === 'status_503' || k === 'status_429') t.refused += v;
      else if (k === 'timeouts' || k === 'connect_timeouts') t.timeouts += v;
      else if (k.endsWith('error_ECONNRESET')) t.resets += v;
      else if (k.includes('error_') || k === 'errors') t.errors += v;
      else if (k === 'connections') t.connections += v;
      else if (k === 'server_closed') t.serverClosed += v;
      else if (k === 'streams') t.streams += v;
      else if (k === 'streams_reset') t.streamsReset += v;
      if (k.startsWith('status_')) t.answered += v;
    }
  }
  return t;
}

export function buildReport(m: Measured) {
  const expected = Math.floor(m.tickWindowMs / m.updateIntervalMs);
  const counted = m.ticksAtStart !== undefined && m.ticksAtEnd !== undefined ? m.ticksAtEnd - m.ticksAtStart : undefined;
  // One tick of slack: the two scrapes are not aligned with the tick schedule.
  const missed = counted === undefined ? undefined : Math.max(0, expected - counted - 1);
  const lat = [...(m.probe?.latencies ?? [])].sort((a, b) => a - b);
  const failed = Object.values(m.probe?.failures ?? {}).reduce((a, b) => a + b, 0);
  const p99 = percentile(lat, 99);
  const rssGrowth = m.rss.start && m.rss.end !== undefined ? (100 * (m.rss.end - m.rss.start)) / m.rss.start : undefined;
  const fdsBack = m.fds.start !== undefined && m.fds.end !== undefined && m.fds.end <= m.fds.start + PASS.fdSlack;

  const failures: string[] = [];
  if (m.crashes > 0) failures.push(`side-car crashed ${m.crashes} time(s)`);
  if (missed === undefined) failures.push('tick counter unreadable at the start or end');
  else if (missed > PASS.missedTicks) failures.push(`${missed} ticks missed (of ${expected})`);
  if (p99 === undefined) failures.push('no /prices answer measured');
  if (failed > 0) failures.push(`${failed} /prices requests not answered 200 (${JSON.stringify(m.probe?.failures)})`);
  if (rssGrowth === undefined) failures.push('RSS unreadable');
  else if (rssGrowth >= PASS.rssGrowthPct) failures.push(`RSS grew ${rssGrowth.toFixed(1)} % (limit < ${PASS.rssGrowthPct} %)`);
  if (!fdsBack) failures.push(`fds ${m.fds.start ?? '?'} → ${m.fds.end ?? '?'} after ${m.graceSeconds} s grace (allowed +${PASS.fdSlack})`);

  return {
    mode: 'attack',
    attackSeconds: round(m.attackSeconds),
    updateIntervalMs: m.updateIntervalMs,
    crashes: m.crashes,
    faultsInjected: m.faultsInjected,
    // maxGapMs: longest time between consecutive tick timestamps the probe saw; below two
    // intervals it is a late tick (maxLateMs = gap − interval), not a tick the probe missed.
    ticks: { expected, counted: counted ?? null, missed: missed ?? null, seenByProbe: m.probe?.ticksSeen ?? 0,
      maxGapMs: round(m.probe?.maxTickGapMs), maxLateMs: round(m.probe ? Math.max(0, m.probe.maxTickGapMs - m.updateIntervalMs) : undefined) },
    prices: {
      answered: lat.length, failed, failures: m.probe?.failures ?? {}, probeConnections: m.probe?.connections ?? 0,
      p50Ms: round(percentile(lat, 50)), p99Ms: round(p99), maxMs: round(lat.at(-1)), maxStaleMs: round(m.probe?.maxStaleMs, 0),
    },
    memory: { rssStartMiB: mib(m.rss.start), rssPeakMiB: mib(m.rss.peak), rssEndMiB: mib(m.rss.end), rssGrowthPct: round(rssGrowth) },
    fds: { start: m.fds.start ?? null, peak: m.fds.peak ?? null, end: m.fds.end ?? null, limit: Number.isFinite(m.fds.limit) ? m.fds.limit : null,
      backToBaseline: fdsBack, backAfterMs: m.fds.backAfterMs, graceSeconds: m.graceSeconds, slack: PASS.fdSlack },
    shutdownMs: m.shutdownMs,
    attack: m.attack ? { budget: m.attack.budget, peakSockets: m.attack.peakSockets, totals: totals(m.attack.counts), plan: m.attack.plan, byAttack: m.attack.counts } : null,
    verdict: { pass: failures.length === 0, failures },
  };
}

export type AttackReport = ReturnType<typeof buildReport>;

/** A few lines for a person; the JSON line carries everything. */
export function summary(r: AttackReport): string {
  const t: Record<string, number> = r.attack?.totals ?? {};
  const { ticks, prices, memory, fds } = r;
  return [
    `attack soak: ${r.attackSeconds} s, ${r.faultsInjected} exchange faults, ${r.crashes} crashes`,
    `ticks: expected ${ticks.expected}, counted ${ticks.counted}, missed ${ticks.missed} (longest gap between ticks seen by the probe ${ticks.maxGapMs} ms)`,
    `/prices: p50 ${prices.p50Ms} ms, p99 ${prices.p99Ms} ms, max ${prices.maxMs} ms; ${prices.answered} answered, ${prices.failed} failed; prices up to ${prices.maxStaleMs} ms old`,
    `RSS: ${memory.rssStartMiB} -> ${memory.rssEndMiB} MiB (peak ${memory.rssPeakMiB}, growth ${memory.rssGrowthPct} %)`,
    `fds: ${fds.start} -> ${fds.end} (peak ${fds.peak}, limit ${fds.limit}, back to baseline after ${fds.backAfterMs ?? 'never'} ms); SIGTERM took ${r.shutdownMs} ms`,
    `attack: ${t['requests'] ?? 0} requests, ${t['refused'] ?? 0} refused (503/429), ${t['resets'] ?? 0} reset, ${t['timeouts'] ?? 0} timeouts, ${t['errors'] ?? 0} other errors, ` +
      `${t['connections'] ?? 0} connections, ${t['streams'] ?? 0} Watch streams, ${t['streamsReset'] ?? 0} streams reset`,
    `verdict: ${r.verdict.pass ? 'PASS' : `FAIL: ${r.verdict.failures.join('; ')}`}`,
  ].join('\n');
}
