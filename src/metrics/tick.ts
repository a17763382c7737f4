/**
 * What the aggregation tick exports, written after each tick by walking the tick's plan
 * (oracle/plan.ts) and reading what median.ts left in it: per feed, provider updates (success
 * true or false), its converted price and its deviation from the median; per market, the
 * providers used, whether it was served, ticker updates and the aggregated price; per tick, the
 * system update count, its time and its duration.
 *
 * The series of a plan are resolved once, when the plan is compiled, into index arrays in the
 * plan's walking order, so a tick writes ~30,000 series with no label work and no lookups.
 */
import type { FeedPlan, MarketPlan, Plan } from '../oracle/plan.js';
import type { Metrics } from './metrics.js';

type TickFamilies = Pick<
  Metrics,
  | 'providerUpdates' | 'providerPrice' | 'priceDeviation' | 'marketProviders' | 'marketPriceServed'
  | 'marketMinProviders' | 'tickerUpdates' | 'aggregatedPrice' | 'systemUpdates' | 'lastTickTimestamp' | 'tickDuration'
>;

export class TickMetrics {
  /** Series indexes per feed, in the plan's order (market by market, feed by feed). */
  private okAt = new Int32Array(0);
  private failedAt = new Int32Array(0);
  private priceAt = new Int32Array(0);
  private deviationAt = new Int32Array(0);
  /** Series indexes per market, in the plan's order. */
  private providerCountAt = new Int32Array(0);
  private servedAt = new Int32Array(0);
  private tickerUpdatesAt = new Int32Array(0);
  private aggregatedAt = new Int32Array(0);

  constructor(private readonly m: TickFamilies) {}

  /**
   * Resolve the series of a new plan; new series are created in market-map order. What stays in
   * the map keeps its series and values; the series of what left it are retired at reload
   * (retire.ts).
   */
  setPlan(plan: Plan): void {
    const m = this.m;
    const firstFeed = new Map<MarketPlan, number>();
    let feeds = 0;
    for (const market of plan) {
      firstFeed.set(market, feeds);
      feeds += market.feeds.length;
    }
    this.okAt = new Int32Array(feeds);
    this.failedAt = new Int32Array(feeds);
    this.priceAt = new Int32Array(feeds);
    this.deviationAt = new Int32Array(feeds);
    this.providerCountAt = new Int32Array(plan.length);
    this.servedAt = new Int32Array(plan.length);
    this.tickerUpdatesAt = new Int32Array(plan.length);
    this.aggregatedAt = new Int32Array(plan.length);
    const position = new Map(plan.map((market, i) => [market, i]));
    for (const market of [...plan].sort((a, b) => a.mapOrder - b.mapOrder)) {
      const id = market.id.toLowerCase();
      const decimals = String(market.decimals);
      m.marketMinProviders.set({ id }, market.minProviders);
      let f = firstFeed.get(market) as number;
      for (const { provider } of market.feeds) {
        this.okAt[f] = m.providerUpdates.indexOf({ provider, id, success: 'true' });
        this.failedAt[f] = m.providerUpdates.indexOf({ provider, id, success: 'false' });
        this.priceAt[f] = m.providerPrice.indexOf({ provider, id, decimals });
        this.deviationAt[f] = m.priceDeviation.indexOf({ provider, id });
        f += 1;
      }
      const i = position.get(market) as number;
      this.providerCountAt[i] = m.marketProviders.indexOf({ id });
      this.servedAt[i] = m.marketPriceServed.indexOf({ id });
      this.tickerUpdatesAt[i] = m.tickerUpdates.indexOf({ id });
      this.aggregatedAt[i] = m.aggregatedPrice.indexOf({ id, decimals });
    }
  }

  /** Export the tick that ran at `now` over `plan` (the plan last given to setPlan), started at
   *  `started` (performance.now()). */
  record(plan: Plan, now: number, started: number): void {
    const m = this.m;
    const { providerUpdates, providerPrice, priceDeviation, marketProviders, marketPriceServed, tickerUpdates, aggregatedPrice } = m;
    const { okAt, failedAt, priceAt, deviationAt } = this;
    let f = 0;
    for (let i = 0; i < plan.length; i++) {
      const market = plan[i] as MarketPlan;
      const served = market.current !== undefined;
      const median = market.currentValue;
      const feeds = market.feeds;
      for (let j = 0; j < feeds.length; j++) {
        const feed = feeds[j] as FeedPlan;
        const at = f++;
        if (!feed.priced) {
          providerUpdates.incAt(failedAt[at] as number);
          priceDeviation.clearAt(deviationAt[at] as number);
          continue;
        }
        providerUpdates.incAt(okAt[at] as number);
        // A plain quote is exposed as the exchange wrote it (it parses to the same float64).
        if (feed.plainText !== undefined) providerPrice.setTextAt(priceAt[at] as number, feed.value, feed.plainText);
        else providerPrice.setAt(priceAt[at] as number, feed.value);
        if (served) priceDeviation.setAt(deviationAt[at] as number, (feed.value - median) / median);
        else priceDeviation.clearAt(deviationAt[at] as number);
      }
      marketProviders.setAt(this.providerCountAt[i] as number, market.count);
      marketPriceServed.setAt(this.servedAt[i] as number, served ? 1 : 0);
      if (!served) continue;
      tickerUpdates.incAt(this.tickerUpdatesAt[i] as number);
      aggregatedPrice.setAt(this.aggregatedAt[i] as number, median);
    }
    m.systemUpdates.inc();
    m.lastTickTimestamp.set(now / 1000);
    m.tickDuration.observe((performance.now() - started) / 1000);
  }
}
