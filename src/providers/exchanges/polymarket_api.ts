/**
 * polymarket_api (stub: adapter functions pending).
 */
import { apiDefaults } from '../defaults.js';
import type { HttpExchange } from '../types.js';

export const polymarketApi = {
  kind: 'http',
  defaults: apiDefaults('polymarket_api', 'https://clob.polymarket.com/markets/%s', { atomic: false, interval: 500 }),
  buildUrl: () => new Error('not implemented'),
  parse: (_body, tickers) => ({ resolved: [], unresolved: tickers.map((t) => ({ ticker: t.offChainTicker, code: 7, reason: 'not implemented' })) }),
} satisfies HttpExchange;
