/**
 * kucoin_ws (stub: adapter functions pending).
 */
import { apiDefaults, wsDefaults } from '../defaults.js';
import type { WsExchange } from '../types.js';

export const kucoinWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('kucoin_ws', 'wss://ws-api-spot.kucoin.com/', { handshakeTimeout: 20_000, pingInterval: 10_000, writeInterval: 300, maxSubscriptionsPerConnection: 25 }), api: { ...apiDefaults('kucoin_ws', 'https://api.kucoin.com', { timeout: 5000, interval: 60_000 }), enabled: false } },
  session: () => ({ subscriptions: () => [], handle: () => ({}), heartbeat: () => [] }),
} satisfies WsExchange;
