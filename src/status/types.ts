/**
 * The JSON of `GET /status` (explain.ts builds it, render.ts prints it for `oracle-sidecar status`).
 * Times are ages in seconds, rounded to the millisecond; a quote's age is taken at the tick that
 * read it, every other age at the time of the answer.
 */

export interface StatusReport {
  readonly version: string;
  /** When the answer was made, and the last tick (RFC 3339; null before the first tick). */
  readonly now: string;
  readonly tick: string | null;
  readonly update_interval_seconds: number;
  readonly max_price_age_seconds: number;
  readonly summary: {
    readonly markets: number;
    readonly enabled: number;
    readonly served: number;
    /** Enabled markets without a price at the last tick, by id. */
    readonly not_served: readonly string[];
  };
  /** Sorted by market id. */
  readonly markets: readonly MarketStatus[];
  /** The providers of the markets shown, sorted by name. */
  readonly providers: readonly ProviderStatus[];
}

export type MarketState =
  /** Priced at the last tick. */
  | 'served'
  /** Fewer fresh provider prices than min_provider_count. */
  | 'below_min_providers'
  /** Would reach min_provider_count if its normalize_by_pair market(s) had a median. */
  | 'normalizer_missing'
  /** Can never reach min_provider_count with the providers that can run here. */
  | 'unsupported'
  /** `enabled: false` in the market map. */
  | 'disabled'
  /** Not priced by a tick yet (start-up, or the map changed since the last tick). */
  | 'pending';

export interface MarketStatus {
  /** BASE/QUOTE, and the market map's key. */
  readonly market: string;
  readonly key: string;
  readonly enabled: boolean;
  readonly state: MarketState;
  /** One sentence on the state. */
  readonly reason: string;
  /** The integer served to the chain (trunc(median × 10^decimals)), null when not served. */
  readonly price: string | null;
  readonly decimals: number;
  /** The median before scaling, exactly. */
  readonly median: string | null;
  /** The tick that computed this entry (RFC 3339). */
  readonly tick: string | null;
  readonly min_providers: number;
  /** Fresh provider prices at the tick. */
  readonly providers_used: number;
  /** In market-map order. */
  readonly feeds: readonly FeedStatus[];
}

export type FeedReason =
  | 'not_received' | 'stale' | 'error' | 'invalid_price' | 'normalizer_missing' | 'normalizer_unpriced'
  | 'provider_unavailable' | 'market_disabled' | 'pending';

export interface StatusError {
  /** The provider error code (connect's codes; an HTTP status for other failed responses). */
  readonly code: number;
  readonly message: string;
  readonly seconds_ago: number;
}

export interface FeedStatus {
  readonly provider: string;
  readonly ticker: string;
  /** used: in the served median; priced: fresh, but the market was not served; excluded: no price. */
  readonly state: 'used' | 'priced' | 'excluded';
  readonly reason: FeedReason | null;
  /** More on the reason (the error code and message, the staleness limit, why a provider cannot run). */
  readonly detail: string | null;
  /** The quote as the exchange sent it, and its age at the tick (null: none held). */
  readonly quote: string | null;
  readonly quote_age_seconds: number | null;
  readonly invert: boolean;
  /** 1 / quote, when inverted. */
  readonly inverted: number | null;
  /** normalize_by_pair, and the median of that market the tick multiplied by (previous tick's). */
  readonly normalize_by: string | null;
  readonly normalizer: string | null;
  /** The converted price that entered the median. */
  readonly value: number | null;
  /** (value − median) / median, when served. */
  readonly deviation: number | null;
  /** The provider's last error for this ticker. */
  readonly error: StatusError | null;
}

export interface ProviderStatus {
  readonly name: string;
  readonly transport: 'api' | 'websockets' | null;
  /**
   * websockets: up (every connection healthy), degraded (some), down (none).
   * api: up (the last answer delivered prices), failing (the last answer was an error),
   * starting (no answer yet). unavailable: it cannot run here (`reason`).
   */
  readonly state: 'up' | 'degraded' | 'down' | 'failing' | 'starting' | 'unavailable';
  readonly reason: string | null;
  readonly connections: { readonly healthy: number; readonly configured: number } | null;
  readonly last_delivery_seconds_ago: number | null;
  readonly last_error: StatusError | null;
}
