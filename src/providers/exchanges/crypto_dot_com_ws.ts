/**
 * crypto_dot_com_ws (stub: adapter functions pending).
 */
import { wsDefaults } from '../defaults.js';
import type { WsExchange } from '../types.js';

export const cryptoDotComWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('crypto_dot_com_ws', 'wss://stream.crypto.com/exchange/v1/market', { maxSubscriptionsPerConnection: 200 }) },
  session: () => ({ subscriptions: () => [], handle: () => ({}), heartbeat: () => [] }),
} satisfies WsExchange;
