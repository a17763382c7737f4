/**
 * coinmarketcap_api: GET /v2/cryptocurrency/quotes/latest?id=1,1027 (CoinMarketCap
 * "Quotes Latest v2").
 * Docs: https://coinmarketcap.com/api/documentation/v1/#operation/getV2CryptocurrencyQuotesLatest
 * - Answers {data: {"<id>": {id, name, symbol, slug, ..., quote: {USD: {price: number, ...}}}},
 *   status: {timestamp, error_code: 0, error_message: null, elapsed, credit_count, notice}}.
 * - Unknown ids are skipped (the v2 endpoint's `skip_invalid`, default true); with
 *   `skip_invalid=false`, or when no id is known, it answers 400 with
 *   status.error_code 400 and `Invalid value for "id": "<ids>"`. No `id` answers 400.
 * - Fault `error-ack` answers HTTP 200 with status.error_code 1008 ("You've exceeded your
 *   API Key's HTTP request rate limit") and no `data`: the in-body API error the adapter
 *   must honour.
 * - Prices: JSON numbers with 12 significant digits; under `bad-price` the string "abc".
 * - The real API requires the X-CMC_PRO_API_KEY header. The simulator accepts every
 *   request: its request contract (types.ts HttpRequest) carries no headers to check.
 * Symbols: the numeric CMC id, from an explicit table (1 BTC, 1027 ETH, 5426 SOL, 825 USDT,
 * 3408 USDC, 3794 ATOM, 12220 OSMO, 22861 TIA, 28324 DYDX, 74 DOGE), always against USD.
 */
import { renderDecimal } from '../../sim/symbols.js';
import type { ExchangeView, HttpReply, HttpSimExchange } from '../../sim/types.js';

interface Coin {
  asset: string;
  name: string;
  slug: string;
}

const COINS: Readonly<Record<string, Coin>> = {
  '1': { asset: 'BTC', name: 'Bitcoin', slug: 'bitcoin' },
  '1027': { asset: 'ETH', name: 'Ethereum', slug: 'ethereum' },
  '5426': { asset: 'SOL', name: 'Solana', slug: 'solana' },
  '825': { asset: 'USDT', name: 'Tether USDt', slug: 'tether' },
  '3408': { asset: 'USDC', name: 'USDC', slug: 'usd-coin' },
  '3794': { asset: 'ATOM', name: 'Cosmos', slug: 'cosmos' },
  '12220': { asset: 'OSMO', name: 'Osmosis', slug: 'osmosis' },
  '22861': { asset: 'TIA', name: 'Celestia', slug: 'celestia' },
  '28324': { asset: 'DYDX', name: 'dYdX', slug: 'dydx-chain' },
  '74': { asset: 'DOGE', name: 'Dogecoin', slug: 'dogecoin' },
};

const coin = (id: string): Coin | undefined => (Object.hasOwn(COINS, id) ? COINS[id] : undefined);

function status(now: number, errorCode = 0, errorMessage: string | null = null): object {
  return { timestamp: new Date(now).toISOString(), error_code: errorCode, error_message: errorMessage, elapsed: 1, credit_count: 1, notice: null };
}

function entry(id: string, c: Coin, view: ExchangeView): object | undefined {
  const pair = { base: c.asset, quote: 'USD' };
  const last = view.price(pair);
  const field = view.priceField(pair);
  if (last === undefined || field === undefined) return undefined;
  const updated = new Date(view.now()).toISOString();
  const price = Number.isFinite(Number(field)) ? Number(field) : field;
  return {
    id: Number(id),
    name: c.name,
    symbol: c.asset,
    slug: c.slug,
    is_active: 1,
    is_fiat: 0,
    last_updated: updated,
    quote: {
      USD: {
        price,
        volume_24h: Number(view.render(last * 1e6)),
        percent_change_1h: 0.1,
        percent_change_24h: 1.01,
        market_cap: Number(view.render(last * 1e8)),
        last_updated: updated,
      },
    },
  };
}

function quotes(url: URL, view: ExchangeView): HttpReply {
  const raw = url.searchParams.get('id');
  const now = view.now();
  const invalid = (ids: string): HttpReply => ({ status: 400, body: { status: status(now, 400, `Invalid value for "id": "${ids}"`) } });
  if (raw === null || raw === '') return { status: 400, body: { status: status(now, 400, '"value" must contain at least one of [id, symbol, slug]') } };
  if (view.fault().mode === 'error-ack') {
    return { status: 200, body: { status: status(now, 1008, "You've exceeded your API Key's HTTP request rate limit. Rate limits reset every minute.") } };
  }
  const ids = [...new Set(raw.split(',').map((s) => s.trim()))];
  const data: Record<string, object> = {};
  const unknown: string[] = [];
  for (const id of ids) {
    const c = coin(id);
    const body = c && entry(id, c, view);
    if (body === undefined) unknown.push(id);
    else data[id] = body;
  }
  if (Object.keys(data).length === 0 || (unknown.length > 0 && url.searchParams.get('skip_invalid') === 'false')) return invalid(unknown.join(','));
  return { status: 200, body: { data, status: status(now) } };
}

export const sim = {
  kind: 'http',
  name: 'coinmarketcap_api',
  offsetBps: 1,
  endpointPath: '',
  resolve: (symbol, known) => {
    const c = coin(symbol);
    return c && known(c.asset) ? { base: c.asset, quote: 'USD' } : undefined;
  },
  symbols: (assets) => Object.entries(COINS).filter(([, c]) => assets.includes(c.asset)).map(([id]) => id),
  render: (value) => renderDecimal(value, 12, 0),
  handle(req, view) {
    if (req.url.pathname === '/v2/cryptocurrency/quotes/latest') return quotes(req.url, view);
    return { status: 404, body: { status: status(view.now(), 404, 'Not found') } };
  },
} satisfies HttpSimExchange;
