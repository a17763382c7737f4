/**
 * kraken_api (stub: adapter functions pending).
 */
import { apiDefaults } from '../defaults.js';
import type { HttpExchange } from '../types.js';

export const krakenApi = {
  kind: 'http',
  defaults: apiDefaults('kraken_api', 'https://api.kraken.com/0/public/Ticker?pair=%s', { atomic: true, interval: 600 }),
  buildUrl: () => new Error('not implemented'),
  parse: (_body, tickers) => ({ resolved: [], unresolved: tickers.map((t) => ({ ticker: t.offChainTicker, code: 7, reason: 'not implemented' })) }),
} satisfies HttpExchange;
