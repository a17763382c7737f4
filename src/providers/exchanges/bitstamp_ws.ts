/**
 * bitstamp_ws (stub: adapter functions pending).
 */
import { wsDefaults } from '../defaults.js';
import type { WsExchange } from '../types.js';

export const bitstampWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('bitstamp_ws', 'wss://ws.bitstamp.net', { pingInterval: 10_000 }) },
  session: () => ({ subscriptions: () => [], handle: () => ({}), heartbeat: () => [] }),
} satisfies WsExchange;
