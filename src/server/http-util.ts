/** Shared plumbing for the side-car's HTTP servers. */
import http from 'node:http';

/** Split `host:port` (IPv6 in brackets); both parts must be non-empty, as connect requires. */
export function splitAddress(address: string): { host: string; port: number } | Error {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(address);
  if (!m || !m[1] || !m[2]) return new Error(`invalid address ${JSON.stringify(address)}: expected host:port`);
  const port = Number(m[2]);
  if (port > 65535) return new Error(`invalid address ${JSON.stringify(address)}: port out of range`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

/** Create a server with bounded header and request times that never leaks stack traces. */
export function createServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>): http.Server {
  const server = http.createServer((req, res) => {
    new Promise<void>((resolve) => resolve(handler(req, res))).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return server;
}

export function listen(server: http.Server, host: string, port: number): Promise<number> {
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
