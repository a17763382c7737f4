/**
 * binance_api (stub: adapter functions pending).
 */
import { apiDefaults } from '../defaults.js';
import type { HttpExchange } from '../types.js';

export const binanceApi = {
  kind: 'http',
  defaults: apiDefaults('binance_api', 'https://api.binance.com/api/v3/ticker/price?symbols=%s%s%s', { atomic: true, interval: 750 }),
  buildUrl: () => new Error('not implemented'),
  parse: (_body, tickers) => ({ resolved: [], unresolved: tickers.map((t) => ({ ticker: t.offChainTicker, code: 7, reason: 'not implemented' })) }),
} satisfies HttpExchange;
