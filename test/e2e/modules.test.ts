/**
 * What the built side-car loads at start-up: undici (its entry module loads fetch, WebSocket,
 * caches and mocks, ~3 MB of heap) only once an HTTP client is first needed, so a market map
 * with only WebSocket providers never pays for it. The simulator's code (src/sim/, each
 * exchange's sim.ts) is never in the side-car's static module graph: the exchange registry
 * reaches it only through lazy imports that the simulator alone calls.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/daemon.js';

const url = (path: string): string => JSON.stringify(pathToFileURL(join(ROOT, path)).href);

/** Static relative imports and re-exports of an emitted ES module (not `import()`). */
const STATIC_IMPORT = /^\s*(?:import|export)\b[^;'"]*?(?:from\s*)?['"](\.[^'"]+)['"]/gm;

/** Every project file reachable from `entry` through static imports, relative to dist/. */
function staticGraph(entry: string): string[] {
  const seen = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) walk(resolve(dirname(file), m[1] as string));
  };
  walk(join(ROOT, 'dist', entry));
  return [...seen].map((f) => relative(join(ROOT, 'dist'), f));
}

describe('modules loaded by the built side-car', () => {
  it('loads undici only when an HTTP client is first needed', () => {
    const script = `
      const { createRequire } = await import('node:module');
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/undici/'));
      await import(${url('dist/src/sidecar.js')});
      const atStart = loaded();
      const { undici } = await import(${url('dist/src/providers/undici.js')});
      const agent = new (undici().Agent)();
      await agent.close();
      console.log(JSON.stringify({ atStart, afterUse: loaded() }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ atStart: false, afterUse: true });
  });

  it('reaches the exchange adapters but no simulator code through static imports', () => {
    const graph = staticGraph('src/main.js');
    expect(graph).toContain('src/exchanges/index.js');
    expect(graph).toContain('src/exchanges/binance_ws/adapter.js');
    expect(graph.filter((f) => f.startsWith('src/sim/') || f.endsWith('/sim.js'))).toEqual([]);
  });
});
