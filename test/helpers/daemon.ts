/**
 * Runs the BUILT side-car (dist/src/main.js) as a child process on free loopback ports, the
 * way an operator runs it, and collects its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemonNodeFlags } from '../../src/tools/node-flags.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = join(ROOT, 'dist/src/main.js');

/** Node's flags in `npm start`: startDaemon runs the daemon the way production does. */
export const NODE_FLAGS: readonly string[] = daemonNodeFlags(ROOT);

/** A free loopback port (the soak and attack tools' helper). */
export { freePort } from '../../src/tools/attack-daemon.js';

export function tempFile(name: string, content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'oracle-sidecar-test-'));
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** A fresh working directory for a spawned side-car, so that files it writes relative to it
 *  (connect's default `--log-file sidecar.log`) never land in the repository. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'oracle-sidecar-cwd-'));
}

export interface Daemon {
  readonly apiUrl: string;
  readonly metricsUrl: string;
  readonly child: ChildProcess;
  /** The market.json the daemon was started with (rewrite it to test hot reload); '' when
   *  started without one (market map from the chain node). */
  readonly marketPath: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Run the CLI to completion (for --help, version, config errors). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: scratchDir(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A CLI run that should end but serves instead is killed, and shows as a null exit code.
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Start the daemon with an oracle override object and a market map object; with `market`
 *  null, no --market-config-path is passed (the map then comes from the chain node). */
export async function startDaemon(oracle: object, market: object | null, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<Daemon> {
  const marketPath = market === null ? '' : tempFile('market.json', market);
  // Port 0: the daemon binds free ports itself and logs them, so concurrent tests never race
  // for a port between choosing and binding it.
  const args = [
    ...NODE_FLAGS,
    MAIN,
    '--oracle-config', tempFile('oracle.json', oracle),
    ...(market === null ? [] : ['--market-config-path', marketPath]),
    '--host', '127.0.0.1',
    '--port', '0',
    '--metrics-prometheus-address', '127.0.0.1:0',
    ...extraArgs,
  ];
  return spawnDaemon(process.execPath, args, env, marketPath);
}

/**
 * Runs `command args` (the built side-car under any name, e.g. connect's `connect`) in a fresh
 * working directory and resolves once it logs both listening addresses and answers REST.
 * `env` adds to this process's environment.
 */
export async function spawnDaemon(command: string, args: string[], env: Record<string, string> = {}, marketPath = ''): Promise<Daemon> {
  const child = spawn(command, args, { cwd: scratchDir(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  const address = (msg: string): string | undefined => {
    for (const line of out.split('\n')) {
      if (!line.includes(msg)) continue;
      try {
        return (JSON.parse(line) as { address?: string }).address;
      } catch {
        // a partial line: wait for the rest
      }
    }
    return undefined;
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const api = address('price API listening');
    const metrics = address('metrics server listening');
    if (api && metrics) {
      const d: Daemon = {
        apiUrl: `http://${api}`,
        metricsUrl: `http://${metrics}`,
        child,
        marketPath,
        stdout: () => out,
        stderr: () => err,
        exited,
        async stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      };
      if (await fetch(`${d.apiUrl}/connect/oracle/v2/version`).then((r) => r.ok, () => false)) return d;
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`side-car did not start (exit ${child.exitCode}):\n${err}\n${out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Parse a Prometheus text exposition into family → {type, help, samples}. */
export function parseExposition(text: string): Map<string, { type: string; help: string; samples: Array<{ name: string; labels: Record<string, string>; value: number }> }> {
  const families = new Map<string, { type: string; help: string; samples: Array<{ name: string; labels: Record<string, string>; value: number }> }>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { type: '', help: '', samples: [] }));
    return f;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const f = family(meta[2] ?? '');
      if (meta[1] === 'TYPE') f.type = meta[3] ?? '';
      else f.help = meta[3] ?? '';
      continue;
    }
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) continue;
    const name = m[1] ?? '';
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] ?? ''] = l[2] ?? '';
    const base = [...families.keys()].find((k) => name === k || name === `${k}_bucket` || name === `${k}_sum` || name === `${k}_count`) ?? name;
    family(base).samples.push({ name, labels, value: Number(m[3]) });
  }
  return families;
}
