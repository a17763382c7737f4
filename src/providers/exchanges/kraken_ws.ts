/**
 * kraken_ws (stub: adapter functions pending).
 */
import { wsDefaults } from '../defaults.js';
import type { WsExchange } from '../types.js';

export const krakenWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('kraken_ws', 'wss://ws.kraken.com', { maxBufferSize: 1000 }) },
  session: () => ({ subscriptions: () => [], handle: () => ({}), heartbeat: () => [] }),
} satisfies WsExchange;
