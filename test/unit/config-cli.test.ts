import { describe, it, expect } from 'vitest';
import { helpText, parseCli, type CliResult } from '../../src/config/cli.js';
import { ConfigError } from '../../src/config/errors.js';

const MARKET = ['--market-config-path', 'market.json'];

/** connect's defaults for the flags that are not config overrides. */
const DEFAULTS = {
  marketMapProvider: 'marketmap_api',
  mode: 'exec',
  validationPeriodMs: 600_000,
  pprof: { enabled: false, port: 6060 },
  logFile: { enabled: true, path: 'sidecar.log', level: 'info', maxSizeMB: 100, maxBackups: 1, maxAgeDays: 3, compress: true },
  disableTelemetry: false,
} as const;

function failure(argv: string[]): ConfigError {
  try {
    parseCli(argv);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseCli', () => {
  it('defaults: run, info, no overrides', () => {
    expect(parseCli(MARKET)).toEqual<CliResult>({ ...DEFAULTS, command: 'run', marketConfigPath: 'market.json', logLevel: 'info', overrides: {} });
  });

  it('reads every flag in both --flag value and --flag=value forms', () => {
    const r = parseCli([
      '--oracle-config', 'oracle.json', '--market-config-path=m.json', '--log-std-out-level', 'debug',
      '--host=127.0.0.1', '--port', '9090', '--metrics-prometheus-address=127.0.0.1:9100',
      '--update-interval', '500000000', '--max-price-age=30s', '--metrics-enabled=false',
    ]);
    expect(r).toEqual<CliResult>({
      ...DEFAULTS, command: 'run', oracleConfigPath: 'oracle.json', marketConfigPath: 'm.json', logLevel: 'debug',
      overrides: {
        host: '127.0.0.1', port: '9090', metricsPrometheusAddress: '127.0.0.1:9100',
        updateInterval: '500000000', maxPriceAge: '30s', metricsEnabled: 'false',
      },
    });
  });

  it('treats a bare boolean flag as true and accepts Go boolean spellings', () => {
    expect(parseCli([...MARKET, '--metrics-enabled']).overrides.metricsEnabled).toBe('true');
    expect(parseCli([...MARKET, '--metrics-enabled=0']).overrides.metricsEnabled).toBe('false');
    expect(parseCli([...MARKET, '--metrics-enabled=TRUE']).overrides.metricsEnabled).toBe('true');
  });

  it('keeps a value that looks like a flag only in = form, and lets the last repeat win', () => {
    expect(parseCli([...MARKET, '--host=--odd']).overrides.host).toBe('--odd');
    expect(parseCli([...MARKET, '--port', '1', '--port', '2']).overrides.port).toBe('2');
  });

  it.each([
    [['-h'], 'help'], [['--help'], 'help'], [['help'], 'help'], [['version'], 'version'], [['--version'], 'version'],
    [['--log-std-out-level', 'warn', 'version'], 'version'], [['version', '--help'], 'help'],
  ])('%j → %s without requiring --market-config-path', (argv, command) => {
    expect(parseCli(argv).command).toBe(command);
  });

  it.each([
    [[...MARKET, '--bogus'], 'unknown flag --bogus'],
    [[...MARKET, '--bogus=1'], 'unknown flag --bogus'],
    [[...MARKET, '-x'], 'unknown flag -x'],
    [[...MARKET, '--host'], 'flag --host needs a value'],
    [[...MARKET, '--port', '--host', 'x'], 'flag --port needs a value'],
    [[...MARKET, '--log-std-out-level', 'verbose'], '--log-std-out-level: must be one of debug, info, warn, error, dpanic, panic, fatal, got "verbose"'],
    [[...MARKET, '--metrics-enabled=maybe'], '--metrics-enabled: must be true or false, got "maybe"'],
    [[...MARKET, '--metrics-enabled', 'false'], 'unexpected argument "false" (write --metrics-enabled=false)'],
    [[...MARKET, 'start'], 'unexpected argument "start"'],
    [['version', 'extra'], 'unexpected argument "extra"'],
  ])('%j fails with %s', (argv, expected) => {
    expect(failure(argv).message).toContain(expected);
  });

  it('lists every command-line problem at once', () => {
    const err = failure(['--bogus', '--log-std-out-level=loud', ...MARKET, '--market-map-endpoint', 'node:9090']);
    expect(err.problems).toEqual([
      'unknown flag --bogus',
      '--log-std-out-level: must be one of debug, info, warn, error, dpanic, panic, fatal, got "loud"',
      '--market-config-path and --market-map-endpoint are mutually exclusive: the market map comes from the file or from the chain node',
    ]);
  });
});

describe('connect flags beyond the config overrides', () => {
  it('reads each of them with its meaning', () => {
    const r = parseCli([
      '--marketmap-provider', 'dydx_migration_api', '--run-pprof', '--pprof-port=7070', '--log-file', '/var/log/s.log',
      '--log-file-level=debug', '--log-max-size', '5', '--log-max-backups=4', '--log-max-age', '7',
      '--log-file-disable-compression', '--mode', 'validate', '--validation-period=90s', '--disable-telemetry',
    ]);
    expect(r).toMatchObject({
      marketMapProvider: 'dydx_migration_api', mode: 'validate', validationPeriodMs: 90_000,
      pprof: { enabled: true, port: 7070 }, disableTelemetry: true,
      logFile: { enabled: true, path: '/var/log/s.log', level: 'debug', maxSizeMB: 5, maxBackups: 4, maxAgeDays: 7, compress: false },
    });
    expect(r.overrides).toEqual({});
  });

  it.each([[['-m', 'validate']], [['-m=validate']], [['-mvalidate']], [['--mode=validate']]])('%j selects validate mode', (argv) => {
    expect(parseCli(argv).mode).toBe('validate');
  });

  it('--log-disable-file-rotation turns the file log off, as in connect', () => {
    expect(parseCli(['--log-disable-file-rotation']).logFile.enabled).toBe(false);
    expect(parseCli(['--log-disable-file-rotation=false']).logFile.enabled).toBe(true);
  });

  it.each([
    [['--mode', 'run'], '--mode: must be one of exec, validate, got "run"'],
    [['-m'], 'flag -m needs a value'],
    [['-x'], 'unknown flag -x'],
    [['--validation-period', 'soon'], '--validation-period: must be a positive duration such as 10m or 90s, got "soon"'],
    [['--validation-period', '0s'], '--validation-period: must be a positive duration such as 10m or 90s, got "0s"'],
    [['--pprof-port', '-1'], '--pprof-port: must be a non-negative integer, got "-1"'],
    [['--pprof-port=-1'], '--pprof-port: must be a non-negative integer, got "-1"'],
    [['--pprof-port=70000'], '--pprof-port: must be at most 65535, got 70000'],
    [['--log-max-size', '1.5'], '--log-max-size: must be a non-negative integer, got "1.5"'],
    [['--log-file-level', 'trace'], '--log-file-level: must be one of debug, info, warn, error, dpanic, panic, fatal, got "trace"'],
    [['--run-pprof', 'true'], 'unexpected argument "true" (write --run-pprof=true)'],
    [['--disable-telemetry=yes'], '--disable-telemetry: must be true or false, got "yes"'],
  ])('%j fails with %s', (argv, expected) => {
    expect(failure(argv).problems).toContain(expected);
  });
});

describe('command lines written for connect', () => {
  it('skips a leading connect or slinky binary name', () => {
    const argv = ['--market-map-endpoint', 'node:9090', '--run-pprof'];
    for (const name of ['connect', 'slinky']) expect(parseCli([name, ...argv])).toEqual(parseCli(argv));
    expect(parseCli(['connect', 'version']).command).toBe('version');
    expect(failure(['--port', '1', 'connect']).problems).toEqual(['unexpected argument "connect"']);
  });
});

describe('helpText', () => {
  const text = helpText();

  it.each([
    ['--oracle-config', '""'], ['--market-config-path', '""'], ['--log-std-out-level', 'info'], ['--host', '0.0.0.0'],
    ['--port', '8080'], ['--metrics-prometheus-address', '0.0.0.0:8002'], ['--update-interval', '250000000'],
    ['--max-price-age', '2m0s'], ['--metrics-enabled', 'true'], ['--market-map-endpoint', '""'], ['--update-market-config-path', '""'],
    ['--marketmap-provider', 'marketmap_api'], ['--run-pprof', 'false'], ['--pprof-port', '6060'], ['--log-file-level', 'info'],
    ['--log-file', 'sidecar.log'], ['--log-max-size', '100'], ['--log-max-backups', '1'], ['--log-max-age', '3'],
    ['--log-file-disable-compression', 'false'], ['--log-disable-file-rotation', 'false'], ['-m, --mode', 'exec'],
    ['--validation-period', '10m0s'], ['--disable-telemetry', 'false'],
  ])('lists %s with default %s and an explanation', (flag, def) => {
    const line = text.split('\n').find((l) => l.trim().startsWith(`${flag} `));
    expect(line).toBeDefined();
    expect(line).toContain(`(default ${def})`);
    expect(line?.replace(flag, '').replace(`(default ${def})`, '').trim().length).toBeGreaterThan(10);
  });

  it('mentions help and version', () => {
    expect(text).toMatch(/-h, --help/);
    expect(text).toMatch(/oracle-sidecar version/);
  });
});
