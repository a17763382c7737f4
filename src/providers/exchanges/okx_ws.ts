/**
 * okx_ws (stub: adapter functions pending).
 */
import { wsDefaults } from '../defaults.js';
import type { WsExchange } from '../types.js';

export const okxWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('okx_ws', 'wss://wsaws.okx.com:8443/ws/v5/public', { readTimeout: 15_000, writeInterval: 3000, maxSubscriptionsPerConnection: 50, maxSubscriptionsPerBatch: 25 }) },
  session: () => ({ subscriptions: () => [], handle: () => ({}), heartbeat: () => [] }),
} satisfies WsExchange;
