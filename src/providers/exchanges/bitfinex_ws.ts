/**
 * bitfinex_ws (stub: adapter functions pending).
 */
import { wsDefaults } from '../defaults.js';
import type { WsExchange } from '../types.js';

export const bitfinexWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('bitfinex_ws', 'wss://api-pub.bitfinex.com/ws/2', { maxBufferSize: 1000, maxSubscriptionsPerConnection: 20 }) },
  session: () => ({ subscriptions: () => [], handle: () => ({}), heartbeat: () => [] }),
} satisfies WsExchange;
