/**
 * What the side-car's own metric families (series.ts, histogram.ts) share: label sets and their
 * exposition text, the read shape prom-client expects from `get()`, and registration with a
 * prom-client Registry.
 */
import type { Metric, Registry } from 'prom-client';

/** What `get()` returns: prom-client's MetricObjectWithValues shape. */
export interface FamilyValues<Labels = Record<string, string>> {
  name: string;
  help: string;
  type: 'gauge' | 'counter' | 'histogram';
  values: Array<{ labels: Labels; value: number; metricName?: string }>;
  aggregator: 'sum';
}

/** A family as a prom-client Registry uses it. */
export interface RegistrableFamily {
  readonly name: string;
  get(): Promise<FamilyValues<unknown>>;
  reset(): void;
}

/**
 * Register `family` with `registry`. At run time a prom-client Registry needs only `name`,
 * `get()` and `reset()` of a metric (it renders through `get()`), but its typings accept only its
 * own four metric classes, whose per-write label hashing is what these families exist to avoid;
 * this is the one place that bridges the two.
 */
export function registerFamily(registry: Registry, family: RegistrableFamily): void {
  registry.registerMetric(family as unknown as Metric);
}

const KEY_SEPARATOR = '\u0000';

/** The lookup key of a label set; every label must be given. */
export function labelKey<L extends string>(metric: string, names: readonly L[], labels: Readonly<Record<L, string>>): string {
  // Joined, not concatenated: a key kept in a family's map is then one flat string, not a
  // chain of pieces (the dYdX-sized heap snapshot held 52,000 such chains, bench/findings.md).
  const parts: string[] = [];
  for (const n of names) {
    const v = labels[n];
    if (typeof v !== 'string') throw new TypeError(`metric ${metric}: label "${n}" is missing`);
    parts.push(v);
  }
  parts.push('');
  return parts.join(KEY_SEPARATOR);
}

/** A label set's own frozen copy and its exposition text `a="x",b="y"` (values escaped). */
export function labelSet<L extends string>(names: readonly L[], labels: Readonly<Record<L, string>>): { own: Readonly<Record<string, string>>; text: string } {
  const own: Record<string, string> = {};
  const parts: string[] = [];
  for (const n of names) {
    own[n] = labels[n];
    parts.push(`${n}="${escapeLabelValue(labels[n])}"`);
  }
  return { own: Object.freeze(own), text: parts.join(',') };
}

/** `# HELP` and `# TYPE` lines of a family, as UTF-8 (no final newline). */
export function familyHeader(name: string, help: string, type: string): Uint8Array {
  return Buffer.from(`# HELP ${name} ${escapeText(help)}\n# TYPE ${name} ${type}`);
}

function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(s: string): string {
  return escapeText(s).replace(/"/g, '\\"');
}
