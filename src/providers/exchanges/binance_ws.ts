/**
 * binance_ws (stub: adapter functions pending).
 */
import { wsDefaults } from '../defaults.js';
import type { WsExchange } from '../types.js';

export const binanceWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('binance_ws', 'wss://stream.binance.com/stream', { handshakeTimeout: 20_000, writeInterval: 300, maxSubscriptionsPerConnection: 40 }) },
  session: () => ({ subscriptions: () => [], handle: () => ({}), heartbeat: () => [] }),
} satisfies WsExchange;
