/**
 * What cannot work, computed from the market map, the oracle config and the exchange registry
 * alone (no network): the providers that enabled markets reference but that cannot run here,
 * and the enabled markets that can never reach min_provider_count with the providers that can.
 *
 * connect is silent about both (it logs nothing for a provider config it has no provider for,
 * connect oracle/init.go, and its aggregator just leaves such a market missing every tick);
 * the side-car logs this summary once at start-up and after each market-map change, exports
 * it as side_car_market_unsupported / side_car_provider_unavailable, and lists the markets in
 * /readyz. The reasons follow the order in which ProviderManager.build skips a provider.
 */
import { pairString, type MarketMap, type OracleConfig } from '../config/types.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Exchange } from '../providers/types.js';

/** Why a provider referenced by the map cannot run (a closed set: a metric label). */
export type ProviderProblem =
  /** No adapter in this version's exchange registry (src/exchanges/index.ts). */
  | 'not_implemented'
  /** oracle.json (with the built-in defaults) has no entry of this name. */
  | 'not_configured'
  /** Its oracle.json entry is not of type `price_provider`. */
  | 'not_price_provider'
  /** The transport its adapter uses (api or webSocket) is disabled in oracle.json. */
  | 'disabled';

export interface UnavailableProvider {
  readonly name: string;
  readonly reason: ProviderProblem;
  /** How many enabled markets reference it. */
  readonly markets: number;
}

export interface UnsupportedMarket {
  /** BASE/QUOTE. */
  readonly id: string;
  /** Provider configs that can ever deliver a converted price. */
  readonly usable: number;
  readonly min: number;
}

export interface SupportSummary {
  /** Sorted by name. */
  readonly providers: readonly UnavailableProvider[];
  /** Sorted by id. */
  readonly markets: readonly UnsupportedMarket[];
}

export const FULL_SUPPORT: SupportSummary = Object.freeze({ providers: Object.freeze([]), markets: Object.freeze([]) });

/** Why `name` cannot run, or undefined when it can. */
export function providerProblem(name: string, oracle: OracleConfig, exchanges: Readonly<Record<string, Exchange>>): ProviderProblem | undefined {
  const exchange = exchanges[name];
  if (!exchange) return 'not_implemented';
  const cfg = oracle.providers[name];
  if (!cfg) return 'not_configured';
  if (cfg.type !== 'price_provider') return 'not_price_provider';
  const enabled = exchange.kind !== 'ws' ? cfg.api.enabled : cfg.webSocket.enabled;
  return enabled ? undefined : 'disabled';
}

/**
 * The summary for `map`. A provider config is usable when its provider can run and, if it
 * names a normalize_by_pair, that market is itself supported (the aggregator needs its median);
 * this is iterated to a fixed point, so a chain of normalisations is followed to its end.
 */
export function supportSummary(oracle: OracleConfig, map: MarketMap, exchanges: Readonly<Record<string, Exchange>>): SupportSummary {
  const problems = new Map<string, ProviderProblem | undefined>();
  const uses = new Map<string, number>();
  const enabled = Object.values(map.markets).filter((m) => m.ticker.enabled);
  for (const market of enabled) {
    for (const name of new Set(market.provider_configs.map((pc) => pc.name))) {
      if (!problems.has(name)) problems.set(name, providerProblem(name, oracle, exchanges));
      uses.set(name, (uses.get(name) ?? 0) + 1);
    }
  }
  // Start from "every enabled market is supported" and remove markets until nothing changes.
  const supported = new Set(enabled.map((m) => pairString(m.ticker.currency_pair)));
  const usable = new Map<string, number>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const market of enabled) {
      const id = pairString(market.ticker.currency_pair);
      if (!supported.has(id)) continue;
      let n = 0;
      for (const pc of market.provider_configs) {
        if (problems.get(pc.name) !== undefined) continue;
        if (pc.normalize_by_pair && !supported.has(pairString(pc.normalize_by_pair))) continue;
        n += 1;
      }
      usable.set(id, n);
      if (n < Math.max(1, market.ticker.min_provider_count)) {
        supported.delete(id);
        changed = true;
      }
    }
  }
  const providers: UnavailableProvider[] = [];
  for (const [name, reason] of problems) if (reason) providers.push({ name, reason, markets: uses.get(name) ?? 0 });
  providers.sort((a, b) => cmp(a.name, b.name));
  const markets: UnsupportedMarket[] = [];
  for (const market of enabled) {
    const id = pairString(market.ticker.currency_pair);
    if (!supported.has(id)) markets.push({ id, usable: usable.get(id) ?? 0, min: market.ticker.min_provider_count });
  }
  markets.sort((a, b) => cmp(a.id, b.id));
  return { providers, markets };
}

/** The one log line's fields: lists, never one entry per ticker. */
export function summaryFields(s: SupportSummary): Record<string, unknown> {
  const byReason: Partial<Record<ProviderProblem, string[]>> = {};
  for (const p of s.providers) (byReason[p.reason] ??= []).push(p.name);
  return {
    providers_not_implemented: byReason.not_implemented ?? [],
    providers_not_configured: byReason.not_configured ?? [],
    providers_not_price_provider: byReason.not_price_provider ?? [],
    providers_disabled: byReason.disabled ?? [],
    unsupported_markets: s.markets.map((m) => m.id),
  };
}

/** The log message that goes with summaryFields. */
export function summaryMessage(s: SupportSummary): string {
  if (s.providers.length === 0 && s.markets.length === 0) return 'every provider of the market map can run and every enabled market can reach min_provider_count';
  return `market map: ${s.providers.length} referenced provider(s) cannot run here; ${s.markets.length} enabled market(s) can never reach min_provider_count`;
}

/** Export the summary: the series of markets and providers no longer in it are removed.
 *  `id` is lower-cased like the other oracle metrics (`btc/usd`). */
export function exportSupport(m: Pick<Metrics, 'marketUnsupported' | 'providerUnavailable'>, s: SupportSummary): void {
  m.marketUnsupported.reset();
  m.providerUnavailable.reset();
  for (const market of s.markets) m.marketUnsupported.set({ id: market.id.toLowerCase() }, 1);
  for (const p of s.providers) m.providerUnavailable.set({ provider: p.name, reason: p.reason }, 1);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
