/**
 * bitstamp_api (stub: simulation pending).
 */
import { listPairs, renderDecimal, splitJoined } from './symbols.js';
import type { HttpSimExchange } from './types.js';

export const bitstampApi = {
  kind: 'http',
  name: 'bitstamp_api',
  offsetBps: 0,
  endpointPath: '/api/v2/ticker/',
  resolve: (symbol, known) => splitJoined(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}${p.quote}`),
  render: (value) => renderDecimal(value, 8, 2),
  handle: () => ({ status: 501, body: { error: 'not implemented' } }),
} satisfies HttpSimExchange;
