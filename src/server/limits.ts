/**
 * Every limit the network servers put on what a client can hold: connections, streams, idle
 * and stalled peers, message sizes. One place, so the README "Limits" table has one source.
 * The timeouts are defaults: servers take overrides (ServerLimits) so tests can shorten them.
 *
 * Sizing: the side-car runs with the default 1,024 file descriptors; its exchange connections
 * and the market-map watcher need a few dozen. An HTTP/2 connection on the price port holds up
 * to three descriptors (the client socket, and both ends of the internal socket to grpc-js),
 * so the connection caps below keep every port together under about half the table.
 */

/** Connections open at once on the price API port (REST and gRPC); further ones are closed at accept. */
export const PRICE_MAX_CONNECTIONS = 128;

/** Connections open at once on the metrics port; further ones are closed at accept. */
export const METRICS_MAX_CONNECTIONS = 32;

/** Connections open at once on the pprof port; further ones are closed at accept. */
export const PPROF_MAX_CONNECTIONS = 8;

/** Scrapes served at once (promhttp's MaxRequestsInFlight); a scrape counts until its last byte
 *  is flushed or its connection is gone. Further scrapes get 503 at once. */
export const MAX_CONCURRENT_SCRAPES = 3;

/** Exposition bytes written but not yet flushed to the kernel, summed over scrapes; while above
 *  it, new scrapes get 503. */
export const MAX_QUEUED_SCRAPE_BYTES = 64 * 1024 * 1024;

/** Longest stretch a scrape may render before it yields to the event loop (ticks, price API);
 *  scrapes in flight take turns, one slice per loop turn (registry.ts TurnQueue). */
export const RENDER_SLICE_MS = 4;

/** An HTTP/1.1 response (REST, metrics, pprof) whose socket accepts no byte for this long is cut:
 *  a client that stops reading holds no memory past it (node:http `server.timeout`). */
export const WRITE_TIMEOUT_MS = 10_000;

/** node:http limits, kept at Node's defaults or connect's order of magnitude: request headers
 *  must arrive within HEADERS_TIMEOUT_MS (slowloris), a whole request within REQUEST_TIMEOUT_MS,
 *  an idle keep-alive connection is closed after KEEP_ALIVE_TIMEOUT_MS. Headers over Node's
 *  16 KiB (`--max-http-header-size`) get 431. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** How often node:http checks the two timeouts above (Node's default is 30 s, which would let a
 *  slowloris connection live up to 40 s). */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;

/** A connection to the price port must send its first bytes (HTTP/1.1 or the HTTP/2 preface) within this. */
export const SNIFF_TIMEOUT_MS = 10_000;

/** When grpc-js closes an HTTP/2 connection (idle, shutdown), its last bytes (GOAWAY) get this
 *  long to reach the client before the client connection is destroyed. */
export const PROXY_LINGER_MS = 1_000;

/** RST_STREAM frames a client may send on one HTTP/2 connection: a burst of H2_RESET_BURST, then
 *  H2_RESETS_PER_SECOND; past it both ends are closed (h2-guard.ts; nghttp2's own budget, 1,000
 *  then 33/s, only stops reading and leaks the connection). */
export const H2_RESET_BURST = 200;
export const H2_RESETS_PER_SECOND = 20;

/** HTTP/2 streams open at once on one gRPC connection (grpc.max_concurrent_streams, SETTINGS). */
export const GRPC_MAX_CONCURRENT_STREAMS = 100;

/** Health/Watch streams open at once, over all connections; a further one ends RESOURCE_EXHAUSTED. */
export const MAX_WATCH_STREAMS = 100;

/** A gRPC connection with no call in progress for this long is sent GOAWAY and closed
 *  (grpc.max_connection_idle_ms). A node polling Prices every block is never idle this long. */
export const GRPC_IDLE_TIMEOUT_MS = 60_000;

/** The server pings each gRPC connection this often (grpc.keepalive_time_ms) and closes it when
 *  the ping is not answered within GRPC_KEEPALIVE_TIMEOUT_MS (grpc.keepalive_timeout_ms): a dead
 *  or non-reading peer is dropped within 40 s. grpc-js enforces no minimum client ping interval;
 *  Node's HTTP/2 answers at most 10 outstanding pings and closes a session that floods them. */
export const GRPC_KEEPALIVE_TIME_MS = 30_000;
export const GRPC_KEEPALIVE_TIMEOUT_MS = 10_000;

/** Largest gRPC request accepted (grpc.max_receive_message_length); requests are a few bytes.
 *  A larger one ends RESOURCE_EXHAUSTED. */
export const GRPC_MAX_RECEIVE_BYTES = 64 * 1024;

/** Largest gRPC response sent (grpc.max_send_message_length): a MarketMap of the largest map
 *  file the loader accepts (64 MiB of JSON) encodes smaller than that. */
export const GRPC_MAX_SEND_BYTES = 64 * 1024 * 1024;

/** The timeouts a server can be started with (tests pass short ones). */
export interface ServerLimits {
  writeTimeoutMs?: number;
  grpcIdleTimeoutMs?: number;
  grpcKeepaliveTimeMs?: number;
  grpcKeepaliveTimeoutMs?: number;
  maxConnections?: number;
  maxWatchStreams?: number;
}
