/** Shared plumbing for the side-car's HTTP servers. */
import http from 'node:http';
import {
  CONNECTIONS_CHECKING_INTERVAL_MS,
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  WRITE_TIMEOUT_MS,
} from './limits.js';

/** Split `host:port` (IPv6 in brackets); both parts must be non-empty, as connect requires. */
export function splitAddress(address: string): { host: string; port: number } | Error {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(address);
  if (!m || !m[1] || !m[2]) return new Error(`invalid address ${JSON.stringify(address)}: expected host:port`);
  const port = Number(m[2]);
  if (port > 65535) return new Error(`invalid address ${JSON.stringify(address)}: port out of range`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

/**
 * Create a server with bounded header, request and idle times that never leaks stack traces.
 * A socket that takes no byte for `writeTimeoutMs` (a client that stopped reading) is destroyed.
 */
export function createServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>,
  writeTimeoutMs = WRITE_TIMEOUT_MS,
): http.Server {
  const server = http.createServer({ connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS }, (req, res) => {
    new Promise<void>((resolve) => resolve(handler(req, res))).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Inactivity of the socket (no byte read or written): node:http destroys it when nothing
  // listens for 'timeout'. Idle keep-alive connections are closed sooner, by keepAliveTimeout.
  server.timeout = writeTimeoutMs;
  return server;
}

/** Listen on host:port; with `maxConnections`, connections past it are closed at accept. */
export function listen(server: http.Server, host: string, port: number, maxConnections?: number): Promise<number> {
  if (maxConnections !== undefined) server.maxConnections = maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

export function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
