/**
 * Merging an oracle.json document over the built-in configuration, as viper does:
 * objects merge key by key, arrays replace, keys match case-insensitively, provider map
 * keys are lower-cased, and an unknown key is an error naming its full path.
 */
import { coerceLeaf, isRecord, leafKind } from './coerce.js';
import { CONNECT_PRICE_PROVIDERS, zeroProvider } from './defaults.js';
import { fmtPath, type PathSeg, type Problems } from './origins.js';
import type { Endpoint, OracleConfig } from './types.js';

export interface MergeContext {
  readonly problems: Problems;
  /** Source label for origins and problems, e.g. `file /etc/oracle.json`. */
  readonly source: string;
  readonly warn: (message: string) => void;
}

type Tree = Record<string, unknown>;

/** The canonical key of `target` that `raw` names, ignoring case. */
export function matchKey(target: object, raw: string): string | undefined {
  const lower = raw.toLowerCase();
  return Object.keys(target).find((k) => k.toLowerCase() === lower);
}

/** Merges a parsed oracle.json document into `tree` (mutated). */
export function mergeDocument(tree: OracleConfig, doc: unknown, ctx: MergeContext): void {
  mergeObject(tree as unknown as Tree, doc, [], ctx);
}

function mergeObject(target: Tree, input: unknown, path: PathSeg[], ctx: MergeContext): void {
  if (!isRecord(input)) {
    ctx.problems.from(ctx.source, path, 'must be an object');
    return;
  }
  for (const [raw, value] of Object.entries(input)) {
    const key = matchKey(target, raw);
    const at = [...path, key ?? raw];
    if (key === undefined) ctx.problems.from(ctx.source, at, 'unknown key');
    else if (path.length === 0 && key === 'providers') mergeProviders(target[key] as Tree, value, ctx);
    else if (Array.isArray(target[key])) setEndpoints(target, key, value, at, ctx);
    else if (isRecord(target[key])) mergeObject(target[key], value, at, ctx);
    else setLeaf(target, key, value, at, ctx);
  }
}

function setLeaf(target: Tree, key: string, raw: unknown, at: PathSeg[], ctx: MergeContext): void {
  try {
    target[key] = coerceLeaf(key, leafKind(key, target[key]), raw);
    ctx.problems.origins.set(fmtPath(at), ctx.source);
  } catch (err) {
    ctx.problems.from(ctx.source, at, (err as Error).message);
  }
}

function setEndpoints(target: Tree, key: string, raw: unknown, at: PathSeg[], ctx: MergeContext): void {
  if (!Array.isArray(raw)) {
    ctx.problems.from(ctx.source, at, 'must be a list of endpoints');
    return;
  }
  const list = raw.map((item: unknown, i) => {
    const e: Endpoint = { url: '', authentication: { apiKey: '', apiKeyHeader: '' } };
    mergeObject(e as unknown as Tree, item, [...at, i], ctx);
    return e;
  });
  target[key] = list;
  ctx.problems.origins.set(fmtPath(at), ctx.source);
}

/** Provider entries: known keys merge over their defaults; a new key must carry a `name`. */
function mergeProviders(providers: Tree, input: unknown, ctx: MergeContext): void {
  if (!isRecord(input)) {
    ctx.problems.from(ctx.source, 'providers', 'must be an object');
    return;
  }
  for (const [raw, value] of Object.entries(input)) {
    const key = raw.toLowerCase();
    const path = ['providers', key];
    if (key === '__proto__') {
      ctx.problems.from(ctx.source, path, 'not a usable provider key');
      continue;
    }
    const existing = Object.hasOwn(providers, key) ? providers[key] : undefined;
    if (isRecord(existing)) {
      mergeObject(existing, value, path, ctx);
      continue;
    }
    const entry = zeroProvider();
    const named = carriesName(value);
    if (named) ctx.problems.origins.set(fmtPath(path), ctx.source);
    mergeObject(entry as unknown as Tree, value, path, ctx);
    if (named) {
      providers[key] = entry;
    } else if (CONNECT_PRICE_PROVIDERS.has(key)) {
      ctx.warn(`${fmtPath(path)}: connect provider not implemented by this side-car; override ignored (${ctx.source})`);
    } else {
      ctx.problems.from(ctx.source, path, 'overridden key does not correspond to a known provider');
    }
  }
}

function carriesName(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const key = matchKey(value, 'name');
  return key !== undefined && typeof value[key] === 'string' && value[key] !== '';
}
