/**
 * gecko_terminal_api (stub: adapter functions pending).
 */
import { apiDefaults } from '../defaults.js';
import type { HttpExchange } from '../types.js';

export const geckoTerminalApi = {
  kind: 'http',
  defaults: apiDefaults('gecko_terminal_api', 'https://api.geckoterminal.com/api/v2/simple/networks/eth/token_price/%s', { atomic: false, interval: 20_000, timeout: 500 }),
  buildUrl: () => new Error('not implemented'),
  parse: (_body, tickers) => ({ resolved: [], unresolved: tickers.map((t) => ({ ticker: t.offChainTicker, code: 7, reason: 'not implemented' })) }),
} satisfies HttpExchange;
