/**
 * Wires one running side-car: providers → store → aggregation loop → snapshot, served by the
 * price API and the metrics server. Used by the CLI, the demo and the end-to-end tests.
 */
import type http from 'node:http';
import type { Registry } from 'prom-client';
import { ConfigError } from './config/errors.js';
import type { MarketMap, OracleConfig } from './config/types.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { providerMetricsFactory } from './metrics/provider.js';
import { TickMetrics } from './metrics/tick.js';
import { PriceAges } from './metrics/price-age.js';
import { retireRemoved } from './metrics/retire.js';
import { SidecarRegistry } from './metrics/registry.js';
import { Aggregator, EMPTY_SNAPSHOT, type Snapshot } from './oracle/aggregator.js';
import { every } from './oracle/schedule.js';
import { QuoteStore } from './oracle/store.js';
import { exchanges } from './exchanges/index.js';
import { ProviderManager, providerTickers } from './providers/manager.js';
import { startGrpcServer, type OracleState } from './server/grpc-server.js';
import { liveness, readiness, type LoopState } from './server/health.js';
import { close, listen, splitAddress } from './server/http-util.js';
import { METRICS_MAX_CONNECTIONS } from './server/limits.js';
import { listenShared, type SharedListener } from './server/listener.js';
import { createMetricsServer } from './server/metrics-server.js';
import { createPriceApi } from './server/price-api.js';
import { StatusEndpoint } from './status/endpoint.js';
import type { StatusSource } from './status/explain.js';
import type { ValidationTarget } from './validate/run.js';
import { exportSupport, summaryFields, summaryMessage, supportSummary, type SupportSummary } from './validate/support.js';

export interface SidecarOptions {
  oracle: OracleConfig;
  marketMap: MarketMap;
  log: Logger;
  version: string;
}

export interface ReloadResult {
  applied: boolean;
  problems: string[];
  /** Providers whose tickers changed. */
  changed: string[];
}

/** A running side-car; it is also what validate mode evaluates (validate/run.ts). */
export interface Sidecar extends ValidationTarget {
  readonly apiPort: number;
  /** Validate and apply a new market map; a failing `load` leaves the current map serving. */
  reloadMarketMap(load: () => MarketMap): Promise<ReloadResult>;
  /** Undefined when metrics are disabled. */
  readonly metricsPort: number | undefined;
  readonly metrics: Metrics;
  readonly registry: Registry;
  snapshot(): Snapshot;
  stop(): Promise<void>;
}

export async function startSidecar(o: SidecarOptions): Promise<Sidecar> {
  const { oracle, log } = o;
  const registry = new SidecarRegistry();
  const metrics = createMetrics(registry);
  const store = new QuoteStore();
  let marketMap = o.marketMap;
  const aggregator = new Aggregator(marketMap, store, new TickMetrics(metrics), oracle.maxPriceAge);
  const providers = new ProviderManager(oracle, store, providerMetricsFactory(metrics), log.child({ module: 'providers' }), exchanges);
  let snapshot: Snapshot = EMPTY_SNAPSHOT;
  const startedAt = Date.now();
  const servers: http.Server[] = [];
  metrics.buildInfoExt.set({ version: o.version, node_version: process.version }, 1);
  metrics.updateIntervalSeconds.set(oracle.updateInterval / 1000);
  metrics.maxPriceAgeSeconds.set(oracle.maxPriceAge / 1000);
  // What cannot work with this map (support.ts): logged once per map, exported, and in /readyz.
  let support: SupportSummary = supportSummary(oracle, marketMap, exchanges);
  const supportLog = log.child({ module: 'support' });
  // The same, as /status reads it (status/explain.ts), built once per map.
  let supportSets = { unavailable: new Map<string, string>(), unsupported: new Set<string>() };
  const announceSupport = () => {
    const level = support.providers.length + support.markets.length > 0 ? 'warn' : 'info';
    supportLog[level](summaryFields(support), summaryMessage(support));
    exportSupport(metrics, support);
    supportSets = {
      unavailable: new Map(support.providers.map((p) => [p.name, p.reason])),
      unsupported: new Set(support.markets.map((m) => m.id)),
    };
  };
  announceSupport();
  const priceAges = new PriceAges(metrics.priceAge, store, startedAt);
  priceAges.setFeeds(providerTickers(marketMap));
  metrics.setPriceAgeWriter(() => priceAges.write());
  metrics.configReloadSuccessful.set(1);
  metrics.configReloadTimestamp.set(startedAt / 1000);

  let stopping = false;
  let unsupported: readonly string[] = support.markets.map((m) => m.id);
  const loop = (): LoopState => ({ startedAt, updateIntervalMs: oracle.updateInterval, snapshot, unsupported });
  const source = { snapshot: () => snapshot, marketMap: () => marketMap, version: o.version };
  const priceServer = await startPriceServer(oracle, {
    ...source,
    alive: () => !stopping && liveness(loop(), Date.now()).status === 'ok',
    ready: () => !stopping && readiness(loop(), Date.now()).status === 'ok',
  });
  const apiPort = priceServer.port;
  log.info({ address: `${oracle.host}:${apiPort}` }, 'price API listening (REST and gRPC)');

  let metricsPort: number | undefined;
  if (oracle.metrics.enabled) {
    // Any failure from here on closes the price server first (its internal socket file with it).
    try {
      const addr = splitAddress(oracle.metrics.prometheusServerAddress);
      if (addr instanceof Error) throw addr;
      const status = new StatusEndpoint((): StatusSource => ({
        version: o.version,
        marketMap,
        lastTick: aggregator.lastTick(),
        updateIntervalMs: oracle.updateInterval,
        maxPriceAgeMs: oracle.maxPriceAge,
        providers: providers.states(),
        unavailable: supportSets.unavailable,
        unsupported: supportSets.unsupported,
      }));
      const server = createMetricsServer(registry, metrics, loop, { status: (market) => status.answer(market) });
      servers.push(server);
      metricsPort = await listen(server, addr.host, addr.port, METRICS_MAX_CONNECTIONS);
      log.info({ address: `${addr.host}:${metricsPort}` }, 'metrics server listening');
    } catch (err) {
      await priceServer.close();
      throw err;
    }
  }

  providers.start(marketMap);
  metrics.buildInfo.set({ version: o.version }, 1);

  const tickLog = log.child({ module: 'oracle' });
  let lastMissing = '';
  const tickListeners: Array<(ok: boolean) => void> = [];
  const stopTicks = every(oracle.updateInterval, () => {
    let ok = false;
    try {
      snapshot = aggregator.tick();
      const missing = snapshot.missing.join(',');
      if (missing !== lastMissing) {
        tickLog.info({ missing_prices: snapshot.missing }, 'set of markets without a price changed');
        lastMissing = missing;
      }
      ok = true;
    } catch (err) {
      tickLog.error({ err }, 'aggregation tick failed');
    }
    for (let i = 0; i < tickListeners.length; i++) (tickListeners[i] as (ok: boolean) => void)(ok);
  });

  let reloading: Promise<unknown> = Promise.resolve();
  const reload = async (load: () => MarketMap): Promise<ReloadResult> => {
    let next: MarketMap;
    try {
      next = load();
    } catch (err) {
      const problems = err instanceof ConfigError ? err.problems : [String(err)];
      metrics.configReloadSuccessful.set(0);
      log.error({ problems }, 'market map reload rejected; the previous map keeps being served');
      return { applied: false, problems, changed: [] };
    }
    const prev = marketMap;
    marketMap = next;
    aggregator.setMarketMap(next);
    priceAges.setFeeds(providerTickers(next));
    support = supportSummary(oracle, next, exchanges);
    unsupported = support.markets.map((m) => m.id);
    announceSupport();
    const changed = await providers.update(next);
    // After the update: a removed provider has stopped and cannot write a retired series again.
    const retired = await retireRemoved(metrics, prev, next, oracle);
    metrics.configReloadSuccessful.set(1);
    metrics.configReloadTimestamp.set(Date.now() / 1000);
    log.info({ markets: Object.keys(next.markets).length, changed_providers: changed, retired_series: retired }, 'market map reloaded');
    return { applied: true, problems: [], changed };
  };

  return {
    apiPort,
    reloadMarketMap(load) {
      const run = reloading.then(() => reload(load));
      reloading = run.catch(() => undefined);
      return run;
    },
    metricsPort,
    metrics,
    registry,
    snapshot: () => snapshot,
    marketMap: () => marketMap,
    support: () => support,
    onTick(listener) {
      tickListeners.push(listener);
      return () => {
        const i = tickListeners.indexOf(listener);
        if (i >= 0) tickListeners.splice(i, 1);
      };
    },
    async stop() {
      stopping = true;
      stopTicks();
      await Promise.all([providers.stop(), priceServer.close(), ...servers.map(close)]);
    },
  };
}

/** REST (HTTP/1.1) and gRPC (HTTP/2) on the one price API port; nothing is left open on failure. */
async function startPriceServer(oracle: OracleConfig, state: OracleState): Promise<SharedListener> {
  const grpcServer = await startGrpcServer(state);
  try {
    return await listenShared({ host: oracle.host, port: Number(oracle.port), http: createPriceApi(state), h2: grpcServer });
  } catch (err) {
    await grpcServer.close(0);
    throw err;
  }
}
