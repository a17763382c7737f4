/**
 * gate_ws (stub: adapter functions pending).
 */
import { wsDefaults } from '../defaults.js';
import type { WsExchange } from '../types.js';

export const gateWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('gate_ws', 'wss://api.gateio.ws/ws/v4/', { maxBufferSize: 1000 }) },
  session: () => ({ subscriptions: () => [], handle: () => ({}), heartbeat: () => [] }),
} satisfies WsExchange;
