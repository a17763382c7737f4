/**
 * connect.service.v2.Oracle, its connect v1 twin slinky.service.v1.Oracle (the same methods
 * and messages under v1 package names, for nodes built against connect v1.0.x such as dYdX
 * v7) and grpc.health.v1.Health over gRPC (connect spec §5.2; wire facts in proto/), served by grpc-js on an internal listener that is never exposed: a unix
 * domain socket in os.tmpdir() (removed on close), or 127.0.0.1:<random> where unix sockets
 * cannot be bound. listener.ts proxies the HTTP/2 connections of the public port to it.
 *
 *   Prices    { prices (same integer strings as REST), timestamp of the tick, version };
 *             before the first tick {} and Go's zero time (seconds -62135596800), as connect.
 *             When the aggregation loop is not alive or the side-car is stopping:
 *             UNAVAILABLE "oracle is not running" (connect answers Unknown; UNAVAILABLE is
 *             the code a client should retry on).
 *   MarketMap { market_map } from the current (possibly reloaded) map; uint64 as strings.
 *   Version   { version }.
 *   Both Oracle services answer from the same snapshot and market map, with one set of handlers.
 *   Health    Check/Watch: "" → SERVING while the loop is alive; "connect.service.v2.Oracle"
 *             or "slinky.service.v1.Oracle" → SERVING while ready (the last tick served a price); else NOT_SERVING. Check of
 *             an unknown service → NOT_FOUND; Watch of one → SERVICE_UNKNOWN (gRPC health spec).
 *             Watch sends the current status, then each change (polled every second). At most
 *             MAX_WATCH_STREAMS Watch streams at once; a further one ends RESOURCE_EXHAUSTED.
 * Connection, stream, idle, keepalive and message-size limits: limits.ts. The socket file is
 * removed when closing starts and, should the process exit first, on 'exit'.
 * No reflection, like connect. Handlers only read immutable snapshots: they never block.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { service } from '../grpc/protos.js';
import type { Snapshot } from '../oracle/aggregator.js';
import {
  GRPC_IDLE_TIMEOUT_MS,
  GRPC_KEEPALIVE_TIME_MS,
  GRPC_KEEPALIVE_TIMEOUT_MS,
  GRPC_MAX_CONCURRENT_STREAMS,
  GRPC_MAX_RECEIVE_BYTES,
  GRPC_MAX_SEND_BYTES,
  MAX_WATCH_STREAMS,
  type ServerLimits,
} from './limits.js';
import { marketMapBody, type PriceSource } from './price-api.js';

export const ORACLE_SERVICE = 'connect.service.v2.Oracle';
/** The same service for connect v1 nodes. */
export const ORACLE_SERVICE_V1 = 'slinky.service.v1.Oracle';
export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/** What the gRPC handlers read: the REST API's source plus the loop's health. */
export interface OracleState extends PriceSource {
  /** The aggregation loop ticks and the side-car is not stopping. */
  alive(): boolean;
  /** Alive, and the last tick served at least one price. */
  ready(): boolean;
}

export interface GrpcServer {
  /** Where the internal listener accepts connections (a unix socket path, or loopback host:port). */
  readonly address: net.NetConnectOpts;
  /** tryShutdown for up to `graceMs`, then forceShutdown; ends Watch streams; removes the socket file. */
  close(graceMs?: number): Promise<void>;
}

/** Go's zero time.Time as a google.protobuf.Timestamp. */
const ZERO_TIMESTAMP = { seconds: '-62135596800', nanos: 0 };

export function timestampOf(date: Date | null): { seconds: string; nanos: number } {
  if (!date) return ZERO_TIMESTAMP;
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

export function pricesMessage(s: Snapshot, version: string): object {
  return { prices: { ...s.prices }, timestamp: timestampOf(s.timestamp), version };
}

type Unary = grpc.handleUnaryCall<unknown, unknown>;

function oracleHandlers(state: OracleState): grpc.UntypedServiceImplementation {
  const prices: Unary = (_call, done) => {
    if (!state.alive()) return done({ code: grpc.status.UNAVAILABLE, details: 'oracle is not running' });
    done(null, pricesMessage(state.snapshot(), state.version));
  };
  const marketMap: Unary = (_call, done) => done(null, marketMapBody(state.marketMap()));
  const version: Unary = (_call, done) => done(null, { version: state.version });
  return { Prices: prices, MarketMap: marketMap, Version: version };
}

type HealthStatus = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

export function healthStatus(state: OracleState, name: string): HealthStatus {
  if (name === '') return state.alive() ? 'SERVING' : 'NOT_SERVING';
  if (name === ORACLE_SERVICE || name === ORACLE_SERVICE_V1) return state.ready() ? 'SERVING' : 'NOT_SERVING';
  return 'SERVICE_UNKNOWN';
}

type Watch = grpc.ServerWritableStream<{ service?: string }, unknown>;

/** One function per open Watch stream that stops its poll and ends it (for shutdown). */
type Watches = Set<() => void>;

function healthHandlers(state: OracleState, watches: Watches, pollMs: number, maxWatches: number): grpc.UntypedServiceImplementation {
  const check: grpc.handleUnaryCall<{ service?: string }, unknown> = (call, done) => {
    const status = healthStatus(state, call.request.service ?? '');
    if (status === 'SERVICE_UNKNOWN') return done({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
    done(null, { status });
  };
  const watch = (call: Watch): void => {
    if (watches.size >= maxWatches) {
      const details = `too many Health/Watch streams (at most ${maxWatches})`;
      call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details });
      return;
    }
    let last: HealthStatus | undefined;
    const send = () => {
      const status = healthStatus(state, call.request.service ?? '');
      if (status !== last) call.write({ status });
      last = status;
    };
    const timer = setInterval(send, pollMs);
    const stop = () => {
      clearInterval(timer);
      watches.delete(finish);
    };
    const finish = () => {
      stop();
      call.end();
    };
    watches.add(finish);
    call.on('cancelled', stop);
    call.on('error', stop);
    send();
  };
  return { Check: check, Watch: watch };
}

function bind(server: grpc.Server, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(target, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
  });
}

const SOCKET_FILE = /^oracle-sidecar-grpc-(\d+)-[0-9a-f]+\.sock$/;

/** Remove the socket files of side-cars that are gone (killed with SIGKILL, which no handler sees). */
export function removeStaleSocketFiles(dir = tmpdir()): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(SOCKET_FILE.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (err) {
      // ESRCH: no such process (EPERM: alive, another user's). A file we may not remove stays.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') continue;
      try {
        rmSync(join(dir, name), { force: true });
      } catch {
        // another user's file in a sticky directory
      }
    }
  }
}

/** Bind a unix socket in the temp directory, or loopback TCP where that is impossible. */
async function bindInternal(server: grpc.Server): Promise<{ address: net.NetConnectOpts; path?: string }> {
  if (process.platform !== 'win32') {
    removeStaleSocketFiles();
    const path = join(tmpdir(), `oracle-sidecar-grpc-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
    try {
      await bind(server, `unix:${path}`);
      return { address: { path }, path };
    } catch {
      rmSync(path, { force: true });
    }
  }
  const port = await bind(server, '127.0.0.1:0');
  return { address: { host: '127.0.0.1', port } };
}

export interface GrpcServerOptions extends ServerLimits {
  /** Health Watch poll period (default 1000 ms). */
  watchPollMs?: number;
}

/** The grpc-js server options of limits.ts (tests shorten the timeouts). */
export function grpcServerOptions(o: ServerLimits = {}): grpc.ServerOptions {
  return {
    'grpc.max_concurrent_streams': GRPC_MAX_CONCURRENT_STREAMS,
    'grpc.max_receive_message_length': GRPC_MAX_RECEIVE_BYTES,
    'grpc.max_send_message_length': GRPC_MAX_SEND_BYTES,
    'grpc.max_connection_idle_ms': o.grpcIdleTimeoutMs ?? GRPC_IDLE_TIMEOUT_MS,
    'grpc.keepalive_time_ms': o.grpcKeepaliveTimeMs ?? GRPC_KEEPALIVE_TIME_MS,
    'grpc.keepalive_timeout_ms': o.grpcKeepaliveTimeoutMs ?? GRPC_KEEPALIVE_TIMEOUT_MS,
  };
}

export async function startGrpcServer(state: OracleState, o: GrpcServerOptions = {}): Promise<GrpcServer> {
  const server = new grpc.Server(grpcServerOptions(o));
  const watches: Watches = new Set();
  const oracle = oracleHandlers(state);
  server.addService(service(ORACLE_SERVICE).service, oracle);
  server.addService(service(ORACLE_SERVICE_V1).service, oracle);
  server.addService(service(HEALTH_SERVICE).service, healthHandlers(state, watches, o.watchPollMs ?? 1000, o.maxWatchStreams ?? MAX_WATCH_STREAMS));
  const { address, path } = await bindInternal(server);
  // The file must not outlive the process, however it ends (a forced exit on a slow shutdown).
  const removeFile = () => {
    if (path) rmSync(path, { force: true });
  };
  process.once('exit', removeFile);
  let closing: Promise<void> | undefined;
  const shutdown = async (graceMs: number) => {
    // Connections already made are unaffected; none can be made once the file is gone.
    removeFile();
    process.off('exit', removeFile);
    for (const stop of [...watches]) stop();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  };
  return {
    address,
    close(graceMs = 1000) {
      closing ??= shutdown(graceMs);
      return closing;
    },
  };
}
