/**
 * The aggregation tick (connect oracle/update.go, pkg/math/oracle/aggregator.go). The only
 * writer of the served snapshot. Per enabled market:
 *   1. each provider config's converted price: the fresh quote (age ≤ maxPriceAge), inverted
 *      first if `invert`, then multiplied by the PREVIOUS tick's median of normalize_by_pair;
 *   2. the median of the converted prices (even count: mean of the two middle values);
 *   3. fewer than min_provider_count → the market is dropped this tick (no carry-forward);
 *   4. otherwise served as trunc(median × 10^decimals), computed exactly in decimal.
 *
 * The market map is compiled once into a plan (labels, ticker spellings, metric series handles),
 * so a tick does no string building and no label lookups. Feeds are ordered by their float64
 * converted prices, which order the exact values correctly unless two are within rounding error
 * of each other (then they are compared exactly); exact decimals are computed only for the
 * median's one or two feeds and for such near-ties, and kept while the quote is unchanged.
 */
import { pairString, type MarketMap } from '../config/types.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Series } from '../metrics/series.js';
import { dec, scaleTruncate, type Decimal } from './decimal.js';
import type { Quote, QuoteStore } from './store.js';

export interface Snapshot {
  /** BASE/QUOTE → integer string, keys sorted. */
  readonly prices: Readonly<Record<string, string>>;
  /** When the tick ran; null before the first tick. */
  readonly timestamp: Date | null;
  /** Enabled markets without a price this tick, sorted. */
  readonly missing: readonly string[];
}

export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({ prices: Object.freeze({}), timestamp: null, missing: Object.freeze([]) });

/** One provider config of a market, compiled, with its current values as scratch. */
interface FeedPlan {
  /** The off-chain ticker as configured, upper- and lower-cased (adapters key quotes by any). */
  readonly spellings: readonly [string, string, string];
  readonly invert: boolean;
  /** The normalize_by_pair market (null: none; undefined: a pair the plan does not serve). */
  normalizeBy: MarketPlan | null | undefined;
  /** The provider's quotes, by ticker (the store's own map). */
  readonly quotes: ReadonlyMap<string, Quote>;
  readonly ok: Series;
  readonly failed: Series;
  readonly price: Series;
  readonly deviation: Series;
  /** The quote the values below derive from. */
  quote: Quote | undefined;
  /** Its price as float64, inverted if configured (NaN when not a positive number). */
  base: number;
  /** The quote's price string when it is a plain decimal literal for `base` (not inverted). */
  baseText: string | undefined;
  /** Its price as an exact decimal, inverted if configured; parsed when first needed. */
  baseExact: Decimal | undefined;
  /** The normalising median applied this tick (undefined without normalisation). */
  norm: Decimal | undefined;
  /** This tick's converted price as float64: exact for a plain quote, else within 1e-15. */
  value: number;
  /** This tick's converted price, exact; computed when first needed. */
  exact: Decimal | undefined;
}

interface MarketPlan {
  readonly key: string;
  readonly id: string;
  readonly decimals: number;
  readonly minProviders: number;
  readonly feeds: readonly FeedPlan[];
  readonly providerCount: Series;
  readonly served: Series;
  readonly tickerUpdates: Series;
  readonly aggregated: Series;
  /** Unscaled median of the previous tick and of this one (undefined: not served), and floats. */
  previous: Decimal | undefined;
  current: Decimal | undefined;
  previousValue: number;
  currentValue: number;
  /** Scratch for the feeds with a price, in ascending order (as long as `feeds`). */
  readonly sorted: FeedPlan[];
  /** The exact middle values the last median was computed from. */
  lo: Decimal | undefined;
  hi: Decimal | undefined;
  /** The last served median and its scaled string (reused while the median object is unchanged). */
  scaledOf: Decimal | undefined;
  scaled: string;
}

/**
 * Two converted floats further apart than this (relative) are ordered as their exact values are:
 * each float is within ~5e-16 of its exact value (parse, inversion, normalisation roundings).
 */
const TIE = 1e-14;

const ONE = dec(1);
/** A decimal literal Prometheus parses as a float (no sign, no spaces, no hex). */
const DECIMAL_LITERAL = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export class Aggregator {
  private plan: MarketPlan[] = [];

  constructor(
    marketMap: MarketMap,
    private readonly store: QuoteStore,
    private readonly metrics: Metrics,
    private readonly maxPriceAgeMs: number,
  ) {
    this.setMarketMap(marketMap);
  }

  setMarketMap(map: MarketMap): void {
    const m = this.metrics;
    // Series of markets and feeds that left the map (or were disabled) leave the exposition.
    m.priceDeviation.reset();
    m.marketPriceServed.reset();
    m.marketMinProviders.reset();
    const plan: MarketPlan[] = [];
    const normalizers: Array<[FeedPlan, string]> = [];
    for (const [key, market] of Object.entries(map.markets)) {
      const { ticker } = market;
      if (!ticker.enabled) continue;
      const id = pairString(ticker.currency_pair);
      const idLabel = id.toLowerCase();
      m.marketMinProviders.set({ id: idLabel }, ticker.min_provider_count);
      const decimals = String(ticker.decimals);
      const feeds = market.provider_configs.map((pc): FeedPlan => {
        const provider = pc.name.toLowerCase();
        const t = pc.off_chain_ticker;
        const feed: FeedPlan = {
          spellings: [t, t.toUpperCase(), t.toLowerCase()],
          invert: pc.invert,
          normalizeBy: null,
          quotes: this.store.quotesOf(pc.name),
          ok: m.providerUpdates.child({ provider, id: idLabel, success: 'true' }),
          failed: m.providerUpdates.child({ provider, id: idLabel, success: 'false' }),
          price: m.providerPrice.child({ provider, id: idLabel, decimals }),
          deviation: m.priceDeviation.child({ provider, id: idLabel }),
          quote: undefined,
          base: Number.NaN,
          baseText: undefined,
          baseExact: undefined,
          norm: undefined,
          value: Number.NaN,
          exact: undefined,
        };
        if (pc.normalize_by_pair) normalizers.push([feed, pairString(pc.normalize_by_pair)]);
        return feed;
      });
      plan.push({
        key,
        id,
        decimals: ticker.decimals,
        minProviders: ticker.min_provider_count,
        feeds,
        providerCount: m.marketProviders.child({ id: idLabel }),
        served: m.marketPriceServed.child({ id: idLabel }),
        tickerUpdates: m.tickerUpdates.child({ id: idLabel }),
        aggregated: m.aggregatedPrice.child({ id: idLabel, decimals }),
        previous: undefined,
        current: undefined,
        previousValue: Number.NaN,
        currentValue: Number.NaN,
        sorted: feeds.slice(),
        lo: undefined,
        hi: undefined,
        scaledOf: undefined,
        scaled: '',
      });
    }
    plan.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const byId = new Map(plan.map((mk) => [mk.id, mk]));
    for (const [feed, pair] of normalizers) feed.normalizeBy = byId.get(pair);
    // The last tick's medians carry over, so normalisation continues across a reload.
    for (const old of this.plan) {
      const mk = byId.get(old.id);
      if (mk) {
        mk.current = old.current;
        mk.currentValue = old.currentValue;
      }
    }
    this.plan = plan;
  }

  tick(now = Date.now()): Snapshot {
    const started = performance.now();
    const m = this.metrics;
    const prices: Record<string, string> = {};
    const missing: string[] = [];
    for (const market of this.plan) {
      market.previous = market.current;
      market.previousValue = market.currentValue;
      market.current = undefined;
    }
    for (const market of this.plan) {
      // Feeds with a price, kept in ascending order by insertion (at most a few per market).
      const priced = market.sorted;
      let count = 0;
      for (const feed of market.feeds) {
        if (!this.convert(feed, now)) {
          feed.failed.inc();
          feed.deviation.clear();
          continue;
        }
        feed.ok.inc();
        // A plain quote is exposed as the exchange wrote it (it parses to the same float64).
        if (feed.baseText !== undefined && feed.normalizeBy === null) feed.price.setText(feed.value, feed.baseText);
        else feed.price.set(feed.value);
        let i = count++;
        while (i > 0 && byValue(priced[i - 1] as FeedPlan, feed) > 0) {
          priced[i] = priced[i - 1] as FeedPlan;
          i -= 1;
        }
        priced[i] = feed;
      }
      market.providerCount.set(count);
      if (count === 0 || count < market.minProviders) {
        market.served.set(0);
        for (let i = 0; i < count; i++) (priced[i] as FeedPlan).deviation.clear();
        missing.push(market.key);
        continue;
      }
      market.served.set(1);
      const mid = count >> 1;
      const hi = exactOf(priced[mid] as FeedPlan);
      const lo = count % 2 === 0 ? exactOf(priced[mid - 1] as FeedPlan) : hi;
      let med: Decimal;
      let medValue: number;
      if (lo === market.lo && hi === market.hi && market.previous) {
        // The same middle values as at the previous tick: the same median.
        med = market.previous;
        medValue = market.previousValue;
      } else if (lo === hi) {
        med = hi;
        const f = priced[mid] as FeedPlan;
        medValue = f.invert || f.norm ? med.toNumber() : f.value;
      } else {
        med = lo.plus(hi).div(2);
        medValue = med.toNumber();
      }
      market.lo = lo;
      market.hi = hi;
      for (let i = 0; i < count; i++) {
        const feed = priced[i] as FeedPlan;
        feed.deviation.set((feed.value - medValue) / medValue);
      }
      market.current = med;
      market.currentValue = medValue;
      if (market.scaledOf !== med) {
        market.scaledOf = med;
        market.scaled = scaleTruncate(med, market.decimals);
      }
      prices[market.id] = market.scaled;
      market.tickerUpdates.inc();
      market.aggregated.set(medValue);
    }
    m.systemUpdates.inc();
    m.lastTickTimestamp.set(now / 1000);
    m.tickDuration.observe((performance.now() - started) / 1000);
    return Object.freeze({
      prices: Object.freeze(prices),
      timestamp: new Date(now),
      missing: Object.freeze(missing.sort()),
    });
  }

  /** Set the feed's converted price (invert, then normalise); false when it has none. */
  private convert(feed: FeedPlan, now: number): boolean {
    const quote = this.freshQuote(feed, now);
    if (!quote) return false;
    if (quote !== feed.quote) {
      feed.quote = quote;
      const n = Number(quote.price);
      feed.base = feed.invert ? 1 / n : n;
      feed.baseText = !feed.invert && DECIMAL_LITERAL.test(quote.price) ? quote.price : undefined;
      feed.baseExact = undefined;
      feed.exact = undefined;
    }
    if (!(feed.base > 0 && feed.base < Infinity)) return false;
    if (feed.normalizeBy === null) {
      feed.value = feed.base;
      return true;
    }
    const norm = feed.normalizeBy?.previous;
    if (!norm) return false;
    if (norm !== feed.norm) {
      feed.norm = norm;
      feed.exact = undefined;
    }
    feed.value = feed.base * (feed.normalizeBy as MarketPlan).previousValue;
    return true;
  }

  private freshQuote(feed: FeedPlan, now: number): Quote | undefined {
    const [exact, upper, lower] = feed.spellings;
    const q = feed.quotes.get(exact) ?? feed.quotes.get(upper) ?? feed.quotes.get(lower);
    return q && now - q.at <= this.maxPriceAgeMs ? q : undefined;
  }
}

/** The feed's converted price this tick, exactly: parse, invert, normalise (each once). */
function exactOf(feed: FeedPlan): Decimal {
  let e = feed.exact;
  if (e === undefined) {
    let b = feed.baseExact;
    if (b === undefined) {
      const price = (feed.quote as Quote).price;
      try {
        b = dec(price);
      } catch {
        b = dec(Number(price)); // a string Number() reads but decimal.js does not (e.g. padded)
      }
      if (feed.invert) b = ONE.div(b);
      feed.baseExact = b;
    }
    e = feed.norm ? b.times(feed.norm) : b;
    feed.exact = e;
  }
  return e;
}

/** Ascending by converted price: float64 unless within TIE of each other, then exact. */
function byValue(a: FeedPlan, b: FeedPlan): number {
  const d = a.value - b.value;
  if (Math.abs(d) > TIE * Math.max(a.value, b.value)) return d;
  return exactOf(a).comparedTo(exactOf(b));
}
