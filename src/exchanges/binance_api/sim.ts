/**
 * binance_api: GET /api/v3/ticker/price (Binance spot "Symbol price ticker").
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#symbol-price-ticker
 * - `symbols` is a percent-encoded JSON array (`%5B%22BTCUSDT%22,%22ETHUSDT%22%5D`), one
 *   `{symbol, price}` per symbol in request order; `symbol=X` answers one object; no
 *   parameter answers every listed symbol.
 * - One unknown symbol fails the whole request: 400 {"code":-1121,"msg":"Invalid symbol."}.
 * - Prices: 8 significant digits, at least 8 decimals ("64000.123" → "64000.12300000").
 * Symbols: BASEQUOTE upper case, quotes USDT, USDC, USD, BTC (the simulator lists all four).
 */
import { listPairs, renderDecimal, splitJoined } from '../../sim/symbols.js';
import type { ExchangeView, HttpReply, HttpSimExchange } from '../../sim/types.js';

const INVALID_SYMBOL: HttpReply = { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };

function parseSymbols(raw: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((s) => typeof s === 'string')) {
      return parsed as string[];
    }
  } catch {
    // fall through to the error reply
  }
  return undefined;
}

function tickers(symbols: string[], view: ExchangeView): HttpReply {
  const out: Array<{ symbol: string; price: string }> = [];
  for (const symbol of symbols) {
    const pair = view.resolve(symbol);
    const price = pair && view.priceField(pair);
    if (price === undefined) return INVALID_SYMBOL;
    out.push({ symbol, price });
  }
  return { status: 200, body: out };
}

export const sim = {
  kind: 'http',
  name: 'binance_api',
  offsetBps: 2,
  endpointPath: '/api/v3/ticker/price?symbols=%s%s%s',
  resolve: (symbol, known) => splitJoined(symbol, known),
  symbols: (assets) => listPairs(assets).map((p) => p.base + p.quote),
  render: (value) => renderDecimal(value, 8, 8),
  handle(req, view) {
    if (req.url.pathname !== '/api/v3/ticker/price') {
      return { status: 404, body: { code: -1, msg: 'Not found.' } };
    }
    const many = req.url.searchParams.get('symbols');
    const one = req.url.searchParams.get('symbol');
    if (many !== null) {
      const symbols = parseSymbols(many);
      if (symbols === undefined) {
        return { status: 400, body: { code: -1100, msg: "Illegal characters found in parameter 'symbols'." } };
      }
      return tickers(symbols, view);
    }
    if (one !== null) {
      const reply = tickers([one], view);
      return Array.isArray(reply.body) ? { status: 200, body: reply.body[0] } : reply;
    }
    return tickers(view.symbols(), view);
  },
} satisfies HttpSimExchange;
