/**
 * bybit_ws (stub: simulation pending).
 */
import { listPairs, renderDecimal, splitJoined } from './symbols.js';
import type { WsSimExchange } from './types.js';

export const bybitWs = {
  kind: 'ws',
  name: 'bybit_ws',
  offsetBps: 0,
  endpointPath: '/v5/public/spot',
  path: '/v5/public/spot',
  resolve: (symbol, known) => splitJoined(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}${p.quote}`),
  render: (value) => renderDecimal(value, 8, 2),
  open: () => ({ onMessage: () => undefined, push: () => undefined }),
} satisfies WsSimExchange;
