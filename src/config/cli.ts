/**
 * Command-line parsing for every flag of connect's `connect` command (cmd/connect/main.go,
 * connect-spec §7.1), with connect's defaults and meanings, pflag style: `--flag value`,
 * `--flag=value`, boolean flags bare or `--flag=true|false`, the shorthand `-m` as `-m X`,
 * `-m=X` or `-mX`. Only flags actually given become config overrides, so they take precedence
 * over env and file exactly when set (viper's "changed flag" rule).
 * A leading `connect` or `slinky` word is the anchor's binary name, as in a command line written
 * for connect's image (`docker run <image> connect --flags`), and is skipped.
 * The market map comes from `--market-config-path` (a file) or, without it, from the chain
 * node (`--market-map-endpoint`, `--update-market-config-path`); as in connect the file flag
 * is mutually exclusive with both.
 */
import type { LogFileOptions } from '../log-file.js';
import { parseBool } from './coerce.js';
import { parseDurationMs } from './duration.js';
import { ConfigError } from './errors.js';
import { formatMs, MAX_DURATION_MS } from './limits.js';

/** Raw flag values, applied by loadOracleConfig over file and env. */
export interface CliOverrides {
  host?: string;
  port?: string;
  metricsPrometheusAddress?: string;
  updateInterval?: string;
  maxPriceAge?: string;
  metricsEnabled?: string;
}

/** connect's lumberjack file log (`--log-file*`, `--log-max-*`); `enabled` is false with
 *  `--log-disable-file-rotation`. */
export type LogFileFlags = Required<LogFileOptions>;

export type Mode = 'exec' | 'validate';

export interface CliResult {
  command: 'run' | 'version' | 'help';
  oracleConfigPath?: string;
  marketConfigPath?: string;
  /** `--market-map-endpoint HOST:PORT`: replaces the market-map provider's endpoints. */
  marketMapEndpoint?: string;
  /** `--update-market-config-path PATH`: write the market map here whenever it changes. */
  updateMarketConfigPath?: string;
  logLevel: string;
  overrides: CliOverrides;
  /** `--marketmap-provider`: the one market-map provider that runs. */
  marketMapProvider: string;
  /** `--mode`/`-m`: `exec` serves; `validate` serves for `validationPeriodMs`, reports and exits. */
  mode: Mode;
  validationPeriodMs: number;
  /** `--run-pprof`, `--pprof-port`. */
  pprof: { enabled: boolean; port: number };
  logFile: LogFileFlags;
  /** `--disable-telemetry`: accepted; nothing is ever sent anyway. */
  disableTelemetry: boolean;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'dpanic', 'panic', 'fatal'];
const MODES: readonly Mode[] = ['exec', 'validate'];

type Kind = 'string' | 'bool' | 'int' | 'level' | 'duration' | 'mode';

interface FlagSpec {
  readonly name: string;
  readonly def: string;
  readonly help: string;
  readonly kind: Kind;
  readonly short?: string;
}

const FLAGS: readonly FlagSpec[] = [
  { name: 'oracle-config', kind: 'string', def: '""', help: 'oracle.json path: a partial override of the built-in provider and server defaults' },
  { name: 'market-config-path', kind: 'string', def: '""', help: 'market.json path: serve this market map (hot-reloaded); without it the map comes from the chain node' },
  { name: 'marketmap-provider', kind: 'string', def: 'marketmap_api', help: 'market-map provider: marketmap_api, dydx_api, dydx_migration_api, dydx_research_json_api, dydx_research_coinmarketcap_api' },
  { name: 'market-map-endpoint', kind: 'string', def: '""', help: 'chain node address for the market map (replaces the market-map provider endpoints; marketmap_api: gRPC HOST:PORT)' },
  { name: 'update-market-config-path', kind: 'string', def: '""', help: 'write the market map read from the chain node to this file whenever it changes' },
  { name: 'run-pprof', kind: 'bool', def: 'false', help: 'serve CPU profiles and heap snapshots on --pprof-port (see README, Profiling)' },
  { name: 'pprof-port', kind: 'int', def: '6060', help: 'port of the profiling listener (on the price API host)' },
  { name: 'log-std-out-level', kind: 'level', def: 'info', help: `stdout log level: ${LOG_LEVELS.join(', ')}` },
  { name: 'log-file-level', kind: 'level', def: 'info', help: 'log file level (same values)' },
  { name: 'log-file', kind: 'string', def: 'sidecar.log', help: 'log file path (JSON lines), relative to the working directory' },
  { name: 'log-max-size', kind: 'int', def: '100', help: 'rotate the log file when it reaches this many megabytes' },
  { name: 'log-max-backups', kind: 'int', def: '1', help: 'rotated log files to keep' },
  { name: 'log-max-age', kind: 'int', def: '3', help: 'days to keep rotated log files' },
  { name: 'log-file-disable-compression', kind: 'bool', def: 'false', help: 'keep rotated log files uncompressed (gzip otherwise)' },
  { name: 'log-disable-file-rotation', kind: 'bool', def: 'false', help: 'write no log file at all (stdout only)' },
  { name: 'mode', short: 'm', kind: 'mode', def: 'exec', help: 'exec: run; validate: run for --validation-period, print a per-market report, exit 0 or 1' },
  { name: 'validation-period', kind: 'duration', def: '10m0s', help: 'how long validate mode runs (at most 24h)' },
  { name: 'disable-telemetry', kind: 'bool', def: 'false', help: 'accepted for compatibility; this side-car never sends telemetry' },
  { name: 'host', kind: 'string', def: '0.0.0.0', help: 'price API listen host: a host name or IP address (oracle.json "host")' },
  { name: 'port', kind: 'string', def: '8080', help: 'price API listen port, decimal 0-65535 (oracle.json "port")' },
  { name: 'metrics-enabled', kind: 'bool', def: 'true', help: 'serve Prometheus metrics; bare, or =true / =false (metrics.enabled)' },
  { name: 'metrics-prometheus-address', kind: 'string', def: '0.0.0.0:8002', help: 'Prometheus metrics listen address (metrics.prometheusServerAddress)' },
  { name: 'update-interval', kind: 'string', def: '250000000', help: 'aggregation period, 10ms to 24h: integer nanoseconds or a duration like 250ms (updateInterval)' },
  { name: 'max-price-age', kind: 'string', def: '2m0s', help: 'ignore provider prices older than this duration (maxPriceAge)' },
];

/** The anchor's binary names (connect, and slinky before it). */
export const ANCHOR_BINARIES: ReadonlySet<string> = new Set(['connect', 'slinky']);

const BY_NAME = new Map(FLAGS.map((f) => [f.name, f]));
const BY_SHORT = new Map(FLAGS.filter((f) => f.short).map((f) => [f.short ?? '', f]));

type Values = Map<string, string>;

/** Parses `argv` (process.argv without node and script). Throws ConfigError listing every
 *  unknown flag, missing or invalid value, and stray argument. */
export function parseCli(args: string[]): CliResult {
  const argv = ANCHOR_BINARIES.has(args[0] ?? '') ? args.slice(1) : args;
  const problems: string[] = [];
  const values: Values = new Map();
  let command: CliResult['command'] = 'run';
  let flagsDone = false;
  const positional = firstPositional(argv);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!flagsDone && arg === '--') flagsDone = true;
    else if (!flagsDone && (arg === '-h' || arg === '--help')) command = 'help';
    else if (!flagsDone && arg === '--version') command = command === 'help' ? command : 'version';
    else if (!flagsDone && arg.startsWith('--')) i += readFlag(argv, i, values, problems);
    else if (!flagsDone && arg.startsWith('-') && arg !== '-') i += readShort(argv, i, values, problems);
    else if (i === positional && (arg === 'version' || arg === 'help')) {
      command = command === 'help' ? command : arg;
    } else problems.push(strayArgument(arg, argv[i - 1]));
  }
  const result = toResult(command, values, problems);
  if (command === 'run') problems.push(...exclusive(values));
  if (problems.length > 0) throw new ConfigError(problems, 'invalid command line');
  return result;
}

/** connect's cobra MarkFlagsMutuallyExclusive groups: a file map or a chain map, not both. */
function exclusive(values: Values): string[] {
  if (!values.get('market-config-path')) return [];
  const out: string[] = [];
  for (const flag of ['market-map-endpoint', 'update-market-config-path']) {
    if (values.get(flag)) out.push(`--market-config-path and --${flag} are mutually exclusive: the market map comes from the file or from the chain node`);
  }
  return out;
}

/** Stores `spec`'s value: bare booleans are true, others need `inline` or the next token.
 *  Returns how many extra tokens it consumed. */
function take(spec: FlagSpec, shown: string, inline: string | undefined, next: string | undefined, values: Values, problems: string[]): number {
  if (spec.kind === 'bool') {
    const text = inline ?? 'true';
    const b = parseBool(text);
    if (b === undefined) problems.push(`${shown}: must be true or false, got ${JSON.stringify(text)}`);
    else values.set(spec.name, String(b));
    return 0;
  }
  if (inline !== undefined) {
    values.set(spec.name, inline);
    return 0;
  }
  if (next === undefined || next.startsWith('--')) {
    problems.push(`flag ${shown} needs a value`);
    return 0;
  }
  values.set(spec.name, next);
  return 1;
}

function readFlag(argv: string[], i: number, values: Values, problems: string[]): number {
  const arg = argv[i] ?? '';
  const eq = arg.indexOf('=');
  const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
  const spec = BY_NAME.get(name);
  if (!spec) {
    problems.push(`unknown flag --${name}`);
    return 0;
  }
  return take(spec, `--${name}`, eq < 0 ? undefined : arg.slice(eq + 1), argv[i + 1], values, problems);
}

/** `-m X`, `-m=X`, `-mX` (pflag shorthands). */
function readShort(argv: string[], i: number, values: Values, problems: string[]): number {
  const arg = argv[i] ?? '';
  const spec = BY_SHORT.get(arg.charAt(1));
  if (!spec) {
    problems.push(`unknown flag ${arg}`);
    return 0;
  }
  const rest = arg.slice(2);
  const inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
  return take(spec, `-${spec.short ?? ''}`, inline, argv[i + 1], values, problems);
}

/** Index of the first token that is not a flag or a flag's value, or -1. */
function firstPositional(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') return i;
    const spec = arg.startsWith('--') ? BY_NAME.get(arg.slice(2)) : arg.length === 2 ? BY_SHORT.get(arg.charAt(1)) : undefined;
    if (spec && spec.kind !== 'bool' && !arg.includes('=')) i++;
  }
  return -1;
}

function strayArgument(arg: string, previous: string | undefined): string {
  const spec = previous?.startsWith('--') ? BY_NAME.get(previous.slice(2)) : undefined;
  const hint = spec?.kind === 'bool' && parseBool(arg) !== undefined ? ` (write ${previous}=${arg})` : '';
  return `unexpected argument ${JSON.stringify(arg)}${hint}`;
}

/** The flag's value (given or default), checked by kind; a problem is recorded when invalid. */
function read(values: Values, name: string, problems: string[]): string {
  const spec = BY_NAME.get(name);
  if (!spec) throw new Error(`no flag --${name}`);
  const given = values.get(name);
  const text = given ?? (spec.def === '""' ? '' : spec.def);
  if (given === undefined) return text;
  const bad = (what: string) => problems.push(`--${name}: ${what}, got ${JSON.stringify(given)}`);
  if (spec.kind === 'level' && !LOG_LEVELS.includes(given)) bad(`must be one of ${LOG_LEVELS.join(', ')}`);
  if (spec.kind === 'mode' && !(MODES as readonly string[]).includes(given)) bad(`must be one of ${MODES.join(', ')}`);
  if (spec.kind === 'int' && !/^\d+$/.test(given)) bad('must be a non-negative integer');
  if (spec.kind === 'duration') {
    const ms = safeDuration(given);
    if (ms === undefined || ms <= 0) bad('must be a positive duration such as 10m or 90s');
    else if (ms > MAX_DURATION_MS) bad(`must be at most ${formatMs(MAX_DURATION_MS)}`);
  }
  return given;
}

function safeDuration(text: string): number | undefined {
  try {
    return parseDurationMs(text);
  } catch {
    return undefined;
  }
}

function toResult(command: CliResult['command'], v: Values, problems: string[]): CliResult {
  const overrides: CliOverrides = {};
  const flagOf: Record<keyof CliOverrides, string> = {
    host: 'host', port: 'port', metricsPrometheusAddress: 'metrics-prometheus-address',
    updateInterval: 'update-interval', maxPriceAge: 'max-price-age', metricsEnabled: 'metrics-enabled',
  };
  for (const [key, flag] of Object.entries(flagOf) as [keyof CliOverrides, string][]) {
    const value = v.get(flag);
    if (value !== undefined) overrides[key] = value;
  }
  const str = (name: string) => read(v, name, problems);
  const int = (name: string) => Number(str(name)) || 0;
  const bool = (name: string) => str(name) === 'true';
  const pprofPort = int('pprof-port');
  if (pprofPort > 65535) problems.push(`--pprof-port: must be at most 65535, got ${pprofPort}`);
  const result: CliResult = {
    command,
    logLevel: str('log-std-out-level'),
    overrides,
    marketMapProvider: str('marketmap-provider'),
    mode: str('mode') as Mode,
    validationPeriodMs: safeDuration(str('validation-period')) ?? 0,
    pprof: { enabled: bool('run-pprof'), port: pprofPort },
    logFile: {
      enabled: !bool('log-disable-file-rotation'),
      path: str('log-file'),
      level: str('log-file-level'),
      maxSizeMB: int('log-max-size'),
      maxBackups: int('log-max-backups'),
      maxAgeDays: int('log-max-age'),
      compress: !bool('log-file-disable-compression'),
    },
    disableTelemetry: bool('disable-telemetry'),
  };
  for (const [key, flag] of [['oracleConfigPath', 'oracle-config'], ['marketConfigPath', 'market-config-path'],
    ['marketMapEndpoint', 'market-map-endpoint'], ['updateMarketConfigPath', 'update-market-config-path']] as const) {
    const value = v.get(flag);
    if (value) result[key] = value;
  }
  return result;
}

/** Usage text: every flag with its default and one line of explanation. */
export function helpText(): string {
  const label = (f: FlagSpec) => (f.short ? `-${f.short}, --${f.name}` : `    --${f.name}`);
  const width = Math.max(...FLAGS.map((f) => label(f).length)) + 2;
  const lines = FLAGS.map((f) => `  ${label(f).padEnd(width)}${f.help} (default ${f.def})`);
  return [
    'oracle-sidecar: an oracle price side-car compatible with the connect (slinky) side-car',
    '',
    'Usage:',
    '  oracle-sidecar [flags]',
    '  oracle-sidecar version',
    '  oracle-sidecar status [--url http://127.0.0.1:8002] [--json] [MARKET]   explain a running side-car\'s prices',
    '',
    'Flags:',
    ...lines,
    `  ${'-h, --help'.padEnd(width)}show this help`,
    `  ${'    --version'.padEnd(width)}print the version (same as the version command)`,
    '',
  ].join('\n');
}
