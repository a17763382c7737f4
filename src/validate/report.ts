/**
 * The verdict and the report of validate mode, from what was measured (pure functions).
 *
 * Pass: not interrupted, at least one enabled market evaluated, and every market enabled in
 * the map at the end served a price in at least `thresholdPercent` % of the ticks after the
 * burn-in. The share is a percentage compared with a percentage (connect compares a fraction
 * with 99.0, so one missed tick fails, service/validation/validation.go); an empty map fails
 * (connect passes it); a market evaluated in no tick fails. Every market is listed, not only
 * the failures, and every provider the map references, with the error codes it answered.
 */
import { pairString, type MarketMap } from '../config/types.js';
import type { MarketLiveness } from './liveness.js';
import { activity, feedTicks, formatCodes, type CounterReading, type ProviderActivity } from './providers.js';
import type { ProviderProblem, SupportSummary } from './support.js';

export interface ReportInput {
  readonly periodMs: number;
  readonly burnInMs: number;
  readonly thresholdPercent: number;
  /** Set when a signal ended the run early: never a pass. */
  readonly interrupted: string | undefined;
  readonly markets: readonly MarketLiveness[];
  /** The market map and its support summary at the end. */
  readonly map: MarketMap;
  readonly support: SupportSummary;
  /** Counter readings at the end of the burn-in and at the end (undefined: not reached). */
  readonly before: CounterReading | undefined;
  readonly after: CounterReading | undefined;
}

export interface Verdict {
  readonly passed: boolean;
  /** Markets enabled at the end that fell short (or were never evaluated), sorted. */
  readonly failed: readonly string[];
  /** Why it did not pass, one sentence each; empty on a pass. */
  readonly reasons: readonly string[];
}

const REASONS: Record<ProviderProblem, string> = {
  not_implemented: 'cannot run: not implemented in this version',
  not_configured: 'cannot run: not configured in oracle.json',
  not_price_provider: 'cannot run: not a price_provider in oracle.json',
  disabled: 'cannot run: its transport is disabled in oracle.json',
};

export function judge(r: ReportInput): Verdict {
  const judged = r.markets.filter((m) => m.inMap);
  const failed = judged.filter((m) => m.ticks === 0 || m.percent < r.thresholdPercent).map((m) => m.id);
  const reasons: string[] = [];
  if (r.interrupted) reasons.push(`interrupted by ${r.interrupted} before the validation period ended`);
  if (judged.length === 0) reasons.push('no enabled market was evaluated (the market map is empty or has no enabled market)');
  if (failed.length > 0) reasons.push(`${failed.length} of ${judged.length} enabled markets were served in less than ${r.thresholdPercent}% of ticks: ${failed.join(', ')}`);
  return { passed: reasons.length === 0, failed, reasons };
}

/** Every provider referenced by an enabled market of `map`, sorted, with its market count. */
function referencedProviders(map: MarketMap): Map<string, number> {
  const uses = new Map<string, number>();
  for (const m of Object.values(map.markets)) {
    if (!m.ticker.enabled) continue;
    for (const name of new Set(m.provider_configs.map((pc) => pc.name))) uses.set(name, (uses.get(name) ?? 0) + 1);
  }
  return new Map([...uses].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}

export interface ProviderLine {
  readonly name: string;
  readonly markets: number;
  readonly status: string;
  readonly successes: number | null;
  readonly failures: ProviderActivity['failures'];
}

export function providerLines(r: ReportInput): ProviderLine[] {
  const problems = new Map(r.support.providers.map((p) => [p.name, p.reason]));
  const out: ProviderLine[] = [];
  for (const [name, markets] of referencedProviders(r.map)) {
    const problem = problems.get(name);
    if (problem) {
      out.push({ name, markets, status: REASONS[problem], successes: null, failures: [] });
      continue;
    }
    const a = r.before && r.after ? activity(r.before, r.after, name) : { successes: 0, failures: [] };
    const status = a.successes > 0 ? 'live' : a.failures.length > 0 ? 'failing' : 'no responses';
    out.push({ name, markets, status, successes: a.successes, failures: a.failures });
  }
  return out;
}

/** The human report: header, verdict, a table of every market, every provider, the failures. */
export function formatReport(r: ReportInput, v: Verdict): string {
  const unsupported = new Map(r.support.markets.map((m) => [m.id, m]));
  const failed = new Set(v.failed);
  const lines: string[] = [];
  const seconds = (ms: number) => `${+(ms / 1000).toFixed(3)}s`;
  lines.push(`oracle-sidecar validation: period ${seconds(r.periodMs)}, burn-in ${seconds(r.burnInMs)}, threshold ${r.thresholdPercent}% of ticks after the burn-in`);
  lines.push(v.passed ? 'RESULT: PASS' : `RESULT: FAIL: ${v.reasons.join('; ')}`);
  lines.push('');
  const rows = r.markets.map((m) => {
    const u = unsupported.get(m.id);
    let status = failed.has(m.id) ? 'FAIL' : m.inMap ? 'ok' : 'left the map (not judged)';
    if (m.inMap && m.ticks === 0) status = 'FAIL: not evaluated in any tick';
    if (u) status += `: can never reach min_provider_count (${u.usable} of ${m.feeds} providers can run)`;
    return [m.id, `${m.served}/${m.ticks}`, `${m.percent.toFixed(2)}%`, String(m.longestGap), `${m.minProviders}/${m.medianProviders}`, String(m.minProviderCount), status];
  });
  lines.push(...table(['MARKET', 'SERVED/TICKS', 'SHARE', 'LONGEST GAP (TICKS)', 'PROVIDERS MIN/MEDIAN', 'MIN_PROVIDER_COUNT', 'STATUS'], rows));
  if (rows.length === 0) lines.push('(no enabled market)');
  lines.push('');
  const providers = providerLines(r);
  const prow = providers.map((p) => [p.name, String(p.markets), p.status, p.successes === null ? '-' : String(p.successes), formatCodes(p.failures)]);
  lines.push(...table(['PROVIDER', 'MARKETS', 'STATUS', 'SUCCESSES', 'ERROR CODES'], prow));
  if (v.failed.length > 0) {
    lines.push('', 'Failed markets, per provider config (ticks in which it contributed a price):');
    const status = new Map(providers.map((p) => [p.name, p]));
    for (const id of v.failed) {
      const market = Object.values(r.map.markets).find((m) => pairString(m.ticker.currency_pair) === id);
      for (const pc of market?.provider_configs ?? []) {
        const [ok, not] = r.before && r.after ? feedTicks(r.before, r.after, pc.name, id) : [0, 0];
        const p = status.get(pc.name);
        const codes = p && p.failures.length > 0 ? ` [${formatCodes(p.failures)}]` : '';
        lines.push(`  ${id}  ${pc.name} ${pc.off_chain_ticker}: ${ok} of ${ok + not} ticks; provider ${p?.status ?? 'unknown'}${codes}`);
      }
    }
    lines.push(`FAILED: ${v.failed.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Left-aligned columns separated by two spaces. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
