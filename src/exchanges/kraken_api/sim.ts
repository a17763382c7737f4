/**
 * kraken_api: GET /0/public/Ticker?pair=A,B (Kraken spot "Get Ticker Information").
 * Docs: https://docs.kraken.com/api/docs/rest-api/get-ticker-information
 * - Answers HTTP 200 always; failures are in `error` (["EQuery:Unknown asset pair"] when
 *   any requested pair is unknown, with no `result`).
 * - `result` is keyed by Kraken's canonical pair key whatever spelling was asked for:
 *   `pair=XBTUSD` answers `XXBTZUSD`. Both the key and the altname are accepted.
 * - All numbers are strings except `t` (trade counts). Price = `c[0]`; 8 significant
 *   digits, at least 5 decimals ("64547.2" → "64547.20000"). No `pair` lists everything.
 * Kraken's own asset names differ (XBT for BTC, XDG for DOGE), so the table is explicit.
 */
import { renderDecimal } from '../../sim/symbols.js';
import type { Pair } from '../../sim/symbols.js';
import type { ExchangeView, HttpSimExchange } from '../../sim/types.js';

interface KrakenPair {
  key: string;
  alt: string;
  pair: Pair;
}

const p = (key: string, alt: string, base: string, quote: string): KrakenPair => ({ key, alt, pair: { base, quote } });

/** Canonical key, altname, book pair. */
const PAIRS: readonly KrakenPair[] = [
  p('XXBTZUSD', 'XBTUSD', 'BTC', 'USD'),
  p('XETHZUSD', 'ETHUSD', 'ETH', 'USD'),
  p('SOLUSD', 'SOLUSD', 'SOL', 'USD'),
  p('USDTZUSD', 'USDTUSD', 'USDT', 'USD'),
  p('USDCUSD', 'USDCUSD', 'USDC', 'USD'),
  p('ATOMUSD', 'ATOMUSD', 'ATOM', 'USD'),
  p('OSMOUSD', 'OSMOUSD', 'OSMO', 'USD'),
  p('TIAUSD', 'TIAUSD', 'TIA', 'USD'),
  p('DYDXUSD', 'DYDXUSD', 'DYDX', 'USD'),
  p('XDGUSD', 'XDGUSD', 'DOGE', 'USD'),
  p('XBTUSDT', 'XBTUSDT', 'BTC', 'USDT'),
  p('ETHUSDT', 'ETHUSDT', 'ETH', 'USDT'),
  p('SOLUSDT', 'SOLUSDT', 'SOL', 'USDT'),
  p('XBTUSDC', 'XBTUSDC', 'BTC', 'USDC'),
  p('ETHUSDC', 'ETHUSDC', 'ETH', 'USDC'),
  p('XETHXXBT', 'ETHXBT', 'ETH', 'BTC'),
  p('SOLXBT', 'SOLXBT', 'SOL', 'BTC'),
];

function lookup(symbol: string): KrakenPair | undefined {
  const upper = symbol.toUpperCase();
  return PAIRS.find((k) => k.key === upper || k.alt === upper);
}

function ticker(entry: KrakenPair, view: ExchangeView): object | undefined {
  const last = view.price(entry.pair);
  const field = view.priceField(entry.pair);
  if (last === undefined || field === undefined) return undefined;
  const r = (x: number): string => view.render(x);
  return {
    a: [r(last * 1.00005), '1', '1.000'],
    b: [r(last * 0.99995), '2', '2.000'],
    c: [field, '0.01000000'],
    v: ['1234.56789000', '2345.67890000'],
    p: [r(last * 0.999), r(last * 1.001)],
    t: [25646, 28278],
    l: [r(last * 0.97), r(last * 0.97)],
    h: [r(last * 1.03), r(last * 1.03)],
    o: r(last * 0.995),
  };
}

export const sim = {
  kind: 'http',
  name: 'kraken_api',
  offsetBps: -3,
  endpointPath: '/0/public/Ticker?pair=%s',
  resolve: (symbol, known) => {
    const entry = lookup(symbol);
    return entry && known(entry.pair.base) && known(entry.pair.quote) ? entry.pair : undefined;
  },
  symbols: () => PAIRS.map((k) => k.key),
  render: (value) => renderDecimal(value, 8, 5),
  handle(req, view) {
    if (req.url.pathname !== '/0/public/Ticker') {
      return { status: 404, body: { error: ['EGeneral:Unknown method'] } };
    }
    const raw = req.url.searchParams.get('pair');
    const asked = raw === null || raw === '' ? PAIRS.map((k) => k.key) : raw.split(',');
    const result: Record<string, object> = {};
    for (const symbol of asked) {
      const entry = view.resolve(symbol.trim()) ? lookup(symbol.trim()) : undefined;
      const body = entry && ticker(entry, view);
      if (entry === undefined || body === undefined) {
        return { status: 200, body: { error: ['EQuery:Unknown asset pair'] } };
      }
      result[entry.key] = body;
    }
    return { status: 200, body: { error: [], result } };
  },
} satisfies HttpSimExchange;
