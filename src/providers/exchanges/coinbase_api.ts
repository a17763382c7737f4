/**
 * coinbase_api (stub: adapter functions pending).
 */
import { apiDefaults } from '../defaults.js';
import type { HttpExchange } from '../types.js';

export const coinbaseApi = {
  kind: 'http',
  defaults: apiDefaults('coinbase_api', 'https://api.coinbase.com/v2/prices/%s/spot', { atomic: false, interval: 100 }),
  buildUrl: () => new Error('not implemented'),
  parse: (_body, tickers) => ({ resolved: [], unresolved: tickers.map((t) => ({ ticker: t.offChainTicker, code: 7, reason: 'not implemented' })) }),
} satisfies HttpExchange;
