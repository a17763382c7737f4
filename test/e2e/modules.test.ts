/**
 * What the built side-car loads at start-up: undici (its entry module loads fetch, WebSocket,
 * caches and mocks, ~3 MB of heap) only once an HTTP client is first needed, so a market map
 * with only WebSocket providers never pays for it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/daemon.js';

const url = (path: string): string => JSON.stringify(pathToFileURL(join(ROOT, path)).href);

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
});
