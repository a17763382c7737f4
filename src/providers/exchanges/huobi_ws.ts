/**
 * huobi_ws (stub: adapter functions pending).
 */
import { wsDefaults } from '../defaults.js';
import type { WsExchange } from '../types.js';

export const huobiWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('huobi_ws', 'wss://api.huobi.pro/ws', { maxBufferSize: 1000 }) },
  session: () => ({ subscriptions: () => [], handle: () => ({}), heartbeat: () => [] }),
} satisfies WsExchange;
