/**
 * The profiling listener of `--run-pprof` / `--pprof-port`. connect serves Go's net/http/pprof
 * on `<host>:<pprof-port>` (cmd/connect/main.go, default 6060); this is Node's equivalent on
 * Go's paths:
 *   GET /debug/pprof/                   a short index of the endpoints below
 *   GET /debug/pprof/profile?seconds=N  a CPU profile over N seconds (Go's default 30; 1..300),
 *                                       as a `.cpuprofile` (Chrome DevTools, speedscope)
 *   GET /debug/pprof/heap               a V8 heap snapshot, streamed as a `.heapsnapshot`
 *                                       (Chrome DevTools, Memory tab)
 * Anything else is 404. One profile or snapshot runs at a time; a concurrent request gets 409
 * (Go answers 500 "cpu profiling already in use"). A heap snapshot pauses the process while V8
 * walks the heap, as Chrome's does.
 *
 * CPU profiles use a node:inspector Session of their own, which talks to the in-process
 * inspector without opening or closing its port: an operator's `--inspect` debugger keeps
 * working beside it. The server never keeps the process alive (unref'd), and `close()` ends a
 * running profile and every connection.
 */
import type http from 'node:http';
import { Session } from 'node:inspector/promises';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { getHeapSnapshot } from 'node:v8';
import type { Logger } from '../log.js';
import { close, createServer, listen, sendJson } from './http-util.js';
import { PPROF_MAX_CONNECTIONS } from './limits.js';

export const DEFAULT_PROFILE_SECONDS = 30;
export const MAX_PROFILE_SECONDS = 300;
/** A profile writes nothing until it ends: the socket may stay silent for the longest profile. */
const PPROF_WRITE_TIMEOUT_MS = (MAX_PROFILE_SECONDS + 30) * 1000;

export interface PprofOptions {
  host: string;
  /** 0 picks a free port; the one bound is returned and logged. */
  port: number;
  log: Logger;
}

export interface Pprof {
  readonly port: number;
  close(): Promise<void>;
}

const INDEX = `<!doctype html>
<title>oracle-sidecar profiling</title>
<h1>/debug/pprof/</h1>
<ul>
<li><a href="profile?seconds=${DEFAULT_PROFILE_SECONDS}">profile?seconds=N</a>: CPU profile over N seconds (1 to ${MAX_PROFILE_SECONDS}, default ${DEFAULT_PROFILE_SECONDS}), a .cpuprofile for Chrome DevTools or speedscope</li>
<li><a href="heap">heap</a>: V8 heap snapshot, a .heapsnapshot for Chrome DevTools (Memory tab); pauses the process while taken</li>
</ul>
`;

/** Start the listener on host:port; logs `pprof listening` with its `address`. */
export async function startPprof({ host, port, log }: PprofOptions): Promise<Pprof> {
  const plog = log.child({ server: 'pprof' });
  let busy: string | undefined;
  const running = new AbortController();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://pprof');
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      return sendJson(res, 405, { error: `method ${req.method ?? ''} not allowed; use GET` });
    }
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/debug/pprof') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(INDEX);
    }
    if (path !== '/debug/pprof/profile' && path !== '/debug/pprof/heap') {
      return sendJson(res, 404, { error: `not found: ${url.pathname}; see /debug/pprof/` });
    }
    const seconds = path.endsWith('/profile') ? parseSeconds(url.searchParams.get('seconds')) : 0;
    if (seconds instanceof Error) return sendJson(res, 400, { error: seconds.message });
    if (busy) return sendJson(res, 409, { error: `${busy} is being taken; one profile or snapshot at a time, retry when it ends` });
    busy = seconds > 0 ? 'a CPU profile' : 'a heap snapshot';
    try {
      if (seconds > 0) await serveCpuProfile(res, seconds, running.signal, plog);
      else await serveHeapSnapshot(res, plog);
    } finally {
      busy = undefined;
    }
  }, PPROF_WRITE_TIMEOUT_MS);
  const bound = await listen(server, host, port, PPROF_MAX_CONNECTIONS);
  server.unref();
  plog.info({ address: `${host.includes(':') ? `[${host}]` : host}:${bound}` }, 'pprof listening');
  return {
    port: bound,
    async close() {
      running.abort();
      await close(server);
    },
  };
}

/** `seconds` as Go reads it, but strict: absent means 30; anything but an integer 1..300 is an error. */
export function parseSeconds(raw: string | null): number | Error {
  if (raw === null || raw === '') return DEFAULT_PROFILE_SECONDS;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_PROFILE_SECONDS)) {
    return new Error(`seconds: must be an integer from 1 to ${MAX_PROFILE_SECONDS}, got ${JSON.stringify(raw.slice(0, 32))}`);
  }
  return n;
}

async function serveCpuProfile(res: http.ServerResponse, seconds: number, stopping: AbortSignal, log: Logger): Promise<void> {
  // Ends early when the client goes away or the listener closes.
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  const signal = AbortSignal.any([gone.signal, stopping]);
  const session = new Session();
  session.connect();
  log.info({ seconds }, 'CPU profile started');
  let profile;
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    try {
      await sleep(seconds * 1000, undefined, { signal, ref: false });
    } finally {
      ({ profile } = await session.post('Profiler.stop'));
    }
  } catch (err) {
    if (signal.aborted) return void log.info('CPU profile abandoned: client gone or shutting down');
    throw err;
  } finally {
    session.disconnect();
  }
  const body = JSON.stringify(profile);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'content-disposition': `attachment; filename="${fileName('cpuprofile')}"`,
  });
  res.end(body);
  log.info({ seconds, bytes: Buffer.byteLength(body) }, 'CPU profile served');
}

async function serveHeapSnapshot(res: http.ServerResponse, log: Logger): Promise<void> {
  log.info('heap snapshot started');
  const snapshot = getHeapSnapshot();
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-disposition': `attachment; filename="${fileName('heapsnapshot')}"`,
  });
  try {
    await pipeline(snapshot, res);
    log.info('heap snapshot served');
  } catch (err) {
    log.info({ err: err instanceof Error ? err.message : String(err) }, 'heap snapshot abandoned: client gone or shutting down');
  }
}

/** `oracle-sidecar-2024-05-01T10-20-30.cpuprofile` */
function fileName(ext: string): string {
  return `oracle-sidecar-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.${ext}`;
}
