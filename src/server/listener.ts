/**
 * One TCP listener on the price API's host:port for both REST and gRPC (connect spec §5.1
 * serves both on one port). Each connection's first bytes are sniffed:
 *   - the HTTP/2 connection preface "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" → piped, bytes
 *     unchanged (peeked bytes first), to the internal gRPC listener (grpc-server.ts);
 *   - anything else → the node:http REST server, as if it had accepted the socket.
 * So HTTP/1.1 REST works as before and every HTTP/2 connection is gRPC: REST over h2c with
 * prior knowledge is not supported (connect routes per request on HTTP/2 + content-type
 * application/grpc; in practice clients speak REST over HTTP/1.1 and gRPC over HTTP/2).
 * A connection that sends nothing recognisable within `sniffTimeoutMs` is dropped, and
 * connections past `maxConnections` are closed at accept (limits.ts).
 *
 * An HTTP/2 connection and its internal one live and die together: when either ends (a FIN,
 * as a client resetting its streams and hanging up sends), fails or closes, both are
 * closed (proxy below), and a client that resets streams faster than h2-guard.ts allows is
 * cut before nghttp2's own rapid-reset defence stops reading its internal socket for good.
 */
import type http from 'node:http';
import net from 'node:net';
import { ResetBudget } from './h2-guard.js';
import { PRICE_MAX_CONNECTIONS, PROXY_LINGER_MS, SNIFF_TIMEOUT_MS } from './limits.js';

export const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Where HTTP/2 connections go: an address to dial and a graceful close. */
export interface H2Backend {
  readonly address: net.NetConnectOpts;
  close(): Promise<void>;
}

export interface SharedListenerOptions {
  host: string;
  port: number;
  http: http.Server;
  h2: H2Backend;
  sniffTimeoutMs?: number;
  /** Connections open at once (default PRICE_MAX_CONNECTIONS). */
  maxConnections?: number;
}

export interface SharedListener {
  readonly port: number;
  /** Sockets open, both client connections and internal ones (for tests and diagnostics). */
  readonly sockets: () => number;
  /** Stop accepting, close REST connections, close the gRPC backend gracefully, then drop every socket left. */
  close(): Promise<void>;
}

/** 'h2' once `head` is the whole preface, 'http' once it cannot be, undefined while it still may be. */
export function classify(head: Buffer): 'h2' | 'http' | undefined {
  const n = Math.min(head.length, H2_PREFACE.length);
  if (!head.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) return 'http';
  return n === H2_PREFACE.length ? 'h2' : undefined;
}

/**
 * Pipe `socket` to a new connection to `address`, writing `head` first. The client ending,
 * failing or closing destroys both at once; grpc-js ending (GOAWAY sent) lets its last bytes
 * reach the client for up to PROXY_LINGER_MS, then both are gone.
 */
function proxy(socket: net.Socket, head: Buffer, address: net.NetConnectOpts, sockets: Set<net.Socket>): void {
  const upstream = net.connect(address);
  sockets.add(upstream);
  upstream.once('close', () => sockets.delete(upstream));
  let draining = false;
  const destroy = () => {
    socket.destroy();
    upstream.destroy();
  };
  const drain = () => {
    if (draining) return;
    draining = true;
    upstream.destroy();
    socket.end();
    setTimeout(destroy, PROXY_LINGER_MS).unref();
  };
  socket.once('end', destroy);
  socket.once('close', destroy);
  socket.on('error', destroy);
  upstream.once('end', drain);
  upstream.once('close', () => {
    if (!draining) destroy();
  });
  upstream.on('error', destroy);
  upstream.setNoDelay(true);
  // Client to grpc-js through the reset budget; grpc-js to client piped. end: false, so that no
  // side is ever left half-open: the handlers above close both.
  const budget = new ResetBudget();
  const forward = (chunk: Buffer) => {
    if (!budget.feed(chunk)) return destroy();
    if (upstream.write(chunk)) return;
    socket.pause();
    upstream.once('drain', () => socket.resume());
  };
  if (!budget.feed(head.subarray(H2_PREFACE.length))) return destroy();
  upstream.write(head);
  socket.on('data', forward);
  upstream.pipe(socket, { end: false });
  socket.resume();
}

function sniff(socket: net.Socket, timeoutMs: number, route: (kind: 'h2' | 'http', head: Buffer) => void): void {
  let head = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const kind = classify(head);
    if (!kind) return;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.pause();
    route(kind, head);
  };
  socket.on('data', onData);
  socket.once('close', () => clearTimeout(timer));
}

export function listenShared(o: SharedListenerOptions): Promise<SharedListener> {
  const sockets = new Set<net.Socket>();
  const route = (socket: net.Socket) => (kind: 'h2' | 'http', head: Buffer) => {
    if (kind === 'h2') return proxy(socket, head, o.h2.address, sockets);
    socket.unshift(head);
    o.http.emit('connection', socket);
    socket.resume();
  };
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    sniff(socket, o.sniffTimeoutMs ?? SNIFF_TIMEOUT_MS, route(socket));
  });
  server.maxConnections = o.maxConnections ?? PRICE_MAX_CONNECTIONS;
  let closing: Promise<void> | undefined;
  const shutdown = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    o.http.close();
    o.http.closeAllConnections();
    await o.h2.close();
    for (const s of sockets) s.destroy();
    await closed;
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      // node:http starts tracking connections (header/request timeouts, closeAllConnections)
      // when it starts listening; it never listens itself here, so start that now.
      o.http.emit('listening');
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : o.port;
      resolve({ port, sockets: () => sockets.size, close: () => (closing ??= shutdown()) });
    });
  });
}
