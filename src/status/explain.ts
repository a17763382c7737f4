/**
 * `GET /status` on the metrics port: why each market of the map is served or not, read from
 * what the last aggregation tick left in its plan (oracle/plan.ts), so the numbers shown are
 * the ones the tick used; nothing is recomputed. Per provider config: the raw quote and its age
 * at the tick, the inverted and normalised value, used or excluded and why, its deviation from
 * the median; per provider: its connections and its last error code.
 */
import { pairString, type Market, type MarketMap, type MarketProviderConfig } from '../config/types.js';
import type { LastTick } from '../oracle/aggregator.js';
import { FeedState, type FeedPlan, type MarketPlan, type Plan } from '../oracle/plan.js';
import type { QuoteSlot } from '../oracle/store.js';
import type { ProviderState } from '../providers/state.js';
import { errorCodeMessage } from '../providers/types.js';
import type { FeedReason, FeedStatus, MarketStatus, ProviderStatus, StatusError, StatusReport } from './types.js';

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

const FEED_REASONS: Record<FeedState, FeedReason | null> = {
  [FeedState.Priced]: null,
  [FeedState.NoQuote]: 'not_received',
  [FeedState.Stale]: 'stale',
  [FeedState.Invalid]: 'invalid_price',
  [FeedState.NoNormalizer]: 'normalizer_missing',
  [FeedState.NormalizerUnpriced]: 'normalizer_unpriced',
};

const seconds = (ms: number): number => Math.round(ms) / 1000;

/** A market of the map, with its BASE/QUOTE id. */
export interface MarketEntry {
  readonly key: string;
  readonly id: string;
  readonly market: Market;
}

/** The map's markets sorted by id; with `only` (BASE/QUOTE, any case), just that one. */
export function marketEntries(map: MarketMap, only?: string): MarketEntry[] {
  const wanted = only?.toUpperCase();
  const out: MarketEntry[] = [];
  for (const [key, market] of Object.entries(map.markets)) {
    const id = pairString(market.ticker.currency_pair);
    if (wanted === undefined || id.toUpperCase() === wanted) out.push({ key, id, market });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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

/** One market as the last tick left it (pending when no tick has priced the current map yet). */
export function explainMarket(src: StatusSource, e: MarketEntry, now: number): MarketStatus {
  const tick = src.lastTick?.current ? src.lastTick : undefined;
  return marketStatus(src, e.key, e.id, e.market, tick && tickedMarket(tick, e.id), tick, now);
}

/** The parts of a report besides its markets, gathered market by market. */
export class ReportBuilder {
  private markets = 0;
  private enabled = 0;
  private served = 0;
  private readonly notServed: string[] = [];
  private readonly providerNames = new Set<string>();

  constructor(private readonly src: StatusSource, private readonly now: number) {}

  add(m: MarketStatus): void {
    this.markets += 1;
    if (!m.enabled) return;
    this.enabled += 1;
    if (m.state === 'served') this.served += 1;
    else this.notServed.push(m.market);
    for (const f of m.feeds) this.providerNames.add(f.provider);
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
  const markets = entries.map((e) => explainMarket(src, e, now));
  for (const m of markets) builder.add(m);
  return builder.report(markets);
}

function marketStatus(
  src: StatusSource, key: string, id: string, market: Market, mp: MarketPlan | undefined,
  tick: LastTick | undefined, now: number,
): MarketStatus {
  const { ticker } = market;
  const base = {
    market: id,
    key,
    enabled: ticker.enabled,
    decimals: ticker.decimals,
    min_providers: ticker.min_provider_count,
  };
  if (!ticker.enabled || mp === undefined || tick === undefined) {
    const state = ticker.enabled ? 'pending' : 'disabled';
    const reason = ticker.enabled ? 'not priced yet: no tick since start-up or since the market map changed' : 'disabled in the market map';
    const feeds = market.provider_configs.map((pc) => idleFeed(src, pc, state));
    return { ...base, state, reason, price: null, median: null, tick: null, providers_used: 0, feeds };
  }
  const served = mp.current !== undefined;
  const feeds = mp.feeds.map((f, i) => feedStatus(src, market.provider_configs[i] as MarketProviderConfig, f, mp, served, tick.at, now));
  let state: MarketStatus['state'] = 'served';
  let reason = `median of ${mp.count} fresh provider prices (min ${mp.minProviders})`;
  if (!served) {
    const waiting = feeds.filter((f) => f.reason === 'normalizer_missing' || f.reason === 'normalizer_unpriced').length;
    if (src.unsupported.has(id)) {
      state = 'unsupported';
      reason = `fewer provider configs can ever deliver a price here than min_provider_count ${mp.minProviders}`;
    } else if (waiting > 0 && mp.count + waiting >= mp.minProviders) {
      state = 'normalizer_missing';
      reason = `${waiting} feeds wait for the median of their normalize_by_pair market`;
    } else {
      state = 'below_min_providers';
      reason = `${mp.count} fresh provider prices, min_provider_count is ${mp.minProviders}`;
    }
  }
  return {
    ...base,
    state,
    reason,
    price: served ? mp.scaled : null,
    median: served ? (mp.current as string) : null,
    tick: new Date(tick.at).toISOString(),
    providers_used: mp.count,
    feeds,
  };
}

function normalizeBy(pc: MarketProviderConfig): string | null {
  return pc.normalize_by_pair ? pairString(pc.normalize_by_pair) : null;
}

/** A feed of a market that the last tick did not price (disabled, or pending). */
function idleFeed(src: StatusSource, pc: MarketProviderConfig, state: 'pending' | 'disabled'): FeedStatus {
  const unavailable = src.unavailable.get(pc.name);
  return {
    provider: pc.name,
    ticker: pc.off_chain_ticker,
    state: 'excluded',
    reason: state === 'disabled' ? 'market_disabled' : unavailable !== undefined ? 'provider_unavailable' : 'pending',
    detail: unavailable ?? null,
    quote: null,
    quote_age_seconds: null,
    invert: pc.invert,
    inverted: null,
    normalize_by: normalizeBy(pc),
    normalizer: null,
    value: null,
    deviation: null,
    error: null,
  };
}

function feedStatus(
  src: StatusSource, pc: MarketProviderConfig, f: FeedPlan, mp: MarketPlan, served: boolean, tickAt: number, now: number,
): FeedStatus {
  const errorSlot = lastError(f);
  const priced = f.state === FeedState.Priced;
  let reason = FEED_REASONS[f.state];
  let detail: string | null = null;
  if (!priced) {
    const unavailable = src.unavailable.get(pc.name);
    if (unavailable !== undefined) {
      reason = 'provider_unavailable';
      detail = unavailable;
    } else if ((f.state === FeedState.NoQuote || f.state === FeedState.Stale) && errorSlot && errorSlot.errorAt >= f.quoteAt) {
      // The provider's last word on this ticker was an error.
      reason = 'error';
      detail = `${errorSlot.errorCode}: ${errorCodeMessage(errorSlot.errorCode)}`;
    } else if (f.state === FeedState.Stale) {
      detail = `older than max_price_age ${seconds(src.maxPriceAgeMs)} s`;
    }
  }
  const median = mp.currentValue;
  const held = f.quote !== '';
  return {
    provider: pc.name,
    ticker: pc.off_chain_ticker,
    state: priced ? (served ? 'used' : 'priced') : 'excluded',
    reason,
    detail,
    quote: held ? f.quote : null,
    quote_age_seconds: held ? seconds(tickAt - f.quoteAt) : null,
    invert: f.invert,
    inverted: priced && f.invert ? f.base : null,
    normalize_by: f.normalizeBy === null ? null : normalizeBy(pc),
    normalizer: priced && f.normalizeBy ? (f.norm ?? null) : null,
    value: priced ? f.value : null,
    deviation: priced && served ? (f.value - median) / median : null,
    error: errorSlot ? errorOf(errorSlot.errorCode, errorSlot.errorAt, now) : null,
  };
}

/** The slot of the feed's ticker (any spelling) with the most recent error, if any. */
function lastError(f: FeedPlan): QuoteSlot | undefined {
  let slot: QuoteSlot = f.slot;
  for (let i = 0; i < f.otherSlots.length; i++) {
    const s = f.otherSlots[i] as QuoteSlot;
    if (s.errorAt > slot.errorAt) slot = s;
  }
  return slot.errorAt === 0 ? undefined : slot;
}

function errorOf(code: number, at: number, now: number): StatusError {
  return { code, message: errorCodeMessage(code), seconds_ago: seconds(now - at) };
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
    last_error: s.lastErrorAt === 0 ? null : errorOf(s.lastErrorCode, s.lastErrorAt, now),
  };
}
