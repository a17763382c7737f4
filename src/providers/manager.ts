/**
 * Builds and runs one driver per provider that has tickers in the market map, an enabled
 * transport in oracle.json and an adapter in the registry. A provider that cannot run
 * contributes nothing (its market configs then count as failed updates); the side-car's one
 * support summary per market map (validate/support.ts) warns about it, so here it is debug.
 */
import { pairString, type MarketMap, type OracleConfig, type ProviderConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { ProviderMetricsFactory } from '../metrics/provider.js';
import type { QuoteStore } from '../oracle/store.js';
import { HttpPoller } from './http-poller.js';
import { ProviderSink } from './sink.js';
import type { ProviderState } from './state.js';
import type { Exchange, ProviderTicker } from './types.js';
import { WsStream } from './ws-stream.js';

interface Driver {
  readonly tickers: readonly ProviderTicker[];
  /** What the driver last saw (connections, deliveries, errors), for /status. */
  readonly state: ProviderState;
  start(): void;
  stop(): Promise<void>;
  update(tickers: readonly ProviderTicker[]): Promise<unknown>;
}

/**
 * Every provider's tickers: the off-chain tickers of its configs in enabled markets, unique
 * case-insensitively (the first one seen in market-key order wins, with its metadata). The
 * tickers of markets that other markets normalise by (USDT/USD, ...) come first, then the rest in
 * market-key order: drivers subscribe and poll in this order, so the markets most others wait
 * for are priced first after a start (subscribed last, a 1000-market map waited ~100 s for
 * USDT/USD).
 */
export function providerTickers(map: MarketMap): Map<string, ProviderTicker[]> {
  const normalizers = new Set<string>();
  for (const market of Object.values(map.markets)) {
    if (!market.ticker.enabled) continue;
    for (const pc of market.provider_configs) if (pc.normalize_by_pair) normalizers.add(pairString(pc.normalize_by_pair));
  }
  const lists = new Map<string, Array<{ ticker: ProviderTicker; first: boolean }>>();
  const seen = new Map<string, { ticker: ProviderTicker; first: boolean }>();
  for (const key of Object.keys(map.markets).sort()) {
    const market = map.markets[key];
    if (!market?.ticker.enabled) continue;
    const first = normalizers.has(pairString(market.ticker.currency_pair));
    for (const pc of market.provider_configs) {
      const dedupe = `${pc.name}\u0000${pc.off_chain_ticker.toLowerCase()}`;
      const known = seen.get(dedupe);
      if (known) {
        known.first ||= first;
        continue;
      }
      const entry = { ticker: { offChainTicker: pc.off_chain_ticker, metadataJSON: pc.metadata_JSON }, first };
      seen.set(dedupe, entry);
      const list = lists.get(pc.name) ?? [];
      list.push(entry);
      lists.set(pc.name, list);
    }
  }
  const out = new Map<string, ProviderTicker[]>();
  for (const [name, list] of lists) out.set(name, [...list.filter((e) => e.first), ...list.filter((e) => !e.first)].map((e) => e.ticker));
  return out;
}

/** Two enabled markets giving one provider the same off-chain ticker (case-insensitively)
 *  with different metadata_JSON: only the first market's metadata (key order) is used. */
export interface MetadataConflict {
  readonly provider: string;
  readonly ticker: string;
  readonly used: string;
  readonly ignored: string;
}

/** Every metadata conflict of `map`, in market-key order (connect picked one at random). */
export function metadataConflicts(map: MarketMap): MetadataConflict[] {
  const first = new Map<string, { market: string; metadata: string }>();
  const out: MetadataConflict[] = [];
  for (const key of Object.keys(map.markets).sort()) {
    const market = map.markets[key];
    if (!market?.ticker.enabled) continue;
    for (const pc of market.provider_configs) {
      const id = `${pc.name}\u0000${pc.off_chain_ticker.toLowerCase()}`;
      const seen = first.get(id);
      if (!seen) first.set(id, { market: key, metadata: pc.metadata_JSON });
      else if (seen.metadata !== pc.metadata_JSON) {
        out.push({ provider: pc.name, ticker: pc.off_chain_ticker, used: seen.market, ignored: key });
      }
    }
  }
  return out;
}

export class ProviderManager {
  private readonly drivers = new Map<string, Driver>();

  constructor(
    private readonly config: OracleConfig,
    private readonly store: QuoteStore,
    private readonly metricsFor: ProviderMetricsFactory,
    private readonly log: Logger,
    /** The exchange registry (exchanges/index.ts), passed in by the wiring. */
    private readonly exchanges: Readonly<Record<string, Exchange>>,
  ) {}

  /** Names of the providers currently running. */
  running(): string[] {
    return [...this.drivers.keys()].sort();
  }

  /** The state of every running provider (live objects: read, do not keep). */
  states(): ReadonlyMap<string, ProviderState> {
    return new Map([...this.drivers].map(([name, d]) => [name, d.state]));
  }

  start(map: MarketMap): void {
    this.warnConflicts(map);
    for (const [name, tickers] of providerTickers(map)) this.startOne(name, tickers);
  }

  private warnConflicts(map: MarketMap): void {
    for (const c of metadataConflicts(map)) {
      this.log.warn(c, `${c.provider} ticker ${c.ticker} has different metadata_JSON in ${c.used} and ${c.ignored}; using ${c.used}'s`);
    }
  }

  private startOne(name: string, tickers: ProviderTicker[]): void {
    const driver = this.build(name, tickers);
    if (!driver) return;
    this.drivers.set(name, driver);
    driver.start();
    this.log.info({ provider: name, tickers: tickers.length }, 'provider started');
  }

  /**
   * Apply a new market map: providers that lost every ticker stop, new ones start, and a
   * provider whose tickers changed updates in place (see WsStream.update); the others are
   * not touched. Returns the providers that changed.
   */
  async update(map: MarketMap): Promise<string[]> {
    this.warnConflicts(map);
    const next = providerTickers(map);
    const changed: string[] = [];
    for (const [name, driver] of this.drivers) {
      if (next.has(name)) continue;
      changed.push(name);
      this.drivers.delete(name);
      await driver.stop();
      this.store.retain(name, new Set());
    }
    for (const [name, tickers] of next) {
      const driver = this.drivers.get(name);
      if (driver && sameTickerSet(driver.tickers, tickers)) continue;
      changed.push(name);
      if (!driver) {
        this.startOne(name, tickers);
        continue;
      }
      await driver.update(tickers);
      this.store.retain(name, new Set(tickers.map((t) => t.offChainTicker)));
      this.log.info({ provider: name, tickers: tickers.length }, 'provider tickers updated');
    }
    return changed.sort();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.drivers.values()].map((d) => d.stop()));
    this.drivers.clear();
  }

  private build(name: string, tickers: ProviderTicker[]): Driver | undefined {
    const cfg: ProviderConfig | undefined = this.config.providers[name];
    const exchange = this.exchanges[name];
    const log = this.log.child({ provider: name });
    if (!cfg) return void log.debug('market map uses a provider that oracle.json does not configure; skipped');
    if (!exchange) return void log.debug('no adapter for this provider in this version; skipped');
    if (cfg.type !== 'price_provider') return void log.debug({ type: cfg.type }, 'not a price provider; skipped');
    if (exchange.kind !== 'ws') {
      if (!cfg.api.enabled) return void log.debug('api transport disabled in oracle.json; skipped');
      const metrics = this.metricsFor(name, 'api');
      const sink = new ProviderSink(this.store, metrics);
      return new HttpPoller({ name, config: cfg.api, exchange, tickers, sink, metrics, log });
    }
    if (!cfg.webSocket.enabled) return void log.debug('webSocket transport disabled in oracle.json; skipped');
    const metrics = this.metricsFor(name, 'websockets');
    const sink = new ProviderSink(this.store, metrics);
    return new WsStream({ name, config: cfg.webSocket, api: cfg.api, exchange, tickers, sink, metrics, log });
  }
}

function sameTickerSet(a: readonly ProviderTicker[], b: readonly ProviderTicker[]): boolean {
  if (a.length !== b.length) return false;
  const key = (t: ProviderTicker) => `${t.offChainTicker}\u0000${t.metadataJSON}`;
  const set = new Set(a.map(key));
  return b.every((t) => set.has(key(t)));
}
