/**
 * CONNECT_CONFIG_* environment overrides (connect cmd/connect/config/config.go, viper
 * AutomaticEnv): key `a.b.c` ↔ `CONNECT_CONFIG_A_B_C`. Endpoint lists use the index form
 * `…_<API|WEBSOCKET>_ENDPOINTS_<i>_<URL|AUTHENTICATION_APIKEY|AUTHENTICATION_APIKEYHEADER>`:
 * existing indexes are overridden, and indexes past the end are appended while consecutive
 * indexes keep being found. As with viper, an empty value counts as unset.
 */
import { coerceLeaf, isRecord, leafKind } from './coerce.js';
import { CONNECT_PRICE_PROVIDERS } from './defaults.js';
import { fmtPath, type PathSeg, type Problems } from './origins.js';
import type { Endpoint, OracleConfig } from './types.js';

export const ENV_PREFIX = 'CONNECT_CONFIG_';

const ENDPOINT_VAR = /^PROVIDERS_(.+)_(API|WEBSOCKET)_ENDPOINTS_(\d+)_(URL|AUTHENTICATION_APIKEY|AUTHENTICATION_APIKEYHEADER)$/;

type Field = 'url' | 'apiKey' | 'apiKeyHeader';
const FIELD: Record<string, Field> = {
  URL: 'url', AUTHENTICATION_APIKEY: 'apiKey', AUTHENTICATION_APIKEYHEADER: 'apiKeyHeader',
};

/** Endpoint overrides for one provider transport: index → field → [value, variable]. */
type EndpointOps = Map<number, Map<Field, [string, string]>>;

/** Applies every CONNECT_CONFIG_* variable of `env` to `tree` (mutated). */
export function applyEnv(
  tree: OracleConfig, env: Record<string, string | undefined>, problems: Problems, warn: (m: string) => void,
): void {
  const leaves = leafPaths(tree as unknown as Record<string, unknown>, []);
  const endpointOps = new Map<string, { path: PathSeg[]; ops: EndpointOps }>();
  for (const [name, value] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined || value === '') continue;
    const rest = name.slice(ENV_PREFIX.length);
    const leaf = leaves.get(rest);
    if (leaf) setFromEnv(tree, leaf, value, name, problems);
    else if (collectEndpointOp(tree, rest, value, name, endpointOps)) continue;
    else if (namesAnchorOnlyProvider(rest, tree)) warn(`${name}: connect provider not implemented by this side-car; ignored`);
    else problems.from(`env ${name}`, '', 'unknown configuration variable: no such key');
  }
  for (const { path, ops } of endpointOps.values()) applyEndpointOps(tree, path, ops, problems);
}

/** A connect provider this configuration has no entry for. */
function namesAnchorOnlyProvider(rest: string, tree: OracleConfig): boolean {
  return [...CONNECT_PRICE_PROVIDERS].some((p) => !(p in tree.providers) && rest.startsWith(`PROVIDERS_${p.toUpperCase()}_`));
}

/** Maps each non-list leaf's env suffix (`PROVIDERS_BINANCE_API_API_INTERVAL`) to its path. */
function leafPaths(node: Record<string, unknown>, path: string[], out = new Map<string, string[]>()): Map<string, string[]> {
  for (const [k, v] of Object.entries(node)) {
    const p = [...path, k];
    if (isRecord(v)) leafPaths(v, p, out);
    else if (!Array.isArray(v)) out.set(p.join('_').toUpperCase(), p);
  }
  return out;
}

function setFromEnv(tree: OracleConfig, path: string[], value: string, name: string, problems: Problems): void {
  const parent = walk(tree, path.slice(0, -1));
  const key = path[path.length - 1] ?? '';
  try {
    parent[key] = coerceLeaf(key, leafKind(key, parent[key]), value);
    problems.origins.set(fmtPath(path), `env ${name}`);
  } catch (err) {
    problems.from(`env ${name}`, path, (err as Error).message);
  }
}

function walk(tree: OracleConfig, path: PathSeg[]): Record<string, unknown> {
  let node = tree as unknown as Record<string, unknown>;
  for (const seg of path) node = node[seg] as Record<string, unknown>;
  return node;
}

/** Records an endpoint-index variable; false when `rest` is not one for a known provider. */
function collectEndpointOp(
  tree: OracleConfig, rest: string, value: string, name: string,
  all: Map<string, { path: PathSeg[]; ops: EndpointOps }>,
): boolean {
  const m = ENDPOINT_VAR.exec(rest);
  if (!m) return false;
  const [, provUpper = '', transport = '', index = '', field = ''] = m;
  const provider = Object.keys(tree.providers).find((k) => k.toUpperCase() === provUpper);
  if (provider === undefined) return false;
  const path: PathSeg[] = ['providers', provider, transport === 'API' ? 'api' : 'webSocket', 'endpoints'];
  const id = fmtPath(path);
  const entry = all.get(id) ?? { path, ops: new Map() };
  all.set(id, entry);
  const fields = entry.ops.get(Number(index)) ?? new Map<Field, [string, string]>();
  entry.ops.set(Number(index), fields);
  fields.set(FIELD[field] ?? 'url', [value, name]);
  return true;
}

function applyEndpointOps(tree: OracleConfig, path: PathSeg[], ops: EndpointOps, problems: Problems): void {
  const parent = walk(tree, path.slice(0, -1));
  const list = [...(parent.endpoints as Endpoint[])];
  for (let i = 0; i < list.length || ops.has(i); i++) {
    const fields = ops.get(i);
    if (!fields) continue;
    const e = list[i] ?? { url: '', authentication: { apiKey: '', apiKeyHeader: '' } };
    list[i] = applyFields(e, fields, [...path, i], problems);
    ops.delete(i);
  }
  parent.endpoints = list;
  for (const [i, fields] of ops) {
    for (const [, name] of fields.values()) {
      problems.from(`env ${name}`, [...path, i], `index ${i} is past the end of the list (${list.length} endpoints) and not consecutive`);
    }
  }
}

function applyFields(e: Endpoint, fields: Map<Field, [string, string]>, at: PathSeg[], problems: Problems): Endpoint {
  const out: Endpoint = { url: e.url, authentication: { ...e.authentication } };
  for (const [field, [value, name]] of fields) {
    if (field === 'url') out.url = value;
    else out.authentication[field] = value;
    const sub = field === 'url' ? [...at, 'url'] : [...at, 'authentication', field];
    problems.origins.set(fmtPath(sub), `env ${name}`);
  }
  return out;
}
