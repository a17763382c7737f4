/**
 * coinmarketcap_api (stub: simulation pending).
 */
import { listPairs, renderDecimal, splitJoined } from './symbols.js';
import type { HttpSimExchange } from './types.js';

export const coinmarketcapApi = {
  kind: 'http',
  name: 'coinmarketcap_api',
  offsetBps: 0,
  endpointPath: '',
  resolve: (symbol, known) => splitJoined(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}${p.quote}`),
  render: (value) => renderDecimal(value, 8, 2),
  handle: () => ({ status: 501, body: { error: 'not implemented' } }),
} satisfies HttpSimExchange;
