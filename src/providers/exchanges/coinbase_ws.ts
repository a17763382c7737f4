/**
 * coinbase_ws (stub: adapter functions pending).
 */
import { wsDefaults } from '../defaults.js';
import type { WsExchange } from '../types.js';

export const coinbaseWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('coinbase_ws', 'wss://ws-feed.exchange.coinbase.com', {}) },
  session: () => ({ subscriptions: () => [], handle: () => ({}), heartbeat: () => [] }),
} satisfies WsExchange;
