/** The built daemon with connect's operations flags: the log file (`--log-file*`, `--log-max-*`)
 *  and the profiling listener (`--run-pprof`, `--pprof-port`). */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { ROOT, startDaemon, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/metrics.js';

const market = JSON.parse(readFileSync(join(ROOT, 'market.json'), 'utf8')) as object;
type Line = Record<string, unknown> & { level: string; msg: string; time: string; pid: number };
const parse = (text: string): Line[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

/** Runs the daemon with `args`, lets it work for `ms` (after `during`), stops it and returns it. */
async function run(args: string[], ms = 1500, during?: (d: Daemon) => Promise<unknown>): Promise<{ d: Daemon; cwd: string; code: number | string }> {
  const d = await startDaemon({ ...sim.oracleOverride(), updateInterval: '100ms' }, market, args);
  const cwd = readlinkSync(`/proc/${d.child.pid}/cwd`);
  await during?.(d);
  await new Promise((r) => setTimeout(r, ms));
  const code = await d.stop();
  return { d, cwd, code };
}

describe('log file', () => {
  it('--log-file PATH --log-file-level debug: JSON lines to that file at debug, stdout stays at info', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-log-'));
    const path = join(dir, 'side.log');
    // SIGHUP reloads market.json, which logs `market map reload finished` at debug.
    const reload = (d: Daemon) => Promise.resolve(d.child.kill('SIGHUP'));
    const { d, cwd, code } = await run(['--log-file', path, '--log-file-level', 'debug'], 1000, reload);
    expect(code).toBe(0);
    const file = parse(readFileSync(path, 'utf8'));
    expect(file.find((l) => l.level === 'debug')).toMatchObject({ msg: 'market map reload finished', trigger: 'SIGHUP' });
    expect(file.map((l) => l.msg)).toContain('oracle side-car started');
    expect(file.map((l) => l.msg)).toContain('shutting down'); // flushed at stop
    expect(file[0]).toMatchObject({ pid: d.child.pid });
    const stdout = parse(d.stdout());
    expect(stdout.some((l) => l.level === 'debug')).toBe(false);
    // every stdout line is in the file too, unchanged
    const fileText = readFileSync(path, 'utf8');
    for (const l of d.stdout().split('\n').filter(Boolean)) expect(fileText).toContain(l);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('writes connect\'s default sidecar.log in the working directory, and none with --log-disable-file-rotation', async () => {
    const on = await run([], 500);
    expect(parse(readFileSync(join(on.cwd, 'sidecar.log'), 'utf8')).map((l) => l.msg)).toContain('oracle side-car started');
    const off = await run(['--log-disable-file-rotation'], 500);
    expect(readdirSync(off.cwd)).toEqual([]);
  });

  it('rotates a full file at start into a gzip backup and removes backups older than --log-max-age', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-rotate-'));
    const path = join(dir, 'side.log');
    const old = '{"msg":"from before"}\n';
    writeFileSync(path, old.repeat(Math.ceil((1024 * 1024) / old.length)));
    const ancient = 'side-2001-01-01T00-00-00.000.log.gz';
    writeFileSync(join(dir, ancient), '');
    const { code } = await run(['--log-file', path, '--log-max-size', '1', '--log-max-backups', '2', '--log-max-age', '3'], 500);
    expect(code).toBe(0);
    const backups = readdirSync(dir).filter((f) => /^side-\d{4}-.*\.log\.gz$/.test(f));
    expect(backups).toHaveLength(1);
    expect(backups).not.toContain(ancient);
    expect(gunzipSync(readFileSync(join(dir, backups[0]!))).toString().startsWith(old)).toBe(true);
    expect(parse(readFileSync(path, 'utf8')).map((l) => l.msg)).toContain('oracle side-car started');
  });

  it('--log-file-disable-compression keeps the rotated file plain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-plain-'));
    const path = join(dir, 'side.log');
    writeFileSync(path, 'x'.repeat(1024 * 1024));
    await run(['--log-file', path, '--log-max-size', '1', '--log-file-disable-compression'], 500);
    const backups = readdirSync(dir).filter((f) => f.startsWith('side-'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/\.log$/);
    expect(readFileSync(join(dir, backups[0]!), 'utf8')).toBe('x'.repeat(1024 * 1024));
  });

  it('an unwritable log file is a warning on stdout; the daemon serves and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-bad-'));
    mkdirSync(join(dir, 'a-directory'));
    const { d, code } = await run(['--log-file', join(dir, 'a-directory')], 500);
    expect(code).toBe(0);
    const warning = parse(d.stdout()).find((l) => l.msg.startsWith('cannot write the log file'));
    expect(warning).toMatchObject({ level: 'warn', path: join(dir, 'a-directory') });
    expect(parse(d.stdout()).map((l) => l.msg)).toContain('shutting down');
  });
});

describe('pprof', () => {
  it('--run-pprof --pprof-port 0 serves CPU profiles on the logged address and stops with the daemon', async () => {
    const d = await startDaemon({ ...sim.oracleOverride(), updateInterval: '100ms' }, market, ['--run-pprof', '--pprof-port', '0', '--log-disable-file-rotation']);
    try {
      const address = await waitFor(() => parse(d.stdout()).find((l) => l.msg === 'pprof listening')?.address as string | undefined, 10_000);
      expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect((await fetch(`http://${address}/debug/pprof/`)).status).toBe(200);
      const r = await fetch(`http://${address}/debug/pprof/profile?seconds=1`);
      expect(r.status).toBe(200);
      const profile = (await r.json()) as { nodes: unknown[]; startTime: number; endTime: number };
      expect(profile.nodes.length).toBeGreaterThan(1);
      expect(profile.endTime).toBeGreaterThan(profile.startTime);
      const pending = fetch(`http://${address}/debug/pprof/profile?seconds=60`).catch(() => undefined);
      const t0 = Date.now();
      expect(await d.stop()).toBe(0);
      expect(Date.now() - t0).toBeLessThan(3000);
      await pending;
    } finally {
      await d.stop();
    }
  });

  it('is off by default', async () => {
    const { d } = await run(['--log-disable-file-rotation'], 200);
    expect(d.stdout()).not.toContain('pprof listening');
    expect(existsSync(join(ROOT, 'sidecar.log'))).toBe(false);
  });
});
