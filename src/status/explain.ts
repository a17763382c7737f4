/**
 * `GET /status` on the metrics port: why each market of the map is served or not, read from
 * what the last aggregation tick left in its plan (oracle/plan.ts), so the numbers shown are
 * the ones the tick used; nothing is recomputed. Per provider config: the raw quote and its age
 * at the tick, the inverted and normalised value, used or excluded and why, its deviation from
 * the median; per provider: its connections and its last error code.
 */
import { pairString, type Market, type MarketMap } from '../config/types.js';
import type { LastTick } from '../oracle/aggregator.js';
import type { MarketPlan, Plan } from '../oracle/plan.js';
import type { ProviderState } from '../providers/state.js';
import { ByteWriter } from '../metrics/byte-writer.js';
import { errorJson, seconds, writeMarket } from './market-json.js';
import type { MarketState, MarketStatus, ProviderStatus, StatusError, StatusReport } from './types.js';

export interface StatusSource {
  readonly version: string;
  readonly marketMap: MarketMap;
  /** The last tick; when not `current` (the map changed after it) every market is pending. */
  readonly lastTick: LastTick | undefined;
  readonly updateIntervalMs: number;
  readonly maxPriceAgeMs: number;
  /** Running providers by name. */
  readonly providers: ReadonlyMap<string, ProviderState>;
  /** Providers the map references that cannot run here, with why (validate/support.ts). */
  readonly unavailable: ReadonlyMap<string, string>;
  /** Enabled markets (BASE/QUOTE) that can never reach min_provider_count here. */
  readonly unsupported: ReadonlySet<string>;
}

/** A market of the map, with its BASE/QUOTE id. */
export interface MarketEntry {
  readonly key: string;
  readonly id: string;
  readonly market: Market;
}

/** Every market of a map, sorted by id, built once per map. */
const entriesOf = new WeakMap<MarketMap, readonly MarketEntry[]>();

/** The map's markets sorted by id; with `only` (BASE/QUOTE, any case), just that one. */
export function marketEntries(map: MarketMap, only?: string): readonly MarketEntry[] {
  let all = entriesOf.get(map);
  if (!all) {
    all = Object.entries(map.markets)
      .map(([key, market]) => ({ key, id: pairString(market.ticker.currency_pair), market }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    entriesOf.set(map, all);
  }
  if (only === undefined) return all;
  const wanted = only.toUpperCase();
  return all.filter((e) => e.id.toUpperCase() === wanted);
}

/** The last tick's markets by id, built once per plan. */
const planIndex = new WeakMap<Plan, Map<string, MarketPlan>>();

function tickedMarket(tick: LastTick, id: string): MarketPlan | undefined {
  let index = planIndex.get(tick.plan);
  if (!index) {
    index = new Map(tick.plan.map((mp) => [mp.id, mp]));
    planIndex.set(tick.plan, index);
  }
  return index.get(id);
}

/** Append one market to `w` as the last tick left it (pending when no tick has priced the
 *  current map yet); returns its state. */
export function explainMarket(w: ByteWriter, src: StatusSource, e: MarketEntry, now: number): MarketState {
  const tick = src.lastTick?.current ? src.lastTick : undefined;
  return writeMarket(w, src, e.key, e.id, e.market, tick && tickedMarket(tick, e.id), tick?.at, now);
}

/** The parts of a report besides its markets, gathered market by market. */
export class ReportBuilder {
  private markets = 0;
  private enabled = 0;
  private served = 0;
  private readonly notServed: string[] = [];
  private readonly providerNames = new Set<string>();

  constructor(private readonly src: StatusSource, private readonly now: number) {}

  add(market: Market, id: string, state: MarketState): void {
    this.markets += 1;
    if (!market.ticker.enabled) return;
    this.enabled += 1;
    if (state === 'served') this.served += 1;
    else this.notServed.push(id);
    for (const pc of market.provider_configs) this.providerNames.add(pc.name);
  }

  /** Everything before the markets. */
  private head() {
    const { src, now } = this;
    return {
      version: src.version,
      now: new Date(now).toISOString(),
      tick: src.lastTick ? new Date(src.lastTick.at).toISOString() : null,
      update_interval_seconds: seconds(src.updateIntervalMs),
      max_price_age_seconds: seconds(src.maxPriceAgeMs),
      summary: { markets: this.markets, enabled: this.enabled, served: this.served, not_served: this.notServed },
    };
  }

  private providers(): ProviderStatus[] {
    return [...this.providerNames].sort().map((name) => providerStatus(this.src, name, this.now));
  }

  report(markets: readonly MarketStatus[]): StatusReport {
    return { ...this.head(), markets, providers: this.providers() };
  }

  /** The report's JSON text before and after its markets (which go in between, serialised and
   *  joined by commas). */
  jsonAround(): { head: string; tail: string } {
    return {
      head: `${JSON.stringify(this.head()).slice(0, -1)},"markets":[`,
      tail: `],"providers":${JSON.stringify(this.providers())}}`,
    };
  }
}

/** The report for every market of the map, or for the one named `only` (BASE/QUOTE, any case):
 *  undefined when the map has no such market. */
export function explain(src: StatusSource, now: number, only?: string): StatusReport | undefined {
  const entries = marketEntries(src.marketMap, only);
  if (only !== undefined && entries.length === 0) return undefined;
  const builder = new ReportBuilder(src, now);
  const markets = entries.map((e) => {
    const w = new ByteWriter(4096);
    builder.add(e.market, e.id, explainMarket(w, src, e, now));
    return JSON.parse(w.result().toString('utf8')) as MarketStatus;
  });
  return builder.report(markets);
}

function providerStatus(src: StatusSource, name: string, now: number): ProviderStatus {
  const s = src.providers.get(name);
  if (!s) {
    return { name, transport: null, state: 'unavailable', reason: src.unavailable.get(name) ?? 'not running', connections: null, last_delivery_seconds_ago: null, last_error: null };
  }
  let state: ProviderStatus['state'];
  if (s.transport === 'websockets') state = s.configured > 0 && s.healthy >= s.configured ? 'up' : s.healthy > 0 ? 'degraded' : 'down';
  else state = s.lastDeliveryAt === 0 && s.lastErrorAt === 0 ? 'starting' : s.lastErrorAt > s.lastDeliveryAt ? 'failing' : 'up';
  return {
    name,
    transport: s.transport,
    state,
    reason: null,
    connections: s.transport === 'websockets' ? { healthy: s.healthy, configured: s.configured } : null,
    last_delivery_seconds_ago: s.lastDeliveryAt === 0 ? null : seconds(now - s.lastDeliveryAt),
    last_error: s.lastErrorAt === 0 ? null : (JSON.parse(errorJson(s.lastErrorCode, s.lastErrorAt, now)) as StatusError),
  };
}
