/**
 * Retiring what a market map change removed. The rule: a series leaves the exposition when the
 * previous map referenced its market, feed, provider config or provider (in enabled markets) and
 * the next map does not. Its value is zeroed, so a counter that comes back restarts from 0
 * (rate() allows for that; connect never deleted a series, so it kept showing removed markets).
 * What the next map still references keeps its series and values.
 *
 * The references, as the families label them:
 * - market: `id`, the lower-cased BASE/QUOTE; with `decimals` for the price gauges, so a
 *   decimals change retires the old-decimals series;
 * - feed: lower-cased provider name and market `id` (the tick's per-provider families);
 * - provider config: provider name and lower-cased off-chain ticker as `id`;
 * - provider: its name.
 * A market-map provider (the built-in names, or type market_map_provider in oracle.json) writes
 * some of the same families under its own name, with the chain id as `id`: never retired.
 *
 * Called once per applied map, after the providers were updated (a stopped provider delivers
 * nothing more); O(series), never on a per-tick or per-scrape path.
 */
import type { Counter, Gauge, Histogram } from 'prom-client';
import { isMarketMapProviderName } from '../config/defaults.js';
import { pairString, type MarketMap, type OracleConfig } from '../config/types.js';
import type { Metrics } from './metrics.js';

export type RetiredFamilies = Pick<
  Metrics,
  // Markets and feeds (tick.ts, support.ts).
  | 'tickerUpdates' | 'providerPrice' | 'aggregatedPrice' | 'providerUpdates' | 'marketProviders' | 'marketPriceServed'
  | 'marketMinProviders' | 'priceDeviation' | 'marketUnsupported'
  // Provider configs (provider.ts, price-age.ts).
  | 'statusResponsesPerId' | 'lastUpdatedId' | 'apiInternalStatus' | 'priceAge'
  // Providers (provider.ts, support.ts).
  | 'statusResponses' | 'apiHttpStatus' | 'apiRpcStatus' | 'apiLatency' | 'wsConnectionStatus' | 'wsDataHandlerStatus'
  | 'wsResponseTime' | 'wsConnections' | 'wsConnectionsConfigured' | 'providerUnavailable'
>;

type Labels = Readonly<Record<string, string>>;
type Match = (labels: Labels) => boolean;

const SEP = '\u0000';

interface References {
  readonly markets: Set<string>;
  readonly prices: Set<string>;
  readonly feeds: Set<string>;
  readonly feedPrices: Set<string>;
  readonly tickers: Set<string>;
  readonly providers: Set<string>;
}

/** What `map`'s enabled markets reference, keyed as the families label it. */
function references(map: MarketMap): References {
  const r: References = { markets: new Set(), prices: new Set(), feeds: new Set(), feedPrices: new Set(), tickers: new Set(), providers: new Set() };
  for (const { ticker, provider_configs } of Object.values(map.markets)) {
    if (!ticker.enabled) continue;
    const id = pairString(ticker.currency_pair).toLowerCase();
    const decimals = String(ticker.decimals);
    r.markets.add(id);
    r.prices.add(id + SEP + decimals);
    for (const pc of provider_configs) {
      const feed = pc.name.toLowerCase() + SEP + id;
      r.feeds.add(feed);
      r.feedPrices.add(feed + SEP + decimals);
      r.tickers.add(pc.name + SEP + pc.off_chain_ticker.toLowerCase());
      r.providers.add(pc.name);
    }
  }
  return r;
}

/** The keys of `prev` that `next` lacks, except those `keep` accepts. */
function gone(prev: Set<string>, next: Set<string>, keep: (key: string) => boolean = () => false): Set<string> {
  const out = new Set<string>();
  for (const k of prev) if (!next.has(k) && !keep(k)) out.add(k);
  return out;
}

/** Matches a series whose values of `names`, joined, are in `keys`. */
function by(keys: Set<string>, ...names: string[]): Match {
  return (labels) => keys.has(names.map((n) => labels[n] ?? '').join(SEP));
}

/**
 * Retire from `m` every series of what `prev` referenced and `next` does not; `oracle` tells
 * which provider names are market-map providers. Returns how many exposed series were retired.
 */
export async function retireRemoved(m: RetiredFamilies, prev: MarketMap, next: MarketMap, oracle: Pick<OracleConfig, 'providers'>): Promise<number> {
  const before = references(prev);
  const after = references(next);
  const marketMap = (provider: string) => isMarketMapProviderName(provider) || oracle.providers[provider]?.type === 'market_map_provider';
  const markets = gone(before.markets, after.markets);
  const prices = gone(before.prices, after.prices);
  const feeds = gone(before.feeds, after.feeds);
  const feedPrices = gone(before.feedPrices, after.feedPrices);
  const tickers = gone(before.tickers, after.tickers, (k) => marketMap(k.slice(0, k.indexOf(SEP))));
  const providers = gone(before.providers, after.providers, marketMap);
  if (prices.size + feedPrices.size + tickers.size + providers.size === 0) return 0;

  let n = 0;
  const byMarket = by(markets, 'id');
  for (const f of [m.tickerUpdates, m.marketProviders, m.marketPriceServed, m.marketMinProviders]) n += f.retire(byMarket);
  n += await remove(m.marketUnsupported, byMarket);
  n += m.aggregatedPrice.retire(by(prices, 'id', 'decimals'));
  n += m.providerPrice.retire(by(feedPrices, 'provider', 'id', 'decimals'));
  const byFeed = by(feeds, 'provider', 'id');
  n += m.providerUpdates.retire(byFeed) + m.priceDeviation.retire(byFeed);

  const byTicker = by(tickers, 'provider', 'id');
  for (const f of [m.statusResponsesPerId, m.lastUpdatedId, m.apiInternalStatus, m.priceAge]) n += f.retire(byTicker);

  const byProvider = by(providers, 'provider');
  for (const f of [m.statusResponses, m.wsConnectionStatus, m.wsDataHandlerStatus, m.wsResponseTime]) n += f.retire(byProvider);
  for (const f of [m.apiHttpStatus, m.apiRpcStatus, m.apiLatency, m.wsConnections, m.wsConnectionsConfigured, m.providerUnavailable]) {
    n += await remove(f, byProvider);
  }
  return n;
}

/** Remove the series of a prom-client metric whose labels `match`. */
async function remove(metric: Counter<string> | Gauge<string> | Histogram<string>, match: Match): Promise<number> {
  let n = 0;
  for (const v of (await metric.get()).values) {
    // A histogram lists each label set once per bucket (with `le`), once as _sum, once as _count.
    const name = (v as { metricName?: string }).metricName;
    if (name !== undefined && !name.endsWith('_count')) continue;
    const labels: Record<string, string> = {};
    for (const [k, value] of Object.entries(v.labels)) labels[k] = String(value);
    if (!match(labels)) continue;
    metric.remove(labels);
    n += 1;
  }
  return n;
}
