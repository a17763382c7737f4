/**
 * The image's health check (dist/src/tools/healthcheck.js): exit 0 against a running side-car's
 * metrics port, exit 1 against a closed port, a 503, a server that never answers, or a bad
 * HEALTHCHECK_PORT.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { ROOT, freePort, startDaemon, type Daemon } from '../helpers/daemon.js';

const SCRIPT = join(ROOT, 'dist/src/tools/healthcheck.js');

function healthcheck(port: string): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT], { env: { ...process.env, HEALTHCHECK_PORT: port }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr, ms: Date.now() - started }));
  });
}

async function server(handler: http.RequestListener): Promise<{ port: string; close: () => void }> {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const close = () => {
    s.close();
    s.closeAllConnections();
  };
  return { port: String((s.address() as AddressInfo).port), close };
}

let sim: Simulator;
let daemon: Daemon;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3 });
  const shipped = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as { markets: Record<string, { provider_configs: Array<{ normalize_by_pair?: unknown }> }> };
  const btc = shipped.markets['BTC/USD'];
  const direct = { ...btc, provider_configs: btc?.provider_configs.filter((p) => p.normalize_by_pair === undefined) };
  daemon = await startDaemon(sim.oracleOverride(), { markets: { 'BTC/USD': direct } });
}, 30_000);

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('healthcheck script', () => {
  it('exits 0 against a running side-car', async () => {
    const r = await healthcheck(new URL(daemon.metricsUrl).port);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('exits 1 against a closed port', async () => {
    const r = await healthcheck(String(await freePort()));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^unhealthy: .*ECONNREFUSED/);
  });

  it('exits 1 on a 503 (the loop stalled)', async () => {
    const s = await server((_req, res) => res.writeHead(503).end('{"status":"stalled"}'));
    const r = await healthcheck(s.port);
    s.close();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('answered 503');
  });

  it('exits 1 within its timeout when nothing answers', async () => {
    const s = await server(() => undefined);
    const r = await healthcheck(s.port);
    s.close();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no answer within 3000 ms');
    expect(r.ms).toBeLessThan(4500);
  }, 10_000);

  it('exits 1 on a HEALTHCHECK_PORT that is not a port', async () => {
    const r = await healthcheck('80a');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a port');
  });
});
