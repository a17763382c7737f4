/**
 * One TCP listener on the price API's host:port for both REST and gRPC (connect spec §5.1
 * serves both on one port). Each connection's first bytes are sniffed:
 *   - the HTTP/2 connection preface "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" → piped, bytes
 *     unchanged (peeked bytes first), to the internal gRPC listener (grpc-server.ts);
 *   - anything else → the node:http REST server, as if it had accepted the socket.
 * So HTTP/1.1 REST works as before and every HTTP/2 connection is gRPC: REST over h2c with
 * prior knowledge is not supported (connect routes per request on HTTP/2 + content-type
 * application/grpc; in practice clients speak REST over HTTP/1.1 and gRPC over HTTP/2).
 * A connection that sends nothing recognisable within `sniffTimeoutMs` is dropped.
 */
import type http from 'node:http';
import net from 'node:net';

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
}

export interface SharedListener {
  readonly port: number;
  /** Stop accepting, close REST connections, close the gRPC backend gracefully, then drop every socket left. */
  close(): Promise<void>;
}

/** 'h2' once `head` is the whole preface, 'http' once it cannot be, undefined while it still may be. */
export function classify(head: Buffer): 'h2' | 'http' | undefined {
  const n = Math.min(head.length, H2_PREFACE.length);
  if (!head.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) return 'http';
  return n === H2_PREFACE.length ? 'h2' : undefined;
}

/** Pipe `socket` to a new connection to `address`, writing `head` first; either end closing closes both. */
function proxy(socket: net.Socket, head: Buffer, address: net.NetConnectOpts, sockets: Set<net.Socket>): void {
  const upstream = net.connect(address);
  sockets.add(upstream);
  const destroy = () => {
    socket.destroy();
    upstream.destroy();
  };
  upstream.on('close', () => {
    sockets.delete(upstream);
    destroy();
  });
  socket.on('close', destroy);
  upstream.on('error', destroy);
  socket.on('error', destroy);
  upstream.setNoDelay(true);
  upstream.write(head);
  socket.pipe(upstream);
  upstream.pipe(socket);
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
    sniff(socket, o.sniffTimeoutMs ?? 10_000, route(socket));
  });
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
      resolve({ port, close: () => (closing ??= shutdown()) });
    });
  });
}
