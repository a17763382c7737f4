/**
 * Simulated endpoints of a DeFi node. A client reaches endpoint i of a simulated provider by
 * prefixing the path with `/node/<i>` (no prefix = endpoint 0), so one port serves every
 * endpoint of a multi-endpoint oracle.json. Each endpoint has its own knobs; the node's chain
 * height grows by one block every BLOCK_MS from START_HEIGHT.
 */

/** One simulated block (Solana-slot-like, so that staleness tests stay short). */
export const BLOCK_MS = 400;
export const START_HEIGHT = 20_000_000n;
/** Most endpoints a node simulates. */
export const MAX_ENDPOINTS = 16;

export interface EndpointKnobs {
  /** Blocks behind the node's head this endpoint reports. */
  lag: number;
  /** The height stops where it is (staleness); false lets it move again from the head. */
  frozen: boolean;
  /** Answer after this many ms (a slow endpoint). */
  delayMs: number;
  /** Require this header and value; anything else gets 401. Empty header = no key required. */
  apiKeyHeader: string;
  apiKey: string;
  /** Answer every call with a JSON-RPC error (Osmosis: HTTP 400 with the gateway's error JSON). */
  rpcError: boolean;
  /** Osmosis: omit the block-height header. */
  noHeight: boolean;
  /** Malformed chain data: short slot0 words, short account data, an empty spot price. */
  corrupt: boolean;
  /** This endpoint's pool prices are off by this many basis points (a lagging node showing
   *  an older state), so a test can tell which endpoint's answer was served. */
  priceOffsetBps: number;
}

export const DEFAULT_KNOBS: Readonly<EndpointKnobs> = Object.freeze({
  lag: 0, frozen: false, delayMs: 0, apiKeyHeader: '', apiKey: '', rpcError: false, noHeight: false, corrupt: false,
  priceOffsetBps: 0,
});

/** A pool price as endpoint `knobs` serves it. */
export function endpointPrice(price: number, knobs: EndpointKnobs): number {
  return knobs.priceOffsetBps === 0 ? price : price * (1 + knobs.priceOffsetBps / 10_000);
}

export type ParsedKnobs = { ok: true; knobs: Partial<EndpointKnobs> } | { ok: false; field: string; error: string };

const BOOLS = ['frozen', 'rpcError', 'noHeight', 'corrupt'] as const;

/** Validate an untrusted partial knobs object (control API input). */
export function parseKnobs(input: Record<string, unknown>): ParsedKnobs {
  const out: Partial<EndpointKnobs> = {};
  for (const key of BOOLS) {
    const v = input[key];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') return { ok: false, field: key, error: `${key} must be a boolean` };
    out[key] = v;
  }
  for (const key of ['lag', 'delayMs'] as const) {
    const v = input[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 600_000) {
      return { ok: false, field: key, error: `${key} must be an integer 0-600000` };
    }
    out[key] = v;
  }
  const offset = input['priceOffsetBps'];
  if (offset !== undefined) {
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < -5000 || offset > 5000) {
      return { ok: false, field: 'priceOffsetBps', error: 'priceOffsetBps must be an integer -5000-5000' };
    }
    out.priceOffsetBps = offset;
  }
  for (const key of ['apiKeyHeader', 'apiKey'] as const) {
    const v = input[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > 256 || (key === 'apiKeyHeader' && v !== '' && !/^[A-Za-z0-9-]+$/.test(v))) {
      return { ok: false, field: key, error: `${key} must be ${key === 'apiKeyHeader' ? 'a header name' : 'a string'} of at most 256 characters` };
    }
    out[key] = v;
  }
  return { ok: true, knobs: out };
}

/** `/node/<i>/rest` → [i, '/rest']; any other path is endpoint 0. */
export function splitEndpoint(path: string): [number, string] {
  const m = /^\/node\/(\d{1,2})(\/.*)?$/.exec(path);
  if (!m) return [0, path];
  return [Number(m[1]), m[2] ?? '/'];
}

/** The knobs and heights of every endpoint of one simulated node. */
export class NodeEndpoints {
  private readonly knobs = new Map<number, EndpointKnobs>();
  private readonly frozenAt = new Map<number, bigint>();
  private unauthorized = 0;

  constructor(private readonly start: number = Date.now()) {}

  get(index: number): EndpointKnobs {
    return this.knobs.get(index) ?? DEFAULT_KNOBS;
  }

  set(index: number, patch: Partial<EndpointKnobs>, now = Date.now()): EndpointKnobs {
    const before = this.get(index);
    const next = { ...before, ...patch };
    if (next.frozen && !before.frozen) this.frozenAt.set(index, this.height(index, now));
    if (!next.frozen) this.frozenAt.delete(index);
    this.knobs.set(index, next);
    return next;
  }

  /** The node's head height at `now`. */
  head(now = Date.now()): bigint {
    return START_HEIGHT + BigInt(Math.floor(Math.max(0, now - this.start) / BLOCK_MS));
  }

  /** The height endpoint `index` reports at `now`. */
  height(index: number, now = Date.now()): bigint {
    const frozen = this.frozenAt.get(index);
    if (frozen !== undefined) return frozen;
    const h = this.head(now) - BigInt(this.get(index).lag);
    return h > 0n ? h : 1n;
  }

  /** True when the request carries what the endpoint requires; counts refusals. */
  admit(index: number, headers: Readonly<Record<string, string | undefined>>): boolean {
    const k = this.get(index);
    if (k.apiKeyHeader === '' || headers[k.apiKeyHeader.toLowerCase()] === k.apiKey) return true;
    this.unauthorized++;
    return false;
  }

  /** Requests refused for a missing or wrong API key, over all endpoints. */
  refused(): number {
    return this.unauthorized;
  }
}
