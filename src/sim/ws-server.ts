/**
 * Shared WebSocket plumbing for the simulated streaming exchanges: one loopback server per
 * exchange, upgrade handling (path check, `reject` → HTTP 503), per-connection sessions,
 * the push timer, inbound recording and the transport faults (`drop`, `silent`,
 * `malformed`, applied to text and binary frames alike). Protocol pings are answered by `ws`
 * itself; no permessage-deflate. An exchange may refuse upgrades itself (`admit`, KuCoin's
 * token) and answer plain HTTP on the same port (`handleHttp`, with the HTTP faults).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import { DEFAULT_FLOOD_FACTOR, OVERSIZED_BYTES, corrupt, swapTypes } from './faults.js';
import { httpListener } from './http-server.js';
import { refuseHandler } from './refuse.js';
import { noViolations } from './types.js';
import type { ExchangeEnv, LimitKind, RunningExchange, WsConn, WsLimits, WsSession, WsSimExchange } from './types.js';

function refuse(socket: Duplex, status: string): void {
  const body = `${status}\n`;
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** Events in a sliding window: `take` refuses one while `max` are younger than `windowMs`. */
class Window {
  private readonly times: number[] = [];
  constructor(private readonly max: number, private readonly windowMs: number) {}

  /** Record an event at `now` unless the window is full; false when it is. */
  take(now: number): boolean {
    while (this.times.length > 0 && now - (this.times[0] as number) >= this.windowMs) this.times.shift();
    if (this.times.length >= this.max) return false;
    this.times.push(now);
    return true;
  }
}

/** Per-connection enforcement of an exchange's message and topic limits. */
class ConnLimits {
  private readonly messages: Window | undefined;
  private topics = 0;
  constructor(private readonly limits: WsLimits, private readonly count: (kind: LimitKind) => void) {
    this.messages = limits.messages && new Window(limits.messages.max, limits.messages.windowMs);
  }

  /** True when `text` may reach the session; else the exchange's answer was sent. */
  admit(conn: WsConn, text: string, now: number): boolean {
    const { limits } = this;
    let broken: LimitKind | undefined;
    const n = limits.topics(text);
    if (this.messages && (limits.messages?.counts?.(text) ?? true) && !this.messages.take(now)) broken = 'messages';
    else if (limits.topicsPerMessage !== undefined && n > limits.topicsPerMessage) broken = 'topics_per_message';
    else if (limits.topicsPerConnection !== undefined && this.topics + n > limits.topicsPerConnection) broken = 'topics_per_connection';
    if (broken === undefined) {
      this.topics += n;
      return true;
    }
    this.count(broken);
    limits.violate(conn, broken, text);
    return false;
  }
}

export async function startWsExchange(
  def: WsSimExchange,
  env: ExchangeEnv,
  host: string,
  port: number,
): Promise<RunningExchange> {
  const sessions = new Map<WebSocket, WsSession>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1 << 20 });
  const pending = new Set<NodeJS.Timeout>();
  const violations = noViolations();
  const count = (kind: LimitKind): void => {
    violations[kind] += 1;
  };
  const limits = env.limits ? def.limits : undefined;
  const dials = limits?.connections && new Window(limits.connections.max, limits.connections.windowMs);
  const handleHttp = def.handleHttp?.bind(def);
  const server = http.createServer(
    handleHttp
      ? httpListener(handleHttp, env, pending)
      : (_req, res) => {
          res.writeHead(426, { 'content-type': 'text/plain' });
          res.end('Upgrade Required\n');
        },
  );

  const onConnection = (ws: WebSocket): void => {
    ws.on('error', () => undefined);
    if (env.view.fault().mode === 'drop') {
      ws.terminate();
      return;
    }
    const muted = (): boolean => {
      const mode = env.view.fault().mode;
      return ws.readyState !== WebSocket.OPEN || mode === 'silent' || mode === 'drop';
    };
    const conn = {
      id: env.nextConnId(),
      send: (text: string): void => {
        if (muted()) return;
        const mode = env.view.fault().mode;
        ws.send(mode === 'malformed' ? corrupt(text) : mode === 'wrong-types' ? swapTypes(text) : text);
      },
      sendBinary: (data: Uint8Array): void => {
        if (muted()) return;
        const bytes = env.view.fault().mode === 'malformed' ? data.subarray(0, Math.max(1, data.length >> 1)) : data;
        ws.send(bytes, { binary: true });
      },
      close: (code: number, reason: string): void => {
        if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
      },
    };
    const session = def.open(conn, env.view);
    const gate = limits && new ConnLimits(limits, count);
    sessions.set(ws, session);
    ws.on('close', () => sessions.delete(ws));
    ws.on('message', (data, isBinary) => {
      const text = toText(data);
      env.record(isBinary ? `<binary> ${text}` : text);
      const mode = env.view.fault().mode;
      if (mode === 'silent' || mode === 'drop') return;
      if (gate && !gate.admit(conn, text, Date.now())) return;
      session.onMessage(text);
    });
  };

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => undefined);
    if (env.view.fault().mode === 'reject') {
      refuse(socket, '503 Service Unavailable');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    if (url.pathname !== def.path) {
      refuse(socket, '404 Not Found');
      return;
    }
    const refusal = def.admit?.(url, env.view);
    if (refusal !== undefined) {
      refuse(socket, refusal);
      return;
    }
    const over: LimitKind | undefined =
      limits?.openConnections !== undefined && sessions.size >= limits.openConnections ? 'open_connections' : dials && !dials.take(Date.now()) ? 'connections' : undefined;
    if (over !== undefined) {
      count(over);
      refuse(socket, limits?.refusal ?? '429 Too Many Requests');
      return;
    }
    wss.handleUpgrade(req, socket, head, onConnection);
  });

  const timer = setInterval(() => {
    const fault = env.view.fault();
    if (fault.mode === 'silent' || fault.mode === 'drop') return;
    const now = env.view.now();
    const repeat = fault.mode === 'flood' ? (fault.factor ?? DEFAULT_FLOOD_FACTOR) : 1;
    for (const [ws, session] of sessions) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (fault.mode === 'oversized') ws.send('x'.repeat(OVERSIZED_BYTES));
      for (let i = 0; i < repeat && ws.readyState === WebSocket.OPEN; i++) session.push(now);
    }
  }, env.pushIntervalMs);
  timer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const terminateAll = (): void => {
    for (const ws of sessions.keys()) ws.terminate();
    sessions.clear();
  };

  const boundPort = (server.address() as AddressInfo).port;
  const refuseOnFault = refuseHandler(server, host, () => boundPort, terminateAll);
  return {
    def,
    port: boundPort,
    connections: () => [...sessions.keys()].filter((ws) => ws.readyState === WebSocket.OPEN).length,
    violations: () => ({ ...violations }),
    onFault: (fault) => {
      if (fault.mode === 'drop') terminateAll();
      refuseOnFault(fault);
    },
    close: async () => {
      clearInterval(timer);
      for (const t of pending) clearTimeout(t);
      pending.clear();
      terminateAll();
      for (const ws of wss.clients) ws.terminate();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      wss.close();
      await closed;
    },
  };
}
