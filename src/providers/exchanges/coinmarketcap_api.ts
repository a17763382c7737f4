/**
 * coinmarketcap_api (stub: adapter functions pending).
 */
import { apiDefaults } from '../defaults.js';
import type { HttpExchange } from '../types.js';

export const coinmarketcapApi = {
  kind: 'http',
  defaults: apiDefaults('coinmarketcap_api', 'https://pro-api.coinmarketcap.com', { atomic: true, interval: 2000 }),
  buildUrl: () => new Error('not implemented'),
  parse: (_body, tickers) => ({ resolved: [], unresolved: tickers.map((t) => ({ ticker: t.offChainTicker, code: 7, reason: 'not implemented' })) }),
} satisfies HttpExchange;
