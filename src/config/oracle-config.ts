/**
 * Loading oracle.json the way connect does (cmd/connect/config/config.go): built-in
 * defaults, then the file (a partial override), then CONNECT_CONFIG_* variables, then
 * explicitly given CLI flags. Every problem from every layer is collected, then one
 * ConfigError is thrown. apiKey values never appear in a message. The file is read only if
 * it is a regular file within the size limit (read-file.ts).
 */
import type { CliOverrides } from './cli.js';
import { coerceLeaf, leafKind } from './coerce.js';
import { defaultOracleConfig, zeroProvider } from './defaults.js';
import { validatePlaceholders } from './endpoint-rules.js';
import { applyEnv } from './env.js';
import { ConfigError } from './errors.js';
import { mergeDocument } from './merge.js';
import { fmtPath, Origins, Problems } from './origins.js';
import { readConfigFile } from './read-file.js';
import { validateProvider, validateTopLevel } from './rules.js';
import { checkTypes, providerSchema, topLevelSchema, type TopLevelConfig } from './schema.js';
import type { OracleConfig, ProviderConfig } from './types.js';

export interface OracleConfigInput {
  /** oracle.json path; omitted or empty = built-in defaults only. */
  path?: string;
  env: Record<string, string | undefined>;
  flags: CliOverrides;
  /** The built-in price providers' entries (exchanges/config.ts exchangeProviderConfigs). */
  priceProviders: Readonly<Record<string, ProviderConfig>>;
  /** Receives non-fatal notes (overrides of connect providers this side-car lacks). */
  warn?: (message: string) => void;
}

/** CLI override → [config path, flag name]. */
const FLAG_KEYS: Record<keyof CliOverrides, [string[], string]> = {
  host: [['host'], '--host'],
  port: [['port'], '--port'],
  metricsPrometheusAddress: [['metrics', 'prometheusServerAddress'], '--metrics-prometheus-address'],
  updateInterval: [['updateInterval'], '--update-interval'],
  maxPriceAge: [['maxPriceAge'], '--max-price-age'],
  metricsEnabled: [['metrics', 'enabled'], '--metrics-enabled'],
};

/** The validated configuration; provider map keyed by provider name. Throws ConfigError. */
export function loadOracleConfig(input: OracleConfigInput): OracleConfig {
  const problems = new Problems(new Origins());
  const warn = input.warn ?? (() => undefined);
  const tree = defaultOracleConfig(input.priceProviders);
  if (input.path) {
    const doc = readJson(input.path, problems);
    if (doc !== undefined) mergeDocument(tree, doc, { problems, source: `file ${input.path}`, warn });
  }
  applyEnv(tree, input.env, problems, warn);
  applyFlags(tree, input.flags, problems);
  const result = validate(tree, input.priceProviders, problems);
  if (problems.list.length > 0) throw new ConfigError(redact(problems.list, tree), 'invalid oracle configuration');
  return result;
}

function readJson(path: string, problems: Problems): unknown {
  let text: string;
  try {
    text = readConfigFile(path);
  } catch (err) {
    problems.from(`file ${path}`, '', `cannot read oracle config: ${(err as Error).message}`);
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    problems.from(`file ${path}`, '', `invalid JSON: ${(err as Error).message}`);
    return undefined;
  }
}

function applyFlags(tree: OracleConfig, flags: CliOverrides, problems: Problems): void {
  for (const [name, [path, flag]] of Object.entries(FLAG_KEYS) as [keyof CliOverrides, [string[], string]][]) {
    const raw = flags[name];
    if (raw === undefined) continue;
    let parent = tree as unknown as Record<string, unknown>;
    for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string, unknown>;
    const key = path[path.length - 1] ?? '';
    try {
      parent[key] = coerceLeaf(key, leafKind(key, parent[key]), raw);
      problems.origins.set(fmtPath(path), `flag ${flag}`);
    } catch (err) {
      problems.from(`flag ${flag}`, path, (err as Error).message);
    }
  }
}

/** Convict type checks, then the semantic rules (and the endpoint templates against the
 *  built-in ones); returns the config re-keyed by name. */
function validate(tree: OracleConfig, builtIn: Readonly<Record<string, ProviderConfig>>, problems: Problems): OracleConfig {
  const { providers, ...top } = tree;
  const topChecked = checkTypes<TopLevelConfig>(topLevelSchema, top);
  for (const p of topChecked.problems) problems.at(p.path, p.message);
  if (topChecked.problems.length === 0) validateTopLevel(topChecked.value, problems);
  const byName: Record<string, ProviderConfig> = {};
  for (const [key, entry] of Object.entries(providers)) {
    const checked = checkTypes<ProviderConfig>(providerSchema(zeroProvider()), entry);
    for (const p of checked.problems) problems.at(`providers.${key}.${p.path}`, p.message);
    if (checked.problems.length > 0) continue;
    validateProvider(key, checked.value, problems);
    validatePlaceholders(key, checked.value, Object.hasOwn(builtIn, key) ? builtIn[key] : undefined, problems);
    const name = checked.value.name || key;
    if (byName[name]) problems.at(['providers', key, 'name'], `duplicate provider name ${JSON.stringify(name)}`);
    byName[name] = checked.value;
  }
  return { ...topChecked.value, providers: byName };
}

/** Replaces every configured apiKey value in the messages with <redacted>. */
function redact(messages: string[], tree: OracleConfig): string[] {
  const secrets = new Set<string>();
  for (const p of Object.values(tree.providers)) {
    for (const e of [...p.api.endpoints, ...p.webSocket.endpoints]) {
      if (e.authentication.apiKey !== '') secrets.add(e.authentication.apiKey);
    }
  }
  return messages.map((m) => [...secrets].reduce((acc, s) => acc.split(s).join('<redacted>'), m));
}
