/**
 * The aggregation tick (connect oracle/update.go): the only writer of the served snapshot.
 * Every updateInterval it prices each enabled market of the compiled plan (plan.ts) with
 * median.ts, then hands the same plan to its observer (the tick metrics), which exports what it computed.
 */
import type { MarketMap } from '../config/types.js';
import { beginTick, priceMarket } from './median.js';
import { compilePlan, type MarketPlan, type Plan } from './plan.js';
import type { QuoteStore } from './store.js';

export interface Snapshot {
  /** BASE/QUOTE → integer string, keys sorted. */
  readonly prices: Readonly<Record<string, string>>;
  /** When the tick ran; null before the first tick. */
  readonly timestamp: Date | null;
  /** Enabled markets without a price this tick, sorted. */
  readonly missing: readonly string[];
}

/** What watches each tick (metrics/tick.ts TickMetrics): told of every new plan, then of each
 *  tick that walked it, with the tick's time and its performance.now() start. */
export interface TickObserver {
  setPlan(plan: Plan): void;
  record(plan: Plan, now: number, started: number): void;
}

export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({ prices: Object.freeze({}), timestamp: null, missing: Object.freeze([]) });

/** The plan the last tick walked (what it computed stays in it until the next tick), its time
 *  and its sequence number (1 for the first tick); `current` false when a new market map was
 *  compiled after it. */
export interface LastTick {
  readonly plan: Plan;
  readonly at: number;
  readonly seq: number;
  readonly current: boolean;
}

export class Aggregator {
  private plan: Plan = [];
  private ticked: Plan = [];
  private tickedAt = 0;
  private ticks = 0;

  constructor(
    marketMap: MarketMap,
    private readonly store: QuoteStore,
    private readonly metrics: TickObserver,
    private readonly maxPriceAgeMs: number,
  ) {
    this.setMarketMap(marketMap);
  }

  /** Compile a new market map; the last medians carry over (normalisation continues). */
  setMarketMap(map: MarketMap): void {
    this.plan = compilePlan(map, this.store, this.plan);
    this.metrics.setPlan(this.plan);
  }

  /** The last tick, undefined before the first. */
  lastTick(): LastTick | undefined {
    return this.ticks === 0 ? undefined : { plan: this.ticked, at: this.tickedAt, seq: this.ticks, current: this.ticked === this.plan };
  }

  tick(now = Date.now()): Snapshot {
    const started = performance.now();
    const plan = this.plan;
    const prices: Record<string, string> = {};
    const missing: string[] = [];
    beginTick(plan);
    for (let i = 0; i < plan.length; i++) {
      const market = plan[i] as MarketPlan;
      const price = priceMarket(market, now, this.maxPriceAgeMs);
      if (price === undefined) missing.push(market.key);
      else prices[market.id] = price;
    }
    this.ticked = plan;
    this.tickedAt = now;
    this.ticks += 1;
    this.metrics.record(plan, now, started);
    return Object.freeze({
      prices: Object.freeze(prices),
      timestamp: new Date(now),
      missing: Object.freeze(missing.sort()),
    });
  }
}
