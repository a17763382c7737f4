/**
 * coingecko_api (stub: adapter functions pending).
 */
import { apiDefaults } from '../defaults.js';
import type { HttpExchange } from '../types.js';

export const coingeckoApi = {
  kind: 'http',
  defaults: apiDefaults('coingecko_api', 'https://api.coingecko.com/api/v3', { atomic: true, interval: 20_000 }),
  buildUrl: () => new Error('not implemented'),
  parse: (_body, tickers) => ({ resolved: [], unresolved: tickers.map((t) => ({ ticker: t.offChainTicker, code: 7, reason: 'not implemented' })) }),
} satisfies HttpExchange;
