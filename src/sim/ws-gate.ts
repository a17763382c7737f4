/**
 * gate_ws (stub: simulation pending).
 */
import { listPairs, renderDecimal, splitJoined } from './symbols.js';
import type { WsSimExchange } from './types.js';

export const gateWs = {
  kind: 'ws',
  name: 'gate_ws',
  offsetBps: 0,
  endpointPath: '/ws/v4/',
  path: '/ws/v4/',
  resolve: (symbol, known) => splitJoined(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}${p.quote}`),
  render: (value) => renderDecimal(value, 8, 2),
  open: () => ({ onMessage: () => undefined, push: () => undefined }),
} satisfies WsSimExchange;
