/**
 * coinbase_api: GET /v2/prices/<BASE-QUOTE>/spot (Coinbase App "Get spot price").
 * Docs: https://docs.cdp.coinbase.com/coinbase-app/docs/api-prices#get-spot-price
 * - Answers {"data":{"amount":"<string>","base":"BTC","currency":"USD"}}.
 * - Unknown pair: 404 {"errors":[{"id":"not_found","message":"Invalid currency"}]}.
 * - The pair is matched case-insensitively (the real API does too) and echoed upper case.
 * - Amount: 8 significant digits, at least 2 decimals ("1020.25", "65000.00").
 */
import { listPairs, renderDecimal, splitDashed } from '../../sim/symbols.js';
import type { HttpSimExchange } from '../../sim/types.js';

const PATH = /^\/v2\/prices\/([^/]+)\/spot$/;
const NOT_FOUND = { status: 404, body: { errors: [{ id: 'not_found', message: 'Invalid currency' }] } };

export const sim = {
  kind: 'http',
  name: 'coinbase_api',
  offsetBps: 1,
  endpointPath: '/v2/prices/%s/spot',
  resolve: (symbol, known) => splitDashed(symbol.toUpperCase(), known),
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}-${p.quote}`),
  render: (value) => renderDecimal(value, 8, 2),
  handle(req, view) {
    const match = PATH.exec(req.url.pathname);
    if (match === null) return { status: 404, body: { errors: [{ id: 'not_found', message: 'Not found' }] } };
    let symbol: string;
    try {
      symbol = decodeURIComponent(match[1] ?? '');
    } catch {
      return NOT_FOUND;
    }
    const pair = view.resolve(symbol);
    const amount = pair && view.priceField(pair);
    if (pair === undefined || amount === undefined) return NOT_FOUND;
    return { status: 200, body: { data: { amount, base: pair.base, currency: pair.quote } } };
  },
} satisfies HttpSimExchange;
