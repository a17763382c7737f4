/**
 * The market map compiled for the aggregation tick: per enabled market, its feeds with the
 * store's quote slots they read, so a tick does no string building and no lookups. (At 1000 × 8
 * feeds a tick is bound by memory latency: the plan holds numbers and slots, not an object per
 * metric series.) `median.ts` prices the plan; `metrics/tick.ts` exports what it computed.
 *
 * Each feed and market also keeps what the last tick computed (its converted price, the median)
 * and caches derived from a quote while the quote is unchanged; median.ts owns those fields.
 */
import { pairString, type MarketMap } from '../config/types.js';
import type { QuoteSlot, QuoteStore } from './store.js';

/** Why a feed had a converted price at the last tick or not (median.ts sets it every tick). */
export const FeedState = {
  /** A fresh quote, converted. */
  Priced: 0,
  /** No quote held: never received, or dropped. */
  NoQuote: 1,
  /** The quote is older than maxPriceAge. */
  Stale: 2,
  /** The quote (inverted if configured) is not a positive finite number. */
  Invalid: 3,
  /** normalize_by_pair names no enabled market. */
  NoNormalizer: 4,
  /** The normalize_by_pair market had no median at the previous tick. */
  NormalizerUnpriced: 5,
} as const;
export type FeedState = (typeof FeedState)[keyof typeof FeedState];

/** One provider config of a market. */
export interface FeedPlan {
  /** The lower-cased provider name. */
  readonly provider: string;
  /** The quote slot of the off-chain ticker as configured, and of its other spellings (upper-
   *  and lower-cased, when different): adapters key quotes by any of them. */
  readonly slot: QuoteSlot;
  readonly otherSlots: readonly QuoteSlot[];
  readonly invert: boolean;
  /** The normalize_by_pair market (null: none; undefined: a pair the plan does not serve). */
  normalizeBy: MarketPlan | null | undefined;
  /** The off-chain ticker as configured. */
  readonly ticker: string;
  /** Whether it had a converted price at the last tick (`value`), and why (not). */
  priced: boolean;
  state: FeedState;
  /** The quote the last tick read (fresh or not): its price text and receive time ('' and 0: none). */
  quote: string;
  quoteAt: number;
  /** The last tick's converted price as float64: exact for a plain quote, else within 1e-15. */
  value: number;
  /** The quote's price string when it is exactly the converted price: plain decimal text,
   *  neither inverted nor normalised (then the exposition shows it as the exchange wrote it). */
  plainText: string | undefined;
  /** The slot, at its version, that the cached values below derive from. */
  from: QuoteSlot | undefined;
  version: number;
  /** Its price as float64, inverted if configured (NaN when not a positive number). */
  base: number;
  /** Its price, exactly, inverted if configured; computed when first needed. */
  baseExact: string | undefined;
  /** The normalising median (exact) applied at the last tick (undefined without normalisation). */
  norm: string | undefined;
  /** The last tick's converted price, exactly; computed when first needed. */
  exact: string | undefined;
}

export interface MarketPlan {
  /** The market map's key, and BASE/QUOTE. */
  readonly key: string;
  readonly id: string;
  readonly decimals: number;
  readonly minProviders: number;
  readonly feeds: readonly FeedPlan[];
  /** Its position in the market map (enabled markets only); the plan is sorted by id. */
  readonly mapOrder: number;
  /** Feeds priced at the last tick, in ascending order of converted price: the first `count`
   *  entries (scratch as long as `feeds`). */
  readonly sorted: FeedPlan[];
  count: number;
  /** Unscaled median (exact) of the previous tick and of the last one (undefined: not served),
   *  and the float64 nearest each. */
  previous: string | undefined;
  current: string | undefined;
  previousValue: number;
  currentValue: number;
  /** The exact middle values the current median was computed from. */
  lo: string | undefined;
  hi: string | undefined;
  /** The median last scaled, and its scaled string (trunc(median × 10^decimals)). */
  scaledOf: string | undefined;
  scaled: string;
}

/** Enabled markets sorted by id. */
export type Plan = readonly MarketPlan[];

/**
 * Compile `map`'s enabled markets against `store`. The medians of `previous` carry over to the
 * markets of the same id, so normalisation continues across a reload.
 */
export function compilePlan(map: MarketMap, store: QuoteStore, previous: Plan = []): Plan {
  const plan: MarketPlan[] = [];
  const normalizers: Array<[FeedPlan, string]> = [];
  for (const [key, market] of Object.entries(map.markets)) {
    const { ticker } = market;
    if (!ticker.enabled) continue;
    const feeds = market.provider_configs.map((pc): FeedPlan => {
      const t = pc.off_chain_ticker;
      const others = [...new Set([t.toUpperCase(), t.toLowerCase()])].filter((s) => s !== t);
      const feed = newFeed(pc.name.toLowerCase(), t, store.slot(pc.name, t), others.map((s) => store.slot(pc.name, s)), pc.invert);
      if (pc.normalize_by_pair) normalizers.push([feed, pairString(pc.normalize_by_pair)]);
      return feed;
    });
    plan.push({
      key,
      id: pairString(ticker.currency_pair),
      decimals: ticker.decimals,
      minProviders: ticker.min_provider_count,
      feeds,
      mapOrder: plan.length,
      sorted: feeds.slice(),
      count: 0,
      previous: undefined,
      current: undefined,
      previousValue: Number.NaN,
      currentValue: Number.NaN,
      lo: undefined,
      hi: undefined,
      scaledOf: undefined,
      scaled: '',
    });
  }
  plan.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byId = new Map(plan.map((mk) => [mk.id, mk]));
  for (const [feed, pair] of normalizers) feed.normalizeBy = byId.get(pair);
  for (const old of previous) {
    const mk = byId.get(old.id);
    if (mk) {
      mk.current = old.current;
      mk.currentValue = old.currentValue;
    }
  }
  return plan;
}

function newFeed(provider: string, ticker: string, slot: QuoteSlot, otherSlots: QuoteSlot[], invert: boolean): FeedPlan {
  return {
    provider,
    slot,
    otherSlots,
    invert,
    normalizeBy: null,
    ticker,
    priced: false,
    state: FeedState.NoQuote,
    quote: '',
    quoteAt: 0,
    value: Number.NaN,
    plainText: undefined,
    from: undefined,
    version: 0,
    base: Number.NaN,
    baseExact: undefined,
    norm: undefined,
    exact: undefined,
  };
}
