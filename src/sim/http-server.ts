/**
 * Shared HTTP plumbing for the simulated REST exchanges: one loopback server per exchange,
 * request recording, and the HTTP faults (status, slow, malformed, trailing-garbage,
 * wrong-types, refuse).
 * `bad-price` and `freeze` act through the ExchangeView. `httpListener` is also used by
 * ws-server.ts for WebSocket exchanges that answer plain HTTP on their port (KuCoin).
 * Every request is read whole (at most MAX_REQUEST_BYTES) before it is answered; a
 * `/node/<i>` path prefix selects a simulated endpoint whose knobs (sim/endpoints.ts) apply
 * here: a required API key (401 otherwise) and a per-endpoint delay.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { splitEndpoint, type NodeEndpoints } from './endpoints.js';
import { TRAILING_GARBAGE, corrupt, swapTypes } from './faults.js';
import { refuseHandler } from './refuse.js';
import { noViolations } from './types.js';
import type { ExchangeEnv, ExchangeView, HttpReply, HttpRequest, HttpSimExchange, RunningExchange } from './types.js';

export type HttpHandler = (req: HttpRequest, view: ExchangeView) => HttpReply;

/** Largest request body read; a bigger one gets 413. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

function send(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The request URL, based on the Host header the client used when it is a valid host. */
function requestUrl(req: http.IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', `http://${req.headers.host ?? 'sim.invalid'}`);
  } catch {
    return new URL(req.url ?? '/', 'http://sim.invalid');
  }
}

function headersOf(req: http.IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** What the exchange handler sees of a request, with its endpoint prefix taken off. */
function simRequest(req: http.IncomingMessage, body: string): HttpRequest {
  const url = requestUrl(req);
  const [endpoint, rest] = splitEndpoint(url.pathname);
  url.pathname = rest;
  return { method: req.method ?? 'GET', url, body, headers: headersOf(req), endpoint };
}

function answer(handle: HttpHandler, env: ExchangeEnv, sreq: HttpRequest, res: http.ServerResponse): void {
  const fault = env.view.fault();
  if (fault.mode === 'status') {
    if (fault.status === 429) res.setHeader('retry-after', '1');
    send(res, fault.status, JSON.stringify({ code: fault.status, msg: 'simulated fault' }));
    return;
  }
  let reply: HttpReply;
  try {
    reply = handle(sreq, env.view);
  } catch (err) {
    reply = { status: 500, body: { code: 500, msg: `simulator error: ${String(err)}` } };
  }
  let text = JSON.stringify(reply.body);
  if (fault.mode === 'wrong-types') text = swapTypes(text);
  if (fault.mode === 'malformed') text = corrupt(text);
  if (fault.mode === 'trailing-garbage') text += TRAILING_GARBAGE;
  send(res, reply.status, text, reply.headers);
}

/** A request listener that records, applies the HTTP faults and answers with `handle`.
 *  Timers of `slow` replies are kept in `pending` so that close() can clear them. */
export function httpListener(
  handle: HttpHandler,
  env: ExchangeEnv,
  pending: Set<NodeJS.Timeout>,
  nodes?: NodeEndpoints,
): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      env.record(`${req.method ?? 'GET'} ${req.url ?? '/'}${body ? ` ${body.slice(0, 2000)}` : ''}`);
      if (size > MAX_REQUEST_BYTES) return send(res, 413, JSON.stringify({ code: 413, msg: 'request too large' }));
      const sreq = simRequest(req, body);
      if (nodes && !nodes.admit(sreq.endpoint, sreq.headers)) {
        return send(res, 401, JSON.stringify({ code: 401, msg: 'missing or invalid API key' }));
      }
      const fault = env.view.fault();
      const delayMs = (fault.mode === 'slow' ? fault.delayMs : 0) + (nodes?.get(sreq.endpoint).delayMs ?? 0);
      if (delayMs === 0) return answer(handle, env, sreq, res);
      const timer = setTimeout(() => {
        pending.delete(timer);
        answer(handle, env, sreq, res);
      }, delayMs);
      pending.add(timer);
    });
  };
}

export async function startHttpExchange(
  def: HttpSimExchange,
  env: ExchangeEnv,
  host: string,
  port: number,
  nodes?: NodeEndpoints,
): Promise<RunningExchange> {
  const pending = new Set<NodeJS.Timeout>();
  const server = http.createServer(httpListener((req, view) => def.handle(req, view), env, pending, nodes));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const boundPort = (server.address() as AddressInfo).port;
  return {
    def,
    port: boundPort,
    connections: () => 0,
    violations: noViolations,
    onFault: refuseHandler(server, host, () => boundPort, () => undefined),
    close: async () => {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
