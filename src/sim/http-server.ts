/**
 * Shared HTTP plumbing for the simulated REST exchanges: one loopback server per exchange,
 * request recording, and the HTTP faults (status, slow, malformed, trailing-garbage,
 * wrong-types, refuse).
 * `bad-price` and `freeze` act through the ExchangeView. `httpListener` is also used by
 * ws-server.ts for WebSocket exchanges that answer plain HTTP on their port (KuCoin).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TRAILING_GARBAGE, corrupt, swapTypes } from './faults.js';
import { refuseHandler } from './refuse.js';
import type { ExchangeEnv, ExchangeView, HttpReply, HttpRequest, HttpSimExchange, RunningExchange } from './types.js';

export type HttpHandler = (req: HttpRequest, view: ExchangeView) => HttpReply;

function send(res: http.ServerResponse, status: number, text: string): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
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

function answer(handle: HttpHandler, env: ExchangeEnv, req: http.IncomingMessage, res: http.ServerResponse): void {
  const fault = env.view.fault();
  if (fault.mode === 'status') {
    if (fault.status === 429) res.setHeader('retry-after', '1');
    send(res, fault.status, JSON.stringify({ code: fault.status, msg: 'simulated fault' }));
    return;
  }
  let reply: HttpReply;
  try {
    reply = handle({ method: req.method ?? 'GET', url: requestUrl(req) }, env.view);
  } catch (err) {
    reply = { status: 500, body: { code: 500, msg: `simulator error: ${String(err)}` } };
  }
  let text = JSON.stringify(reply.body);
  if (fault.mode === 'wrong-types') text = swapTypes(text);
  if (fault.mode === 'malformed') text = corrupt(text);
  if (fault.mode === 'trailing-garbage') text += TRAILING_GARBAGE;
  send(res, reply.status, text);
}

/** A request listener that records, applies the HTTP faults and answers with `handle`.
 *  Timers of `slow` replies are kept in `pending` so that close() can clear them. */
export function httpListener(handle: HttpHandler, env: ExchangeEnv, pending: Set<NodeJS.Timeout>): http.RequestListener {
  return (req, res) => {
    env.record(`${req.method ?? 'GET'} ${req.url ?? '/'}`);
    req.resume();
    const fault = env.view.fault();
    if (fault.mode !== 'slow') {
      answer(handle, env, req, res);
      return;
    }
    const timer = setTimeout(() => {
      pending.delete(timer);
      answer(handle, env, req, res);
    }, fault.delayMs);
    pending.add(timer);
  };
}

export async function startHttpExchange(
  def: HttpSimExchange,
  env: ExchangeEnv,
  host: string,
  port: number,
): Promise<RunningExchange> {
  const pending = new Set<NodeJS.Timeout>();
  const server = http.createServer(httpListener((req, view) => def.handle(req, view), env, pending));
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
