/**
 * oracle-sidecar CLI: `oracle-sidecar [flags]` runs the daemon; `oracle-sidecar version`
 * prints the version; `--help` lists the flags. Start-up errors exit non-zero (connect
 * exits 0 on them, which hides a broken deployment from the orchestrator).
 */
import { parseCli, helpText } from './config/cli.js';
import { ConfigError } from './config/errors.js';
import { crossCheck, loadMarketMap } from './config/market-map.js';
import { loadOracleConfig } from './config/oracle-config.js';
import { createLogger } from './log.js';
import { startSidecar } from './sidecar.js';
import { VERSION } from './version.js';
import { watchFile } from './watch.js';

/** Exit codes: 0 clean, 1 runtime failure, 2 bad flags or configuration. */
export async function main(argv: string[], env: Record<string, string | undefined>): Promise<number> {
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
  const log = createLogger(cli.logLevel);
  let oracle, marketMap;
  const problems: string[] = [];
  try {
    oracle = loadOracleConfig({ path: cli.oracleConfigPath, env, flags: cli.overrides, warn: (msg) => log.warn(msg) });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  try {
    marketMap = loadMarketMap(cli.marketConfigPath ?? '');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (!oracle || !marketMap || problems.length > 0) return configFailure(new ConfigError(problems));

  for (const warning of crossCheck(oracle, marketMap)) log.warn(warning);
  let sidecar;
  try {
    sidecar = await startSidecar({ oracle, marketMap, log, version: VERSION });
  } catch (err) {
    log.fatal({ err: String(err) }, 'start-up failed');
    log.flush();
    return 1;
  }
  log.info({ version: VERSION, markets: Object.keys(marketMap.markets).length }, 'oracle side-car started');
  const marketPath = cli.marketConfigPath ?? '';
  const reload = (trigger: string) => {
    void sidecar.reloadMarketMap(() => {
      const map = loadMarketMap(marketPath);
      for (const warning of crossCheck(oracle, map)) log.warn(warning);
      return map;
    }).then((r) => log.debug({ trigger, applied: r.applied }, 'market map reload finished'));
  };
  const stopWatching = watchFile(marketPath, () => reload('file change'));
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'shutting down');
      stopWatching();
      process.off('SIGHUP', onHup);
      const force = setTimeout(() => resolve(0), 2500);
      force.unref();
      void sidecar.stop().finally(() => {
        clearTimeout(force);
        log.flush();
        resolve(0);
      });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

function configFailure(err: unknown): number {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`oracle-sidecar: configuration error\n${err.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.stderr.write('Run `oracle-sidecar --help` for the flags.\n');
  return 2;
}
