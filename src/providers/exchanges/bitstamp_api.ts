/**
 * bitstamp_api (stub: adapter functions pending).
 */
import { apiDefaults } from '../defaults.js';
import type { HttpExchange } from '../types.js';

export const bitstampApi = {
  kind: 'http',
  defaults: apiDefaults('bitstamp_api', 'https://www.bitstamp.net/api/v2/ticker/', { atomic: true, interval: 3000 }),
  buildUrl: () => new Error('not implemented'),
  parse: (_body, tickers) => ({ resolved: [], unresolved: tickers.map((t) => ({ ticker: t.offChainTicker, code: 7, reason: 'not implemented' })) }),
} satisfies HttpExchange;
