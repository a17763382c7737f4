/**
 * One WebSocket connection loop for one chunk of tickers: [dial slot] → [pre-dial hook] → dial (handshake
 * timeout) → postConnectionTimeout → subscribe (writeInterval apart) → heartbeats every
 * pingInterval → receive with a read deadline → close → reconnect. Deliberately unlike connect:
 * - Reconnects back off exponentially with jitter, first retry fast, capped at
 *   reconnectionTimeout, reset once a connection has stayed healthy for RESET_AFTER_MS
 *   (connect always sleeps the full reconnectionTimeout).
 * - A read timeout or a broken socket ends the connection at once with one `read_err` (connect
 *   counted maxReadErrorCount instant read errors on the poisoned connection first).
 * - Frames larger than MAX_WS_MESSAGE_BYTES close the connection (code 1009), one read_err.
 * - With several endpoints, a connection that fails or ends within RESET_AFTER_MS moves on to
 *   the next endpoint, round-robin (connect only ever dials endpoints[0]).
 */
import WebSocket from 'ws';
import type { ApiConfig, WebSocketConfig } from '../config/types.js';
import { failAll } from './outcomes.js';
import { LogThrottle, type Logger } from '../log.js';
import type { ProviderMetrics, WsConnectionStatus, WsHandlerStatus } from '../metrics/provider.js';
import type { ProviderSink } from './sink.js';
import { ErrorCode, type DialTarget, type ProviderTicker, type WsExchange, type WsSession } from './types.js';
import { backoffDelay, errorText, postJson, toBytes } from './ws-util.js';

export const MAX_WS_MESSAGE_BYTES = 4 * 1024 * 1024;
/** A connection healthy for this long resets the reconnect backoff. */
export const RESET_AFTER_MS = 30_000;

export interface WsConnectionOptions {
  name: string;
  config: WebSocketConfig;
  api: ApiConfig | undefined;
  exchange: WsExchange;
  tickers: readonly ProviderTicker[];
  sink: ProviderSink;
  metrics: ProviderMetrics;
  log: Logger;
  /** Reserve this provider's next dial slot: how long to wait before dialling (ws-stream.ts). */
  dialSlot?: () => number;
}

export class WsConnection {
  private stopped = false;
  private socket: WebSocket | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private attempt = 0;
  /** Index of the endpoint dialled; connect only ever dials endpoints[0]. */
  private endpoint = 0;
  private readonly throttle = new LogThrottle();

  constructor(private readonly o: WsConnectionOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const ws = this.socket;
    if (ws) {
      ws.close(1000);
      setTimeout(() => ws.terminate(), 1000).unref();
    }
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const healthyMs = await this.connectOnce().catch((err: unknown) => {
        this.o.log.error({ err }, 'websocket connection loop failed');
        return 0;
      });
      this.conn('unhealthy');
      if (this.stopped) break;
      if (healthyMs >= RESET_AFTER_MS) this.attempt = 0;
      this.rotate(healthyMs);
      const delay = backoffDelay(this.attempt++, this.o.config.reconnectionTimeout);
      this.o.log.debug({ delayMs: Math.round(delay) }, 'reconnecting');
      await this.sleep(delay);
    }
  }

  /** One connection's life; resolves with how long it was healthy (0 if it never was). */
  private async connectOnce(): Promise<number> {
    const { o } = this;
    let target: DialTarget;
    let ws: WebSocket;
    await this.sleep(o.dialSlot?.() ?? 0);
    if (this.stopped) return 0;
    try {
      target = await this.resolveTarget();
      if (this.stopped) return 0;
      ws = await this.dial(target.url);
    } catch (err) {
      this.socket = undefined;
      if (this.stopped) return 0;
      this.conn('dial_err');
      return this.startFailed(`dial failed: ${errorText(err)}`);
    }
    const session = o.exchange.session(o.tickers, Math.max(1, o.config.maxSubscriptionsPerBatch));
    const closed = this.receive(ws, session, target.readTimeoutMs ?? o.config.readTimeout);
    await this.sleep(o.config.postConnectionTimeout);
    if (this.stopped) return this.finish(ws, closed, 0);
    this.conn('dial_success');
    let messages: string[];
    try {
      messages = session.subscriptions();
      this.handler('create_message_success');
    } catch (err) {
      this.handler('create_message_err');
      this.startFailed(`building subscriptions failed: ${errorText(err)}`);
      return this.finish(ws, closed, 0);
    }
    for (const [i, m] of messages.entries()) {
      if (i > 0) await this.sleep(o.config.writeInterval);
      if (this.stopped || !(await this.write(ws, m))) {
        if (!this.stopped) this.startFailed('subscription write failed');
        return this.finish(ws, closed, 0);
      }
    }
    const heartbeat = this.startHeartbeat(ws, session, target.pingIntervalMs ?? o.config.pingInterval);
    this.conn('healthy');
    o.metrics.wsConnectionUp();
    o.sink.state.healthy += 1;
    const healthySince = Date.now();
    await closed;
    o.metrics.wsConnectionDown();
    o.sink.state.healthy -= 1;
    if (heartbeat) clearInterval(heartbeat);
    return Date.now() - healthySince;
  }

  private async resolveTarget(): Promise<DialTarget> {
    const { exchange, config, api } = this.o;
    // The token call (KuCoin) uses the api block's timeout, 5 s by default.
    const post = (url: string, headers: Record<string, string>) => postJson(url, headers, api?.timeout || 10_000);
    if (exchange.preDial) return exchange.preDial({ config, api, post });
    const url = config.endpoints[this.endpoint % Math.max(1, config.endpoints.length)]?.url;
    if (!url) throw new Error('no endpoint configured');
    return { url };
  }

  /** After a connection that failed or did not stay healthy, move to the next endpoint. */
  private rotate(healthyMs: number): void {
    const n = this.o.config.endpoints.length;
    if (n < 2 || healthyMs >= RESET_AFTER_MS || this.o.exchange.preDial) return;
    this.endpoint = (this.endpoint + 1) % n;
    this.o.log.warn({ endpoint: this.endpoint }, `switching to webSocket endpoint ${this.endpoint} of ${n}`);
  }

  private dial(url: string): Promise<WebSocket> {
    const { config } = this.o;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        handshakeTimeout: config.handshakeTimeout,
        perMessageDeflate: config.enableCompression,
        maxPayload: MAX_WS_MESSAGE_BYTES,
      });
      this.socket = ws;
      const onError = (err: Error) => {
        ws.terminate();
        reject(err);
      };
      ws.once('error', onError);
      ws.once('open', () => {
        ws.off('error', onError);
        resolve(ws);
      });
    });
  }

  /** Attach the receive side; resolves when the socket has closed for any reason. */
  private receive(ws: WebSocket, session: WsSession, readTimeout: number): Promise<void> {
    const { o } = this;
    const { metrics } = o;
    let lastMessage = Date.now();
    // When the last message handled came: side_car_web_socket_response_time observes the gap, in
    // whole milliseconds (the histogram's unit), so one clock read per message serves both.
    let lastHandled = lastMessage;
    let deadline: NodeJS.Timeout | undefined;
    let failed = false;
    const fail = (reason: string) => {
      if (failed || this.stopped) return;
      failed = true;
      this.conn('read_err');
      this.note('read', `connection lost: ${reason}`);
    };
    // One timer per read timeout, not one per message: when it fires early (messages came in
    // meanwhile) it re-arms for the time left since the last message.
    const arm = (ms: number) => {
      deadline = setTimeout(() => {
        const idle = Date.now() - lastMessage;
        if (idle < readTimeout) return arm(readTimeout - idle);
        fail(`no message for ${readTimeout} ms`);
        ws.close(1000);
        setTimeout(() => ws.terminate(), 1000).unref();
      }, ms);
    };
    arm(readTimeout);
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const now = Date.now();
      lastMessage = now;
      metrics.wsMessageRead();
      const frame = isBinary ? toBytes(data) : toBytes(data).toString('utf8');
      let result;
      try {
        result = session.handle(frame);
      } catch (err) {
        result = { error: errorText(err) };
      }
      if (result.error !== undefined) {
        this.handler('handle_message_err');
        this.note('handle', result.error);
        return;
      }
      if (result.response) o.sink.deliver(result.response, now);
      metrics.wsMessageHandled();
      if (result.replies) for (const reply of result.replies) {
        this.handler('create_message_success');
        void this.write(ws, reply);
      }
      metrics.wsResponseTime(Math.max(0, now - lastHandled));
      lastHandled = now;
    });
    return new Promise((resolve) => {
      ws.on('error', (err) => fail(errorText(err)));
      ws.on('close', (code) => {
        if (deadline) clearTimeout(deadline);
        if (code !== 1000 && code !== 1005) fail(`closed with code ${code}`);
        this.conn('close_success');
        if (this.socket === ws) this.socket = undefined;
        resolve();
      });
    });
  }

  private startHeartbeat(ws: WebSocket, session: WsSession, interval: number): NodeJS.Timeout | undefined {
    if (!(interval > 0)) return undefined;
    return setInterval(() => {
      let messages: string[];
      try {
        messages = session.heartbeat();
        this.handler('heartbeat_success');
      } catch (err) {
        this.handler('heartbeat_err');
        this.note('heartbeat', errorText(err));
        return;
      }
      for (const m of messages) void this.write(ws, m);
    }, interval);
  }

  /** Write one text frame within writeTimeout; counts write_success / write_err. */
  private write(ws: WebSocket, message: string): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(new Error('write timed out')), this.o.config.writeTimeout);
      const done = (err?: Error | null) => {
        clearTimeout(timer);
        this.conn(err ? 'write_err' : 'write_success');
        if (err) this.note('write', errorText(err));
        resolve(!err);
      };
      if (ws.readyState !== WebSocket.OPEN) return done(new Error('socket not open'));
      ws.send(message, (err) => done(err));
    });
  }

  /** Close the socket if still open and wait for the receive side to finish. */
  private async finish(ws: WebSocket, closed: Promise<void>, healthyMs: number): Promise<number> {
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
    const force = setTimeout(() => ws.terminate(), 1000);
    await closed;
    clearTimeout(force);
    return healthyMs;
  }

  private startFailed(reason: string): number {
    this.o.sink.deliver(failAll(this.o.tickers, ErrorCode.WebsocketStartFail, reason));
    this.note('start', reason);
    return 0;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  private conn(status: WsConnectionStatus): void {
    this.o.metrics.wsConnection(status);
  }

  private handler(status: WsHandlerStatus): void {
    this.o.metrics.wsHandler(status);
  }

  private note(kind: string, reason: string): void {
    const suppressed = this.throttle.admit(kind);
    if (suppressed >= 0) this.o.log.warn({ suppressed }, `websocket ${kind}: ${reason}`);
  }
}
