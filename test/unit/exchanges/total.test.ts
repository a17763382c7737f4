/**
 * Parsers are total (providers/types.ts): every adapter's `parse` and `handle` return a value
 * for any JSON, never throw. Each recorded or hand-made payload of an exchange is mutated at
 * random (a value replaced by null, a number, a string, an array or an object; a key
 * dropped) and fed to its adapter, with tickers taken from the payloads' own strings and keys
 * so that the mutants reach past the symbol lookup. Seeded: a failure names its seed and
 * payload.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { exchanges } from '../../../src/exchanges/index.js';
import type { ProviderTicker } from '../../../src/providers/types.js';
import { rng } from '../../helpers/rng.js';

const DIRS = [new URL('../../../../shared/fixtures/connect-test-payloads/', import.meta.url), new URL('../../fixtures/exchanges/', import.meta.url)];
const MUTANTS = 40;

/** Every payload of one exchange that is JSON, decoded. */
function payloads(name: string): { file: string; value: unknown }[] {
  const out: { file: string; value: unknown }[] = [];
  for (const dir of DIRS) {
    const folder = new URL(`${name}/`, dir);
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder)) {
      try {
        out.push({ file, value: JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as unknown });
      } catch {
        // not JSON (raw or binary frames): the adapter's own tests cover those
      }
    }
  }
  return out;
}

/** Candidate tickers: short strings and object keys, whole and split at `.`, `:`, `_` (topics). */
function strings(value: unknown, into: Set<string>): Set<string> {
  const add = (s: string): void => {
    if (s.length > 80) return;
    into.add(s);
    for (const part of s.split(/[.:_]/)) into.add(part);
  };
  if (typeof value === 'string') add(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      add(k);
      strings(v, into);
    }
  }
  return into;
}

const REPLACEMENTS: unknown[] = [null, 0, -1, 1.5, 1e300, '', 'abc', '-1', '1e999', true, [], {}, [null], { a: null }];

/** A copy of `value` with one node, chosen by `next`, replaced or (in an object) dropped. */
function mutate(value: unknown, next: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  if (next() < 0.3 || typeof value !== 'object' || value === null) return pick(REPLACEMENTS);
  if (Array.isArray(value)) {
    if (value.length === 0) return pick(REPLACEMENTS);
    const i = Math.floor(next() * value.length);
    return value.map((v, j) => (j === i ? mutate(v, next) : v));
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return pick(REPLACEMENTS);
  const key = pick(keys);
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (next() < 0.2) delete copy[key];
  else copy[key] = mutate(copy[key], next);
  return copy;
}

describe('adapters are total on mutated payloads', () => {
  for (const [name, adapter] of Object.entries(exchanges)) {
    it(name, () => {
      const all = payloads(name);
      const tickers: ProviderTicker[] = [...strings(all.map((p) => p.value), new Set())].map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
      for (const [n, { file, value }] of all.entries()) {
        const next = rng(n + 1);
        for (let m = 0; m < MUTANTS; m++) {
          const mutant = m === 0 ? value : mutate(value, next);
          const text = JSON.stringify(mutant) ?? 'null';
          const where = `${file} seed ${n + 1} mutant ${m}: ${text.slice(0, 200)}`;
          if (adapter.kind === 'http') {
            expect(() => adapter.parse(mutant, tickers), where).not.toThrow();
            continue;
          }
          if (adapter.kind === 'defi') throw new Error(`${file}: DeFi adapters keep their fixtures under test/fixtures/defi/`);
          const session = adapter.session(tickers, 10);
          expect(() => session.handle(text), where).not.toThrow();
          expect(() => session.handle(gzipSync(text)), where).not.toThrow();
          expect(() => session.heartbeat(), where).not.toThrow();
        }
      }
    });
  }
});
