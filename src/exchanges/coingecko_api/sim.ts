/**
 * coingecko_api: GET /api/v3/simple/price (CoinGecko "Coin Price by IDs").
 * Docs: https://docs.coingecko.com/v3.0.1/reference/simple-price
 * - `ids` (coin ids) and `vs_currencies` are comma-separated; the answer is the full cross
 *   product as a nested object {id: {vs: number}} with JSON **numbers**; unknown ids and
 *   unknown currencies are left out (an answer of {} when nothing is known).
 * - A missing `vs_currencies` answers 400 {"error":"Missing parameter vs_currencies"};
 *   a missing `ids` answers {}. GET /api/v3/ping answers {"gecko_says":"(V3) To the Moon!"}.
 * - Prices: 12 significant digits (as if `precision` were honoured up to a double's worth);
 *   under `bad-price` the value is the string "abc" instead of a number.
 * - The real API takes an optional key header (x-cg-pro-api-key / x-cg-demo-api-key). The
 *   simulator does not check it: its request contract (types.ts HttpRequest) carries no
 *   headers.
 * Symbols: `<coin-id>/<vs>`. Coin ids: an explicit table (bitcoin → BTC, ... dogecoin →
 * DOGE). vs currencies: usd, btc, eth (CoinGecko has no usdt or usdc vs currency).
 */
import { renderDecimal } from '../../sim/symbols.js';
import type { Pair } from '../../sim/symbols.js';
import type { ExchangeView, HttpReply, HttpSimExchange } from '../../sim/types.js';

/** CoinGecko coin id → book asset. */
const COINS: Readonly<Record<string, string>> = {
  bitcoin: 'BTC',
  ethereum: 'ETH',
  solana: 'SOL',
  tether: 'USDT',
  'usd-coin': 'USDC',
  cosmos: 'ATOM',
  osmosis: 'OSMO',
  celestia: 'TIA',
  'dydx-chain': 'DYDX',
  dogecoin: 'DOGE',
};

/** vs_currency → book asset. */
const VS: Readonly<Record<string, string>> = { usd: 'USD', btc: 'BTC', eth: 'ETH' };

function pairOf(id: string, vs: string, known: (asset: string) => boolean): Pair | undefined {
  const base = Object.hasOwn(COINS, id) ? COINS[id] : undefined;
  const quote = Object.hasOwn(VS, vs) ? VS[vs] : undefined;
  if (base === undefined || quote === undefined || base === quote || !known(base)) return undefined;
  return { base, quote };
}

function list(raw: string | null): string[] {
  return (raw ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
}

function prices(req: URL, view: ExchangeView): HttpReply {
  const vsRaw = req.searchParams.get('vs_currencies');
  if (vsRaw === null || vsRaw === '') return { status: 400, body: { error: 'Missing parameter vs_currencies' } };
  const body: Record<string, Record<string, number | string>> = {};
  for (const id of new Set(list(req.searchParams.get('ids')))) {
    for (const vs of new Set(list(vsRaw))) {
      const pair = view.resolve(`${id}/${vs}`);
      const field = pair && view.priceField(pair);
      if (field === undefined) continue;
      const value = Number(field);
      (body[id] ??= {})[vs] = Number.isFinite(value) ? value : field;
    }
  }
  return { status: 200, body };
}

export const sim = {
  kind: 'http',
  name: 'coingecko_api',
  offsetBps: 0,
  endpointPath: '/api/v3',
  resolve: (symbol, known) => {
    const [id = '', vs = '', ...extra] = symbol.split('/');
    return extra.length === 0 ? pairOf(id, vs.toLowerCase(), known) : undefined;
  },
  symbols: (assets) =>
    Object.entries(COINS)
      .filter(([, asset]) => assets.includes(asset))
      .flatMap(([id, asset]) => Object.entries(VS).filter(([, quote]) => quote !== asset).map(([vs]) => `${id}/${vs}`)),
  render: (value) => renderDecimal(value, 12, 0),
  handle(req, view) {
    if (req.url.pathname === '/api/v3/simple/price') return prices(req.url, view);
    if (req.url.pathname === '/api/v3/ping') return { status: 200, body: { gecko_says: '(V3) To the Moon!' } };
    return { status: 404, body: { error: 'Not Found' } };
  },
} satisfies HttpSimExchange;
