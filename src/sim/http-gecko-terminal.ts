/**
 * gecko_terminal_api (stub: simulation pending).
 */
import { listPairs, renderDecimal, splitJoined } from './symbols.js';
import type { HttpSimExchange } from './types.js';

export const geckoTerminalApi = {
  kind: 'http',
  name: 'gecko_terminal_api',
  offsetBps: 0,
  endpointPath: '/api/v2/simple/networks/eth/token_price/%s',
  resolve: (symbol, known) => splitJoined(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}${p.quote}`),
  render: (value) => renderDecimal(value, 8, 2),
  handle: () => ({ status: 501, body: { error: 'not implemented' } }),
} satisfies HttpSimExchange;
