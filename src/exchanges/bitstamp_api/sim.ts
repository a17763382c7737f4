/**
 * bitstamp_api: GET /api/v2/ticker/ (Bitstamp "All currency pairs tickers").
 * Docs: https://www.bitstamp.net/api/#tag/Tickers
 * - Answers a JSON array with one ticker per listed market, every value a string:
 *   ask, bid, high, last, low, open, open_24, pair ("BTC/USD"), percent_change_24, side,
 *   timestamp (Unix seconds), volume, vwap. Price = `last`.
 * - GET /api/v2/ticker/<btcusd>/ (the compact lower-case market name, as Bitstamp's own
 *   per-market endpoint) answers the one ticker object; an unknown market answers 404
 *   {"status":"error","reason":"Not found.","code":"404.001"}.
 * - Prices: 8 significant digits, at least 2 decimals ("65000.00", "0.15012000" → "0.15012").
 * Symbols: `BASE/QUOTE` upper case (the `pair` field) for every book asset against USD,
 * USDT, USDC and BTC; the compact form (`btcusd`) resolves too.
 */
import { QUOTES, listPairs, renderDecimal, splitJoined } from '../../sim/symbols.js';
import type { Pair } from '../../sim/symbols.js';
import type { ExchangeView, HttpSimExchange } from '../../sim/types.js';

const ALL = '/api/v2/ticker/';
const ONE = /^\/api\/v2\/ticker\/([a-z0-9]+)\/?$/;
const NOT_FOUND = { status: 404, body: { status: 'error', reason: 'Not found.', code: '404.001' } };

function resolve(symbol: string, known: (asset: string) => boolean): Pair | undefined {
  const parts = symbol.toUpperCase().split('/');
  if (parts.length === 1) return splitJoined(parts[0] ?? '', known);
  const [base = '', quote = ''] = parts;
  if (parts.length !== 2 || !QUOTES.includes(quote) || base === quote || base === 'USD' || !known(base)) return undefined;
  return { base, quote };
}

function ticker(pair: Pair, view: ExchangeView): Record<string, string> | undefined {
  const last = view.price(pair);
  const field = view.priceField(pair);
  if (last === undefined || field === undefined) return undefined;
  const r = (x: number): string => view.render(x);
  return {
    ask: r(last * 1.00005),
    bid: r(last * 0.99995),
    high: r(last * 1.03),
    last: field,
    low: r(last * 0.97),
    open: r(last * 0.995),
    open_24: r(last * 0.99),
    pair: `${pair.base}/${pair.quote}`,
    percent_change_24: '1.01',
    side: '0',
    timestamp: String(Math.floor(view.now() / 1000)),
    volume: '213.26801100',
    vwap: r(last * 0.999),
  };
}

export const sim = {
  kind: 'http',
  name: 'bitstamp_api',
  offsetBps: -1,
  endpointPath: ALL,
  resolve,
  symbols: (assets) => listPairs(assets).map((p) => `${p.base}/${p.quote}`),
  render: (value) => renderDecimal(value, 8, 2),
  handle(req, view) {
    if (req.url.pathname === ALL || req.url.pathname === ALL.slice(0, -1)) {
      const rows = view.symbols().map((symbol) => {
        const pair = view.resolve(symbol);
        return pair && ticker(pair, view);
      });
      return { status: 200, body: rows.filter((row) => row !== undefined) };
    }
    const match = ONE.exec(req.url.pathname);
    const pair = match && view.resolve(match[1] ?? '');
    const body = pair && ticker(pair, view);
    return body ? { status: 200, body } : NOT_FOUND;
  },
} satisfies HttpSimExchange;
