/**
 * mexc_ws (stub: adapter functions pending).
 */
import { wsDefaults } from '../defaults.js';
import type { WsExchange } from '../types.js';

export const mexcWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('mexc_ws', 'wss://wbs.mexc.com/ws', { maxBufferSize: 1000, pingInterval: 20_000, maxSubscriptionsPerConnection: 20 }) },
  session: () => ({ subscriptions: () => [], handle: () => ({}), heartbeat: () => [] }),
} satisfies WsExchange;
