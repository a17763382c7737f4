/**
 * Generic WebSocket streaming driver (connect providers/base/websocket/handlers). Tickers are
 * split into chunks of maxSubscriptionsPerConnection (0 = one chunk); each chunk runs its own
 * connection loop (ws-connection.ts) with its own adapter session.
 */
import { WsConnection, type WsConnectionOptions } from './ws-connection.js';

/** Same options as one connection; `tickers` is the provider's whole list. */
export type WsStreamOptions = WsConnectionOptions;

export class WsStream {
  private readonly connections: WsConnection[] = [];

  constructor(private readonly o: WsStreamOptions) {
    const per = o.config.maxSubscriptionsPerConnection > 0 ? o.config.maxSubscriptionsPerConnection : o.tickers.length;
    for (let i = 0; i < o.tickers.length; i += Math.max(1, per)) {
      const chunk = o.tickers.slice(i, i + Math.max(1, per));
      this.connections.push(new WsConnection({ ...o, tickers: chunk, log: o.log.child({ conn: this.connections.length }) }));
    }
  }

  /** Number of connections this stream keeps open (one per chunk). */
  get size(): number {
    return this.connections.length;
  }

  start(): void {
    this.o.metrics.wsConnectionsConfigured.set({ provider: this.o.name }, this.connections.length);
    for (const c of this.connections) c.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.stop()));
    this.o.metrics.wsConnectionsConfigured.set({ provider: this.o.name }, 0);
  }
}
