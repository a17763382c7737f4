/**
 * oracle-sidecar CLI: `oracle-sidecar [flags]` runs the daemon; `oracle-sidecar version`
 * prints the version; `oracle-sidecar status` asks a running one why each market is served or
 * not (status/command.ts); `--help` lists the flags (every flag of connect's command, config/cli.ts).
 * Start-up errors exit non-zero (connect exits 0 on them, which hides a broken deployment
 * from the orchestrator).
 *
 * The market map: `--market-config-path` (hot-reloaded on change and SIGHUP) or, without
 * it, an empty map until the chain node answers. Either way the market-map provider chosen by
 * `--marketmap-provider` polls the node, and a valid chain map that differs from the served
 * one replaces it (connect oracle/market_mapper.go); SIGHUP without a file polls at once.
 * `--mode validate` serves for `--validation-period`, then prints its report and exits 0 or 1
 * (validate/run.ts). Logs go to stdout and, unless disabled, a rotating file (log.ts);
 * `--run-pprof` adds the profiling listener (server/pprof.ts).
 */
import { ANCHOR_BINARIES, parseCli, helpText } from './config/cli.js';
import { ConfigError } from './config/errors.js';
import { loadMarketMap } from './config/market-map.js';
import { loadOracleConfig } from './config/oracle-config.js';
import { outputFileProblem } from './config/read-file.js';
import type { MarketMap, OracleConfig } from './config/types.js';
import { closeLogger, createLogger, redactUrls, type Logger } from './log.js';
import type { Metrics } from './metrics/metrics.js';
import { applyMarketMapEndpoint, selectMarketMapProvider } from './providers/marketmap/endpoint.js';
import { MarketMapPoller } from './providers/marketmap/poller.js';
import { startPprof, type Pprof } from './server/pprof.js';
import { startSidecar, type Sidecar } from './sidecar.js';
import { statusCommand } from './status/command.js';
import { validateMode } from './validate/run.js';
import { VERSION } from './version.js';
import { watchFile } from './watch.js';
import { exchangeProviderConfigs } from './exchanges/config.js';

/** Exit codes: 0 clean, 1 runtime failure, 2 bad flags or configuration. */
export async function main(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const words = ANCHOR_BINARIES.has(argv[0] ?? '') ? argv.slice(1) : argv;
  if (words[0] === 'status') {
    return statusCommand(words.slice(1), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
  }
  let cli;
  try {
    cli = parseCli(argv);
  } catch (err) {
    return configFailure(err);
  }
  if (cli.command === 'help') {
    process.stdout.write(helpText());
    return 0;
  }
  if (cli.command === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const log = createLogger(cli.logLevel, { file: cli.logFile });
  let oracle, marketMap;
  const problems: string[] = [];
  try {
    oracle = loadOracleConfig({ priceProviders: exchangeProviderConfigs(), path: cli.oracleConfigPath, env, flags: cli.overrides, warn: (msg) => log.warn(msg) });
    const selected = selectMarketMapProvider(oracle, cli.marketMapProvider);
    problems.push(...selected);
    if (selected.length === 0) problems.push(...applyMarketMapEndpoint(oracle, cli.marketMapEndpoint));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  try {
    marketMap = cli.marketConfigPath ? loadMarketMap(cli.marketConfigPath) : { markets: {} };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  const output = cli.updateMarketConfigPath;
  const outputProblem = output ? outputFileProblem(output) : undefined;
  if (outputProblem) problems.push(`--update-market-config-path: ${outputProblem} (file ${output})`);
  if (!oracle || !marketMap || problems.length > 0) {
    await closeLogger(log);
    return configFailure(new ConfigError(problems));
  }
  if (cli.disableTelemetry) log.debug('--disable-telemetry: nothing to disable, this side-car never sends telemetry');

  let sidecar;
  try {
    sidecar = await startSidecar({ oracle, marketMap, log, version: VERSION });
  } catch (err) {
    log.fatal({ err }, 'start-up failed');
    await closeLogger(log);
    return 1;
  }
  const source = cli.marketConfigPath ? `file ${cli.marketConfigPath}` : 'chain node';
  log.info({ version: VERSION, markets: Object.keys(marketMap.markets).length, market_map: source }, 'oracle side-car started');
  const maps = new ServedMap(sidecar, marketMap);
  const poller = startPoller(oracle, maps, sidecar.metrics, log, cli.updateMarketConfigPath);
  const pprof = cli.pprof.enabled ? await startProfiling(oracle.host, cli.pprof.port, log) : undefined;
  const marketPath = cli.marketConfigPath;
  const reload = (trigger: string) => {
    if (!marketPath) return void poller?.poll();
    void maps.apply(() => loadMarketMap(marketPath)).then((applied) => log.debug({ trigger, applied }, 'market map reload finished'));
  };
  const stopWatching = marketPath ? watchFile(marketPath, () => reload('file change')) : () => undefined;
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);
  if (cli.mode === 'validate') {
    // Serve for the period, then stop, print the report after the last log line, exit 0 or 1.
    const result = await validateMode(sidecar, { periodMs: cli.validationPeriodMs, log });
    stopWatching();
    process.off('SIGHUP', onHup);
    await poller?.stop();
    await Promise.all([sidecar.stop(), pprof?.close()]);
    await new Promise<void>((done) => log.flush(() => done()));
    await closeLogger(log);
    process.stdout.write(result.report);
    return result.passed ? 0 : 1;
  }
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'shutting down');
      stopWatching();
      process.off('SIGHUP', onHup);
      const force = setTimeout(() => resolve(0), 2500);
      force.unref();
      const stopAll = async () => {
        await poller?.stop(); // first, so that no chain map is applied to a stopping side-car
        await Promise.all([sidecar.stop(), pprof?.close()]);
      };
      void stopAll().finally(() => {
        clearTimeout(force);
        void closeLogger(log).finally(() => resolve(0));
      });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

/** The map being served, tracked across file reloads and chain updates. */
class ServedMap {
  constructor(private readonly sidecar: Sidecar, private map: MarketMap) {}

  current(): MarketMap {
    return this.map;
  }

  /** Applies the map `load` returns (a throwing `load` changes nothing); true when applied. */
  async apply(load: () => MarketMap): Promise<boolean> {
    const r = await this.sidecar.reloadMarketMap(() => {
      const next = load();
      this.map = next;
      return next;
    });
    return r.applied;
  }
}

/** `--run-pprof`: the profiling listener on the price API host. A port that cannot be bound
 *  is logged and the side-car runs on without it (profiling must never cost the prices). */
async function startProfiling(host: string, port: number, log: Logger): Promise<Pprof | undefined> {
  try {
    return await startPprof({ host, port, log });
  } catch (err) {
    log.error({ port, err }, 'cannot start the pprof listener (--run-pprof); running without it');
    return undefined;
  }
}

/** The market-map provider's poller (the one left by --marketmap-provider), started;
 *  undefined when it has no enabled api block. */
function startPoller(oracle: OracleConfig, maps: ServedMap, metrics: Metrics, log: Logger, writePath: string | undefined): MarketMapPoller | undefined {
  const entry = Object.entries(oracle.providers).find(([, p]) => p.type === 'market_map_provider');
  if (!entry?.[1].api.enabled) return undefined;
  const [name, provider] = entry;
  const poller = new MarketMapPoller({
    provider: name,
    config: provider.api,
    metrics,
    log: log.child({ provider: name }),
    current: () => maps.current(),
    apply: (map) => maps.apply(() => map),
    writePath,
  });
  poller.start();
  return poller;
}

function configFailure(err: unknown): number {
  if (!(err instanceof ConfigError)) throw err;
  // A problem may quote an endpoint URL: never its userinfo or query string (API keys).
  const lines = err.problems.map((p) => `  - ${redactUrls(p)}`);
  process.stderr.write(`oracle-sidecar: configuration error\n${lines.join('\n')}\n`);
  process.stderr.write('Run `oracle-sidecar --help` for the flags.\n');
  return 2;
}
