import { Session } from 'node:inspector/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startPprof, type Pprof } from '../../src/server/pprof.js';

const started: Pprof[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.close()));
});

async function pprof(): Promise<{ url: string; out: string[]; p: Pprof }> {
  const out: string[] = [];
  const log = createLogger('info', { destination: { write: (s: string) => void out.push(s) } });
  const p = await startPprof({ host: '127.0.0.1', port: 0, log });
  started.push(p);
  return { url: `http://127.0.0.1:${p.port}/debug/pprof`, out, p };
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string } }>;
  startTime: number;
  endTime: number;
  samples: number[];
}

describe('pprof listener', () => {
  it('logs its address and serves an index of the endpoints', async () => {
    const { url, out, p } = await pprof();
    expect(JSON.parse(out[0]!)).toMatchObject({ msg: 'pprof listening', address: `127.0.0.1:${p.port}`, server: 'pprof' });
    for (const path of ['/', '']) {
      const r = await fetch(`${url}${path}`);
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).toContain('href="profile?seconds=30"');
      expect(text).toContain('href="heap"');
    }
  });

  it('takes a CPU profile over ?seconds and serves it as a .cpuprofile', async () => {
    const { url } = await pprof();
    const t0 = Date.now();
    const r = await fetch(`${url}/profile?seconds=1`);
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="oracle-sidecar-[\dT-]+\.cpuprofile"$/);
    const profile = (await r.json()) as CpuProfile;
    expect(profile.nodes.length).toBeGreaterThan(0);
    expect(profile.nodes[0]?.callFrame.functionName).toBe('(root)');
    expect(profile.endTime - profile.startTime).toBeGreaterThanOrEqual(900_000); // microseconds
    expect(Array.isArray(profile.samples)).toBe(true);
  });

  it('streams a V8 heap snapshot', async () => {
    const { url } = await pprof();
    const r = await fetch(`${url}/heap`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toMatch(/\.heapsnapshot"$/);
    const text = await r.text();
    expect(text.startsWith('{"snapshot":')).toBe(true);
    expect((JSON.parse(text) as { snapshot: { node_count: number } }).snapshot.node_count).toBeGreaterThan(1000);
  });

  it('runs one profile at a time: a concurrent request gets 409 naming what is running', async () => {
    const { url, out } = await pprof();
    const first = fetch(`${url}/profile?seconds=2`);
    await vi.waitFor(() => expect(out.join('')).toContain('CPU profile started'));
    for (const path of ['/profile?seconds=1', '/heap']) {
      const r = await fetch(`${url}${path}`);
      expect(r.status).toBe(409);
      expect(((await r.json()) as { error: string }).error).toContain('a CPU profile is being taken');
    }
    expect((await first).status).toBe(200);
    expect((await fetch(`${url}/profile?seconds=1`)).status).toBe(200); // free again
  });

  it.each(['abc', '0', '301', '1.5', '-1', '10s'])('rejects seconds=%s with 400 naming the parameter', async (value) => {
    const { url } = await pprof();
    const r = await fetch(`${url}/profile?seconds=${value}`);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/^seconds: must be an integer from 1 to 300/);
  });

  it('answers 404 on other paths and 405 on other methods', async () => {
    const { url } = await pprof();
    expect((await fetch(`${url}/goroutine`)).status).toBe(404);
    expect((await fetch(url.replace('/debug/pprof', '/metrics'))).status).toBe(404);
    const post = await fetch(`${url}/heap`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('close() ends a running profile at once', async () => {
    const { url, out, p } = await pprof();
    const pending = fetch(`${url}/profile?seconds=60`).then((r) => r.status, () => 'failed');
    await vi.waitFor(() => expect(out.join('')).toContain('CPU profile started'));
    const t0 = Date.now();
    await p.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await pending).toBe('failed');
    await vi.waitFor(() => expect(out.join('')).toContain('CPU profile abandoned'));
  });

  it('leaves another inspector session (a debugger) and its own profile undisturbed', async () => {
    const { url } = await pprof();
    const debuggerSession = new Session();
    debuggerSession.connect();
    try {
      await debuggerSession.post('Profiler.enable');
      await debuggerSession.post('Profiler.start');
      expect((await fetch(`${url}/profile?seconds=1`)).status).toBe(200);
      const { profile } = await debuggerSession.post('Profiler.stop');
      expect(profile.nodes.length).toBeGreaterThan(0);
      expect(profile.endTime - profile.startTime).toBeGreaterThanOrEqual(900_000);
    } finally {
      debuggerSession.disconnect();
    }
  });
});
