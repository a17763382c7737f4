/**
 * kucoin_ws (stub: simulation pending).
 */
import { listPairs, renderDecimal, splitJoined } from './symbols.js';
import type { WsSimExchange } from './types.js';

export const kucoinWs = {
  kind: 'ws',
  name: 'kucoin_ws',
  offsetBps: 0,
  endpointPath: '/kucoin/ws',
  path: '/kucoin/ws',
  resolve: (symbol, known) => splitJoined(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}${p.quote}`),
  render: (value) => renderDecimal(value, 8, 2),
  open: () => ({ onMessage: () => undefined, push: () => undefined }),
} satisfies WsSimExchange;
