/**
 * The layer arrows of src/: each folder imports only the folders below it, so a reader can
 * follow a price upwards (config → oracle → metrics → providers → exchanges → server) and a
 * change to a lower layer never needs the ones above. The top-level wiring (app.ts,
 * sidecar.ts, main.ts, demo.ts, watch.ts) may import anything; log.ts, log-file.ts and
 * version.ts are leaves every layer may use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');
const LEAVES = new Set(['log.ts', 'log-file.ts', 'version.ts']);

/** Folder → the folders it may import (besides itself and the leaves). */
const ALLOWED: Record<string, readonly string[]> = {
  config: [],
  grpc: ['config'],
  oracle: ['config'],
  metrics: ['config', 'oracle'],
  providers: ['config', 'grpc', 'oracle', 'metrics'],
  // Each exchange's home holds its simulator half (sim.ts) beside its adapter.
  exchanges: ['config', 'oracle', 'providers', 'sim'],
  server: ['config', 'grpc', 'oracle', 'metrics'],
  sim: ['config', 'grpc', 'exchanges'],
  validate: ['config', 'oracle', 'metrics', 'providers'],
  // /status and the `status` command: reads the tick's plan and the providers' state.
  status: ['config', 'oracle', 'metrics', 'providers'],
  tools: ['config', 'sim'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Relative specifiers of every import, export-from and dynamic import in `text`. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) out.push(m[1] ?? '');
  return out;
}

/** The top-level folder of src/ a path is in, or its file name for a top-level file. */
function layerOf(path: string): string {
  return relative(SRC, path).split('/')[0] ?? '';
}

const edges = sourceFiles(SRC).flatMap((file) =>
  specifiers(readFileSync(file, 'utf8')).map((spec) => ({
    file: relative(SRC, file),
    from: layerOf(file),
    to: layerOf(resolve(dirname(file), spec)).replace(/\.js$/, '.ts'),
  })));

describe('layers', () => {
  it('finds the imports it checks', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges.some((e) => e.from === 'exchanges' && e.to === 'providers')).toBe(true);
  });

  it('no folder imports a folder above it', () => {
    const upward = edges
      .filter((e) => e.from in ALLOWED && e.to !== e.from && !LEAVES.has(e.to))
      .filter((e) => !(ALLOWED[e.from] ?? []).includes(e.to))
      .map((e) => `${e.file} imports ${e.to}/`);
    expect(upward).toEqual([]);
  });

  it('every src folder has a place in the table', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !(f in ALLOWED))).toEqual([]);
  });

  it('only metrics/ imports the series table', () => {
    const direct = sourceFiles(SRC)
      .filter((f) => layerOf(f) !== 'metrics' && /\/series\.js'/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(direct).toEqual([]);
  });
});
