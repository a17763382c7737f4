/**
 * Command-line parsing for the flags of connect's `connect` command that matter to
 * operators (cmd/connect/main.go), pflag style: `--flag value`, `--flag=value`, boolean
 * flags bare or `--flag=true|false`. Only flags actually given become overrides, so they
 * take precedence over env and file exactly when set (viper's "changed flag" rule).
 * The market map comes from `--market-config-path` (a file) or, without it, from the chain
 * node (`--market-map-endpoint`, `--update-market-config-path`); as in connect the file flag
 * is mutually exclusive with both.
 */
import { parseBool } from './coerce.js';
import { ConfigError } from './errors.js';

/** Raw flag values, applied by loadOracleConfig over file and env. */
export interface CliOverrides {
  host?: string;
  port?: string;
  metricsPrometheusAddress?: string;
  updateInterval?: string;
  maxPriceAge?: string;
  metricsEnabled?: string;
}

export interface CliResult {
  command: 'run' | 'version' | 'help';
  oracleConfigPath?: string;
  marketConfigPath?: string;
  /** `--market-map-endpoint HOST:PORT`: replaces the marketmap_api endpoints. */
  marketMapEndpoint?: string;
  /** `--update-market-config-path PATH`: write the market map here whenever it changes. */
  updateMarketConfigPath?: string;
  logLevel: string;
  overrides: CliOverrides;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'dpanic', 'panic', 'fatal'];

type Target = 'oracleConfigPath' | 'marketConfigPath' | 'marketMapEndpoint' | 'updateMarketConfigPath' | 'logLevel' | keyof CliOverrides;

interface FlagSpec {
  readonly name: string;
  readonly target: Target;
  readonly def: string;
  readonly help: string;
  readonly bool?: boolean;
}

const FLAGS: readonly FlagSpec[] = [
  { name: 'oracle-config', target: 'oracleConfigPath', def: '""', help: 'oracle.json path: a partial override of the built-in provider and server defaults' },
  { name: 'market-config-path', target: 'marketConfigPath', def: '""', help: 'market.json path: serve this market map (hot-reloaded); without it the map comes from the chain node' },
  { name: 'market-map-endpoint', target: 'marketMapEndpoint', def: '""', help: 'chain node gRPC address HOST:PORT to read the market map from (replaces providers.marketmap_api endpoints; built-in localhost:9090)' },
  { name: 'update-market-config-path', target: 'updateMarketConfigPath', def: '""', help: 'write the market map read from the chain node to this file whenever it changes' },
  { name: 'log-std-out-level', target: 'logLevel', def: 'info', help: `stdout log level: ${LOG_LEVELS.join(', ')}` },
  { name: 'host', target: 'host', def: '0.0.0.0', help: 'price API listen host (oracle.json "host")' },
  { name: 'port', target: 'port', def: '8080', help: 'price API listen port (oracle.json "port")' },
  { name: 'metrics-prometheus-address', target: 'metricsPrometheusAddress', def: '0.0.0.0:8002', help: 'Prometheus metrics listen address (metrics.prometheusServerAddress)' },
  { name: 'update-interval', target: 'updateInterval', def: '250000000', help: 'aggregation period: integer nanoseconds or a duration like 250ms (updateInterval)' },
  { name: 'max-price-age', target: 'maxPriceAge', def: '2m0s', help: 'ignore provider prices older than this duration (maxPriceAge)' },
  { name: 'metrics-enabled', target: 'metricsEnabled', def: 'true', help: 'serve Prometheus metrics; bare, or =true / =false (metrics.enabled)', bool: true },
];

const BY_NAME = new Map(FLAGS.map((f) => [f.name, f]));

/** Parses `argv` (process.argv without node and script). Throws ConfigError listing every
 *  unknown flag, missing or invalid value, and stray argument. */
export function parseCli(argv: string[]): CliResult {
  const problems: string[] = [];
  const values: Partial<Record<Target, string>> = {};
  let command: CliResult['command'] = 'run';
  let flagsDone = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!flagsDone && arg === '--') flagsDone = true;
    else if (!flagsDone && (arg === '-h' || arg === '--help')) command = 'help';
    else if (!flagsDone && arg === '--version') command = command === 'help' ? command : 'version';
    else if (!flagsDone && arg.startsWith('--')) i += readFlag(argv, i, values, problems);
    else if (!flagsDone && arg.startsWith('-') && arg !== '-') problems.push(`unknown flag ${arg}`);
    else if (i === firstPositional(argv) && (arg === 'version' || arg === 'help')) {
      command = command === 'help' ? command : arg;
    } else problems.push(strayArgument(arg, argv[i - 1]));
  }
  const logLevel = values.logLevel ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`--log-std-out-level: must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  }
  if (command === 'run') problems.push(...exclusive(values));
  if (problems.length > 0) throw new ConfigError(problems, 'invalid command line');
  return toResult(command, logLevel, values);
}

/** connect's cobra MarkFlagsMutuallyExclusive groups: a file map or a chain map, not both. */
function exclusive(values: Partial<Record<Target, string>>): string[] {
  if (!values.marketConfigPath) return [];
  const out: string[] = [];
  for (const [target, flag] of [['marketMapEndpoint', '--market-map-endpoint'], ['updateMarketConfigPath', '--update-market-config-path']] as const) {
    if (values[target]) out.push(`--market-config-path and ${flag} are mutually exclusive: the market map comes from the file or from the chain node`);
  }
  return out;
}

/** Reads the flag at argv[i]; returns how many extra tokens it consumed. */
function readFlag(argv: string[], i: number, values: Partial<Record<Target, string>>, problems: string[]): number {
  const arg = argv[i] ?? '';
  const eq = arg.indexOf('=');
  const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
  const spec = BY_NAME.get(name);
  if (!spec) {
    problems.push(`unknown flag --${name}`);
    return 0;
  }
  if (spec.bool) {
    const text = eq < 0 ? 'true' : arg.slice(eq + 1);
    const b = parseBool(text);
    if (b === undefined) problems.push(`--${name}: must be true or false, got ${JSON.stringify(text)}`);
    else values[spec.target] = String(b);
    return 0;
  }
  if (eq >= 0) {
    values[spec.target] = arg.slice(eq + 1);
    return 0;
  }
  const next = argv[i + 1];
  if (next === undefined || next.startsWith('--')) {
    problems.push(`flag --${name} needs a value`);
    return 0;
  }
  values[spec.target] = next;
  return 1;
}

/** Index of the first token that is not a flag or a flag's value, or -1. */
function firstPositional(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') return i;
    const spec = BY_NAME.get(arg.slice(2));
    if (spec && !spec.bool && !arg.includes('=')) i++;
  }
  return -1;
}

function strayArgument(arg: string, previous: string | undefined): string {
  const hint = previous === '--metrics-enabled' && parseBool(arg) !== undefined ? ` (write --metrics-enabled=${arg})` : '';
  return `unexpected argument ${JSON.stringify(arg)}${hint}`;
}

function toResult(command: CliResult['command'], logLevel: string, v: Partial<Record<Target, string>>): CliResult {
  const overrides: CliOverrides = {};
  for (const key of ['host', 'port', 'metricsPrometheusAddress', 'updateInterval', 'maxPriceAge', 'metricsEnabled'] as const) {
    const value = v[key];
    if (value !== undefined) overrides[key] = value;
  }
  const result: CliResult = { command, logLevel, overrides };
  if (v.oracleConfigPath) result.oracleConfigPath = v.oracleConfigPath;
  if (v.marketConfigPath) result.marketConfigPath = v.marketConfigPath;
  if (v.marketMapEndpoint) result.marketMapEndpoint = v.marketMapEndpoint;
  if (v.updateMarketConfigPath) result.updateMarketConfigPath = v.updateMarketConfigPath;
  return result;
}

/** Usage text: every flag with its default and one line of explanation. */
export function helpText(): string {
  const width = Math.max(...FLAGS.map((f) => f.name.length)) + 2;
  const lines = FLAGS.map((f) => `  --${f.name.padEnd(width)}${f.help} (default ${f.def})`);
  return [
    'oracle-sidecar: an oracle price side-car compatible with the connect (slinky) side-car',
    '',
    'Usage:',
    '  oracle-sidecar [flags]',
    '  oracle-sidecar version',
    '',
    'Flags:',
    ...lines,
    `  -h, --help${' '.repeat(Math.max(1, width - 8))}show this help`,
    `  --version${' '.repeat(Math.max(1, width - 7))}print the version (same as the version command)`,
    '',
  ].join('\n');
}
