/**
 * Per-market liveness over the evaluated aggregation ticks of validate mode.
 *
 * connect samples the aggregator's missing-price list 1000 times per period from another
 * goroutine (service/validation/validation.go); this tracker is told of every tick instead,
 * right after it ran, and reads what the tick already wrote: side_car_market_price_served and
 * side_car_health_check_market_providers, through series handles held per market. A tick costs
 * O(markets) number reads and writes, with no allocation. The metric families exist whether or
 * not `metrics.enabled` (only the server is optional), so disabling metrics changes nothing here.
 */
import { pairString, type MarketMap } from '../config/types.js';
import type { Metrics, Series } from '../metrics/metrics.js';

/** One market's statistics over the ticks it was evaluated in. */
export interface MarketLiveness {
  /** BASE/QUOTE. */
  readonly id: string;
  readonly minProviderCount: number;
  /** Provider configs in the market map. */
  readonly feeds: number;
  /** Evaluated ticks while the market was enabled in the map. */
  readonly ticks: number;
  /** Of those, ticks that served a price. */
  readonly served: number;
  /** served / ticks × 100; 0 when there was no tick. */
  readonly percent: number;
  /** The longest run of consecutive ticks without a price. */
  readonly longestGap: number;
  /** Minimum and (lower) median of the providers that contributed a price per tick. */
  readonly minProviders: number;
  readonly medianProviders: number;
  /** False when the market left the map (or was disabled) before the end. */
  readonly inMap: boolean;
}

class MarketRecord {
  ticks = 0;
  served = 0;
  gap = 0;
  longestGap = 0;
  inMap = true;
  /** counts[n]: ticks in which n providers contributed (n capped at feeds). */
  counts: Uint32Array;

  constructor(
    readonly id: string,
    public min: number,
    public feeds: number,
    public servedSeries: Series,
    public providerSeries: Series,
  ) {
    this.counts = new Uint32Array(feeds + 1);
  }
}

type Gauges = Pick<Metrics, 'marketPriceServed' | 'marketProviders'>;

export class LivenessTracker {
  /** The markets evaluated now, in the map's order. */
  private current: MarketRecord[] = [];
  /** Every market seen, by id. */
  private readonly all = new Map<string, MarketRecord>();

  constructor(private readonly gauges: Gauges) {}

  /** Evaluate the enabled markets of `map` from the next tick on; the statistics of a market
   *  that stays are kept, and a market that leaves keeps what it had (reported, not judged). */
  track(map: MarketMap): void {
    for (const r of this.current) r.inMap = false;
    const next: MarketRecord[] = [];
    for (const market of Object.values(map.markets)) {
      if (!market.ticker.enabled) continue;
      const id = pairString(market.ticker.currency_pair);
      const label = { id: id.toLowerCase() };
      const feeds = market.provider_configs.length;
      let r = this.all.get(id);
      if (!r) {
        r = new MarketRecord(id, market.ticker.min_provider_count, feeds, this.gauges.marketPriceServed.child(label), this.gauges.marketProviders.child(label));
        this.all.set(id, r);
      } else {
        r.min = market.ticker.min_provider_count;
        if (feeds > r.feeds) {
          const counts = new Uint32Array(feeds + 1);
          counts.set(r.counts);
          r.counts = counts;
        }
        r.feeds = Math.max(r.feeds, feeds);
      }
      r.inMap = true;
      next.push(r);
    }
    this.current = next;
  }

  /**
   * One aggregation tick, after it ran. `ok` false (the tick threw) counts as a tick without a
   * price for every market: its gauges may be stale.
   */
  tick(ok: boolean): void {
    const list = this.current;
    for (let i = 0; i < list.length; i++) {
      const r = list[i] as MarketRecord;
      r.ticks += 1;
      const served = ok && r.servedSeries.value === 1;
      if (served) {
        r.served += 1;
        r.gap = 0;
      } else {
        r.gap += 1;
        if (r.gap > r.longestGap) r.longestGap = r.gap;
      }
      const n = ok ? r.providerSeries.value : 0;
      const at = n > 0 ? Math.min(Math.floor(n), r.feeds) : 0;
      (r.counts[at] as number) += 1;
    }
  }

  /** Every market seen, sorted by id. */
  results(): MarketLiveness[] {
    const out: MarketLiveness[] = [];
    for (const r of this.all.values()) {
      out.push({
        id: r.id,
        minProviderCount: r.min,
        feeds: r.feeds,
        ticks: r.ticks,
        served: r.served,
        percent: r.ticks === 0 ? 0 : (r.served / r.ticks) * 100,
        longestGap: r.longestGap,
        minProviders: quantile(r.counts, 0),
        medianProviders: quantile(r.counts, 0.5),
        inMap: r.inMap,
      });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

/** The smallest n whose cumulative count exceeds q × total (q = 0: the minimum; 0.5: the lower
 *  median); 0 for an empty histogram. */
export function quantile(counts: Uint32Array, q: number): number {
  let total = 0;
  for (const c of counts) total += c;
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let n = 0; n < counts.length; n++) {
    seen += counts[n] as number;
    if (seen >= rank) return n;
  }
  return counts.length - 1;
}
