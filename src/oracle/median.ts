/**
 * The price of one market at one tick (connect pkg/math/oracle/aggregator.go), over its compiled
 * plan (plan.ts); no metrics, no registry:
 *   1. each feed's converted price: the fresh quote (age ≤ maxPriceAge), inverted first if
 *      `invert`, then multiplied by the PREVIOUS tick's median of normalize_by_pair;
 *   2. the median of the converted prices (even count: mean of the two middle values);
 *   3. fewer than min_provider_count → no price this tick (no carry-forward);
 *   4. otherwise trunc(median × 10^decimals), computed exactly in decimal.
 *
 * Feeds are ordered by their float64 converted prices, which order the exact values correctly
 * unless two are within rounding error of each other (then they are compared exactly). Exact
 * values (plain decimal text, decimal.ts) are computed only for the median's one or two feeds and
 * for such near-ties, and kept while the quote is unchanged; a plain quote is its own exact value.
 * What a tick computed stays in the plan (FeedPlan.priced/value, MarketPlan.count/current) for
 * the metrics to export.
 */
import { compare, invert, midpoint, times, toPlain, truncateScaled } from './decimal.js';
import { FeedState, type FeedPlan, type MarketPlan, type Plan } from './plan.js';
import type { QuoteSlot } from './store.js';

/**
 * Two converted floats further apart than this (relative) are ordered as their exact values are:
 * each float is within ~5e-16 of its exact value (parse, inversion, normalisation roundings).
 */
const TIE = 1e-14;

/** Start a tick: every market's last median becomes the previous one (normalisation reads it). */
export function beginTick(plan: Plan): void {
  for (const market of plan) {
    market.previous = market.current;
    market.previousValue = market.currentValue;
    market.current = undefined;
  }
}

/**
 * Price `market` at `now`: its scaled median, or undefined when fewer than min_provider_count
 * (or no) feeds have a fresh price. Call beginTick first, once per tick.
 */
export function priceMarket(market: MarketPlan, now: number, maxPriceAgeMs: number): string | undefined {
  // Feeds with a price, kept in ascending order by insertion (at most a few per market).
  const priced = market.sorted;
  let count = 0;
  for (const feed of market.feeds) {
    if (!convert(feed, now, maxPriceAgeMs)) {
      feed.priced = false;
      continue;
    }
    feed.priced = true;
    let i = count++;
    while (i > 0 && above(priced[i - 1] as FeedPlan, feed)) {
      priced[i] = priced[i - 1] as FeedPlan;
      i -= 1;
    }
    priced[i] = feed;
  }
  market.count = count;
  if (count === 0 || count < market.minProviders) return undefined;
  const mid = count >> 1;
  const hiFeed = priced[mid] as FeedPlan;
  const hi = exactOf(hiFeed);
  const lo = count % 2 === 0 ? exactOf(priced[mid - 1] as FeedPlan) : hi;
  let med: string;
  let medValue: number;
  if (lo === market.lo && hi === market.hi && market.previous !== undefined) {
    // The same middle values as at the previous tick: the same median.
    med = market.previous;
    medValue = market.previousValue;
  } else if (lo === hi) {
    med = hi;
    medValue = hiFeed.plainText !== undefined ? hiFeed.value : Number(med);
  } else {
    med = midpoint(lo, hi);
    medValue = Number(med);
  }
  market.lo = lo;
  market.hi = hi;
  market.current = med;
  market.currentValue = medValue;
  if (market.scaledOf !== med) {
    market.scaledOf = med;
    market.scaled = truncateScaled(med, market.decimals);
  }
  return market.scaled;
}

/** Set the feed's converted price (invert, then normalise) and its state; false when it has none. */
function convert(feed: FeedPlan, now: number, maxPriceAgeMs: number): boolean {
  const quote = heldQuote(feed);
  if (quote === undefined) {
    feed.state = FeedState.NoQuote;
    feed.quote = '';
    feed.quoteAt = 0;
    return false;
  }
  feed.quote = quote.price;
  feed.quoteAt = quote.at;
  if (now - quote.at > maxPriceAgeMs) {
    feed.state = FeedState.Stale;
    return false;
  }
  if (quote !== feed.from || quote.version !== feed.version) {
    feed.from = quote;
    feed.version = quote.version;
    feed.base = feed.invert ? 1 / quote.value : quote.value;
    feed.plainText = !feed.invert && feed.normalizeBy === null && quote.plain ? quote.price : undefined;
    feed.baseExact = undefined;
    feed.exact = undefined;
  }
  if (!(feed.base > 0 && feed.base < Infinity)) {
    feed.state = FeedState.Invalid;
    return false;
  }
  if (feed.normalizeBy === null) {
    feed.state = FeedState.Priced;
    feed.value = feed.base;
    return true;
  }
  const by = feed.normalizeBy;
  if (by === undefined) {
    feed.state = FeedState.NoNormalizer;
    return false;
  }
  const norm = by.previous;
  if (norm === undefined) {
    feed.state = FeedState.NormalizerUnpriced;
    return false;
  }
  if (norm !== feed.norm) {
    feed.norm = norm;
    feed.exact = undefined;
  }
  feed.state = FeedState.Priced;
  feed.value = feed.base * by.previousValue;
  return true;
}

/** The quote held under the configured spelling of the ticker, else under another one. */
function heldQuote(feed: FeedPlan): QuoteSlot | undefined {
  if (feed.slot.held) return feed.slot;
  const others = feed.otherSlots;
  for (let i = 0; i < others.length; i++) if ((others[i] as QuoteSlot).held) return others[i];
  return undefined;
}

/** The feed's converted price this tick, exactly: parse, invert, normalise (each once). */
function exactOf(feed: FeedPlan): string {
  if (feed.plainText !== undefined) return feed.plainText;
  let e = feed.exact;
  if (e === undefined) {
    let b = feed.baseExact;
    if (b === undefined) {
      b = toPlain((feed.from as QuoteSlot).price);
      if (feed.invert) b = invert(b);
      feed.baseExact = b;
    }
    e = feed.norm !== undefined ? times(b, feed.norm) : b;
    feed.exact = e;
  }
  return e;
}

/** Whether a's converted price is above b's: by float64 unless within TIE of each other, then
 *  exactly. (A boolean, not a float difference: a returned float would be boxed.) */
function above(a: FeedPlan, b: FeedPlan): boolean {
  const d = a.value - b.value;
  if (Math.abs(d) > TIE * Math.max(a.value, b.value)) return d > 0;
  return compare(exactOf(a), exactOf(b)) > 0;
}
