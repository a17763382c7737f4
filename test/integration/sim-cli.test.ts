/**
 * The simulator CLI, run as a real process: src/sim and what it imports (the exchange registry,
 * src/exchanges/) are compiled into a temp directory, then started with --base-port.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_EXCHANGES } from '../../src/sim/registry.js';

const root = resolve(import.meta.dirname, '../..');
let out: string;
let mainJs: string;

async function portsFree(base: number, count: number): Promise<boolean> {
  for (let p = base; p < base + count; p++) {
    const ok = await new Promise<boolean>((done) => {
      const s = net.createServer();
      s.once('error', () => done(false));
      s.listen(p, '127.0.0.1', () => s.close(() => done(true)));
    });
    if (!ok) return false;
  }
  return true;
}

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'sim-cli-'));
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
  writeFileSync(
    join(out, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { outDir: join(out, 'dist'), rootDir: root, sourceMap: false, typeRoots: [join(root, 'node_modules/@types')] },
      include: [join(root, 'src/sim')],
    }),
  );
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(out, 'tsconfig.json')]);
  mainJs = join(out, 'dist/src/sim/main.js');
}, 60_000);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('sim CLI', () => {
  it('listens on --base-port in registry order, prints one JSON line and exits 0 on SIGTERM', async () => {
    let base = 30_000 + Math.floor(Math.random() * 20_000);
    const count = SIM_EXCHANGES.length + 1;
    while (!(await portsFree(base, count))) base += count;
    const child = spawn(process.execPath, [mainJs, '--base-port', String(base), '--seed', '3'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const line = await new Promise<string>((done) => createInterface({ input: child.stdout }).once('line', done));
    const printed = JSON.parse(line) as { controlUrl: string; endpoints: Record<string, string> };
    expect(printed.controlUrl).toBe(`http://127.0.0.1:${base + SIM_EXCHANGES.length}`);
    expect(Object.keys(printed.endpoints)).toEqual(SIM_EXCHANGES.map((x) => x.name));
    expect(printed.endpoints).toMatchObject({
      binance_api: `http://127.0.0.1:${base}/api/v3/ticker/price?symbols=%s%s%s`,
      kraken_api: `http://127.0.0.1:${base + 1}/0/public/Ticker?pair=%s`,
      coinbase_api: `http://127.0.0.1:${base + 2}/v2/prices/%s/spot`,
      binance_ws: `ws://127.0.0.1:${base + 3}/stream`,
      coinbase_ws: `ws://127.0.0.1:${base + 4}`,
      okx_ws: `ws://127.0.0.1:${base + 5}/ws/v5/public`,
    });
    const health = (await (await fetch(`${printed.controlUrl}/health`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('exits 2 on a bad flag', () => {
    let status: number | null = null;
    try {
      execFileSync(process.execPath, [mainJs, '--base-port', 'abc'], { stdio: 'pipe' });
    } catch (err) {
      status = (err as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});
