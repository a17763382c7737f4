/**
 * bybit_ws (stub: adapter functions pending).
 */
import { wsDefaults } from '../defaults.js';
import type { WsExchange } from '../types.js';

export const bybitWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('bybit_ws', 'wss://stream.bybit.com/v5/public/spot', { maxBufferSize: 1000, pingInterval: 15_000 }) },
  session: () => ({ subscriptions: () => [], handle: () => ({}), heartbeat: () => [] }),
} satisfies WsExchange;
